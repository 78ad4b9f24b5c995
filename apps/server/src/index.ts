export * from './app.js';
export * from './core.js';
export * from './start.js';
export { MIN_PASSWORD_LENGTH } from './modules/users/service.js';
