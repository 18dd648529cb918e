import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { digest, newSecret } from './secrets';

type Db = Kysely<Database> | Transaction<Database>;

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export interface SessionRecord {
  id: string;
  userId: number;
  csrfToken: string;
  lastSeenAt: number;
  expiresAt: number;
}

/** A new session: the cookie value is returned once; only its digest is stored. */
export async function createSession(db: Db, userId: number, limits: SessionLimits, now: number): Promise<{ cookie: string; session: SessionRecord }> {
  const cookie = newSecret();
  const session = { id: digest(cookie), userId, csrfToken: newSecret(), lastSeenAt: now, expiresAt: now + limits.absoluteMs };
  await db.insertInto('sessions').values({
    id: session.id, user_id: userId, csrf_token: session.csrfToken, created_at: now, last_seen_at: now, expires_at: session.expiresAt,
  }).execute();
  return { cookie, session };
}

/**
 * The live session behind a cookie, or nothing when it is unknown, idle too long or past its
 * absolute limit (expired ones are deleted on sight). Activity is written at most once a minute.
 */
export async function findSession(db: Db, cookie: string, limits: SessionLimits, now: number): Promise<SessionRecord | undefined> {
  const id = digest(cookie);
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  if (row.expires_at <= now || row.last_seen_at + limits.idleMs <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return undefined;
  }
  if (now - row.last_seen_at > 60_000) await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  return { id, userId: row.user_id, csrfToken: row.csrf_token, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Db, limits: SessionLimits, now: number): Promise<void> {
  await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - limits.idleMs)])).execute();
}
