export { createOpenAICompatibleChatModel, type OpenAICompatibleChatSettings } from './chat.js';
export { createOpenAICompatibleEmbedder, type OpenAICompatibleEmbedder, type OpenAICompatibleEmbedderSettings } from './embedder.js';
export { createOpenAICompatibleReranker, type OpenAICompatibleRerankerSettings } from './reranker.js';
export type { HttpProviderSettings } from './http.js';
