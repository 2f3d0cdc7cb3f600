import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError, toTailorError } from '../../core/errors.js';
import { silentLogger, type Logger, type ProgressListener } from '../../core/logger.js';
import type { ChunkOptions } from '../../chunking/index.js';
import type { Store } from '../../index/store.js';
import type { TrainHyperparameters } from '../../finetune/train.js';
import { createLlamaCppRuntime, type LlamaCppRuntime, type LlamaGpuChoice } from '../../providers/llama-cpp/runtime.js';
import { createChatModelFromSpec } from '../../providers/spec.js';
import type { ChatModel, Embedder, FetchFunction } from '../../providers/types.js';
import type { Retriever } from '../../retrieval/retriever.js';
import type { FusionOptions } from '../../retrieval/fuse.js';
import { armMetrics, compareArms, type PriceTable } from './aggregate.js';
import { NEEDS_ADAPTER, RETRIEVES } from './arms.js';
import { runFreshnessProbe } from './freshness.js';
import { JUDGE_PROMPT, judgeAnswer } from './judge.js';
import { assignSplits, goldSpans, trainingDocumentIds, type StoredDocument } from './protocols.js';
import { generateQuestions, readQuestionsFile } from './questions.js';
import { renderArenaReport } from './report.js';
import { createArmRunner, defaultDomainPrompt, type ArmRunner } from './run-arm.js';
import { appendCheckpoint, arenaRunDir, newRunId, readCheckpoint, readState, saveRun, writeState } from './run-store.js';
import { scoreAnswer, type Span } from './scoring.js';
import { trainArmAdapters, type ArenaTraining } from './train-arms.js';
import type { ArenaQuestion, ArenaRun, ArmResult, ArmSpec, PerQuestion, Protocol } from './types.js';
import { storesOf, type FinetuneStores } from '../../finetune/stores.js';

export interface RunArenaOptions {
  home: string;
  /** Where adapters and datasets are kept (an opened Home); default: the files of `home`. */
  stores?: FinetuneStores;
  store: Store;
  retriever: Retriever;
  embedder?: Embedder;
  fusion?: Partial<FusionOptions>;
  chunking?: ChunkOptions;
  /** Collections the questions are about (retrieval is limited to them). */
  collections: string[];
  arms: ArmSpec[];
  /** A JSONL questions file; without one, questions are generated from the collections. */
  questionsFile?: string;
  /** Or questions given directly (library users). */
  questions?: ArenaQuestion[];
  /** Most generated questions (default 50). */
  maxQuestions?: number;
  protocol?: Protocol;
  /** Share of questions (knowledge-injection) or documents (generalisation) held out for test (default 0.5). */
  testShare?: number;
  seed?: number;
  /** Train the adapters that ft, rag+ft and raft arms lack (local LoRA). */
  train?: boolean;
  trainHyperparameters?: TrainHyperparameters;
  /** Also train on the offline generator's questions about the training documents (default true). */
  trainOnGenerated?: boolean;
  /** Change this many facts and ask again (0 = no probe). */
  freshness?: number;
  /** A chat model spec that grades answers. */
  judge?: string;
  judgeTimeoutMs?: number;
  prices?: PriceTable;
  /** Longest answer, in tokens, asked of generative arms (default 48). */
  maxTokens?: number;
  minSupport?: number;
  domainPrompt?: string;
  /** Continue the stored run with this id (its settings are read from its checkpoint). */
  resume?: string;
  runId?: string;
  env?: Record<string, string | undefined>;
  cacheDir?: string;
  cwd?: string;
  fetch?: FetchFunction;
  llamaRuntime?: LlamaCppRuntime;
  /** Where gguf arms run when no runtime is passed (default the CPU: the arena's numbers should repeat). */
  gpu?: LlamaGpuChoice;
  logger?: Logger;
  onProgress?: ProgressListener;
  abortSignal?: AbortSignal;
}

/** What a run remembers in its checkpoint so `--resume` asks exactly the same things. */
interface RunState {
  id: string;
  createdAt: string;
  protocol: Protocol;
  collections: string[];
  source: string;
  arms: ArmSpec[];
  questions: ArenaQuestion[];
  training: Array<[string, ArenaTraining]>;
  judge?: string;
  freshness?: number;
  /** Set when the run trains its adapters, so a resume after a failed training trains again. */
  train?: { hyperparameters?: TrainHyperparameters; generated?: boolean };
}

/**
 * Puts the same questions through every arm and measures which works: answers, scores with
 * intervals, paired tests between arms, optionally a judge and the freshness probe. Every
 * answer is checkpointed as it comes, so a run that stops (error, Ctrl-C) keeps its results
 * (status "partial") and `resume` continues it.
 */
export async function runArena(options: RunArenaOptions): Promise<ArenaRun> {
  const logger = options.logger ?? silentLogger;
  const started = performance.now();
  const id = options.resume ?? options.runId ?? newRunId();
  const dir = arenaRunDir(options.home, id);
  const previous = options.resume ? await readState<RunState>(dir) : undefined;
  if (options.resume && !previous) throw new TailorError('NOT_FOUND', `There is no arena run ${id} to resume. List runs with \`tailor arena list\`.`, { details: { id } });
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? {};
  const ownRuntime = options.llamaRuntime ? undefined : createLlamaCppRuntime({ gpu: options.gpu ?? false, logger });
  const llamaRuntime = options.llamaRuntime ?? ownRuntime;
  const runners: ArmRunner[] = [];
  let state: RunState | undefined = previous;
  const perQuestion: PerQuestion[] = [];
  const documents: Array<StoredDocument & { format: string }> = [];
  let finish: ((status: ArenaRun['status']) => Promise<ArenaRun>) | undefined;
  try {
    const collections = previous?.collections ?? options.collections;
    await assertCollectionsHaveChunks(options.store, collections);
    const stored = await options.store.doListDocuments({ filter: { collections }, withText: true });
    documents.push(...stored.map((d) => ({ id: d.id, source: d.source, text: d.text ?? '', format: d.format })));
    if (!state) {
      const protocol = options.protocol ?? 'knowledge-injection';
      const raw = options.questions ?? (options.questionsFile ? await readQuestionsFile(options.questionsFile) : await generateQuestions(options.store, collections, { max: options.maxQuestions ?? 50 }));
      if (raw.length === 0) throw new TailorError('INVALID_ARGUMENT', `No questions: the collection(s) ${collections.join(', ')} gave the generator no sentence to ask about. Pass --questions FILE.`);
      // Without an adapter arm nothing is trained, so every question is a test question.
      const trains = options.arms.some((a) => NEEDS_ADAPTER[a.kind]);
      const questions = trains ? assignSplits(raw, protocol, documents, { testShare: options.testShare, seed: options.seed }) : raw.map((q) => ({ ...q, split: 'test' as const }));
      const arms = options.arms;
      state = {
        id, createdAt: new Date().toISOString(), protocol, collections, source: options.questionsFile ?? (options.questions ? 'given' : 'generated:offline'), arms, questions, training: [],
        judge: options.judge, freshness: options.freshness, ...(options.train ? { train: { hyperparameters: options.trainHyperparameters, generated: options.trainOnGenerated } } : {}),
      };
      await writeState(dir, state);
    }
    if (state.train && state.arms.some((a) => NEEDS_ADAPTER[a.kind] && !a.adapter)) {
      // Adapters this run already registered are reused, so a resumed run only trains what is missing.
      const { arms, training } = await trainArmAdapters({
        home: options.home, stores: options.stores, runId: id, store: options.store, collections, arms: state.arms, questions: state.questions, documents,
        trainDocumentIds: trainingDocumentIds(state.questions, state.protocol, documents), cwd,
        generatedQuestions: state.train.generated, hyperparameters: state.train.hyperparameters,
        logger, onProgress: options.onProgress, abortSignal: options.abortSignal,
      });
      state = { ...state, arms, training: [...training] };
      await writeState(dir, state);
    }
    const run = state;
    const training = new Map(run.training);
    const runnerOptions = {
      home: options.home, stores: options.stores, env, cacheDir: options.cacheDir ?? join(options.home, 'cache'), cwd, llamaRuntime, fetch: options.fetch, logger,
      domainPrompt: options.domainPrompt ?? defaultDomainPrompt(run.collections), maxTokens: options.maxTokens ?? 48, minSupport: options.minSupport,
    };
    for (const arm of run.arms) runners.push(await createArmRunner(arm, runnerOptions));
    const judge = run.judge ? await createJudge(run.judge, runnerOptions) : undefined;
    const done = new Map((await readCheckpoint(dir)).map((c) => [`${c.question}\u0000${c.arm}`, c.answer]));
    const warnings: string[] = [];
    const gold = new Map<string, Span[]>();
    for (const q of run.questions) {
      const { spans, unresolved } = goldSpans(q, documents);
      gold.set(q.id, spans);
      warnings.push(...unresolved);
    }
    for (const q of run.questions) perQuestion.push({ id: q.id, question: q.question, gold: q.answer, answerable: q.answerable, split: q.split ?? 'test', answers: {} });

    finish = async (status) => {
      const result = buildRun(run, status, perQuestion, runners.map((r) => r.spec), training, options.prices ?? {}, warnings, (performance.now() - started) / 1000);
      await saveRun(dir, result, renderArenaReport(result));
      return result;
    };

    const total = run.questions.length * runners.length;
    let answered = 0;
    for (const [qi, q] of run.questions.entries()) {
      for (const runner of runners) {
        const key = `${q.id}\u0000${runner.spec.name}`;
        let answer = done.get(key);
        if (!answer) {
          if (options.abortSignal?.aborted) throw new TailorError('ABORTED', `The arena run ${id} was interrupted; resume it with \`tailor arena --resume ${id}\`.`);
          const raw = await runner.answer(q.question, { retriever: options.retriever, collections: run.collections, abortSignal: options.abortSignal });
          answer = scoreAnswer(q, raw, gold.get(q.id) ?? [], RETRIEVES[runner.spec.kind]);
          if (judge) answer.judge = await judgeAnswer(judge.model, judge.spec, { id: q.id, question: q.question, gold: q.answer, answer: raw.text }, { timeoutMs: options.judgeTimeoutMs ?? 60_000, abortSignal: options.abortSignal });
          await appendCheckpoint(dir, { question: q.id, arm: runner.spec.name, answer });
        }
        perQuestion[qi]!.answers[runner.spec.name] = answer;
        options.onProgress?.({ phase: 'arena', done: ++answered, total, item: `${runner.spec.name}: ${q.id}` });
      }
    }
    let result = await finish('complete');
    if (run.freshness && run.freshness > 0) {
      const freshness = await runFreshnessProbe({
        dir: join(dir, 'freshness'), facts: run.freshness, questions: run.questions, documents, runners, training: await withNamedAdapters(storesOf(options), run.arms, training),
        embedder: options.embedder, fusion: options.fusion, chunking: options.chunking, logger, onProgress: options.onProgress, abortSignal: options.abortSignal,
      });
      result = { ...result, freshness };
      await saveRun(dir, result, renderArenaReport(result));
    }
    return result;
  } catch (error) {
    if (finish && perQuestion.some((q) => Object.keys(q.answers).length > 0)) {
      const partial = await finish('partial').catch(() => undefined);
      const e = toTailorError(error);
      throw new TailorError(e.code, `${e.message} The ${countAnswers(perQuestion)} answers so far are kept in run ${id} (status partial); continue with \`tailor arena --resume ${id}\`.`, { cause: error, details: { ...e.details, runId: id, status: partial?.status ?? 'partial' } });
    }
    // A new run that failed before its first answer or adapter (a bad arm, a missing model) leaves nothing behind.
    if (!previous && (state?.training.length ?? 0) === 0 && countAnswers(perQuestion) === 0) await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    for (const runner of runners) await runner.dispose().catch(() => undefined);
    await ownRuntime?.dispose();
  }
}

/** Adapters named by the user (not trained in the run) still tell their training speed, for the retrain estimate. */
async function withNamedAdapters(stores: FinetuneStores, arms: ArmSpec[], training: Map<string, ArenaTraining>): Promise<Map<string, ArenaTraining>> {
  const out = new Map(training);
  for (const arm of arms) {
    if (!arm.adapter || out.has(arm.adapter)) continue;
    const manifest = await stores.adapters.find(arm.adapter);
    const seconds = manifest?.metrics.seconds ?? 0;
    const tokens = manifest?.metrics.tokens ?? 0;
    if (seconds > 0) out.set(arm.adapter, { adapter: arm.adapter, seconds, tokens, examples: manifest!.dataset.exampleIds.length, tokensPerSecond: tokens / seconds });
  }
  return out;
}

function countAnswers(perQuestion: PerQuestion[]): number {
  return perQuestion.reduce((n, q) => n + Object.keys(q.answers).length, 0);
}

async function assertCollectionsHaveChunks(store: Store, collections: string[]): Promise<void> {
  if (collections.length === 0) throw new TailorError('INVALID_ARGUMENT', 'The arena needs a collection to ask about: pass --collection NAME.');
  const stats = await store.doStats();
  for (const name of collections) {
    const found = stats.collections.find((c) => c.name === name);
    if (!found || found.chunks === 0) {
      throw new TailorError('NOT_FOUND', `The collection "${name}" is empty: ingest its documents first (\`tailor ingest <paths> --collection ${name}\`), or name another with --collection.`, { details: { collection: name } });
    }
  }
}

async function createJudge(spec: string, options: { env: Record<string, string | undefined>; cacheDir: string; cwd: string; llamaRuntime?: LlamaCppRuntime; fetch?: FetchFunction; logger: Logger }): Promise<{ spec: string; model: ChatModel }> {
  const model = await createChatModelFromSpec(spec, options);
  if (!model) throw new TailorError('INVALID_ARGUMENT', `--judge ${spec}: the judge must be a generative model (openai:, openai-compatible: or gguf:), not the extractive answerer.`);
  return { spec, model };
}

function buildRun(state: RunState, status: ArenaRun['status'], perQuestion: PerQuestion[], arms: ArmSpec[], training: Map<string, ArenaTraining>, prices: PriceTable, warnings: string[], seconds: number): ArenaRun {
  const test = perQuestion.filter((q) => q.split === 'test');
  const train = perQuestion.filter((q) => q.split === 'train');
  const judged = state.judge !== undefined;
  const results: ArmResult[] = arms.map((arm) => {
    const overall = armMetrics(test, arm.name, arm.model, prices, judged);
    const t = arm.adapter ? training.get(arm.adapter) : undefined;
    return {
      name: arm.name,
      kind: arm.kind,
      model: arm.model,
      adapter: arm.adapter ?? null,
      retrieval: { enabled: RETRIEVES[arm.kind], k: RETRIEVES[arm.kind] ? arm.k : 0 },
      metrics: overall.metrics,
      intervals: overall.intervals,
      metricsBySplit: {
        test: overall.metrics,
        ...(train.length > 0 ? { train: armMetrics(train, arm.name, arm.model, prices, judged).metrics } : {}),
      },
      training: t ? { adapter: t.adapter, seconds: t.seconds, tokens: t.tokens, examples: t.examples } : null,
    };
  });
  return {
    id: state.id,
    createdAt: state.createdAt,
    status,
    protocol: state.protocol,
    collections: state.collections,
    questions: {
      source: state.source,
      total: state.questions.length,
      train: state.questions.filter((q) => q.split === 'train').length,
      test: state.questions.filter((q) => q.split !== 'train').length,
      unanswerable: state.questions.filter((q) => !q.answerable).length,
    },
    arms: results,
    comparisons: compareArms(test, arms.map((a) => a.name)),
    ...(judged ? { judge: { model: state.judge!, prompt: JUDGE_PROMPT } } : {}),
    perQuestion,
    prices,
    warnings: [...new Set(warnings)],
    seconds,
  };
}
