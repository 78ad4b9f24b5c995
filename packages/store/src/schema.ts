import type { Generated } from 'kysely';

/** Table types for Kysely. Times are ISO 8601 UTC strings; booleans are 0/1 for portability. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  department: string | null;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token; the token itself is never stored */
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  owner_user_id: string | null;
  /** SHA-256 of the secret part; the secret is shown once at creation */
  secret_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}
