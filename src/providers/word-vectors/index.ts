export { createWordVectorEmbedder, type WordVectorEmbedder, type WordVectorEmbedderSettings } from './embedder.js';
export { tokenizeWords } from './sif.js';
