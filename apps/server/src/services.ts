import type { Clock } from '@prahari/core';
import type { Store } from '@prahari/store';
import type { Config } from './config/index.js';
import { ApiKeyService } from './modules/apikeys/service.js';
import { AuditService } from './modules/audit/service.js';
import { AuthService } from './modules/auth/service.js';
import { createPasswordHasher } from './modules/auth/passwords.js';
import { UserService } from './modules/users/service.js';

/** The services the HTTP routes and the CLI share, built once from the store, clock and config. */
export interface Services {
  audit: AuditService;
  auth: AuthService;
  users: UserService;
  apiKeys: ApiKeyService;
}

export async function createServices(
  store: Store,
  config: Config,
  clock: Clock,
): Promise<Services> {
  const hasher = await createPasswordHasher();
  const audit = new AuditService(store.audit, clock);
  return {
    audit,
    auth: new AuthService(store.users, store.sessions, hasher, audit, clock, config.auth),
    users: new UserService(store.users, store.sessions, hasher, audit, clock),
    apiKeys: new ApiKeyService(store.apiKeys, store.users, audit, clock),
  };
}
