export { createLlamaCppChatModel, type LlamaCppChatModel, type LlamaCppChatSettings } from './chat.js';
export { createLlamaCppEmbedder, type LlamaCppEmbedder, type LlamaCppEmbedderSettings } from './embedder.js';
export { createLlamaCppRuntime, type LlamaCppRuntime, type LlamaGpuChoice, type LlamaRuntimeSettings } from './runtime.js';
