export * from './framing/index.js';
