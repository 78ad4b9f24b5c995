import { type Kysely, type Selectable } from 'kysely';
import {
  AUDIT_GENESIS_HASH,
  auditHash,
  isRole,
  type AuditEntry,
  type AuditRecord,
  type Role,
} from '@prahari/core';
import type {
  ApiKeyRepository,
  ApiKeyRow,
  AuditQuery,
  AuditRepository,
  SessionRepository,
  SessionRow,
  UserPatch,
  UserRepository,
  UserRow,
} from './repositories.js';
import type { AuditLogTable, Database, UsersTable } from './schema.js';

function asRole(value: string): Role {
  if (!isRole(value)) throw new Error(`stored role '${value}' is not a known role`);
  return value;
}

function toUser(r: Selectable<UsersTable>): UserRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: asRole(r.role),
    department: r.department,
    passwordHash: r.password_hash,
    disabled: r.disabled === 1,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
  };
}

export class KyselyUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(u: UserRow): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: u.id,
        username: u.username,
        display_name: u.displayName,
        role: u.role,
        department: u.department,
        password_hash: u.passwordHash,
        disabled: u.disabled ? 1 : 0,
        failed_logins: u.failedLogins,
        locked_until: u.lockedUntil,
        created_at: u.createdAt,
        updated_at: u.updatedAt,
        last_login_at: u.lastLoginAt,
      })
      .execute();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return r && toUser(r);
  }

  async list(): Promise<UserRow[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async update(id: string, p: UserPatch): Promise<void> {
    const values: Partial<Selectable<UsersTable>> = {};
    if (p.displayName !== undefined) values.display_name = p.displayName;
    if (p.role !== undefined) values.role = p.role;
    if (p.department !== undefined) values.department = p.department;
    if (p.passwordHash !== undefined) values.password_hash = p.passwordHash;
    if (p.disabled !== undefined) values.disabled = p.disabled ? 1 : 0;
    if (p.failedLogins !== undefined) values.failed_logins = p.failedLogins;
    if (p.lockedUntil !== undefined) values.locked_until = p.lockedUntil;
    if (p.lastLoginAt !== undefined) values.last_login_at = p.lastLoginAt;
    if (p.updatedAt !== undefined) values.updated_at = p.updatedAt;
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('users').set(values).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

export class KyselySessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: SessionRow): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        user_id: s.userId,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        last_seen_at: s.lastSeenAt,
        ip: s.ip,
        user_agent: s.userAgent,
      })
      .execute();
  }

  async findById(id: string): Promise<SessionRow | undefined> {
    const r = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      r && {
        id: r.id,
        userId: r.user_id,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        lastSeenAt: r.last_seen_at,
        ip: r.ip,
        userAgent: r.user_agent,
      }
    );
  }

  async touch(id: string, lastSeenAt: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async deleteExpired(now: string): Promise<number> {
    const r = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(k: ApiKeyRow): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: k.id,
        name: k.name,
        role: k.role,
        owner_user_id: k.ownerUserId,
        secret_hash: k.secretHash,
        created_at: k.createdAt,
        created_by: k.createdBy,
        expires_at: k.expiresAt,
        last_used_at: k.lastUsedAt,
        revoked_at: k.revokedAt,
      })
      .execute();
  }

  async findById(id: string): Promise<ApiKeyRow | undefined> {
    const r = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toApiKey(r);
  }

  async list(): Promise<ApiKeyRow[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toApiKey);
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
  }
}

function toApiKey(r: Selectable<Database['api_keys']>): ApiKeyRow {
  return {
    id: r.id,
    name: r.name,
    role: asRole(r.role),
    ownerUserId: r.owner_user_id,
    secretHash: r.secret_hash,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** A row edited by hand may hold broken JSON; it must surface as a chain break, not a crash. */
function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { unreadable: text };
}

function toAuditEntry(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at,
    actorKind: r.actor_kind as AuditEntry['actorKind'],
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    target: r.target,
    outcome: r.outcome as AuditEntry['outcome'],
    ip: r.ip,
    details: parseDetails(r.details),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export class KyselyAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(record: AuditRecord): Promise<AuditEntry> {
    // The head read and the insert share one transaction so concurrent appends cannot fork the
    // chain (SQLite serialises writers; PostgreSQL takes a row lock via FOR UPDATE on the head).
    return this.db.transaction().execute(async (trx) => {
      const head = await trx
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const seq = head ? Number(head.seq) + 1 : 1;
      const prevHash = head?.hash ?? AUDIT_GENESIS_HASH;
      const hash = auditHash(seq, record, prevHash);
      await trx
        .insertInto('audit_log')
        .values({
          seq,
          at: record.at,
          actor_kind: record.actorKind,
          actor_id: record.actorId,
          actor_name: record.actorName,
          action: record.action,
          target: record.target,
          outcome: record.outcome,
          ip: record.ip,
          details: JSON.stringify(record.details),
          prev_hash: prevHash,
          hash,
        })
        .execute();
      return { ...record, seq, prevHash, hash };
    });
  }

  async query(q: AuditQuery): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
    if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
    if (q.action !== undefined) query = query.where('action', '=', q.action);
    if (q.actorName !== undefined) query = query.where('actor_name', '=', q.actorName);
    if (q.target !== undefined) query = query.where('target', '=', q.target);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<', q.to);
    const rows = await query.orderBy('seq', q.order).limit(q.limit).execute();
    return rows.map(toAuditEntry);
  }

  async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.query({ afterSeq, limit, order: 'asc' });
  }
}
