import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';
import type { Role } from './roles';
import { normalizeEmail, toUser, type User } from './user';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertUser(db: Db, input: { email: string; name: string; role: Role; passwordHash: string; now: number }): Promise<User> {
  const row = await db.insertInto('users')
    .values({ email: normalizeEmail(input.email), name: input.name, role: input.role, password_hash: input.passwordHash, created_at: input.now })
    .returningAll().executeTakeFirstOrThrow();
  return toUser(row);
}

export async function getUser(db: Db, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** The user and the stored password hash, for the login check only. */
export async function findLogin(db: Db, email: string): Promise<{ user: User; passwordHash: string | null } | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  return row && { user: toUser(row), passwordHash: row.password_hash };
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countActiveOwners(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner').where('disabled_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUser(
  db: Db,
  id: number,
  set: Partial<{ role: Role; failed_logins: number; locked_until: number | null; last_login_at: number; disabled_at: number | null; password_hash: string }>,
): Promise<User | undefined> {
  const row = await db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toUser(row);
}

/** Counts one more failed login in the database, so concurrent attempts cannot undercount. */
export async function addFailedLogin(db: Db, id: number): Promise<number> {
  const row = await db.updateTable('users').set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', id).returning('failed_logins').executeTakeFirstOrThrow();
  return row.failed_logins;
}
