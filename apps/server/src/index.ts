export * from './app.js';
export * from './config/index.js';
export * from './datadir.js';
export * from './services.js';
export * from './start.js';
export type { Actor } from './modules/audit/service.js';
export type { ChainStatus } from './modules/audit/service.js';
export { MIN_PASSWORD_LENGTH } from './modules/users/service.js';
