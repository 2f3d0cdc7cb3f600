export * from './ask.js';
export * from './prompt.js';
export * from './extractive.js';
export * from './cite.js';
export * from './sentences.js';
export * from './injection.js';
export * from './follow-up.js';
export * from './values.js';
export { ESTIMATE_TOKENIZER } from './budget.js';
