import { stableId } from '../../core/hash.js';
import { createRandom, shuffled } from '../../core/random.js';
import type { DatasetExample } from '../types.js';
import type { GeneratedQuestion, SourceChunk } from './questions.js';

export interface RaftOptions {
  /** Distractor chunks per example (default 3). */
  distractors?: number;
  /** Share of examples whose context lacks the oracle chunk (default 0.2): they teach "not in the documents". */
  noOracleShare?: number;
  seed?: number;
  /**
   * Document id → pool. Distractors come only from the question's own pool, so a later split
   * that follows the pools keeps every document's text in one split. Absent: one pool.
   */
  pools?: Map<string, number>;
  systemPrompt?: string;
}

export const NOT_IN_DOCUMENTS = 'The provided documents do not contain the answer to this question.';

export interface RaftReport {
  examples: number;
  withOracle: number;
  withoutOracle: number;
  /** Examples that got fewer distractors than asked (too few other documents in their pool). */
  shortOfDistractors: number;
}

/**
 * RAFT (Zhang et al. 2024): each example shows the question with the oracle chunk and k
 * distractor chunks from other documents, in shuffled order, and the answer cites the oracle
 * as [n] with its evidence; a chosen share shows only distractors and answers that the
 * documents do not contain it.
 */
export function buildRaftExamples(questions: GeneratedQuestion[], chunks: SourceChunk[], options: RaftOptions = {}): { examples: DatasetExample[]; report: RaftReport } {
  const k = options.distractors ?? 3;
  const share = options.noOracleShare ?? 0.2;
  const random = createRandom(options.seed ?? 42);
  const poolOf = (documentId: string) => options.pools?.get(documentId) ?? 0;
  const byPool = new Map<number, SourceChunk[]>();
  for (const c of chunks) {
    const pool = poolOf(c.document.id);
    byPool.set(pool, [...(byPool.get(pool) ?? []), c]);
  }
  // Exactly round(share × n) examples lack the oracle; which ones is seeded.
  const withoutOracle = new Set(shuffled(questions.map((_, i) => i), random).slice(0, Math.round(share * questions.length)));
  const report: RaftReport = { examples: 0, withOracle: 0, withoutOracle: 0, shortOfDistractors: 0 };
  const examples = questions.map((q, index) => {
    const oracle = q.source;
    const hasOracle = !withoutOracle.has(index);
    const wanted = hasOracle ? k : k + 1;
    const candidates = (byPool.get(poolOf(oracle.document.id)) ?? []).filter((c) => c.document.id !== oracle.document.id);
    const distractors = shuffled(candidates, random).slice(0, wanted);
    if (distractors.length < wanted) report.shortOfDistractors++;
    const context = shuffled(hasOracle ? [oracle, ...distractors] : distractors, random);
    const user = [
      'Answer the question using only the documents below. Cite the document you use as [n]. If the documents do not contain the answer, say so.',
      '',
      ...context.map((c, i) => `[${i + 1}] ${c.document.title}\n${c.chunk.text}\n`),
      `Question: ${q.question}`,
    ].join('\n');
    const n = context.indexOf(oracle) + 1;
    const answer = hasOracle ? `${q.answer} [${n}]\n\nEvidence from [${n}] "${oracle.document.title}": "${q.evidence}"` : NOT_IN_DOCUMENTS;
    const messages: DatasetExample['messages'] = [];
    if (options.systemPrompt) messages.push({ role: 'system', content: options.systemPrompt });
    messages.push({ role: 'user', content: user }, { role: 'assistant', content: answer });
    if (hasOracle) report.withOracle++;
    else report.withoutOracle++;
    report.examples++;
    // The question itself quotes the oracle's text (cloze), so its chunk and document count even when absent.
    const chunkIds = unique([oracle.chunk.id, ...context.map((c) => c.chunk.id)]);
    const documentIds = unique([oracle.document.id, ...context.map((c) => c.document.id)]);
    return {
      id: stableId('raft', oracle.chunk.id, q.question, String(hasOracle)),
      messages,
      provenance: { kind: 'raft' as const, documentIds, chunkIds, collection: oracle.document.collection, oracleChunkId: hasOracle ? oracle.chunk.id : null },
    } satisfies DatasetExample;
  });
  return { examples, report };
}

/** Deals documents into pools with the split ratios (seeded), so RAFT distractors never cross a split. */
export function documentPools(documentIds: string[], ratios: [number, number, number], seed: number): Map<string, number> {
  const order = shuffled([...new Set(documentIds)].sort(), createRandom(`pools:${seed}`));
  const sum = ratios.reduce((a, b) => a + b, 0);
  const pools = new Map<string, number>();
  const filled = [0, 0, 0];
  for (const id of order) {
    let best = 0;
    let bestDeficit = -Infinity;
    for (let s = 0; s < 3; s++) {
      if (ratios[s] === 0) continue;
      const deficit = (ratios[s] / sum) * order.length - filled[s];
      if (deficit > bestDeficit) [best, bestDeficit] = [s, deficit];
    }
    filled[best]++;
    pools.set(id, best);
  }
  return pools;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
