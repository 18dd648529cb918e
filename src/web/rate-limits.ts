import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../errors';

/** Requests per minute from one client address. */
export interface RateLimits {
  /** Sign-in, setup and invitation forms (each account also slows down and locks on its own). */
  login: number;
  /** Public forms anyone can post, such as one-click unsubscribe. */
  publicForms: number;
  /** The JSON API, per client address. */
  api: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { login: 10, publicForms: 30, api: 600 };

/** A fixed-window limit per client address (req.ip, which honours TRUST_PROXY). */
export function perMinute(limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(new AppError('rate_limited', `Too many ${what} requests from this address; wait a minute and try again.`, [{ field: '(rate)', message: `more than ${limit} a minute` }]));
    },
  });
}
