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
  /** exactly this target, e.g. `incident:<id>` (served by the audit_target index) */
  target?: string;
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

/** An event ready to store: parsed, with where and how it arrived. */
export interface NewEvent {
  receivedAt: string;
  eventTime: string;
  listener: string;
  parser: string;
  sourceIp: string | null;
  sourcePort: number | null;
  sourceName: string | null;
  logsource: { product?: string; category?: string; service?: string };
  message: string;
  raw: string;
  fields: Record<string, unknown>;
  flags: string[];
}

export interface EventRecord extends NewEvent {
  seq: number;
}

export interface NewDeadLetter {
  receivedAt: string;
  listener: string;
  sourceIp: string | null;
  sourcePort: number | null;
  parserHint: string | null;
  reason: string;
  raw: Buffer;
}

export interface DeadLetterRecord extends NewDeadLetter {
  seq: number;
  status: 'pending' | 'reprocessed';
  retries: number;
  lastRetryAt: string | null;
}

/** One write: events and dead letters of a batch, committed together or not at all. */
export interface IngestBatch {
  events: NewEvent[];
  deadLetters: NewDeadLetter[];
  /** HTTP batches may carry a key; a batch whose key was already committed is not written again */
  idempotency?: { key: string; principalId: string; receivedAt: string };
  /** dead letters these events came from, marked reprocessed in the same transaction */
  reprocessed?: { seqs: number[]; at: string };
}

export interface EventRepository {
  /** Returns false (and writes nothing) when the batch's idempotency key was already committed. */
  writeBatch(batch: IngestBatch): Promise<boolean>;
  findIdempotent(
    key: string,
    principalId: string,
  ): Promise<{ accepted: number; deadLettered: number } | undefined>;
  get(seq: number): Promise<EventRecord | undefined>;
  count(): Promise<number>;
  /** Deletes events received before `before`; returns how many. */
  deleteReceivedBefore(before: string, limit: number): Promise<number>;
  /** Forgets the idempotency keys of batches received before `before`; returns how many. */
  forgetIdempotencyKeysBefore(before: string): Promise<number>;
}

export interface DeadLetterQuery {
  status?: 'pending' | 'reprocessed';
  /** substring of the reason or the raw text */
  text?: string;
  from?: string;
  to?: string;
  afterSeq?: number;
  limit: number;
}

export interface DeadLetterRepository {
  list(q: DeadLetterQuery): Promise<DeadLetterRecord[]>;
  countByStatus(): Promise<Record<string, number>>;
  markRetryFailed(seq: number, reason: string, at: string): Promise<void>;
  /** Deletes dead letters received before `before`, oldest first, at most `limit`; returns how many. */
  deleteReceivedBefore(before: string, limit: number): Promise<number>;
}

export interface SourceRow {
  id: string;
  name: string;
  matchIp: string | null;
  matchHostname: string | null;
  matchApiKeyId: string | null;
  defaultParser: string | null;
  timezone: string | null;
  description: string | null;
  /** created automatically for a sender nobody had named yet */
  discovered: boolean;
  firstSeen: string | null;
  lastSeen: string | null;
  eventCount: number;
  /**
   * The newest event's time minus its arrival, as last seen (ms): near zero, or a little below,
   * for a sender with a good clock; null until an event with a time of its own came.
   */
  clockOffsetMs: number | null;
  createdAt: string;
  updatedAt: string;
}

/** What a batch of events says about who sent them: used to keep last-seen, counts and clock. */
export interface SourceSighting {
  sourceId: string;
  lastSeen: string;
  events: number;
  /** the batch's newest event time minus its arrival; null when no event carried a time */
  clockOffsetMs: number | null;
}

export interface SourceRepository {
  list(): Promise<SourceRow[]>;
  findById(id: string): Promise<SourceRow | undefined>;
  findByName(name: string): Promise<SourceRow | undefined>;
  insert(row: SourceRow): Promise<void>;
  update(id: string, patch: Partial<Omit<SourceRow, 'id' | 'createdAt'>>): Promise<void>;
}
