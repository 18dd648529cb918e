import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import type { Role } from './roles';
import { digest, newSecret } from './secrets';

type Db = Kysely<Database> | Transaction<Database>;

export interface AccountLink {
  id: number;
  kind: 'setup' | 'invite';
  email: string | null;
  role: Role;
  createdBy: string;
  expiresAt: number;
}

/** A one-time link (setup or invitation); the token is returned once and stored as a digest. */
export async function insertLink(
  db: Db,
  input: { kind: 'setup' | 'invite'; email: string | null; role: Role; createdBy: string; now: number; ttlMs: number },
): Promise<{ link: AccountLink; token: string }> {
  const token = newSecret();
  const row = await db.insertInto('account_links').values({
    kind: input.kind, token_hash: digest(token), email: input.email, role: input.role, created_by: input.createdBy,
    created_at: input.now, expires_at: input.now + input.ttlMs,
  }).returning(['id']).executeTakeFirstOrThrow();
  return { link: { id: row.id, kind: input.kind, email: input.email, role: input.role, createdBy: input.createdBy, expiresAt: input.now + input.ttlMs }, token };
}

/** The unused, unexpired link of this kind behind a token. */
export async function findLink(db: Db, kind: 'setup' | 'invite', token: string, now: number): Promise<AccountLink | undefined> {
  const row = await db.selectFrom('account_links').selectAll().where('token_hash', '=', digest(token)).where('kind', '=', kind)
    .where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
  return row && { id: row.id, kind: row.kind, email: row.email, role: row.role as Role, createdBy: row.created_by, expiresAt: row.expires_at };
}

/** Marks a link used; false when another request used it first. */
export async function consumeLink(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db.updateTable('account_links').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends every unused link of a kind (a new setup link replaces the last one). */
export async function expireLinks(db: Db, kind: 'setup' | 'invite', now: number): Promise<void> {
  await db.updateTable('account_links').set({ expires_at: now }).where('kind', '=', kind).where('used_at', 'is', null).where('expires_at', '>', now).execute();
}
