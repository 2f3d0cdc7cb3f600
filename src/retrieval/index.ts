export * from './fuse.js';
export * from './retriever.js';
