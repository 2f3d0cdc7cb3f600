import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { TailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { ChatModel, Embedder, FetchFunction } from './types.js';
import { createLlamaCppChatModel, createLlamaCppEmbedder, type LlamaCppRuntime, type LlamaGpuChoice } from './llama-cpp/index.js';
import { createModel2VecEmbedder, createTransformersEmbedder } from './local-dir/index.js';
import { createOpenAICompatibleChatModel, createOpenAICompatibleEmbedder } from './openai-compatible/index.js';
import { createWordVectorEmbedder } from './word-vectors/index.js';

/** User-facing model specs, as typed on the command line. */
export type ChatSpec =
  | { kind: 'extractive' }
  | { kind: 'openai'; model: string }
  | { kind: 'openai-compatible'; model: string; baseURL: string }
  | { kind: 'gguf'; path: string };

export type EmbedderSpec =
  | { kind: 'none' }
  | { kind: 'words' }
  | { kind: 'openai'; model: string }
  | { kind: 'openai-compatible'; model: string; baseURL: string }
  | { kind: 'gguf'; path: string }
  | { kind: 'model2vec'; dir: string }
  | { kind: 'onnx'; target: string };

export const CHAT_SPEC_FORMS = ['extractive', 'openai:<model>', 'openai-compatible:<model>@<baseURL>', 'gguf:<path>'];
export const EMBEDDER_SPEC_FORMS = [
  'words',
  'openai:<model>',
  'openai-compatible:<model>@<baseURL>',
  'gguf:<path>',
  'model2vec:<dir>',
  'onnx:<dir-or-hub-id>',
  'none',
];

export interface ProviderSpecOptions {
  /** Environment variables (passed in, never read globally): OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_COMPATIBLE_API_KEY. */
  env: Record<string, string | undefined>;
  /** Where providers may keep caches (downloaded ONNX models). */
  cacheDir: string;
  logger?: Logger;
  /** Told, in one line, about one-time work that takes seconds (e.g. loading a large local model). */
  notice?: (line: string) => void;
  fetch?: FetchFunction;
  /** Relative model paths resolve against this; default the process's working directory. */
  cwd?: string;
  /** Overrides OPENAI_BASE_URL for `openai:` specs. */
  openaiBaseURL?: string;
  /** One llama.cpp runtime shared by every gguf: model (starting one costs seconds). */
  llamaRuntime?: LlamaCppRuntime;
  /** For gguf chat models: LoRA adapter files (GGUF) to apply. */
  loraAdapters?: string[];
  /** For gguf: models made without `llamaRuntime`. */
  gpu?: LlamaGpuChoice;
  /** Let onnx:<hub-id> download from the Hugging Face hub (default false). */
  allowRemoteModels?: boolean;
}

const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

function invalid(spec: string, what: 'chat model' | 'embedder', reason: string): TailorError {
  const forms = what === 'chat model' ? CHAT_SPEC_FORMS : EMBEDDER_SPEC_FORMS;
  return new TailorError('INVALID_ARGUMENT', `Invalid ${what} "${spec}": ${reason}. Valid forms: ${forms.join(', ')}.`, {
    details: { spec, validForms: forms },
  });
}

/** Splits at the first colon, so Windows paths (gguf:C:\m.gguf) and Ollama tags (qwen2.5:7b) survive. */
function splitScheme(spec: string): { scheme: string; rest: string } {
  const colon = spec.indexOf(':');
  return colon < 0 ? { scheme: spec, rest: '' } : { scheme: spec.slice(0, colon), rest: spec.slice(colon + 1) };
}

function parseCompatible(rest: string, fail: (reason: string) => TailorError): { model: string; baseURL: string } {
  const match = /^(.+?)@(https?:\/\/.+)$/.exec(rest);
  if (!match) throw fail('expected <model>@<baseURL>, e.g. llama3.1:8b@http://localhost:11434/v1');
  try {
    new URL(match[2]);
  } catch {
    throw fail(`"${match[2]}" is not a valid URL`);
  }
  return { model: match[1], baseURL: match[2] };
}

function requireValue(value: string, fail: (reason: string) => TailorError, name: string): string {
  if (!value.trim()) throw fail(`the ${name} is missing`);
  return value;
}

export function parseChatSpec(input: string): ChatSpec {
  const spec = input.trim();
  const fail = (reason: string) => invalid(input, 'chat model', reason);
  const { scheme, rest } = splitScheme(spec);
  switch (scheme) {
    case 'extractive':
      if (rest) throw fail('"extractive" takes no argument');
      return { kind: 'extractive' };
    case 'openai':
      return { kind: 'openai', model: requireValue(rest, fail, 'model name') };
    case 'openai-compatible':
      return { kind: 'openai-compatible', ...parseCompatible(rest, fail) };
    case 'gguf':
      return { kind: 'gguf', path: requireValue(rest, fail, 'model path') };
    default:
      throw fail(spec ? `unknown kind "${scheme}"` : 'it is empty');
  }
}

export function parseEmbedderSpec(input: string): EmbedderSpec {
  const spec = input.trim();
  const fail = (reason: string) => invalid(input, 'embedder', reason);
  const { scheme, rest } = splitScheme(spec);
  switch (scheme) {
    case 'none':
    case 'words':
      if (rest) throw fail(`"${scheme}" takes no argument`);
      return { kind: scheme };
    case 'openai':
      return { kind: 'openai', model: requireValue(rest, fail, 'model name') };
    case 'openai-compatible':
      return { kind: 'openai-compatible', ...parseCompatible(rest, fail) };
    case 'gguf':
      return { kind: 'gguf', path: requireValue(rest, fail, 'model path') };
    case 'model2vec':
      return { kind: 'model2vec', dir: requireValue(rest, fail, 'model directory') };
    case 'onnx':
      return { kind: 'onnx', target: requireValue(rest, fail, 'model directory or hub id') };
    default:
      throw fail(spec ? `unknown kind "${scheme}"` : 'it is empty');
  }
}

function resolvePath(path: string, options: ProviderSpecOptions): string {
  const expanded = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return isAbsolute(expanded) ? expanded : resolve(options.cwd ?? process.cwd(), expanded);
}

function openaiSettings(options: ProviderSpecOptions, what: string) {
  const baseURL = options.openaiBaseURL ?? options.env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
  const apiKey = options.env.OPENAI_API_KEY;
  if (!apiKey && baseURL === OPENAI_DEFAULT_BASE_URL) {
    throw new TailorError('INVALID_ARGUMENT', `${what} needs an API key: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server).`);
  }
  return { baseURL, apiKey, provider: 'openai', fetch: options.fetch };
}

/** Any OpenAI-compatible server: its own key variable, so OPENAI_API_KEY never goes to an arbitrary URL. */
function compatibleSettings(parsed: { baseURL: string; model: string }, options: ProviderSpecOptions) {
  return { baseURL: parsed.baseURL, apiKey: options.env.OPENAI_COMPATIBLE_API_KEY, model: parsed.model, fetch: options.fetch };
}

/** `extractive` gives undefined: the answer layer then quotes the sources without a model. */
export async function createChatModelFromSpec(spec: string, options: ProviderSpecOptions): Promise<ChatModel | undefined> {
  const parsed = parseChatSpec(spec);
  const logger = options.logger ?? silentLogger;
  switch (parsed.kind) {
    case 'extractive':
      return undefined;
    case 'openai':
      return createOpenAICompatibleChatModel({ ...openaiSettings(options, `Chat model "${spec}"`), model: parsed.model });
    case 'openai-compatible':
      return createOpenAICompatibleChatModel(compatibleSettings(parsed, options));
    case 'gguf':
      return createLlamaCppChatModel({
        modelPath: resolvePath(parsed.path, options),
        runtime: options.llamaRuntime,
        gpu: options.gpu,
        loraAdapters: options.loraAdapters,
        logger,
      });
  }
}

/**
 * `none` gives undefined (keyword search only). Local embedders whose width is only known
 * after loading (gguf, onnx hub ids) are loaded here so `dimensions` is right on return;
 * an HTTP embedder of an unknown model reports 0 until its first call.
 */
export async function createEmbedderFromSpec(spec: string, options: ProviderSpecOptions): Promise<Embedder | undefined> {
  const parsed = parseEmbedderSpec(spec);
  const logger = options.logger ?? silentLogger;
  switch (parsed.kind) {
    case 'none':
      return undefined;
    case 'words':
      return createWordVectorEmbedder({ logger });
    case 'openai':
      return createOpenAICompatibleEmbedder({ ...openaiSettings(options, `Embedder "${spec}"`), model: parsed.model });
    case 'openai-compatible':
      return createOpenAICompatibleEmbedder(compatibleSettings(parsed, options));
    case 'gguf': {
      const embedder = createLlamaCppEmbedder({
        modelPath: resolvePath(parsed.path, options),
        runtime: options.llamaRuntime,
        gpu: options.gpu,
        logger,
      });
      await embedder.load();
      return embedder;
    }
    case 'model2vec':
      return createModel2VecEmbedder({ modelDir: resolvePath(parsed.dir, options) });
    case 'onnx': {
      const local = resolvePath(parsed.target, options);
      const looksLikeHubId = /^[\w.-]+\/[\w.-]+$/.test(parsed.target) && !existsSync(local);
      if (!looksLikeHubId) return createTransformersEmbedder({ modelDir: local, logger });
      const embedder = createTransformersEmbedder({
        modelId: parsed.target,
        allowRemote: options.allowRemoteModels ?? false,
        cacheDir: options.cacheDir,
        logger,
      });
      await embedder.load();
      return embedder;
    }
  }
}
