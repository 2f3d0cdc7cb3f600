import { TailorError } from '../../core/errors.js';
import type { Usage } from '../../core/types.js';
import type { CallResult, ChatModel, ChatOptions, ChatStreamPart, FinishReason } from '../types.js';
import { throwIfAborted } from '../shared/abort.js';
import { type HttpProviderSettings, endpointURL, mapFetchFailure, postJson, readJson } from './http.js';
import { readSseData } from './sse.js';

export interface OpenAICompatibleChatSettings extends HttpProviderSettings {
  model: string;
  /** Name reported as `provider` (e.g. "openai", "ollama"); defaults to "openai-compatible". */
  provider?: string;
  /**
   * Ask for token usage in the last stream chunk (`stream_options.include_usage`). Default true;
   * turn off for old servers that reject unknown fields.
   */
  streamUsage?: boolean;
}

interface ChatCompletionChoice {
  message?: { content?: string | null };
  delta?: { content?: string | null };
  finish_reason?: string | null;
}

interface ChatCompletionBody {
  choices?: ChatCompletionChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  error?: unknown;
}

/** An OpenAI Chat Completions client; also fits Ollama, vLLM, llama.cpp server and LM Studio. */
export function createOpenAICompatibleChatModel(settings: OpenAICompatibleChatSettings): ChatModel {
  const provider = settings.provider ?? 'openai-compatible';
  const what = `${provider} chat model "${settings.model}"`;
  const url = endpointURL(settings.baseURL, '/chat/completions');

  function requestBody(options: ChatOptions, stream: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: settings.model,
      messages: options.messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
    if (options.temperature !== undefined) body.temperature = options.temperature;
    if (options.stop && options.stop.length > 0) body.stop = options.stop;
    if (options.seed !== undefined) body.seed = options.seed;
    if (stream) {
      body.stream = true;
      if (settings.streamUsage ?? true) body.stream_options = { include_usage: true };
    }
    return body;
  }

  return {
    provider,
    modelId: settings.model,

    async doGenerate(options): Promise<CallResult<{ text: string; finishReason: FinishReason }>> {
      throwIfAborted(options.abortSignal, what);
      const response = await postJson(settings, '/chat/completions', requestBody(options, false), options.abortSignal, what);
      const body = (await readJson(response, url, options.abortSignal, what)) as ChatCompletionBody;
      const choice = body.choices?.[0];
      if (!choice?.message) {
        throw new TailorError('PROVIDER_ERROR', `${what}: ${url} answered without choices[0].message.`, {
          details: { url },
        });
      }
      return {
        result: { text: choice.message.content ?? '', finishReason: mapFinishReason(choice.finish_reason) },
        usage: mapUsage(body.usage),
        warnings: [],
      };
    },

    async doStream(options) {
      throwIfAborted(options.abortSignal, what);
      const signal = options.abortSignal;
      const response = await postJson(settings, '/chat/completions', requestBody(options, true), signal, what);
      if (!response.body) {
        throw new TailorError('PROVIDER_ERROR', `${what}: ${url} sent an empty streaming response.`, { details: { url } });
      }
      return { stream: streamParts(response.body, url, signal, what), warnings: [] };
    },
  };
}

async function* streamParts(
  body: ReadableStream<Uint8Array>,
  url: string,
  signal: AbortSignal | undefined,
  what: string,
): AsyncGenerator<ChatStreamPart> {
  let finishReason: FinishReason = 'other';
  let usage: Usage = {};
  try {
    for await (const data of readSseData(body)) {
      let chunk: ChatCompletionBody;
      try {
        chunk = JSON.parse(data) as ChatCompletionBody;
      } catch (error) {
        throw new TailorError('PROVIDER_ERROR', `${what}: ${url} streamed an event that is not JSON: ${data.slice(0, 200)}`, {
          cause: error,
          details: { url },
        });
      }
      if (chunk.error) {
        const message = typeof chunk.error === 'string' ? chunk.error : (chunk.error as { message?: string }).message;
        throw new TailorError('PROVIDER_ERROR', `${what}: ${url} reported an error mid-stream: ${message ?? 'unknown'}`, {
          details: { url },
        });
      }
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content;
      if (text) yield { type: 'text-delta', text };
      if (choice?.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
      if (chunk.usage) usage = mapUsage(chunk.usage);
    }
  } catch (error) {
    throw mapFetchFailure(error, url, signal, what);
  }
  // A server that closed without a finish reason was cut off; the reader already saw the end of the body.
  throwIfAborted(signal, what);
  yield { type: 'finish', finishReason, usage };
}

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'eos':
      return 'stop';
    case 'length':
      return 'length';
    default:
      return 'other';
  }
}

export function mapUsage(usage: ChatCompletionBody['usage']): Usage {
  if (!usage) return {};
  const result: Usage = {};
  if (typeof usage.prompt_tokens === 'number') result.inputTokens = usage.prompt_tokens;
  if (typeof usage.completion_tokens === 'number') result.outputTokens = usage.completion_tokens;
  if (typeof usage.total_tokens === 'number') result.totalTokens = usage.total_tokens;
  return result;
}
