export * from './framing/index.js';
export * from './parsers/index.js';
export * from './archive/index.js';
