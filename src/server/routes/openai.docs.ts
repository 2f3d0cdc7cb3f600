import type { RouteDoc } from '../openapi/route-doc.js';
import { chatCompletionSchema, embeddingsSchema } from '../schemas.js';
import { chatCompletionResponseSchema, embeddingsResponseSchema, modelEntrySchema, modelListSchema } from '../response-schemas.js';

export const openAiDocs: RouteDoc[] = [
  {
    method: 'get', path: '/v1/models', summary: 'OpenAI-compatible model list: `rag:<collection>` for each readable collection, and the plain chat model (or `extractive`).',
    tags: ['openai'], auth: 'reader', response: modelListSchema,
  },
  { method: 'get', path: '/v1/models/:id', summary: 'One model, 404 when the key cannot use it.', tags: ['openai'], auth: 'reader', response: modelEntrySchema },
  {
    method: 'post', path: '/v1/embeddings', summary: 'OpenAI-compatible embeddings from the home\'s embedder.',
    tags: ['openai'], auth: 'reader', body: embeddingsSchema, response: embeddingsResponseSchema,
  },
  {
    method: 'post', path: '/v1/chat/completions', tags: ['openai'], auth: 'reader', body: chatCompletionSchema, response: chatCompletionResponseSchema,
    summary: 'OpenAI-compatible chat. `rag:<collection>` answers the last user message (follow-ups resolved against the conversation) with citations in `tailor`; `stream: true` answers as chat.completion.chunk server-sent events.',
  },
];

