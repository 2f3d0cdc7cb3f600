export type * from './types.js';
export * from './openai-compatible/index.js';
export * from './llama-cpp/index.js';
export * from './word-vectors/index.js';
export * from './local-dir/index.js';
export {
  CHAT_SPEC_FORMS,
  EMBEDDER_SPEC_FORMS,
  createChatModelFromSpec,
  createEmbedderFromSpec,
  parseChatSpec,
  parseEmbedderSpec,
  type ChatSpec,
  type EmbedderSpec,
  type ProviderSpecOptions,
} from './spec.js';
export { cosineSimilarity } from './shared/vectors.js';
export { generateText } from './generate.js';
