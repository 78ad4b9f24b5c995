/** Roles of a city deployment (hub roles arrive with federation). */
export const ROLES = ['admin', 'analyst', 'owner', 'auditor', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'everything, including users, keys and settings',
  analyst: 'alerts, incidents, search, rules and response',
  owner: 'a system owner: their own assets, incidents and tasks',
  auditor: 'read-only, plus the audit trail',
  ingest: 'may only send events',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who did something: a person logged in, an API key, or the system itself. */
export interface Principal {
  kind: 'user' | 'apikey' | 'system';
  /** user id or API key id */
  id: string;
  /** username, API key name, or "system" — what the audit trail shows */
  name: string;
  role: Role;
  /** the user a key belongs to, or the user itself */
  userId?: string;
}

export const SYSTEM_PRINCIPAL: Principal = {
  kind: 'system',
  id: 'system',
  name: 'system',
  role: 'admin',
};
