import type { AuditEntry, AuditRecord, Role } from '@prahari/core';

/**
 * The storage contract the services use. The Kysely implementations serve SQLite and PostgreSQL
 * alike; a test suite runs them against each database.
 */

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  passwordHash: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export type UserPatch = Partial<
  Pick<
    UserRow,
    | 'displayName'
    | 'role'
    | 'department'
    | 'passwordHash'
    | 'disabled'
    | 'failedLogins'
    | 'lockedUntil'
    | 'lastLoginAt'
    | 'updatedAt'
  >
>;

export interface UserRepository {
  insert(user: UserRow): Promise<void>;
  findById(id: string): Promise<UserRow | undefined>;
  findByUsername(username: string): Promise<UserRow | undefined>;
  list(): Promise<UserRow[]>;
  update(id: string, patch: UserPatch): Promise<void>;
  count(): Promise<number>;
}

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionRepository {
  insert(session: SessionRow): Promise<void>;
  findById(id: string): Promise<SessionRow | undefined>;
  touch(id: string, lastSeenAt: string): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(userId: string): Promise<number>;
  deleteExpired(now: string): Promise<number>;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  ownerUserId: string | null;
  secretHash: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRow): Promise<void>;
  findById(id: string): Promise<ApiKeyRow | undefined>;
  list(): Promise<ApiKeyRow[]>;
  markUsed(id: string, at: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
}

export interface AuditQuery {
  afterSeq?: number;
  beforeSeq?: number;
  action?: string;
  actorName?: string;
  from?: string;
  to?: string;
  limit: number;
  /** newest first (the API's default) or oldest first (verification) */
  order: 'asc' | 'desc';
}

export interface AuditRepository {
  /** Appends atomically: reads the chain head and writes the new row in one transaction. */
  append(record: AuditRecord): Promise<AuditEntry>;
  query(q: AuditQuery): Promise<AuditEntry[]>;
  /** Rows in sequence order from `afterSeq`, for verification in pages. */
  page(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}
