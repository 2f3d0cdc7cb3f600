import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { TailorError, isTailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ChatMessage } from '../../core/types.js';
import { ask } from '../../answer/ask.js';
import { resolveAdapterForUse } from '../../finetune/registry.js';
import type { LlamaCppRuntime } from '../../providers/llama-cpp/runtime.js';
import { createChatModelFromSpec, parseChatSpec } from '../../providers/spec.js';
import type { ChatModel, FetchFunction } from '../../providers/types.js';
import type { Retriever } from '../../retrieval/retriever.js';
import { RETRIEVES } from './arms.js';
import { looksLikeRefusal } from './scoring.js';
import type { ArmSpec } from './types.js';
import { storesOf, type FinetuneStores } from '../../finetune/stores.js';

/** What one arm said to one question, before scoring. */
export interface RawAnswer {
  text: string;
  refused: boolean;
  citations: Array<{ n: number; source: string; start: number; end: number; quote: string; passage: string }>;
  latencyMs: number;
  tokensIn: number;
  tokensOut: number;
}

export interface ArmRunner {
  spec: ArmSpec;
  /** The adapter file applied, when any. */
  adapterPath?: string;
  answer(question: string, context: { retriever: Retriever; collections: string[]; abortSignal?: AbortSignal }): Promise<RawAnswer>;
  dispose(): Promise<void>;
}

export interface ArmRunnerOptions {
  home: string;
  /** Where adapters and datasets are kept (an opened Home); default: the files of `home`. */
  stores?: FinetuneStores;
  env: Record<string, string | undefined>;
  cacheDir: string;
  cwd: string;
  llamaRuntime?: LlamaCppRuntime;
  fetch?: FetchFunction;
  logger?: Logger;
  /** The domain system prompt of `prompt` arms. */
  domainPrompt: string;
  maxTokens: number;
  minSupport?: number;
}

/** The "prompt engineering first" arm: the model is told what it is for, and to say when it does not know. */
export function defaultDomainPrompt(collections: string[]): string {
  return `You are the assistant of the organisation whose documents form the collection(s) ${collections.join(', ')}. Answer questions about it briefly and precisely. If you do not know the answer, say "I don't know".`;
}

function expand(path: string, cwd: string): string {
  const p = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return isAbsolute(p) ? p : resolve(cwd, p);
}

/** Checks an arm's model and adapter exist before any question is asked, naming the arm. */
export async function createArmRunner(spec: ArmSpec, options: ArmRunnerOptions): Promise<ArmRunner> {
  const parsed = parseChatSpec(spec.model);
  if (parsed.kind === 'gguf' && !existsSync(expand(parsed.path, options.cwd))) {
    throw new TailorError('NOT_FOUND', `Arm "${spec.name}": the model file ${expand(parsed.path, options.cwd)} does not exist. Fix the path in --arms (${spec.name}=gguf:<path>).`, { details: { arm: spec.name, path: parsed.path } });
  }
  let adapterPath: string | undefined;
  if (spec.adapter) {
    try {
      adapterPath = (await resolveAdapterForUse(storesOf(options).adapters, spec.adapter)).path;
    } catch (cause) {
      const why = isTailorError(cause) && cause.code === 'NOT_FOUND' ? `there is no adapter "${spec.adapter}" in ${options.home}` : (cause as Error).message;
      throw new TailorError(isTailorError(cause) ? cause.code : 'NOT_FOUND', `Arm "${spec.name}": ${why}. Train one with --train (the arena trains ft/raft adapters itself) or \`tailor train\`, or list them with \`tailor adapters list\`.`, { cause, details: { arm: spec.name, adapter: spec.adapter } });
    }
  } else if (spec.kind === 'ft' || spec.kind === 'rag+ft' || spec.kind === 'raft') {
    throw new TailorError('INVALID_ARGUMENT', `Arm "${spec.name}" (${spec.kind}) needs an adapter: add +adapter:NAME to its model, or pass --train so the arena trains one.`, { details: { arm: spec.name } });
  }
  const model = await createChatModelFromSpec(spec.model, {
    env: options.env,
    cacheDir: options.cacheDir,
    cwd: options.cwd,
    llamaRuntime: options.llamaRuntime,
    fetch: options.fetch,
    logger: options.logger,
    loraAdapters: adapterPath ? [adapterPath] : undefined,
  });
  // Load before the first question, so its latency is the answer's, not the model's start-up.
  await (model as { load?: () => Promise<void> } | undefined)?.load?.();
  const retrieves = RETRIEVES[spec.kind];
  return {
    spec,
    adapterPath,
    answer: (question, context) => (retrieves ? answerWithRetrieval(spec, model, question, context, options) : answerAlone(spec, model!, question, context.abortSignal, options)),
    async dispose() {
      const disposable = model as (ChatModel & { dispose?: () => Promise<void> }) | undefined;
      await disposable?.dispose?.();
    },
  };
}

async function answerWithRetrieval(spec: ArmSpec, model: ChatModel | undefined, question: string, context: { retriever: Retriever; collections: string[]; abortSignal?: AbortSignal }, options: ArmRunnerOptions): Promise<RawAnswer> {
  const started = performance.now();
  const answer = await ask({
    question,
    retriever: context.retriever,
    chatModel: model,
    k: spec.k,
    filter: { collections: context.collections },
    minSupport: options.minSupport,
    maxTokens: options.maxTokens,
    temperature: 0,
    abortSignal: context.abortSignal,
  });
  const latencyMs = performance.now() - started;
  const passage = (chunkId: string) => answer.trace.retrieved.find((r) => r.chunk.id === chunkId)?.chunk.text ?? '';
  return {
    text: answer.text,
    refused: answer.refused,
    citations: answer.citations.map((c) => ({ n: c.n, source: c.source, start: c.start, end: c.end, quote: c.quote, passage: passage(c.chunkId) })),
    latencyMs,
    tokensIn: answer.trace.usage.inputTokens ?? 0,
    tokensOut: answer.trace.usage.outputTokens ?? 0,
  };
}

async function answerAlone(spec: ArmSpec, model: ChatModel, question: string, abortSignal: AbortSignal | undefined, options: ArmRunnerOptions): Promise<RawAnswer> {
  const messages: ChatMessage[] = [];
  if (spec.kind === 'prompt') messages.push({ role: 'system', content: options.domainPrompt });
  messages.push({ role: 'user', content: question });
  const started = performance.now();
  const reply = await model.doGenerate({ messages, maxTokens: options.maxTokens, temperature: 0, seed: 1, abortSignal });
  const latencyMs = performance.now() - started;
  // A model without a chat template (plain completion, or the transcript adapters are trained in)
  // runs on past its answer: the answer is its first line. Chat models end their own turn.
  const format = (model as { promptFormat?: string }).promptFormat;
  const firstLineOnly = format === 'completion' || format === 'transcript';
  const text = reply.result.text.trim().split(firstLineOnly ? /\n/ : /\n\s*\n\s*(?:User|Question):/)[0]!.trim();
  return {
    text,
    refused: looksLikeRefusal(text),
    citations: [],
    latencyMs,
    tokensIn: reply.usage.inputTokens ?? 0,
    tokensOut: reply.usage.outputTokens ?? 0,
  };
}
