import { TailorError } from '../../core/errors.js';
import { stableId } from '../../core/hash.js';
import type { Logger, ProgressListener } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { Store } from '../../index/store.js';
import type { ChatModel } from '../../providers/types.js';
import { DEFAULT_SPLIT_RATIOS } from '../datasets/split.js';
import type { DatasetExample } from '../types.js';
import { qaExample } from './examples.js';
import { llmQuestions } from './llm-questions.js';
import { offlineQuestions } from './offline-questions.js';
import type { GeneratedQuestion, SourceChunk } from './questions.js';
import { buildRaftExamples, documentPools, type RaftReport } from './raft.js';

export interface BuildFromCollectionOptions {
  store: Store;
  collection: string;
  kind: 'qa' | 'raft' | 'text';
  /** Generates the questions when given; otherwise the deterministic offline generator does. */
  chatModel?: ChatModel;
  questionsPerChunk?: number;
  /** Use at most this many chunks (in document order), for quick runs. */
  maxChunks?: number;
  distractors?: number;
  noOracleShare?: number;
  /** RAFT distractors stay within document pools dealt with these ratios, matching a later split. */
  ratios?: [number, number, number];
  seed?: number;
  systemPrompt?: string;
  logger?: Logger;
  onProgress?: ProgressListener;
  abortSignal?: AbortSignal;
}

export interface BuildReport {
  collection: string;
  kind: 'qa' | 'raft' | 'text';
  generator: string;
  documents: number;
  chunks: number;
  questions: number;
  /** Chunks where the model's reply was unusable and the offline generator stood in. */
  llmFallbacks: number;
  raft?: RaftReport;
  warnings: string[];
}

/** Reads a collection's chunks from the store and turns them into training examples. */
export async function buildFromCollection(options: BuildFromCollectionOptions): Promise<{ examples: DatasetExample[]; report: BuildReport }> {
  const logger = options.logger ?? silentLogger;
  const rows = await options.store.doGetChunks({ filter: { collections: [options.collection] } });
  if (rows.length === 0) {
    throw new TailorError('NOT_FOUND', `The collection "${options.collection}" has no chunks. Ingest documents into it first (\`tailor ingest <paths> --collection ${options.collection}\`).`);
  }
  const sources: SourceChunk[] = rows
    .map(({ chunk, document }) => ({ chunk, document: { id: document.id, title: document.title, source: document.source, collection: document.collection } }))
    .sort((a, b) => a.document.source.localeCompare(b.document.source) || a.chunk.ordinal - b.chunk.ordinal);
  const used = options.maxChunks ? sources.slice(0, options.maxChunks) : sources;
  if (options.kind === 'text') return rawTextFromChunks(options.collection, used);
  const perChunk = options.questionsPerChunk ?? 2;
  const warnings: string[] = [];
  const questions: GeneratedQuestion[] = [];
  let llmFallbacks = 0;
  for (const [index, source] of used.entries()) {
    if (options.abortSignal?.aborted) throw new TailorError('ABORTED', 'Dataset build was cancelled.');
    let generated: GeneratedQuestion[] | undefined;
    if (options.chatModel) {
      generated = await llmQuestions(options.chatModel, source, { perChunk, seed: options.seed, abortSignal: options.abortSignal });
      if (!generated) {
        llmFallbacks++;
        logger.log('warn', 'the model gave no usable question-answer JSON for a chunk; using the offline generator for it', { chunkId: source.chunk.id });
      }
    }
    questions.push(...(generated ?? offlineQuestions(source, perChunk)));
    options.onProgress?.({ phase: 'questions', done: index + 1, total: used.length, item: source.document.title });
  }
  if (llmFallbacks > 0) warnings.push(`${llmFallbacks} chunk(s) fell back to the offline generator: the model's reply was not a JSON array of question/answer pairs.`);
  const report: BuildReport = {
    collection: options.collection,
    kind: options.kind,
    generator: options.chatModel ? `llm:${options.chatModel.provider}:${options.chatModel.modelId}` : 'offline',
    documents: new Set(used.map((s) => s.document.id)).size,
    chunks: used.length,
    questions: questions.length,
    llmFallbacks,
    warnings,
  };
  if (options.kind === 'qa') return { examples: questions.map((q) => qaExample(q, options.systemPrompt)), report };
  const seed = options.seed ?? 42;
  const pools = documentPools(sources.map((s) => s.document.id), options.ratios ?? DEFAULT_SPLIT_RATIOS, seed);
  const raft = buildRaftExamples(questions, sources, { distractors: options.distractors, noOracleShare: options.noOracleShare, seed, pools, systemPrompt: options.systemPrompt });
  if (raft.report.shortOfDistractors > 0) {
    warnings.push(`${raft.report.shortOfDistractors} RAFT example(s) got fewer distractors than asked: their split pool has too few other documents.`);
  }
  return { examples: raft.examples, report: { ...report, raft: raft.report } };
}

/** Continued pretraining: each chunk's text as one unlabelled example, with its lineage. */
function rawTextFromChunks(collection: string, used: SourceChunk[]): { examples: DatasetExample[]; report: BuildReport } {
  const examples: DatasetExample[] = used.map(({ chunk, document }) => ({
    id: stableId('text', chunk.id),
    messages: [{ role: 'assistant', content: chunk.text }],
    provenance: { kind: 'text', documentIds: [document.id], chunkIds: [chunk.id], collection: document.collection },
  }));
  const report: BuildReport = {
    collection, kind: 'text', generator: 'raw-text', documents: new Set(used.map((s) => s.document.id)).size,
    chunks: used.length, questions: 0, llmFallbacks: 0, warnings: [],
  };
  return { examples, report };
}
