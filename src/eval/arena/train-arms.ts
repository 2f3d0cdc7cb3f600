import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { Logger, ProgressListener } from '../../core/logger.js';
import type { Chunk, DocumentSummary } from '../../core/types.js';
import type { Store } from '../../index/store.js';
import { saveBuiltDataset } from '../../finetune/datasets/api.js';
import { qaExample } from '../../finetune/build/examples.js';
import { offlineQuestions } from '../../finetune/build/offline-questions.js';
import type { GeneratedQuestion, SourceChunk } from '../../finetune/build/questions.js';
import { buildRaftExamples } from '../../finetune/build/raft.js';
import { trainAdapter, type TrainHyperparameters } from '../../finetune/train.js';
import { parseChatSpec } from '../../providers/spec.js';
import { documentOf, type StoredDocument } from './protocols.js';
import type { ArenaQuestion, ArmSpec } from './types.js';
import { storesOf, type FinetuneStores } from '../../finetune/stores.js';

export interface ArenaTraining {
  adapter: string;
  seconds: number;
  tokens: number;
  examples: number;
  /** Measured training speed: what a retrain for changed facts is estimated from. */
  tokensPerSecond: number;
}

export interface TrainArmsOptions {
  home: string;
  /** Where adapters and datasets are kept (an opened Home); default: the files of `home`. */
  stores?: FinetuneStores;
  runId: string;
  store: Store;
  collections: string[];
  arms: ArmSpec[];
  questions: ArenaQuestion[];
  documents: StoredDocument[];
  trainDocumentIds: Set<string>;
  cwd: string;
  /** Also train on the offline generator's questions about the training documents (default true). */
  generatedQuestions?: boolean;
  hyperparameters?: TrainHyperparameters;
  logger?: Logger;
  onProgress?: ProgressListener;
  abortSignal?: AbortSignal;
}

/** The chunk of a document that holds the question's evidence or answer (the oracle, for RAFT). */
function oracleFor(q: ArenaQuestion, chunks: SourceChunk[], documents: StoredDocument[]): SourceChunk | undefined {
  const doc = documentOf(q, documents);
  if (!doc) return undefined;
  const own = chunks.filter((c) => c.document.id === doc.id);
  const quote = q.evidence?.find((e) => 'quote' in e) as { quote: string } | undefined;
  return own.find((c) => quote && c.chunk.text.includes(quote.quote)) ?? own.find((c) => c.chunk.text.includes(q.answer)) ?? own[0];
}

/**
 * Trains the adapters that ft, rag+ft and raft arms lack, with the existing dataset builders
 * and the local LoRA trainer: one Q/A adapter for ft and rag+ft, one RAFT adapter for raft,
 * per base model. Adapters already trained for this run are reused (resume).
 */
export async function trainArmAdapters(options: TrainArmsOptions): Promise<{ arms: ArmSpec[]; training: Map<string, ArenaTraining> }> {
  const rows = await options.store.doGetChunks({ filter: { collections: options.collections } });
  const chunks: SourceChunk[] = rows
    .filter((r) => options.trainDocumentIds.has(r.document.id))
    .map(({ chunk, document }: { chunk: Chunk; document: DocumentSummary }) => ({ chunk, document: { id: document.id, title: document.title, source: document.source, collection: document.collection } }))
    .sort((a, b) => a.document.source.localeCompare(b.document.source) || a.chunk.ordinal - b.chunk.ordinal);
  const fromFile: GeneratedQuestion[] = [];
  for (const q of options.questions) {
    if (q.split !== 'train' || !q.answerable) continue;
    const source = oracleFor(q, chunks, options.documents);
    if (source) fromFile.push({ question: q.question, answer: q.answer, evidence: source.chunk.text.includes(q.answer) ? q.answer : source.chunk.text.slice(0, 200), style: 'cloze', source });
  }
  const generated = options.generatedQuestions === false ? [] : chunks.flatMap((c) => offlineQuestions(c, 2));
  const questions = [...fromFile, ...generated];
  if (questions.length === 0) {
    throw new TailorError('INVALID_ARGUMENT', 'There is nothing to train on: no training question has a stored document and the offline generator found no sentence to ask about. Add questions with "split": "train", or use the knowledge-injection protocol.');
  }
  const registry = storesOf(options).adapters;
  const training = new Map<string, ArenaTraining>();
  const arms: ArmSpec[] = [];
  const byKey = new Map<string, string>();
  for (const arm of options.arms) {
    if (arm.adapter || !(arm.kind === 'ft' || arm.kind === 'rag+ft' || arm.kind === 'raft')) {
      arms.push(arm);
      continue;
    }
    const parsed = parseChatSpec(arm.model);
    if (parsed.kind !== 'gguf') {
      throw new TailorError('INVALID_ARGUMENT', `Arm "${arm.name}": --train trains local LoRA adapters on a GGUF model, and "${arm.model}" is not one. Use ${arm.name}=gguf:<path>, or name a trained adapter with +adapter:NAME.`, { details: { arm: arm.name } });
    }
    const base = expand(parsed.path, options.cwd);
    const kind = arm.kind === 'raft' ? 'raft' : 'qa';
    const key = `${kind}|${base}`;
    const shared = byKey.get(key);
    if (shared) {
      arms.push({ ...arm, adapter: shared });
      continue;
    }
    const adapter = `arena-${options.runId}-${kind}-${byKey.size}`.slice(0, 80);
    byKey.set(key, adapter);
    const existing = await registry.find(adapter);
    if (!existing) {
      const examples = kind === 'qa' ? questions.map((q) => qaExample(q)) : buildRaftExamples(questions, chunks, { distractors: 2, seed: 42 }).examples;
      await saveBuiltDataset({ home: options.home, stores: options.stores, name: adapter, examples, details: { arena: options.runId, kind }, mode: 'replace', dedupe: false });
      await trainAdapter({
        home: options.home,
        stores: options.stores,
        base,
        dataset: adapter,
        name: adapter,
        backend: 'local',
        // RAFT examples carry several passages: give them room unless told otherwise.
        hyperparameters: kind === 'raft' ? { maxSeqLen: 512, ...options.hyperparameters } : options.hyperparameters,
        evaluatePerplexity: false,
        logger: options.logger,
        abortSignal: options.abortSignal,
        onProgress: (e) => options.onProgress?.({ phase: `train ${kind}`, done: e.step, total: e.totalSteps, item: `loss ${e.loss.toFixed(3)}` }),
      });
    }
    const manifest = await registry.get(adapter);
    const seconds = manifest.metrics.seconds ?? 0;
    const tokens = manifest.metrics.tokens ?? 0;
    training.set(adapter, { adapter, seconds, tokens, examples: manifest.dataset.exampleIds.length, tokensPerSecond: seconds > 0 ? tokens / seconds : 0 });
    arms.push({ ...arm, adapter });
  }
  return { arms, training };
}

function expand(path: string, cwd: string): string {
  const p = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return isAbsolute(p) ? p : resolve(cwd, p);
}
