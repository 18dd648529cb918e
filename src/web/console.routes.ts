import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Accounts } from '../auth/accounts.service';
import { roleSchema } from '../auth/roles';
import { listAudit } from '../audit/audit.repository';
import { AppError, fieldProblems } from '../errors';
import { listIncidents } from '../incidents/incident.repository';
import { openCommitments } from '../followup/commitment.repository';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import { loadFollowThrough } from './follow-through';
import { auditView, homeView, tokensView, usersView, type ConsoleContext } from './views/console.view';
import { overduePromises } from './views/followup.view';

export interface ConsoleRoutesDeps {
  db: Kysely<Database>;
  accounts: Accounts;
  access: Access;
  brand: string;
  publicUrl(): string;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const inviteForm = z.object({
  email: z.string({ error: 'is required' }).trim().pipe(z.email({ error: 'must be an email address' }).max(254, { error: 'must be at most 254 characters' })),
  role: roleSchema,
});
const roleForm = z.object({ role: roleSchema });
const tokenForm = z.object({
  name: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(80, { error: 'must be at most 80 characters' }),
  role: roleSchema,
});
export const auditQuery = z.object({
  actor: z.string().trim().max(100, { error: 'must be at most 100 characters' }).optional(),
  action: z.string().trim().max(100, { error: 'must be at most 100 characters' }).optional(),
  subject: z.string().trim().max(200, { error: 'must be at most 200 characters' }).optional(),
  before: z.coerce.number({ error: 'must be an entry id' }).int({ error: 'must be an entry id' }).positive({ error: 'must be an entry id' }).optional(),
});

export function parseAuditQuery(query: unknown) {
  const q = auditQuery.parse(query);
  const blank = (v: string | undefined) => (v ? v : undefined);
  return { actor: blank(q.actor), action: blank(q.action), subject: blank(q.subject), beforeId: q.before };
}

/** The owner's console: people, API tokens and the audit log; the home page for every role. */
export function consoleRoutes(deps: ConsoleRoutesDeps): Router {
  const router = Router();
  const { access, accounts } = deps;
  const allow = access.allow;
  const ctx = (req: Request, res: Response): ConsoleContext => {
    if (!req.principal) throw new AppError('unauthorized', 'Sign in first.');
    return { brand: deps.brand, principal: req.principal, csrf: access.csrfToken(req, res) };
  };
  const id = (req: Request) => idParam.parse(req.params).id;
  const html = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);

  router.get('/', allow(rules.need('incidents:read')), async (req, res) => {
    const open = (await listIncidents(deps.db, { limit: 50 })).filter((i) => i.resolvedAt === null);
    const now = Date.now();
    const c = ctx(req, res);
    const disabled = await deps.db.selectFrom('subscriptions').innerJoin('addresses', 'addresses.id', 'subscriptions.address_id')
      .select(['addresses.address as url', 'subscriptions.disabled_at as disabledAt', 'subscriptions.disabled_reason as reason'])
      .where('subscriptions.disabled_at', 'is not', null).orderBy('subscriptions.disabled_at', 'desc').limit(50).execute();
    html(res, 200, homeView(c, open, await loadFollowThrough(deps.db, c), overduePromises(c, await openCommitments(deps.db, { dueBy: now }), now), disabled.map((d) => ({ ...d, disabledAt: Number(d.disabledAt) }))));
  });

  router.get('/users', allow(rules.need('users:manage')), async (req, res) => {
    html(res, 200, usersView(ctx(req, res), await accounts.users(), Date.now()));
  });

  router.post('/users', allow(rules.need('users:manage')), async (req, res) => {
    const values = { email: String((req.body as Record<string, unknown>)?.email ?? '').slice(0, 254), role: String((req.body as Record<string, unknown>)?.role ?? '') };
    const parsed = inviteForm.safeParse(req.body);
    if (!parsed.success) return html(res, 400, usersView(ctx(req, res), await accounts.users(), Date.now(), { problems: fieldProblems(parsed.error.issues), values }));
    try {
      const { token } = await accounts.invite(principalOf(req), parsed.data);
      return html(res, 201, usersView(ctx(req, res), await accounts.users(), Date.now(), { inviteUrl: `${deps.publicUrl()}/invite/${token}`, inviteEmail: parsed.data.email }));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
      return html(res, err.status, usersView(ctx(req, res), await accounts.users(), Date.now(), { problems: err.details, values }));
    }
  });

  router.post('/users/:id/role', allow(rules.need('users:manage')), async (req, res) => {
    const { role } = roleForm.parse(req.body);
    await accounts.changeRole(principalOf(req), id(req), role);
    res.redirect(303, '/console/users');
  });

  router.post('/users/:id/unlock', allow(rules.need('users:manage')), async (req, res) => {
    await accounts.unlock(principalOf(req), id(req));
    res.redirect(303, '/console/users');
  });

  router.post('/users/:id/disable', allow(rules.need('users:manage')), async (req, res) => {
    await accounts.setDisabled(principalOf(req), id(req), true);
    res.redirect(303, '/console/users');
  });

  router.post('/users/:id/enable', allow(rules.need('users:manage')), async (req, res) => {
    await accounts.setDisabled(principalOf(req), id(req), false);
    res.redirect(303, '/console/users');
  });

  router.get('/tokens', allow(rules.need('tokens:manage')), async (req, res) => {
    html(res, 200, tokensView(ctx(req, res), await accounts.tokens()));
  });

  router.post('/tokens', allow(rules.need('tokens:manage')), async (req, res) => {
    const parsed = tokenForm.safeParse(req.body);
    if (!parsed.success) {
      const b = (req.body ?? {}) as Record<string, unknown>;
      return html(res, 400, tokensView(ctx(req, res), await accounts.tokens(), { problems: fieldProblems(parsed.error.issues), values: { name: String(b.name ?? '').slice(0, 80), role: String(b.role ?? '') } }));
    }
    const { secret } = await accounts.createToken(principalOf(req), parsed.data);
    res.setHeader('Cache-Control', 'no-store');
    return html(res, 201, tokensView(ctx(req, res), await accounts.tokens(), { secret }));
  });

  router.post('/tokens/:id/revoke', allow(rules.need('tokens:manage')), async (req, res) => {
    await accounts.revokeToken(principalOf(req), id(req));
    res.redirect(303, '/console/tokens');
  });

  router.get('/audit', allow(rules.need('audit:read')), async (req, res) => {
    const parsed = auditQuery.safeParse(req.query);
    const filter = Object.fromEntries(['actor', 'action', 'subject'].map((k) => [k, typeof req.query[k] === 'string' ? (req.query[k] as string).slice(0, 200) : undefined]));
    if (!parsed.success) return html(res, 400, auditView(ctx(req, res), [], filter, fieldProblems(parsed.error.issues)));
    return html(res, 200, auditView(ctx(req, res), await listAudit(deps.db, parseAuditQuery(req.query)), filter));
  });

  return router;
}
