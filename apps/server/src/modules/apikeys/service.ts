import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  NotFoundError,
  ValidationError,
  type Clock,
  type Principal,
  type Role,
} from '@prahari/core';
import type { ApiKeyRepository, ApiKeyRow, UserRepository } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import { checkRole } from '../users/service.js';

/** Key format: `prk_<id>_<secret>`; only SHA-256 of the secret is stored (it has 256 bits). */
const KEY_FORMAT = /^prk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** Writing "last used" on every request would turn reads into writes; once a minute is enough. */
const LAST_USED_GRANULARITY_MS = 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  owner: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function randomId(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
}

export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  view(k: ApiKeyRow): ApiKeyView {
    const now = this.clock.now().toISOString();
    const status = k.revokedAt
      ? 'revoked'
      : k.expiresAt && k.expiresAt <= now
        ? 'expired'
        : 'active';
    return {
      id: k.id,
      name: k.name,
      role: k.role,
      owner: k.ownerUserId,
      createdAt: k.createdAt,
      createdBy: k.createdBy,
      expiresAt: k.expiresAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
      status,
    };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map((k) => this.view(k));
  }

  /** Creates a key and returns its secret — the only time anyone sees it. */
  async create(
    actor: Actor,
    input: { name: string; role: string; expiresAt?: string | null; forUser?: string | null },
  ): Promise<ApiKeyView & { secret: string }> {
    const name = input.name.trim();
    if (!name)
      throw new ValidationError(
        'Give the key a name that says what uses it (e.g. "firewall-core-1").',
        { field: 'name' },
      );
    const role = checkRole(input.role);
    let expiresAt: string | null = null;
    if (input.expiresAt) {
      const t = new Date(input.expiresAt);
      if (Number.isNaN(t.getTime())) {
        throw new ValidationError(
          `expiresAt '${input.expiresAt}' is not a date; use ISO 8601, e.g. 2027-03-31T00:00:00Z.`,
          { field: 'expiresAt' },
        );
      }
      if (t <= this.clock.now())
        throw new ValidationError('expiresAt is in the past.', { field: 'expiresAt' });
      expiresAt = t.toISOString();
    }
    const ownerUserId = await this.#actsFor(actor, role, input.forUser ?? null);
    const id = randomId();
    const secretPart = randomBytes(32).toString('base64url');
    const row: ApiKeyRow = {
      id,
      name,
      role,
      ownerUserId,
      secretHash: sha256(secretPart).toString('hex'),
      createdAt: this.clock.now().toISOString(),
      createdBy: actor.principal?.name ?? 'system',
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.keys.insert(row);
    await this.audit.record(actor, {
      action: 'apikey.create',
      target: `apikey:${id}`,
      details: { name, role, expiresAt, ...(input.forUser && { forUser: input.forUser }) },
    });
    return { ...this.view(row), secret: `prk_${id}_${secretPart}` };
  }

  /**
   * The user a key acts for: by default whoever creates it. An `owner` key sees the assets and
   * alerts of the owner it acts for, so an admin making one for a department names that owner.
   */
  async #actsFor(actor: Actor, role: Role, forUser: string | null): Promise<string | null> {
    if (forUser === null) return actor.principal?.userId ?? null;
    if (role !== 'owner')
      throw new ValidationError(
        `forUser is for owner keys (they see what that owner owns); a ${role} key acts for whoever creates it. Leave forUser out.`,
        { field: 'forUser' },
      );
    const user = await this.users.findByUsername(forUser);
    if (!user || user.disabled)
      throw new ValidationError(`There is no active user '${forUser}' to act for.`, {
        field: 'forUser',
      });
    if (user.role !== 'owner')
      throw new ValidationError(
        `'${forUser}' has role ${user.role}, not owner; an owner key acts for an asset owner.`,
        { field: 'forUser' },
      );
    return user.id;
  }

  async revoke(actor: Actor, id: string): Promise<ApiKeyView> {
    const key = await this.keys.findById(id);
    if (!key) throw new NotFoundError(`There is no API key '${id}'.`);
    const at = key.revokedAt ?? this.clock.now().toISOString();
    if (!key.revokedAt) {
      await this.keys.revoke(id, at);
      await this.audit.record(actor, {
        action: 'apikey.revoke',
        target: `apikey:${id}`,
        details: { name: key.name },
      });
    }
    return this.view({ ...key, revokedAt: at });
  }

  /** The principal behind a presented key, or null when it is unknown, wrong, revoked or expired. */
  async authenticate(presented: string): Promise<Principal | null> {
    const m = KEY_FORMAT.exec(presented);
    if (!m) return null;
    const key = await this.keys.findById(m[1]!);
    if (!key) return null;
    const expected = Buffer.from(key.secretHash, 'hex');
    const given = sha256(m[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const now = this.clock.now();
    if (key.revokedAt || (key.expiresAt && key.expiresAt <= now.toISOString())) return null;
    if (!key.lastUsedAt || now.getTime() - Date.parse(key.lastUsedAt) > LAST_USED_GRANULARITY_MS) {
      await this.keys.markUsed(key.id, now.toISOString());
    }
    return {
      kind: 'apikey',
      id: key.id,
      name: key.name,
      role: key.role,
      ...(key.ownerUserId && { userId: key.ownerUserId }),
    };
  }
}
