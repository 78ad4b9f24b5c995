export * from './dialect.js';
export * from './repositories.js';
export * from './schema.js';
export * from './store.js';
export * from './event-search.js';
export * from './detection-repositories.js';
export * from './asset-repositories.js';
