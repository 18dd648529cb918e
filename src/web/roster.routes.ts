import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import { actorOf } from '../auth/user';
import { normalizePhone } from '../contacts/phone';
import { AppError, fieldProblems, type FieldProblem } from '../errors';
import { toList } from '../form-list';
import { KEY_PATTERN } from '../import/import-schema';
import { createFailureType, getFailureType, getFailureTypeByKey, listFailureTypes } from '../roster/failure-type.repository';
import { listResponders, replaceResponders } from '../roster/responder.repository';
import type { TeamMember } from '../roster/team-member';
import { createTeamMember, deleteTeamMember, getTeamMember, getTeamMemberByKey, listTeamMembers, updateTeamMember } from '../roster/team-member.repository';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import type { ConsoleContext } from './views/console.view';
import { memberEditView, rosterView, ROSTER_ROLES, type RosterState } from './views/roster.view';
import { pinSection } from './views/roster-pin.view';
import { mayTrigger } from './roster-pin.routes';
import { hasTriggerPin } from '../hotline/sms-command.repository';

export interface RosterRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  /** Country of phone numbers written without +country code (DEFAULT_PHONE_COUNTRY). */
  defaultPhoneCountry: string;
}

const SLACK_ID = /^[CDGUW][A-Z0-9]{8,}$/;
const MEMBER_FIELDS = ['key', 'name', 'role', 'email', 'altEmail', 'phone', 'altPhone', 'slack', 'isBackup'] as const;
const FAILURE_TYPE_FIELDS = ['key', 'name', 'description'] as const;

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const text = (max: number) => z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') }).trim()
  .min(1, { error: 'is required' }).max(max, { error: `must be at most ${max} characters` });
const key = () => text(64).regex(KEY_PATTERN, { error: 'must be 1-64 lowercase letters, digits, ".", "_" or "-"' });
/** A blank optional field is absent: the member has no such address. */
const blankIsNone = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), inner.optional());
const email = () => blankIsNone(z.string({ error: 'must be text' }).trim().toLowerCase().max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address, such as ops@example.com' })));
const phone = (country: string) => blankIsNone(z.string({ error: 'must be text' }).max(40, { error: 'must be at most 40 characters' }).transform((raw, ctx) => {
  const check = normalizePhone(raw, country);
  if (check.ok) return check.e164;
  ctx.addIssue({ code: 'custom', message: check.reason });
  return z.NEVER;
}));
const slack = () => blankIsNone(z.string({ error: 'must be text' }).trim()
  .regex(SLACK_ID, { error: 'must be a Slack member id, such as U0EXAMPLE1' }));

function memberForm(country: string) {
  return z.object({
    name: text(100),
    role: z.enum(ROSTER_ROLES, { error: `must be one of ${ROSTER_ROLES.join(', ')}` }),
    email: email(),
    altEmail: email(),
    phone: phone(country),
    altPhone: phone(country),
    slack: slack(),
    isBackup: z.preprocess((v) => (v === undefined ? 'off' : v), z.enum(['on', 'off'], { error: 'must be on or absent' })),
  }).refine((m) => m.email !== undefined || m.phone !== undefined || m.slack !== undefined, {
    path: ['email'], message: 'needs at least one of email, phone or Slack, so they can be reached',
  });
}

const failureTypeForm = z.object({
  key: key(),
  name: text(100),
  description: z.string({ error: 'must be text' }).trim().max(500, { error: 'must be at most 500 characters' }).default(''),
});

const respondersForm = z.object({
  responders: z.preprocess(
    (v) => toList(v).filter((x) => x !== ''),
    z.array(z.coerce.number({ error: 'must be member ids' }).int({ error: 'must be member ids' }).positive({ error: 'must be member ids' }).max(2 ** 31, { error: 'must be member ids' }), { error: 'must be a list of member ids' })
      .max(20, { error: 'at most 20 responders' })
      .refine((ids) => new Set(ids).size === ids.length, { error: 'lists a member more than once' }),
  ),
});

/** What was typed, kept as text so a refused form comes back as the person left it. */
function typed(body: unknown, fields: readonly string[]): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, typeof b[f] === 'string' ? (b[f] as string).slice(0, 500) : '']));
}

const none = <T>(v: T | undefined): T | null => v ?? null;

/** The team roster: who is on the team, how to reach them, and who fixes which failure. */
export function rosterRoutes(deps: RosterRoutesDeps): Router {
  const router = Router();
  const { access, db } = deps;
  const allow = access.allow;
  const ctx = (req: Request, res: Response): ConsoleContext => ({ brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) });
  const send = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);
  const member = memberForm(deps.defaultPhoneCountry);

  async function roster() {
    const members = await listTeamMembers(db);
    const failureTypes = await Promise.all((await listFailureTypes(db)).map(async (failureType) => ({ failureType, responders: await listResponders(db, failureType.id) })));
    return { members, failureTypes };
  }

  async function memberOr404(id: number): Promise<TeamMember> {
    const found = await getTeamMember(db, id);
    if (!found) throw new AppError('not_found', `No team member ${id}.`, [{ field: 'id', message: 'no team member with this id' }]);
    return found;
  }

  const showRoster = async (req: Request, res: Response, status: number, state: RosterState = {}) => send(res, status, rosterView(ctx(req, res), await roster(), state));

  router.get('/', allow(rules.need('incidents:read')), async (req, res) => {
    await showRoster(req, res, 200);
  });

  router.post('/members', allow(rules.need('contacts:write')), async (req, res) => {
    const values = typed(req.body, MEMBER_FIELDS);
    const refuse = (status: number, list: FieldProblem[]) => showRoster(req, res, status, { form: 'member', problems: list, values });
    const k = key().safeParse((req.body as Record<string, unknown> | undefined)?.key);
    const parsed = member.safeParse(req.body ?? {});
    const issues = [...(k.success ? [] : fieldProblems(k.error.issues.map((i) => ({ ...i, path: ['key'] })))), ...(parsed.success ? [] : fieldProblems(parsed.error.issues))];
    if (!k.success || !parsed.success) return refuse(400, issues);
    const m = parsed.data;
    const created = await db.transaction().execute(async (tx) => {
      if (await getTeamMemberByKey(tx, k.data)) return undefined;
      const made = await createTeamMember(tx, {
        key: k.data, name: m.name, role: m.role, email: none(m.email), altEmail: none(m.altEmail), phone: none(m.phone), altPhone: none(m.altPhone), slack: none(m.slack), isBackup: m.isBackup === 'on',
      });
      await recordAudit(tx, { actor: actorOf(principalOf(req)), action: 'roster.member_added', subject: `team-member:${made.id}`, detail: { key: made.key, name: made.name, role: made.role } });
      return made;
    });
    if (!created) return refuse(409, [{ field: 'key', message: `a team member with key "${k.data}" already exists` }]);
    res.redirect(303, '/console/roster');
  });

  router.get('/members/:id', allow(rules.need('contacts:write')), async (req, res) => {
    const found = await memberOr404(idParam.parse(req.params).id);
    const c = ctx(req, res);
    send(res, 200, memberEditView(c, found, {}, pinSection(c.csrf, found, { hasPin: await hasTriggerPin(db, found.id), mayTrigger: mayTrigger(found) })));
  });

  router.post('/members/:id', allow(rules.need('contacts:write')), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const found = await memberOr404(id);
    const parsed = member.safeParse(req.body ?? {});
    if (!parsed.success) return send(res, 400, memberEditView(ctx(req, res), found, { problems: fieldProblems(parsed.error.issues), values: typed(req.body, MEMBER_FIELDS) }));
    const m = parsed.data;
    const changed = await db.transaction().execute(async (tx) => {
      const after = await updateTeamMember(tx, id, {
        name: m.name, role: m.role, email: none(m.email), altEmail: none(m.altEmail), phone: none(m.phone), altPhone: none(m.altPhone), slack: none(m.slack), isBackup: m.isBackup === 'on',
      });
      if (!after) return undefined;
      const fields = (['name', 'role', 'email', 'altEmail', 'phone', 'altPhone', 'slack', 'isBackup'] as const).filter((f) => found[f] !== after[f]);
      await recordAudit(tx, { actor: actorOf(principalOf(req)), action: 'roster.member_changed', subject: `team-member:${id}`, detail: { key: after.key, fields } });
      return after;
    });
    if (!changed) throw new AppError('not_found', `No team member ${id}.`, [{ field: 'id', message: 'no team member with this id' }]);
    res.redirect(303, '/console/roster');
  });

  router.post('/members/:id/delete', allow(rules.need('contacts:write')), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const removed = await db.transaction().execute(async (tx) => {
      const found = await getTeamMember(tx, id);
      if (!found || !(await deleteTeamMember(tx, id))) return false;
      await recordAudit(tx, { actor: actorOf(principalOf(req)), action: 'roster.member_removed', subject: `team-member:${id}`, detail: { key: found.key, name: found.name, role: found.role } });
      return true;
    });
    if (!removed) throw new AppError('not_found', `No team member ${id}.`, [{ field: 'id', message: 'no team member with this id' }]);
    res.redirect(303, '/console/roster');
  });

  router.post('/failure-types', allow(rules.need('contacts:write')), async (req, res) => {
    const values = typed(req.body, FAILURE_TYPE_FIELDS);
    const refuse = (status: number, list: FieldProblem[]) => showRoster(req, res, status, { form: 'failureType', problems: list, values });
    const parsed = failureTypeForm.safeParse(req.body ?? {});
    if (!parsed.success) return refuse(400, fieldProblems(parsed.error.issues));
    const f = parsed.data;
    const created = await db.transaction().execute(async (tx) => {
      if (await getFailureTypeByKey(tx, f.key)) return undefined;
      const made = await createFailureType(tx, f);
      await recordAudit(tx, { actor: actorOf(principalOf(req)), action: 'roster.failure_type_added', subject: `failure-type:${made.key}`, detail: { name: made.name } });
      return made;
    });
    if (!created) return refuse(409, [{ field: 'key', message: `a failure type with key "${f.key}" already exists` }]);
    res.redirect(303, '/console/roster');
  });

  router.post('/failure-types/:id/responders', allow(rules.need('contacts:write')), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const failureType = await getFailureType(db, id);
    if (!failureType) throw new AppError('not_found', `No failure type ${id}.`, [{ field: 'id', message: 'no failure type with this id' }]);
    const refuse = (list: FieldProblem[]) => showRoster(req, res, 400, { form: `responders:${id}`, problems: list });
    const parsed = respondersForm.safeParse(req.body ?? {});
    if (!parsed.success) return refuse(fieldProblems(parsed.error.issues));
    const ids = parsed.data.responders;
    const done = await db.transaction().execute(async (tx) => {
      const known = ids.length === 0 ? [] : await tx.selectFrom('team_members').select(['id', 'key']).where('id', 'in', ids).execute();
      const unknown = ids.filter((m) => !known.some((k) => k.id === m));
      if (unknown.length > 0) return unknown;
      await replaceResponders(tx, id, ids);
      const keys = ids.map((m) => known.find((k) => k.id === m)?.key);
      await recordAudit(tx, { actor: actorOf(principalOf(req)), action: 'roster.responders_set', subject: `failure-type:${failureType.key}`, detail: { responders: keys } });
      return [];
    });
    if (done.length > 0) return refuse([{ field: 'responders', message: `no team member with id ${done.join(', ')}` }]);
    res.redirect(303, '/console/roster');
  });

  return router;
}
