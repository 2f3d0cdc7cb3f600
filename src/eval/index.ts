export * from './beir.js';
export * from './beir-data.js';
export * from './metrics.js';
export * from './beir-chart.js';
export * from './arena/index.js';
