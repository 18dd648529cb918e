import type { Selectable } from 'kysely';
import type { UsersTable } from '../store/schema';
import { isRole, type Role } from './roles';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  failedLogins: number;
  lockedUntil: number | null;
  lastLoginAt: number | null;
  disabledAt: number | null;
  createdAt: number;
}

/** Who is asking: a signed-in person or an API token, each with one role. */
export type Principal =
  | { kind: 'user'; id: number; role: Role; label: string; sessionId: string; csrfToken: string }
  | { kind: 'token'; id: number | 'env'; role: Role; label: string }
  /** Someone at the store's host running `crier` against it directly, e.g. `cli:alice`. */
  | { kind: 'cli'; id: string; role: Role; label: string };

/** The actor written to the audit log, e.g. `user:3` or `token:7`. */
export function actorOf(principal: Principal): string {
  return `${principal.kind}:${principal.id}`;
}

export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id, email: row.email, name: row.name, role: isRole(row.role) ? row.role : 'staff',
    failedLogins: row.failed_logins, lockedUntil: row.locked_until, lastLoginAt: row.last_login_at,
    disabledAt: row.disabled_at, createdAt: row.created_at,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
