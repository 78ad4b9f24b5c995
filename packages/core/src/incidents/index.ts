export * from './legal.js';
export * from './lifecycle.js';
