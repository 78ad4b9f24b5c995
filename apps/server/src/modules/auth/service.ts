import { createHash, randomBytes } from 'node:crypto';
import { PrahariError, UnauthenticatedError, type Clock, type Principal } from '@prahari/core';
import type { SessionRepository, UserRepository, UserRow } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import { randomPassword, type PasswordHasher } from './passwords.js';

export interface AuthPolicy {
  sessionTtlMinutes: number;
  maxFailedLogins: number;
  lockoutMinutes: number;
}

export class AccountLockedError extends PrahariError {
  constructor(username: string, until: string) {
    super(
      403,
      'account_locked',
      `The account '${username}' is locked after too many failed logins until ${until}. Wait, or ask an admin to enable it (prahari user enable ${username}).`,
      { lockedUntil: until },
    );
  }
}

export class AccountDisabledError extends PrahariError {
  constructor(username: string) {
    super(403, 'account_disabled', `The account '${username}' is disabled; ask an admin.`);
  }
}

export interface LoginResult {
  /** the cookie value; only its SHA-256 is stored */
  token: string;
  expiresAt: string;
  principal: Principal;
}

function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Session touches are batched to once a minute so reads stay reads. */
const TOUCH_GRANULARITY_MS = 60_000;

export class AuthService {
  /** Verifying against this when the user is unknown keeps the response time the same. */
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly policy: AuthPolicy,
  ) {}

  principalOf(user: UserRow): Principal {
    return { kind: 'user', id: user.id, name: user.username, role: user.role, userId: user.id };
  }

  async login(
    actor: Actor,
    username: string,
    password: string,
    userAgent: string | null,
  ): Promise<LoginResult> {
    const name = username.trim().toLowerCase();
    const user = await this.users.findByUsername(name);
    const now = this.clock.now();
    const fail = async (reason: string, details: Record<string, unknown> = {}) => {
      await this.audit.record(actor, {
        action: 'auth.login',
        target: `user:${name}`,
        outcome: 'failure',
        claimedName: name,
        details: { reason, ...details },
      });
    };
    if (!user) {
      this.#dummyHash ??= this.hasher.hash(randomPassword());
      await this.hasher.verify(await this.#dummyHash, password);
      await fail('unknown user');
      throw new UnauthenticatedError('Wrong username or password.');
    }
    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      await fail('account locked');
      throw new AccountLockedError(user.username, user.lockedUntil);
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      const failedLogins = user.failedLogins + 1;
      const lock = failedLogins >= this.policy.maxFailedLogins;
      const lockedUntil = lock
        ? new Date(now.getTime() + this.policy.lockoutMinutes * 60_000).toISOString()
        : null;
      await this.users.update(user.id, { failedLogins: lock ? 0 : failedLogins, lockedUntil });
      await fail('wrong password', { failedLogins });
      if (lockedUntil) {
        await this.audit.record(actor, {
          action: 'auth.lockout',
          target: `user:${user.username}`,
          claimedName: name,
          details: { lockedUntil },
        });
        throw new AccountLockedError(user.username, lockedUntil);
      }
      throw new UnauthenticatedError('Wrong username or password.');
    }
    if (user.disabled) {
      await fail('account disabled');
      throw new AccountDisabledError(user.username);
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(
      now.getTime() + this.policy.sessionTtlMinutes * 60_000,
    ).toISOString();
    await this.sessions.insert({
      id: sessionId(token),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt,
      lastSeenAt: now.toISOString(),
      ip: actor.ip,
      userAgent,
    });
    await this.users.update(user.id, {
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: now.toISOString(),
    });
    const principal = this.principalOf(user);
    await this.audit.record(
      { principal, ip: actor.ip },
      { action: 'auth.login', target: `user:${user.username}` },
    );
    return { token, expiresAt, principal };
  }

  async logout(actor: Actor, token: string): Promise<void> {
    await this.sessions.delete(sessionId(token));
    await this.audit.record(actor, {
      action: 'auth.logout',
      target: actor.principal ? `user:${actor.principal.name}` : null,
    });
  }

  /** The user behind a session cookie, or null when the session is unknown, expired or the user disabled. */
  async authenticateSession(token: string): Promise<Principal | null> {
    const id = sessionId(token);
    const session = await this.sessions.findById(id);
    if (!session) return null;
    const now = this.clock.now();
    if (session.expiresAt <= now.toISOString()) {
      await this.sessions.delete(id);
      return null;
    }
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) return null;
    if (now.getTime() - Date.parse(session.lastSeenAt) > TOUCH_GRANULARITY_MS) {
      await this.sessions.touch(id, now.toISOString());
    }
    return this.principalOf(user);
  }

  pruneExpiredSessions(): Promise<number> {
    return this.sessions.deleteExpired(this.clock.now().toISOString());
  }
}
