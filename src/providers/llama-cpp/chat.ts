import { basename } from 'node:path';
import type { ChatHistoryItem, LlamaContext, LlamaContextSequence } from 'node-llama-cpp';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ChatMessage, Usage } from '../../core/types.js';
import type { CallResult, ChatModel, ChatOptions, ChatStreamPart, FinishReason } from '../types.js';
import { abortedError, linkAbort, throwIfAborted } from '../shared/abort.js';
import { createAsyncQueue } from '../shared/async-queue.js';
import { createMutex } from '../shared/mutex.js';
import { createStopFilter } from '../shared/stop-filter.js';
import { formatTranscript, TRANSCRIPT_STOPS } from './transcript.js';
import { type LlamaCppRuntime, type LlamaGpuChoice, type LoadedLlamaModel, assertGgufFile, defaultThreads, loadLlamaModel } from './runtime.js';

export interface LlamaCppChatSettings {
  modelPath: string;
  /** CPU threads; defaults to 1 on machines with ≤ 2 cores, else llama.cpp's choice. */
  threads?: number;
  /** Tokens of context (prompt + answer); default 4096, capped at the model's training size. */
  contextSize?: number;
  /** LoRA adapter files (GGUF) applied on top of the model. */
  loraAdapters?: string[];
  /** Shared llama.cpp runtime (see createLlamaCppRuntime); a private one is made if left out. */
  runtime?: LlamaCppRuntime;
  /** Used only when no runtime is passed. */
  gpu?: LlamaGpuChoice;
  /**
   * "auto" (default): the model's chat template when it has one, else plain completion.
   * "chat" forces a chat session (node-llama-cpp then picks a generic format for template-less
   * models); "completion" forces plain completion.
   */
  /**
   * auto: the model's chat template if it has one; otherwise the role transcript when LoRA
   * adapters are given (Tailor trains adapters in that format), else plain completion.
   */
  promptFormat?: 'auto' | 'chat' | 'completion' | 'transcript';
  logger?: Logger;
}

export interface LlamaCppChatModel extends ChatModel {
  /** True when the GGUF has a chat template (known after `load()`). */
  readonly hasChatTemplate: boolean | undefined;
  /** How prompts are sent: through a chat session or as a plain completion (known after `load()`). */
  readonly promptFormat: 'chat' | 'completion' | 'transcript' | undefined;
  load(): Promise<void>;
  dispose(): Promise<void>;
}

interface Loaded extends LoadedLlamaModel {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  hasChatTemplate: boolean;
  useChat: boolean;
  useTranscript: boolean;
}

interface RunOutput {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
}

/**
 * A local GGUF chat model through node-llama-cpp, loaded on first use. Models with a chat
 * template are prompted through it (LlamaChatSession); models without one (base models such
 * as stories260K) get a plain completion of the message contents joined by blank lines.
 * Calls are serialised: one context sequence serves one generation at a time.
 */
export function createLlamaCppChatModel(settings: LlamaCppChatSettings): LlamaCppChatModel {
  const what = `GGUF chat model ${settings.modelPath}`;
  const threads = defaultThreads(settings.threads);
  const mutex = createMutex();
  let loading: Promise<Loaded> | undefined;
  let loaded: Loaded | undefined;

  function load(): Promise<Loaded> {
    loading ??= loadChat(settings, threads).then(
      (value) => (loaded = value),
      (error) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  }

  async function run(options: ChatOptions, signal: AbortSignal, onText?: (text: string) => void): Promise<RunOutput> {
    const state = await load();
    return mutex.run(async () => {
      throwIfAborted(signal, what);
      const before = state.sequence.tokenMeter.getState();
      // Stop strings are applied here, exactly; reaching one ends generation through `halt`.
      const stopFilter = createStopFilter(state.useTranscript ? [...(options.stop ?? []), ...TRANSCRIPT_STOPS] : options.stop);
      const halt = new AbortController();
      let text = '';
      const emit = (piece: string) => {
        if (!piece) return;
        text += piece;
        onText?.(piece);
      };
      const common = {
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        seed: options.seed,
        signal: AbortSignal.any([signal, halt.signal]),
        stopOnAbortSignal: true,
        onTextChunk: (chunk: string) => {
          emit(stopFilter.push(chunk));
          if (stopFilter.stopped) halt.abort();
        },
      };
      try {
        let stopReason: string;
        if (state.useChat) {
          const { history, prompt } = toChatHistory(options.messages);
          const session = new state.lib.LlamaChatSession({ contextSequence: state.sequence, autoDisposeSequence: false });
          try {
            session.setChatHistory(history);
            stopReason = (await session.promptWithMeta(prompt, common)).stopReason;
          } finally {
            session.dispose({ disposeSequence: false });
          }
        } else {
          const completion = new state.lib.LlamaCompletion({ contextSequence: state.sequence });
          try {
            stopReason = (await completion.generateCompletionWithMeta(state.useTranscript ? formatTranscript(options.messages) : toPlainPrompt(options.messages), common)).metadata.stopReason;
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        }
        if (signal.aborted) throw abortedError(what, signal.reason);
        emit(stopFilter.flush());
        const used = state.sequence.tokenMeter.diff(before);
        return {
          text,
          finishReason: stopFilter.stopped ? 'stop' : stopReason === 'maxTokens' ? 'length' : 'stop',
          usage: {
            inputTokens: used.usedInputTokens,
            outputTokens: used.usedOutputTokens,
            totalTokens: used.usedInputTokens + used.usedOutputTokens,
          },
        };
      } catch (error) {
        if (signal.aborted) throw abortedError(what, error);
        if (error instanceof TailorError) throw error;
        throw new TailorError('PROVIDER_ERROR', `${what} failed to generate: ${(error as Error).message}`, {
          cause: error,
          details: { path: settings.modelPath },
        });
      }
    });
  }

  return {
    provider: 'llama-cpp',
    modelId: basename(settings.modelPath),
    get hasChatTemplate() {
      return loaded?.hasChatTemplate;
    },
    get promptFormat() {
      return loaded === undefined ? undefined : loaded.useChat ? 'chat' : loaded.useTranscript ? 'transcript' : 'completion';
    },
    async load() {
      await load();
    },
    async dispose() {
      const state = await loading?.catch(() => undefined);
      loading = undefined;
      loaded = undefined;
      await state?.release();
    },

    async doGenerate(options): Promise<CallResult<{ text: string; finishReason: FinishReason }>> {
      throwIfAborted(options.abortSignal, what);
      const { text, finishReason, usage } = await run(options, options.abortSignal ?? new AbortController().signal);
      return { result: { text, finishReason }, usage, warnings: [] };
    },

    async doStream(options) {
      throwIfAborted(options.abortSignal, what);
      await load(); // load errors reject here, not halfway through iteration
      return { stream: streamRun(options), warnings: [] };
    },
  };

  async function* streamRun(options: ChatOptions): AsyncGenerator<ChatStreamPart> {
    const { controller, signal } = linkAbort(options.abortSignal);
    const queue = createAsyncQueue<string>();
    let finished = false;
    const done = run(options, signal, (text) => queue.push(text)).then(
      (output) => {
        finished = true;
        queue.close();
        return output;
      },
      (error) => {
        finished = true;
        queue.fail(error);
        throw error;
      },
    );
    done.catch(() => undefined); // surfaced through the queue
    try {
      for await (const text of queue) yield { type: 'text-delta', text };
      const output = await done;
      yield { type: 'finish', finishReason: output.finishReason, usage: output.usage };
    } finally {
      // The consumer stopped early: stop generating and free the sequence for the next call.
      if (!finished) {
        controller.abort();
        await done.catch(() => undefined);
      }
    }
  }
}

async function loadChat(settings: LlamaCppChatSettings, threads: number | undefined): Promise<Loaded> {
  for (const adapter of settings.loraAdapters ?? []) assertGgufFile(adapter, 'LoRA adapter');
  const base = await loadLlamaModel(settings.modelPath, settings);
  try {
    const contextSize = Math.min(settings.contextSize ?? 4096, base.model.trainContextSize);
    const context = await base.model.createContext({
      contextSize,
      ...(threads === undefined ? {} : { threads }),
      ...(settings.loraAdapters && settings.loraAdapters.length > 0
        ? { lora: { adapters: settings.loraAdapters.map((filePath) => ({ filePath })) } }
        : {}),
    });
    const template = base.model.fileInfo.metadata.tokenizer?.chat_template;
    const hasChatTemplate = typeof template === 'string' && template.length > 0;
    const format = settings.promptFormat ?? 'auto';
    const useChat = format === 'chat' || (format === 'auto' && hasChatTemplate);
    const useTranscript = !useChat && (format === 'transcript' || (format === 'auto' && (settings.loraAdapters?.length ?? 0) > 0));
    return { ...base, context, sequence: context.getSequence(), hasChatTemplate, useChat, useTranscript };
  } catch (error) {
    await base.release();
    const adapters = settings.loraAdapters?.length ? ` with LoRA adapters ${settings.loraAdapters.join(', ')}` : '';
    throw new TailorError(
      'MODEL_LOAD_FAILED',
      `Could not create a context for ${settings.modelPath}${adapters}: ${(error as Error).message}`,
      { cause: error, details: { path: settings.modelPath, loraAdapters: settings.loraAdapters ?? [] } },
    );
  }
}

/** Everything before the last user message is history; the chat session appends the answer. */
function toChatHistory(messages: ChatMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'user') {
    throw new TailorError('INVALID_ARGUMENT', 'A chat-template model needs the last message to be from the user.');
  }
  const history: ChatHistoryItem[] = messages.slice(0, -1).map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  return { history, prompt: last.content };
}

function toPlainPrompt(messages: ChatMessage[]): string {
  return messages.map((m) => m.content).join('\n\n');
}
