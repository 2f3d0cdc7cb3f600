export * from './types.js';
export * from './errors.js';
export * from './logger.js';
export * from './hash.js';
export * from './random.js';
