import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  isRole,
  ROLES,
  SYSTEM_PRINCIPAL,
  type Clock,
  type Role,
} from '@prahari/core';
import type { SessionRepository, UserRepository, UserRow } from '@prahari/store';
import { randomPassword, type PasswordHasher } from '../auth/passwords.js';
import type { Actor, AuditService } from '../audit/service.js';

export const MIN_PASSWORD_LENGTH = 12;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/** A user as the API and CLI show it: never the password hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  disabled: boolean;
  locked: boolean;
  lockedUntil: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: string;
  department?: string | null;
  password: string;
}

export interface UserChanges {
  displayName?: string;
  role?: string;
  department?: string | null;
  disabled?: boolean;
}

export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  view(u: UserRow): UserView {
    const now = this.clock.now().toISOString();
    return {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      department: u.department,
      disabled: u.disabled,
      locked: u.lockedUntil !== null && u.lockedUntil > now,
      lockedUntil: u.lockedUntil,
      createdAt: u.createdAt,
      lastLoginAt: u.lastLoginAt,
    };
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map((u) => this.view(u));
  }

  async get(username: string): Promise<UserRow> {
    const user = await this.users.findByUsername(username.toLowerCase());
    if (!user) throw new NotFoundError(`There is no user '${username}'.`);
    return user;
  }

  async create(actor: Actor, input: NewUser): Promise<UserView> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw new ValidationError(
        `Username '${input.username}' is not allowed: use 2–63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.`,
        { field: 'username' },
      );
    }
    const role = checkRole(input.role);
    checkPassword(input.password);
    if (await this.users.findByUsername(username)) {
      throw new ConflictError(`A user '${username}' already exists.`, { field: 'username' });
    }
    const now = this.clock.now().toISOString();
    const user: UserRow = {
      id: randomUUID(),
      username,
      displayName: input.displayName?.trim() || username,
      role,
      department: input.department ?? null,
      passwordHash: await this.hasher.hash(input.password),
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    };
    await this.users.insert(user);
    await this.audit.record(actor, {
      action: 'user.create',
      target: `user:${username}`,
      details: { role, department: user.department, displayName: user.displayName },
    });
    return this.view(user);
  }

  async update(actor: Actor, username: string, changes: UserChanges): Promise<UserView> {
    const user = await this.get(username);
    const role = changes.role === undefined ? undefined : checkRole(changes.role);
    if (
      actor.principal?.userId === user.id &&
      (changes.disabled === true || (role && role !== 'admin'))
    ) {
      throw new ForbiddenError(
        'You cannot disable yourself or take away your own admin role; ask another admin.',
      );
    }
    if ((changes.disabled === true || (role && role !== 'admin')) && user.role === 'admin') {
      await this.#keepOneAdmin(user.id);
    }
    const now = this.clock.now().toISOString();
    const patch = {
      ...(changes.displayName !== undefined && { displayName: changes.displayName }),
      ...(role !== undefined && { role }),
      ...(changes.department !== undefined && { department: changes.department }),
      ...(changes.disabled !== undefined && { disabled: changes.disabled }),
      // Enabling an account also lifts a lockout: that is what an admin asked to "enable" means.
      ...(changes.disabled === false && { failedLogins: 0, lockedUntil: null }),
      updatedAt: now,
    };
    await this.users.update(user.id, patch);
    if (changes.disabled === true || role !== undefined) await this.sessions.deleteForUser(user.id);
    const before = {
      displayName: user.displayName,
      role: user.role,
      department: user.department,
      disabled: user.disabled,
    };
    await this.audit.record(actor, {
      action:
        changes.disabled === true
          ? 'user.disable'
          : changes.disabled === false
            ? 'user.enable'
            : 'user.update',
      target: `user:${user.username}`,
      details: { before, changes },
    });
    return this.view({ ...user, ...patch });
  }

  /**
   * Sets a password. People changing their own must give the current one; an admin resetting
   * someone else's does not. All the user's sessions end.
   */
  async setPassword(
    actor: Actor,
    username: string,
    password: string,
    currentPassword?: string,
  ): Promise<void> {
    const user = await this.get(username);
    const self = actor.principal?.userId === user.id;
    if (self && actor.principal?.kind === 'user') {
      if (
        currentPassword === undefined ||
        !(await this.hasher.verify(user.passwordHash, currentPassword))
      ) {
        await this.audit.record(actor, {
          action: 'user.password',
          target: `user:${user.username}`,
          outcome: 'failure',
          details: { reason: 'current password wrong' },
        });
        throw new ForbiddenError('The current password is wrong.');
      }
    } else if (actor.principal?.role !== 'admin') {
      throw new ForbiddenError("Only an admin may set another user's password.");
    }
    checkPassword(password);
    await this.users.update(user.id, {
      passwordHash: await this.hasher.hash(password),
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: this.clock.now().toISOString(),
    });
    await this.sessions.deleteForUser(user.id);
    await this.audit.record(actor, {
      action: 'user.password',
      target: `user:${user.username}`,
      details: { by: self ? 'self' : 'admin' },
    });
  }

  /**
   * When no admin exists (first start, even if `prahari user add` made other users before it),
   * creates `admin` with the configured password or a random one, which the caller prints once.
   * Returns null when an admin exists.
   */
  async ensureAdmin(
    initialPassword: string | undefined,
  ): Promise<{ username: string; password: string; generated: boolean } | null> {
    const users = await this.users.list();
    if (users.some((u) => u.role === 'admin' || u.username === 'admin')) return null;
    const password = initialPassword ?? randomPassword();
    await this.create(
      { principal: SYSTEM_PRINCIPAL, ip: null },
      { username: 'admin', displayName: 'Administrator', role: 'admin', password },
    );
    return { username: 'admin', password, generated: initialPassword === undefined };
  }

  async #keepOneAdmin(exceptId: string): Promise<void> {
    const admins = (await this.users.list()).filter(
      (u) => u.role === 'admin' && !u.disabled && u.id !== exceptId,
    );
    if (admins.length === 0) {
      throw new ConflictError('This is the last active admin; make another admin first.');
    }
  }
}

export function checkRole(role: string): Role {
  if (!isRole(role)) {
    throw new ValidationError(`Role '${role}' does not exist; use one of ${ROLES.join(', ')}.`, {
      field: 'role',
      allowed: ROLES,
    });
  }
  return role;
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(
      `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`,
      {
        field: 'password',
      },
    );
  }
}
