export * from './pipeline.js';
export * from './sync.js';
export * from './forget.js';
export * from './report.js';
export * from './prepare.js';
export { walkPaths } from './walk.js';
export { loadDocument, detectFormat } from './loaders/index.js';
export { redactPii, parsePiiKinds, type PiiKind } from './redact.js';
export * from './texts.js';
