import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

/**
 * Bearer-token guard for the JSON API. With no token configured the API is closed, never open:
 * a fresh install must not accept broadcasts from anyone who can reach it.
 */
export function requireApiToken(token: string | undefined): RequestHandler {
  const expected = token ? crypto.createHash('sha256').update(token).digest() : undefined;
  return (req, _res, next) => {
    if (!expected) throw new AppError('forbidden', 'The API is disabled: set API_TOKEN to enable it.');
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    const digest = crypto.createHash('sha256').update(given).digest();
    if (!given || !crypto.timingSafeEqual(digest, expected)) throw new AppError('unauthorized', 'A valid API token is required (Authorization: Bearer …).');
    next();
  };
}
