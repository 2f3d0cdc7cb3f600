export { createModel2VecEmbedder, type Model2VecEmbedder, type Model2VecEmbedderSettings } from './model2vec.js';
export { createTransformersEmbedder, type TransformersEmbedder, type TransformersEmbedderSettings } from './transformers.js';
export { parseSafetensors, readSafetensors, type SafetensorsFile, type SafetensorsTensor } from './safetensors.js';
