import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repository';
import { actorOf } from '../auth/user';
import { AppError, fieldProblems, type FieldProblem } from '../errors';
import { PIN_PATTERN } from '../hotline/sms-command';
import { hasTriggerPin, setTriggerPinHash } from '../hotline/sms-command.repository';
import { COMMS_ROLES } from '../incidents/team-alert';
import type { TeamMember } from '../roster/team-member';
import { getTeamMember } from '../roster/team-member.repository';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access } from './access';
import { memberEditView } from './views/roster.view';
import { pinSection } from './views/roster-pin.view';

/** Hashes and checks SMS trigger PINs; the PasswordHasher (scrypt) is one. */
export interface PinHasher {
  hash(pin: string): Promise<string>;
  verify(stored: string, pin: string): Promise<boolean>;
}

export interface RosterPinRoutesDeps {
  db: Kysely<Database>;
  access: Access;
  brand: string;
  pins: PinHasher;
}

const idParam = z.object({ id: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).max(2 ** 31, { error: 'is too large' }) });
const digits = z.string({ error: 'is required' }).regex(PIN_PATTERN, { error: 'must be 4 to 12 digits' });
const pinForm = z.discriminatedUnion('action', [
  z.object({ action: z.literal('set'), pin: digits, confirm: z.string({ error: 'is required' }) })
    .refine((f) => f.pin === f.confirm, { path: ['confirm'], error: 'does not match the PIN' }),
  z.object({ action: z.literal('remove') }),
], { error: 'must be set or remove' });

export const mayTrigger = (m: TeamMember) => COMMS_ROLES.includes(m.role.toLowerCase());

/** The roster's SMS trigger PINs: one per member, stored as a scrypt hash, every change audited. */
export function rosterPinRoutes(deps: RosterPinRoutesDeps): Router {
  const router = Router();
  const { access, db } = deps;

  router.post('/members/:id/pin', access.allow(rules.need('contacts:write')), async (req, res) => {
    const { id } = idParam.parse(req.params);
    const member = await getTeamMember(db, id);
    if (!member) throw new AppError('not_found', `No team member ${id}.`, [{ field: 'id', message: 'no team member with this id' }]);
    const refuse = async (list: FieldProblem[]) => {
      const c = { brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) };
      const pin = pinSection(c.csrf, member, { hasPin: await hasTriggerPin(db, id), mayTrigger: mayTrigger(member), problems: list });
      res.status(400).type('html').send(memberEditView(c, member, {}, pin));
    };
    const parsed = pinForm.safeParse({ action: 'set', ...(req.body ?? {}) });
    if (!parsed.success) return refuse(fieldProblems(parsed.error.issues));
    if (parsed.data.action === 'set' && !mayTrigger(member)) return refuse([{ field: 'pin', message: `a ${member.role} cannot trigger a notice by text; only owner, comms and comms lead` }]);
    const hash = parsed.data.action === 'set' ? await deps.pins.hash(parsed.data.pin) : null;
    await db.transaction().execute(async (tx) => {
      await setTriggerPinHash(tx, id, hash);
      await recordAudit(tx, { actor: actorOf(principalOf(req)), action: hash ? 'roster.trigger_pin_set' : 'roster.trigger_pin_removed', subject: `team-member:${id}`, detail: { key: member.key } });
    });
    res.redirect(303, `/console/roster/members/${id}#pin`);
  });

  return router;
}
