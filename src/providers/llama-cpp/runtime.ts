import { createRequire } from 'node:module';
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';

/** Where llama.cpp runs: "auto" picks CUDA/Vulkan/Metal when present, false forces the CPU. */
export type LlamaGpuChoice = 'auto' | false | 'cuda' | 'vulkan' | 'metal';

export interface LlamaRuntimeSettings {
  gpu?: LlamaGpuChoice;
  logger?: Logger;
}

export type NodeLlamaCpp = typeof import('node-llama-cpp');

export interface LoadedLlamaModel {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  /** Frees the model, and the runtime too when it was private to this model. */
  release(): Promise<void>;
}

/**
 * On 2 cores llama.cpp's default threading is about 1000× slower than one thread (the
 * threads spin against the event loop), so small machines get 1 unless told otherwise.
 */
export function defaultThreads(requested: number | undefined): number | undefined {
  if (requested !== undefined) return requested;
  return availableParallelism() <= 2 ? 1 : undefined;
}

function loadFailed(path: string, reason: string, cause?: unknown): TailorError {
  return new TailorError('MODEL_LOAD_FAILED', `Could not load the GGUF model ${path}: ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { path },
  });
}

/** Checks the file before handing it to native code, whose errors are far less helpful. */
export function assertGgufFile(path: string, label = 'GGUF model'): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TailorError(
      'MODEL_LOAD_FAILED',
      code === 'ENOENT'
        ? `The ${label} ${path} does not exist. Check the path.`
        : `The ${label} ${path} cannot be opened (${code ?? (error as Error).message}).`,
      { cause: error, details: { path } },
    );
  }
  try {
    const magic = Buffer.alloc(4);
    const read = readSync(fd, magic, 0, 4, 0);
    if (read < 4 || magic.toString('latin1') !== 'GGUF') {
      throw new TailorError('MODEL_LOAD_FAILED', `The ${label} ${path} is not a GGUF file (it does not start with "GGUF").`, {
        details: { path },
      });
    }
  } catch (error) {
    if (error instanceof TailorError) throw error;
    throw new TailorError('MODEL_LOAD_FAILED', `The ${label} ${path} cannot be read: ${(error as Error).message}`, {
      cause: error,
      details: { path },
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * The loaded llama.cpp library. Creating one costs seconds (node-llama-cpp tests its prebuilt
 * binary in a child process), so pass one runtime to every GGUF chat model and embedder you
 * create; models made without one get a private runtime.
 */
export interface LlamaCppRuntime {
  readonly gpu: LlamaGpuChoice;
  getLlama(): Promise<{ lib: NodeLlamaCpp; llama: Llama }>;
  dispose(): Promise<void>;
}

export function createLlamaCppRuntime(settings: LlamaRuntimeSettings = {}): LlamaCppRuntime {
  const gpu = settings.gpu ?? 'auto';
  const logger = settings.logger ?? silentLogger;
  let loading: Promise<{ lib: NodeLlamaCpp; llama: Llama }> | undefined;
  return {
    gpu,
    getLlama() {
      loading ??= startLlama(gpu, logger).catch((error) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
    async dispose() {
      const loaded = await loading?.catch(() => undefined);
      loading = undefined;
      await loaded?.llama.dispose();
    },
  };
}

async function startLlama(gpu: LlamaGpuChoice, logger: Logger): Promise<{ lib: NodeLlamaCpp; llama: Llama }> {
  let lib: NodeLlamaCpp;
  try {
    lib = await import('node-llama-cpp');
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `The node-llama-cpp package could not be loaded: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const llama = await lib.getLlama({
      gpu,
      build: 'never',
      progressLogs: false,
      logLevel: lib.LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (!text) return;
        // llama.cpp's warnings are about the model file (e.g. "bad special token" in many community GGUFs),
        // not about the user's request: they belong in the log (--verbose), never between a command's answers.
        logger.log(level === 'error' || level === 'fatal' ? 'error' : 'debug', `llama.cpp: ${text}`);
      },
    });
    return { lib, llama };
  } catch (error) {
    const missing = missingGpuBuild(gpu);
    if (missing) {
      throw new TailorError(
        'BACKEND_NOT_INSTALLED',
        `llama.cpp's ${gpu} build (${missing}) is not installed: the default install leaves GPU builds out (they are 70–540 MB each). ` +
          `In a checkout of Tailor, add it with: npm pkg delete "overrides.${missing}" && npm install. ` +
          `In your own project: npm install ${missing}@${LLAMA_CPP_VERSION}. Or use gpu: false.`,
        { cause: error, details: { gpu, package: missing } },
      );
    }
    throw new TailorError(
      'MODEL_LOAD_FAILED',
      `No usable llama.cpp binary for gpu=${JSON.stringify(gpu)}: ${(error as Error).message}. Try gpu: false.`,
      { cause: error, details: { gpu } },
    );
  }
}

export interface ModelLoadSettings extends LlamaRuntimeSettings {
  runtime?: LlamaCppRuntime;
}

/**
 * Loads the model on the given runtime (or a private one). `release` frees the model, and the
 * runtime too when it was private.
 */
export async function loadLlamaModel(
  modelPath: string,
  settings: ModelLoadSettings,
): Promise<LoadedLlamaModel> {
  const path = resolve(modelPath);
  assertGgufFile(path);
  const runtime = settings.runtime ?? createLlamaCppRuntime(settings);
  const ownsRuntime = settings.runtime === undefined;
  const release = async (model?: LlamaModel) => {
    await model?.dispose().catch(() => undefined);
    if (ownsRuntime) await runtime.dispose();
  };
  let loaded: { lib: NodeLlamaCpp; llama: Llama };
  try {
    loaded = await runtime.getLlama();
  } catch (error) {
    if (ownsRuntime) await runtime.dispose();
    if (error instanceof TailorError) {
      throw new TailorError(error.code, `Could not load the GGUF model ${path}: ${error.message}`, { cause: error, details: { path } });
    }
    throw error;
  }
  try {
    const model = await loaded.llama.loadModel({ modelPath: path });
    return { ...loaded, model, release: () => release(model) };
  } catch (error) {
    await release();
    throw loadFailed(path, (error as Error).message, error);
  }
}

/** node-llama-cpp's version, which its prebuilt binary packages share. */
const LLAMA_CPP_VERSION = '3.22.1';

/**
 * The prebuilt binary package a GPU choice needs on this machine, when it is not installed
 * (Tailor's package.json overrides leave CUDA and Vulkan builds out by default).
 */
export function missingGpuBuild(gpu: LlamaGpuChoice, platform: string = process.platform, arch: string = process.arch): string | undefined {
  if (gpu !== 'cuda' && gpu !== 'vulkan') return undefined;
  const os = platform === 'win32' ? 'win' : platform;
  if ((os !== 'linux' && os !== 'win') || arch !== 'x64') return undefined;
  const name = `@node-llama-cpp/${os}-${arch}-${gpu}`;
  try {
    createRequire(createRequire(import.meta.url).resolve('node-llama-cpp')).resolve(`${name}/package.json`);
    return undefined;
  } catch {
    return name;
  }
}
