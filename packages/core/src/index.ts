export * from './clock.js';
export * from './errors.js';
export * from './roles.js';
export * from './audit.js';
export * from './event.js';
export * from './query.js';
export * from './random.js';
export * from './impact/index.js';
