import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { isRole, type Role } from './roles';
import { digest, newSecret } from './secrets';

type Db = Kysely<Database> | Transaction<Database>;

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  /** The first characters, enough to recognise a token without revealing it. */
  prefix: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const TOKEN_PREFIX = 'crier_';

/** Creates a token; the secret is returned this once and only its digest is kept. */
export async function insertApiToken(db: Db, input: { name: string; role: Role; createdBy: string; now: number }): Promise<{ token: ApiToken; secret: string }> {
  const secret = newSecret(TOKEN_PREFIX);
  const row = await db.insertInto('api_tokens').values({
    name: input.name, role: input.role, token_hash: digest(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
    created_by: input.createdBy, created_at: input.now,
  }).returningAll().executeTakeFirstOrThrow();
  return { token: toToken(row), secret };
}

/** The live token for a presented secret; marks it used (at most once a minute). */
export async function useApiToken(db: Db, secret: string, now: number): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', digest(secret)).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  if (row.last_used_at === null || now - row.last_used_at > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    row.last_used_at = now;
  }
  return toToken(row);
}

export async function listApiTokens(db: Db): Promise<ApiToken[]> {
  return (await db.selectFrom('api_tokens').selectAll().orderBy('id', 'desc').execute()).map(toToken);
}

export async function revokeApiToken(db: Db, id: number, now: number): Promise<ApiToken | undefined> {
  const row = await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst();
  return row && toToken(row);
}

function toToken(row: { id: number; name: string; role: string; prefix: string; created_by: string; created_at: number; last_used_at: number | null; revoked_at: number | null }): ApiToken {
  return {
    id: row.id, name: row.name, role: isRole(row.role) ? row.role : 'staff', prefix: row.prefix, createdBy: row.created_by,
    createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at,
  };
}
