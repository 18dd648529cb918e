import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import { AppError } from '../errors';
import type { Database } from '../store/schema';
import { consumeLink, expireLinks, findLink, insertLink } from './account-link.repository';
import { insertApiToken, listApiTokens, revokeApiToken, useApiToken, type ApiToken } from './api-token.repository';
import type { PasswordHasher } from './password';
import type { Role } from './roles';
import { sameSecret } from './secrets';
import { createSession, deleteSession, deleteUserSessions, findSession, type SessionLimits, type SessionRecord } from './session.repository';
import { actorOf, normalizeEmail, type Principal, type User } from './user';
import { addFailedLogin, countActiveOwners, countUsers, findLogin, getUser, insertUser, listUsers, updateUser } from './user.repository';

/** How wrong passwords are answered: first slowed, then the account is locked for a while. */
export interface LockoutPolicy {
  /** Failures allowed before answers are delayed. */
  slowAfter: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures in a row that lock the account. */
  lockAfter: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { slowAfter: 3, baseDelayMs: 500, maxDelayMs: 8_000, lockAfter: 10, lockMs: 15 * 60_000 };
export const DEFAULT_SESSIONS: SessionLimits = { idleMs: 8 * 3_600_000, absoluteMs: 7 * 86_400_000 };

export interface AccountsOptions {
  hasher: PasswordHasher;
  sessions?: SessionLimits;
  lockout?: LockoutPolicy;
  inviteTtlMs?: number;
  setupTtlMs?: number;
  /** An API token from the environment (API_TOKEN) for automation set up before any account. */
  envToken?: { secret: string; role: Role };
  now?: () => number;
}

export type LoginResult =
  | { ok: true; user: User; cookie: string; session: SessionRecord }
  | { ok: false; reason: 'invalid' | 'locked'; delayMs: number; lockedUntil?: number };

export interface NewPassword {
  name: string;
  password: string;
}

/**
 * Accounts: first-run setup, login with slow-down and lockout, sessions, invitations, roles and
 * API tokens. Every change is written to the audit log in the same transaction. Password hashing
 * runs outside transactions: it is slow by design and must not hold the database.
 */
export class Accounts {
  readonly sessionLimits: SessionLimits;
  readonly lockout: LockoutPolicy;
  private readonly now: () => number;

  constructor(private readonly db: Kysely<Database>, private readonly options: AccountsOptions) {
    this.sessionLimits = options.sessions ?? DEFAULT_SESSIONS;
    this.lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.now = options.now ?? Date.now;
  }

  /**
   * On a store with no accounts, a new one-time setup link (replacing any earlier one); the
   * caller prints it. Once an owner exists there is nothing to set up.
   */
  async openSetup(): Promise<string | undefined> {
    if ((await countUsers(this.db)) > 0) return undefined;
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      await expireLinks(tx, 'setup', now);
      const { token } = await insertLink(tx, { kind: 'setup', email: null, role: 'owner', createdBy: 'system', now, ttlMs: this.options.setupTtlMs ?? 24 * 3_600_000 });
      return token;
    });
  }

  async setupOpen(token: string): Promise<boolean> {
    return (await countUsers(this.db)) === 0 && (await findLink(this.db, 'setup', token, this.now())) !== undefined;
  }

  /** Creates the owner through the setup link, which then stops working. */
  async completeSetup(token: string, input: NewPassword & { email: string }): Promise<{ user: User; cookie: string }> {
    const hash = await this.options.hasher.hash(input.password);
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const link = await findLink(tx, 'setup', token, now);
      if (!link || (await countUsers(tx)) > 0 || !(await consumeLink(tx, link.id, now))) throw usedLink('setup');
      const user = await insertUser(tx, { email: input.email, name: input.name, role: 'owner', passwordHash: hash, now });
      await updateUser(tx, user.id, { last_login_at: now });
      await recordAudit(tx, { actor: `user:${user.id}`, action: 'account.setup', subject: `user:${user.id}`, detail: { email: user.email, role: 'owner' }, at: now });
      const { cookie } = await createSession(tx, user.id, this.sessionLimits, now);
      return { user, cookie };
    });
  }

  async login(email: string, password: string, ip: string): Promise<LoginResult> {
    const found = await findLogin(this.db, email);
    const now = this.now();
    if (!found || !found.passwordHash || found.user.disabledAt !== null) {
      await this.options.hasher.burn(password);
      await recordAudit(this.db, { actor: 'anonymous', action: 'auth.login_failed', subject: found ? `user:${found.user.id}` : 'user:unknown', detail: { email: normalizeEmail(email), ip, why: found ? 'disabled' : 'unknown email' }, at: now });
      return { ok: false, reason: 'invalid', delayMs: 0 };
    }
    const { user, passwordHash } = found;
    if (user.lockedUntil !== null && user.lockedUntil > now) {
      await recordAudit(this.db, { actor: 'anonymous', action: 'auth.login_locked', subject: `user:${user.id}`, detail: { ip, lockedUntil: user.lockedUntil }, at: now });
      return { ok: false, reason: 'locked', delayMs: 0, lockedUntil: user.lockedUntil };
    }
    if (!(await this.options.hasher.verify(passwordHash, password))) return this.failedLogin(user, ip);

    const rehash = this.options.hasher.needsRehash(passwordHash) ? await this.options.hasher.hash(password) : undefined;
    return this.db.transaction().execute(async (tx) => {
      await updateUser(tx, user.id, { failed_logins: 0, locked_until: null, last_login_at: now, ...(rehash ? { password_hash: rehash } : {}) });
      await recordAudit(tx, { actor: `user:${user.id}`, action: 'auth.login', subject: `user:${user.id}`, detail: { ip }, at: now });
      const { cookie, session } = await createSession(tx, user.id, this.sessionLimits, now);
      return { ok: true as const, user, cookie, session };
    });
  }

  private async failedLogin(user: User, ip: string): Promise<LoginResult> {
    const now = this.now();
    const p = this.lockout;
    return this.db.transaction().execute(async (tx) => {
      const failures = await addFailedLogin(tx, user.id);
      const locked = failures >= p.lockAfter;
      if (locked) await updateUser(tx, user.id, { locked_until: now + p.lockMs, failed_logins: 0 });
      await recordAudit(tx, { actor: 'anonymous', action: locked ? 'auth.locked' : 'auth.login_failed', subject: `user:${user.id}`, detail: { ip, failures }, at: now });
      const delayMs = failures > p.slowAfter ? Math.min(p.baseDelayMs * 2 ** (failures - p.slowAfter - 1), p.maxDelayMs) : 0;
      return locked ? { ok: false as const, reason: 'locked' as const, delayMs, lockedUntil: now + p.lockMs } : { ok: false as const, reason: 'invalid' as const, delayMs };
    });
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'user') return;
    await this.db.transaction().execute(async (tx) => {
      await deleteSession(tx, principal.sessionId);
      await recordAudit(tx, { actor: actorOf(principal), action: 'auth.logout', subject: actorOf(principal), at: this.now() });
    });
  }

  /** The signed-in user behind a session cookie, if the session is live and the user active. */
  async sessionPrincipal(cookie: string): Promise<Principal | undefined> {
    const session = await findSession(this.db, cookie, this.sessionLimits, this.now());
    if (!session) return undefined;
    const user = await getUser(this.db, session.userId);
    if (!user || user.disabledAt !== null) return undefined;
    return { kind: 'user', id: user.id, role: user.role, label: user.email, sessionId: session.id, csrfToken: session.csrfToken };
  }

  async tokenPrincipal(secret: string): Promise<Principal | undefined> {
    const env = this.options.envToken;
    if (env && secret.length === env.secret.length && sameSecret(secret, env.secret)) {
      return { kind: 'token', id: 'env', role: env.role, label: 'API_TOKEN' };
    }
    const token = await useApiToken(this.db, secret, this.now());
    return token && { kind: 'token', id: token.id, role: token.role, label: token.name };
  }

  async users(): Promise<User[]> {
    return listUsers(this.db);
  }

  async invite(actor: Principal, input: { email: string; role: Role }): Promise<{ token: string; expiresAt: number }> {
    const now = this.now();
    const email = normalizeEmail(input.email);
    return this.db.transaction().execute(async (tx) => {
      if (await findLogin(tx, email)) throw new AppError('conflict', `${email} already has an account.`, [{ field: 'email', message: 'already has an account' }]);
      const { link, token } = await insertLink(tx, { kind: 'invite', email, role: input.role, createdBy: actorOf(actor), now, ttlMs: this.options.inviteTtlMs ?? 7 * 86_400_000 });
      await recordAudit(tx, { actor: actorOf(actor), action: 'user.invited', subject: `invite:${link.id}`, detail: { email, role: input.role }, at: now });
      return { token, expiresAt: link.expiresAt };
    });
  }

  async invitation(token: string): Promise<{ email: string; role: Role } | undefined> {
    const link = await findLink(this.db, 'invite', token, this.now());
    return link?.email ? { email: link.email, role: link.role } : undefined;
  }

  async acceptInvite(token: string, input: NewPassword): Promise<{ user: User; cookie: string }> {
    const hash = await this.options.hasher.hash(input.password);
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const link = await findLink(tx, 'invite', token, now);
      if (!link?.email || !(await consumeLink(tx, link.id, now))) throw usedLink('invitation');
      if (await findLogin(tx, link.email)) throw new AppError('conflict', `${link.email} already has an account.`, [{ field: 'token', message: 'the invited address already has an account' }]);
      const user = await insertUser(tx, { email: link.email, name: input.name, role: link.role, passwordHash: hash, now });
      await updateUser(tx, user.id, { last_login_at: now });
      await recordAudit(tx, { actor: `user:${user.id}`, action: 'user.joined', subject: `user:${user.id}`, detail: { email: user.email, role: user.role, invitedBy: link.createdBy }, at: now });
      const { cookie } = await createSession(tx, user.id, this.sessionLimits, now);
      return { user, cookie };
    });
  }

  /** Creates an account with a password at once, for an owner at the store's host (`crier user add`). */
  async createUser(actor: Principal, input: NewPassword & { email: string; role: Role }): Promise<User> {
    const hash = await this.options.hasher.hash(input.password);
    const now = this.now();
    const email = normalizeEmail(input.email);
    return this.db.transaction().execute(async (tx) => {
      if (await findLogin(tx, email)) throw new AppError('conflict', `${email} already has an account.`, [{ field: 'email', message: 'already has an account' }]);
      const user = await insertUser(tx, { email, name: input.name, role: input.role, passwordHash: hash, now });
      await recordAudit(tx, { actor: actorOf(actor), action: 'user.created', subject: `user:${user.id}`, detail: { email, role: input.role }, at: now });
      return user;
    });
  }

  async changeRole(actor: Principal, userId: number, role: Role): Promise<User> {
    return this.changeUser(actor, userId, 'user.role_changed', async (tx, user) => {
      if (user.role === 'owner' && role !== 'owner') await this.keepAnOwner(tx, user);
      const updated = await updateUser(tx, userId, { role });
      // A change of powers takes effect at once: the user signs in again.
      await deleteUserSessions(tx, userId);
      return { user: updated ?? user, detail: { from: user.role, to: role } };
    });
  }

  async unlock(actor: Principal, userId: number): Promise<User> {
    return this.changeUser(actor, userId, 'user.unlocked', async (tx, user) => {
      const updated = await updateUser(tx, userId, { failed_logins: 0, locked_until: null });
      return { user: updated ?? user, detail: { wasLockedUntil: user.lockedUntil } };
    });
  }

  async setDisabled(actor: Principal, userId: number, disabled: boolean): Promise<User> {
    return this.changeUser(actor, userId, disabled ? 'user.disabled' : 'user.enabled', async (tx, user) => {
      if (disabled && user.role === 'owner' && user.disabledAt === null) await this.keepAnOwner(tx, user);
      const updated = await updateUser(tx, userId, { disabled_at: disabled ? (user.disabledAt ?? this.now()) : null });
      if (disabled) await deleteUserSessions(tx, userId);
      return { user: updated ?? user, detail: {} };
    });
  }

  async tokens(): Promise<ApiToken[]> {
    return listApiTokens(this.db);
  }

  async createToken(actor: Principal, input: { name: string; role: Role }): Promise<{ token: ApiToken; secret: string }> {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const created = await insertApiToken(tx, { ...input, createdBy: actorOf(actor), now });
      await recordAudit(tx, { actor: actorOf(actor), action: 'token.created', subject: `token:${created.token.id}`, detail: { name: input.name, role: input.role }, at: now });
      return created;
    });
  }

  async revokeToken(actor: Principal, id: number): Promise<ApiToken> {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const token = await revokeApiToken(tx, id, now);
      if (!token) throw new AppError('not_found', `No active token ${id}.`, [{ field: 'id', message: 'no active token with this id' }]);
      await recordAudit(tx, { actor: actorOf(actor), action: 'token.revoked', subject: `token:${id}`, detail: { name: token.name }, at: now });
      return token;
    });
  }

  private async changeUser(
    actor: Principal,
    userId: number,
    action: string,
    change: (tx: Transaction<Database>, user: User) => Promise<{ user: User; detail: Record<string, unknown> }>,
  ): Promise<User> {
    return this.db.transaction().execute(async (tx) => {
      const user = await getUser(tx, userId);
      if (!user) throw new AppError('not_found', `No user ${userId}.`, [{ field: 'id', message: 'no user with this id' }]);
      const { user: updated, detail } = await change(tx, user);
      await recordAudit(tx, { actor: actorOf(actor), action, subject: `user:${userId}`, detail: { email: user.email, ...detail }, at: this.now() });
      return updated;
    });
  }

  private async keepAnOwner(tx: Transaction<Database>, user: User): Promise<void> {
    if ((await countActiveOwners(tx)) <= 1) {
      throw new AppError('conflict', `${user.email} is the only owner; make someone else owner first.`, [{ field: 'role', message: 'the last owner must stay an owner' }]);
    }
  }
}

function usedLink(what: string): AppError {
  return new AppError('not_found', `This ${what} link is not valid: it was used already, has expired or was replaced.`, [{ field: 'token', message: 'used, expired or unknown' }]);
}
