import { countTokens } from '../chunking/tokens.js';
import type { ChatMessage, Citation, Usage } from '../core/types.js';

/**
 * The extractive answerer has no model and so no tokenizer of its own; its usage is
 * counted with Tailor's subword estimate (src/chunking/tokens.ts, calibrated against
 * a WordPiece tokenizer), and says so.
 */
export const ESTIMATE_TOKENIZER = 'tailor-subword-estimate';

export function estimateUsage(prompt: ChatMessage[], text: string): Usage {
  const inputTokens = prompt.reduce((n, m) => n + countTokens(m.content), 0);
  const outputTokens = countTokens(text);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, tokenizer: ESTIMATE_TOKENIZER };
}

/**
 * Keeps the answer's parts while they fit in `maxTokens` (estimated); the part that
 * does not fit is cut at a word. Citations whose marker was cut go with it.
 */
export function fitParts(parts: string[], citations: Citation[], maxTokens: number | undefined): { parts: string[]; citations: Citation[]; truncated: boolean } {
  if (maxTokens === undefined) return { parts, citations, truncated: false };
  const kept: string[] = [];
  let used = 0;
  let truncated = false;
  for (const [i, part] of parts.entries()) {
    const piece = i === 0 ? part : ' ' + part;
    const cost = countTokens(piece);
    if (used + cost <= maxTokens) {
      kept.push(part);
      used += cost;
      continue;
    }
    truncated = true;
    let cut = '';
    for (const word of part.split(/(?<=\s)/)) {
      const next = cut + word;
      if (used + countTokens((i === 0 ? '' : ' ') + next) > maxTokens) break;
      cut = next;
    }
    if (cut.trim() !== '') kept.push(cut.trimEnd());
    break;
  }
  const text = kept.join(' ');
  return { parts: kept, citations: citations.filter((c) => text.includes(`[${c.n}]`)), truncated };
}
