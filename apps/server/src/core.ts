// What the CLI needs to work on a data directory without loading the HTTP server.
export * from './config/index.js';
export * from './datadir.js';
export * from './open-store.js';
export * from './services.js';
export type { Actor, ChainStatus } from './modules/audit/service.js';
