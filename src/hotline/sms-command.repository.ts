import type { Kysely, Transaction } from 'kysely';
import { COMMS_ROLES } from '../incidents/team-alert';
import type { Database } from '../store/schema';

type Db = Kysely<Database> | Transaction<Database>;

export type CommandOutcome = 'sent' | 'failed' | 'unknown_number' | 'not_allowed' | 'no_pin' | 'wrong_pin' | 'locked' | 'malformed' | 'bad_component' | 'nothing_open' | 'already_open';

export interface NewCommand {
  messageSid: string;
  from: string;
  memberId: number | null;
  command: string;
  outcome: CommandOutcome;
  incidentId?: number;
  now: number;
}

/** Records a command; false when its MessageSid was already recorded (a replay), and nothing is written. */
export async function recordCommand(db: Db, c: NewCommand): Promise<boolean> {
  const row = await db.insertInto('sms_commands').values({
    message_sid: c.messageSid, from_number: c.from, team_member_id: c.memberId, command: c.command, outcome: c.outcome,
    incident_id: c.incidentId ?? null, received_at: c.now,
  }).onConflict((oc) => oc.column('message_sid').doNothing()).returning('id').executeTakeFirst();
  return row !== undefined;
}

export async function commandSeen(db: Db, messageSid: string): Promise<boolean> {
  return (await db.selectFrom('sms_commands').select('id').where('message_sid', '=', messageSid).executeTakeFirst()) !== undefined;
}

/** Wrong PINs texted from this number since `since`. */
export async function wrongPinsSince(db: Db, from: string, since: number): Promise<number> {
  const row = await db.selectFrom('sms_commands').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('from_number', '=', from).where('outcome', '=', 'wrong_pin').where('received_at', '>=', since).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TriggerMember {
  id: number;
  name: string;
  role: string;
  pinHash: string | null;
}

/** The roster members this number belongs to (phone or alternate phone), comms roles first. */
export async function membersByPhone(db: Db, phone: string): Promise<(TriggerMember & { mayTrigger: boolean })[]> {
  const rows = await db.selectFrom('team_members').select(['id', 'name', 'role', 'trigger_pin_hash'])
    .where((eb) => eb.or([eb('phone', '=', phone), eb('alt_phone', '=', phone)])).orderBy('id').execute();
  return rows
    .map((r) => ({ id: r.id, name: r.name, role: r.role, pinHash: r.trigger_pin_hash, mayTrigger: COMMS_ROLES.includes(r.role.toLowerCase()) }))
    .sort((a, b) => Number(b.mayTrigger) - Number(a.mayTrigger));
}

/** Sets or clears a member's trigger PIN hash; false when there is no such member. */
export async function setTriggerPinHash(db: Db, memberId: number, hash: string | null): Promise<boolean> {
  const result = await db.updateTable('team_members').set({ trigger_pin_hash: hash }).where('id', '=', memberId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function hasTriggerPin(db: Db, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('team_members').select('trigger_pin_hash').where('id', '=', memberId).executeTakeFirst();
  return Boolean(row?.trigger_pin_hash);
}
