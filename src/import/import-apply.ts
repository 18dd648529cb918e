import type { Transaction } from 'kysely';
import { createComponent, getComponentByKey, updateComponent } from '../components/component.repository';
import type { UpsertOutcome } from '../contacts/contact';
import { createFailureType, getFailureTypeByKey, updateFailureType } from '../roster/failure-type.repository';
import { listResponders, replaceResponders } from '../roster/responder.repository';
import { createTeamMember, getTeamMemberByKey, updateTeamMember } from '../roster/team-member.repository';
import type { Database } from '../store/schema';
import type { ComponentEntry, FailureTypeEntry, TeamMemberEntry } from './import-schema';

type Trx = Transaction<Database>;

/** Writes `wanted` over `current` when any field differs; says what happened. */
async function upsert<C extends { id: number }>(
  current: C | undefined,
  wanted: Partial<C>,
  create: () => Promise<unknown>,
  update: (id: number) => Promise<unknown>,
): Promise<UpsertOutcome> {
  if (!current) {
    await create();
    return 'created';
  }
  if ((Object.keys(wanted) as (keyof C)[]).every((k) => current[k] === wanted[k])) return 'unchanged';
  await update(current.id);
  return 'updated';
}

export async function applyTeamMember(trx: Trx, entry: TeamMemberEntry): Promise<UpsertOutcome> {
  const current = await getTeamMemberByKey(trx, entry.key);
  const wanted = {
    name: entry.name, role: entry.role, email: entry.email ?? null, phone: entry.phone ?? null, slack: entry.slack ?? null, isBackup: entry.backup,
  };
  return upsert(current, wanted, () => createTeamMember(trx, { key: entry.key, ...wanted }), (id) => updateTeamMember(trx, id, wanted));
}

export async function applyComponent(trx: Trx, entry: ComponentEntry): Promise<UpsertOutcome> {
  const current = await getComponentByKey(trx, entry.key);
  const wanted = { name: entry.name, description: entry.description };
  return upsert(current, wanted, () => createComponent(trx, { key: entry.key, ...wanted }), (id) => updateComponent(trx, id, wanted));
}

/** The failure type and its responder list, in the file's order (first = primary). */
export async function applyFailureType(trx: Trx, entry: FailureTypeEntry): Promise<UpsertOutcome> {
  const current = await getFailureTypeByKey(trx, entry.key);
  const wanted = { name: entry.name, description: entry.description };
  const outcome = await upsert(current, wanted, () => createFailureType(trx, { key: entry.key, ...wanted }), (id) => updateFailureType(trx, id, wanted));
  const failureType = current ?? (await getFailureTypeByKey(trx, entry.key));
  if (!failureType) throw new Error(`failure type ${entry.key} vanished while importing`);
  const have = (await listResponders(trx, failureType.id)).map((r) => r.member.key);
  if (have.join('\n') === entry.responders.join('\n')) return outcome;
  const ids: number[] = [];
  for (const key of entry.responders) {
    const member = await getTeamMemberByKey(trx, key);
    if (!member) throw new Error(`no team member with key "${key}"`);
    ids.push(member.id);
  }
  await replaceResponders(trx, failureType.id, ids);
  return outcome === 'created' ? 'created' : 'updated';
}
