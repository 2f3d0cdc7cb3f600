import { normalisedTextHash } from '../../core/hash.js';
import { createNearDuplicateIndex, minhashSignature } from '../../ingest/dedup.js';
import { redactPii, type PiiKind } from '../../ingest/redact.js';
import type { DatasetExample } from '../types.js';

export interface CleanOptions {
  /** Remove exact and near duplicates (default true). */
  dedupe?: boolean;
  /** Estimated Jaccard similarity at or above which two examples are near duplicates (default 0.9). */
  nearDuplicateThreshold?: number;
  /** Replace personal data in every message before anything is stored. */
  redact?: PiiKind[];
}

export interface CleanReport {
  exactDuplicates: number;
  nearDuplicates: Array<{ id: string; duplicateOf: string; similarity: number }>;
  redactions: Record<string, number>;
}

/** Redacts, then drops exact duplicates (same normalised text) and near duplicates (MinHash), keeping the first. */
export function cleanExamples(examples: DatasetExample[], options: CleanOptions = {}): { examples: DatasetExample[]; report: CleanReport } {
  const redactions: Record<string, number> = {};
  const redacted = options.redact && options.redact.length > 0 ? examples.map((e) => redactExample(e, options.redact!, redactions)) : examples;
  const report: CleanReport = { exactDuplicates: 0, nearDuplicates: [], redactions };
  if (options.dedupe === false) return { examples: redacted, report };
  const seen = new Set<string>();
  const near = createNearDuplicateIndex(options.nearDuplicateThreshold ?? 0.9);
  const kept: DatasetExample[] = [];
  for (const example of redacted) {
    const text = example.messages.map((m) => `${m.role}: ${m.content}`).join('\n');
    const hash = normalisedTextHash(text);
    if (seen.has(hash)) {
      report.exactDuplicates++;
      continue;
    }
    const signature = minhashSignature(text);
    const similar = near.findSimilar(signature);
    if (similar) {
      report.nearDuplicates.push({ id: example.id, duplicateOf: similar.id, similarity: similar.similarity });
      continue;
    }
    seen.add(hash);
    near.add(example.id, signature);
    kept.push(example);
  }
  return { examples: kept, report };
}

function redactExample(example: DatasetExample, kinds: PiiKind[], totals: Record<string, number>): DatasetExample {
  const redact = (text: string, count = true) => {
    const result = redactPii(text, kinds);
    if (count) for (const [kind, n] of Object.entries(result.counts)) totals[kind] = (totals[kind] ?? 0) + (n as number);
    return result.text;
  };
  const out: DatasetExample = { ...example, messages: example.messages.map((m) => ({ ...m, content: redact(m.content) })) };
  if (example.alpacaPrompt) out.alpacaPrompt = { instruction: redact(example.alpacaPrompt.instruction, false), input: redact(example.alpacaPrompt.input, false) };
  return out;
}
