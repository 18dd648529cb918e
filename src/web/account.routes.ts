import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Accounts } from '../auth/accounts.service';
import { AppError, fieldProblems, type FieldProblem } from '../errors';
import type { Access } from './access';
import { rules } from './access';
import { perMinute, type RateLimits } from './rate-limits';
import { invitePage, loginPage, setupPage } from './views/account.view';

export interface AccountRoutesDeps {
  accounts: Accounts;
  access: Access;
  brand: string;
  limits: RateLimits;
  /** Waits out the slow-down after wrong passwords (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

const email = z.email({ error: 'must be an email address' }).max(254, { error: 'must be at most 254 characters' });
const name = z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' });
const newPassword = z.string({ error: 'is required' }).min(12, { error: 'must be at least 12 characters' }).max(256, { error: 'must be at most 256 characters' });
const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'is not a valid link token' });

const loginForm = z.object({
  email: z.string({ error: 'is required' }).trim().pipe(email),
  password: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(256, { error: 'must be at most 256 characters' }),
  next: z.string().max(500).optional(),
});
const matching = (v: { password: string; confirm: string }) => v.password === v.confirm;
const confirmError = { path: ['confirm'], error: 'does not match the password' };
const setupForm = z.object({ email: z.string({ error: 'is required' }).trim().pipe(email), name, password: newPassword, confirm: z.string({ error: 'is required' }) })
  .refine(matching, confirmError);
const inviteForm = z.object({ name, password: newPassword, confirm: z.string({ error: 'is required' }) }).refine(matching, confirmError);

/** Only a path on this site, so the sign-in form cannot be used to send people elsewhere. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.includes('\\') ? next : '/console';
}

const formValues = (body: unknown, keys: string[]): Record<string, string> => {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string).slice(0, 254) : '']));
};

/** Sign-in, sign-out, first-run setup and accepting an invitation. */
export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();
  const { access, accounts, brand } = deps;
  const allow = access.allow;
  const limit = perMinute(deps.limits.login, 'sign-in');
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const signIn = (req: Request, res: Response, cookie: string, next: string) => {
    access.startSession(req, res, cookie, accounts.sessionLimits.absoluteMs);
    res.redirect(303, safeNext(next));
  };
  const linkToken = (req: Request): string => {
    const parsed = token.safeParse(req.params.token);
    if (!parsed.success) throw new AppError('not_found', 'This link is not valid.', [{ field: 'token', message: 'is not a valid link token' }]);
    return parsed.data;
  };

  router.get('/login', allow(rules.public), (req, res) => {
    if (req.principal?.kind === 'user') {
      res.redirect(303, '/console');
      return;
    }
    const next = typeof req.query.next === 'string' ? req.query.next : undefined;
    res.type('html').send(loginPage(brand, { csrf: access.csrfToken(req, res), next: next && safeNext(next) }));
  });

  router.post('/login', allow(rules.publicForm), limit, async (req, res) => {
    const show = (status: number, problems: FieldProblem[]) => res.status(status).type('html')
      .send(loginPage(brand, { csrf: access.csrfToken(req, res), problems, values: formValues(req.body, ['email']), next: formValues(req.body, ['next']).next }));
    const parsed = loginForm.safeParse(req.body);
    if (!parsed.success) return show(400, fieldProblems(parsed.error.issues));
    const result = await accounts.login(parsed.data.email, parsed.data.password, req.ip ?? '');
    if (result.ok) return signIn(req, res, result.cookie, parsed.data.next ?? '/console');
    if (result.delayMs > 0) await sleep(result.delayMs);
    if (result.reason === 'locked') {
      const until = new Date(result.lockedUntil ?? Date.now()).toISOString().slice(11, 16);
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(((result.lockedUntil ?? Date.now()) - Date.now()) / 1000))));
      return show(423, [{ field: 'email', message: `this account is locked after repeated failed sign-ins until ${until} UTC; an owner can unlock it` }]);
    }
    return show(401, [{ field: 'password', message: 'the email or password is wrong' }]);
  });

  router.post('/logout', allow(rules.signedIn), async (req, res) => {
    if (req.principal) await accounts.logout(req.principal);
    access.endSession(req, res);
    res.redirect(303, '/login');
  });

  router.get('/setup/:token', allow(rules.public), async (req, res) => {
    const t = linkToken(req);
    if (!(await accounts.setupOpen(t))) throw new AppError('not_found', 'This setup link is not valid: it was used already, or a newer one was printed at start-up.', [{ field: 'token', message: 'used, expired or replaced' }]);
    res.type('html').send(setupPage(brand, t, { csrf: access.csrfToken(req, res) }));
  });

  router.post('/setup/:token', allow(rules.publicForm), limit, async (req, res) => {
    const t = linkToken(req);
    const parsed = setupForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).type('html').send(setupPage(brand, t, { csrf: access.csrfToken(req, res), problems: fieldProblems(parsed.error.issues), values: formValues(req.body, ['name', 'email']) }));
      return;
    }
    const { cookie } = await accounts.completeSetup(t, parsed.data);
    signIn(req, res, cookie, '/console');
  });

  router.get('/invite/:token', allow(rules.public), async (req, res) => {
    const t = linkToken(req);
    const invite = await accounts.invitation(t);
    if (!invite) throw new AppError('not_found', 'This invitation is not valid: it was used already or has expired. Ask the owner for a new one.', [{ field: 'token', message: 'used, expired or unknown' }]);
    res.type('html').send(invitePage(brand, t, invite, { csrf: access.csrfToken(req, res) }));
  });

  router.post('/invite/:token', allow(rules.publicForm), limit, async (req, res) => {
    const t = linkToken(req);
    const parsed = inviteForm.safeParse(req.body);
    if (!parsed.success) {
      const invite = await accounts.invitation(t);
      if (!invite) throw new AppError('not_found', 'This invitation is not valid.', [{ field: 'token', message: 'used, expired or unknown' }]);
      res.status(400).type('html').send(invitePage(brand, t, invite, { csrf: access.csrfToken(req, res), problems: fieldProblems(parsed.error.issues), values: formValues(req.body, ['name']) }));
      return;
    }
    const { cookie } = await accounts.acceptInvite(t, parsed.data);
    signIn(req, res, cookie, '/console');
  });

  return router;
}

