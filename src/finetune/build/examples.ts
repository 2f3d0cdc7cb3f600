import { stableId } from '../../core/hash.js';
import type { DatasetExample } from '../types.js';
import type { GeneratedQuestion } from './questions.js';

/** A plain question → answer example (the answer names its source document). */
export function qaExample(q: GeneratedQuestion, systemPrompt?: string): DatasetExample {
  const messages: DatasetExample['messages'] = [];
  if (systemPrompt) messages.push({ role: 'system', content: systemPrompt });
  messages.push({ role: 'user', content: q.question }, { role: 'assistant', content: q.answer });
  return {
    id: stableId('qa', q.source.chunk.id, q.question),
    messages,
    provenance: {
      kind: q.style === 'llm' ? 'llm-qa' : 'qa',
      documentIds: [q.source.document.id],
      chunkIds: [q.source.chunk.id],
      collection: q.source.document.collection,
    },
  };
}
