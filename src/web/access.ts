import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookies, serialize } from 'cookie';
import type { Accounts } from '../auth/accounts.service';
import { can, type Permission } from '../auth/roles';
import type { Principal } from '../auth/user';
import { AppError } from '../errors';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** True when the request came with a session cookie (so CSRF applies), not a bearer token. */
    viaCookie?: boolean;
  }
}

/**
 * Every route states who may call it, as the first handler of the route: `allow(rule)`. The
 * auth-matrix test walks the app's routes and fails on any route without one.
 *
 * - `public`: anyone; safe methods only.
 * - `publicForm`: anyone; a POST that must carry the anonymous form token (login, setup).
 * - `exempt`: anyone; a POST that cannot carry a CSRF token (provider webhooks, one-click
 *   unsubscribe from a mail client) and proves itself another way, named in `why`.
 * - `signedIn`: any account or token.
 * - a permission: an account or token whose role has it. Cookie requests that change state
 *   must carry the session's CSRF token.
 */
export type Rule =
  | { kind: 'public' }
  | { kind: 'publicForm' }
  | { kind: 'exempt'; why: string }
  | { kind: 'signedIn' }
  | { kind: 'permission'; permission: Permission };

export type Guard = RequestHandler & { rule: Rule };
export type Allow = (rule: Rule) => Guard;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const rules = {
  public: { kind: 'public' } as Rule,
  publicForm: { kind: 'publicForm' } as Rule,
  signedIn: { kind: 'signedIn' } as Rule,
  exempt: (why: string): Rule => ({ kind: 'exempt', why }),
  need: (permission: Permission): Rule => ({ kind: 'permission', permission }),
};

export interface AccessOptions {
  accounts: Accounts;
  secret: string;
  /** Cookies get Secure (and the __Host- prefix) when the public URL is https. */
  httpsOnly: boolean;
}

export function createAccess(options: AccessOptions) {
  const formKey = crypto.createHmac('sha256', options.secret).update('crier form token').digest();
  const secure = (req: Request) => options.httpsOnly || req.secure;
  const sessionCookie = (req: Request) => (secure(req) ? '__Host-crier_session' : 'crier_session');
  const formCookie = (req: Request) => (secure(req) ? '__Host-crier_form' : 'crier_form');
  const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, secure: secure(req), path: '/' });
  const cookies = (req: Request) => parseCookies(req.get('cookie') ?? '');
  const formTokenFor = (value: string) => crypto.createHmac('sha256', formKey).update(value).digest('base64url');

  /** Finds who is asking, from a bearer token or else a session cookie. Never refuses by itself. */
  const identify: RequestHandler = async (req, _res, next) => {
    const header = req.get('authorization');
    if (header !== undefined) {
      const secret = /^Bearer ([\x21-\x7e]{16,200})$/.exec(header)?.[1];
      req.principal = secret ? await options.accounts.tokenPrincipal(secret) : undefined;
      if (!req.principal) throw new AppError('unauthorized', 'The API token is not valid (Authorization: Bearer …); it may have been revoked.', [{ field: 'authorization', message: 'unknown or revoked token' }]);
      req.viaCookie = false;
      next();
      return;
    }
    const value = cookies(req)[sessionCookie(req)];
    if (value && value.length <= 100) {
      req.principal = await options.accounts.sessionPrincipal(value);
      req.viaCookie = req.principal !== undefined;
    }
    next();
  };

  /** The CSRF token a form on this response must carry: the session's, or the anonymous form token. */
  const csrfToken = (req: Request, res: Response): string => {
    if (req.principal?.kind === 'user') return req.principal.csrfToken;
    let value = cookies(req)[formCookie(req)];
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
      value = crypto.randomBytes(32).toString('base64url');
      res.append('Set-Cookie', serialize(formCookie(req), value, cookieOptions(req)));
    }
    return formTokenFor(value);
  };

  const presentedToken = (req: Request): string => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
    return fromBody ?? req.get('x-csrf-token') ?? '';
  };

  const equal = (a: string, b: string) => {
    const x = crypto.createHash('sha256').update(a).digest();
    const y = crypto.createHash('sha256').update(b).digest();
    return crypto.timingSafeEqual(x, y) && a.length > 0;
  };

  const badCsrf = () => new AppError('forbidden', 'The form has expired or did not come from this site: reload the page and try again.', [{ field: '_csrf', message: 'missing or wrong CSRF token' }]);

  function checkSessionCsrf(req: Request): void {
    if (!UNSAFE.has(req.method) || !req.viaCookie || req.principal?.kind !== 'user') return;
    if (!equal(presentedToken(req), req.principal.csrfToken)) throw badCsrf();
  }

  function checkFormCsrf(req: Request): void {
    if (!UNSAFE.has(req.method)) return;
    const given = presentedToken(req);
    if (req.principal?.kind === 'user' && equal(given, req.principal.csrfToken)) return;
    const value = cookies(req)[formCookie(req)];
    if (!value || !equal(given, formTokenFor(value))) throw badCsrf();
  }

  function allow(rule: Rule): Guard {
    const guard: RequestHandler = (req, res, next) => {
      switch (rule.kind) {
        case 'public':
        case 'exempt':
          break;
        case 'publicForm':
          checkFormCsrf(req);
          break;
        case 'signedIn':
        case 'permission': {
          const who = req.principal;
          if (!who) {
            if (req.method === 'GET' && !req.originalUrl.startsWith('/api/') && req.accepts(['json', 'html']) === 'html') {
              res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
              return;
            }
            throw new AppError('unauthorized', 'Sign in, or send an API token (Authorization: Bearer …).', [{ field: 'authorization', message: 'no session or token' }]);
          }
          if (rule.kind === 'permission' && !can(who.role, rule.permission)) {
            throw new AppError('forbidden', `The ${who.role} role cannot do this (it needs ${rule.permission}).`, [{ field: 'role', message: `${who.role} lacks ${rule.permission}` }]);
          }
          checkSessionCsrf(req);
          break;
        }
      }
      next();
    };
    return Object.assign(guard, { rule });
  }

  function startSession(req: Request, res: Response, cookie: string, maxAgeMs: number): void {
    res.append('Set-Cookie', serialize(sessionCookie(req), cookie, { ...cookieOptions(req), maxAge: Math.floor(maxAgeMs / 1000) }));
  }

  function endSession(req: Request, res: Response): void {
    res.append('Set-Cookie', serialize(sessionCookie(req), '', { ...cookieOptions(req), maxAge: 0 }));
  }

  return { identify, allow, csrfToken, startSession, endSession };
}

export type Access = ReturnType<typeof createAccess>;

/** The caller of a route behind `signedIn` or a permission (the guard has already checked). */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'Sign in first.');
  return req.principal;
}
