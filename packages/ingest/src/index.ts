export * from './framing/index.js';
export * from './parsers/index.js';
