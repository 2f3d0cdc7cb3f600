import { TailorError } from '../../core/errors.js';
import type { CallResult, EmbedOptions, Embedder } from '../types.js';
import { throwIfAborted } from '../shared/abort.js';
import { type HttpProviderSettings, endpointURL, postJson, readJson } from './http.js';

export interface OpenAICompatibleEmbedderSettings extends HttpProviderSettings {
  model: string;
  provider?: string;
  /**
   * Expected vector length. When left out it is taken from the well-known OpenAI models, or
   * else discovered from the first response: `dimensions` reads 0 until that first call.
   * When given, every response is checked against it.
   */
  dimensions?: number;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** Text put before queries / documents, for models trained with prefixes (e5, nomic). */
  prefixes?: { query?: string; document?: string };
}

const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

interface EmbeddingsBody {
  data?: Array<{ index?: number; embedding?: number[] | string }>;
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

export interface OpenAICompatibleEmbedder extends Embedder {
  readonly dimensions: number;
}

export function createOpenAICompatibleEmbedder(settings: OpenAICompatibleEmbedderSettings): OpenAICompatibleEmbedder {
  const provider = settings.provider ?? 'openai-compatible';
  const what = `${provider} embedder "${settings.model}"`;
  const url = endpointURL(settings.baseURL, '/embeddings');
  const batchSize = settings.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TailorError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}.`);
  }
  let dimensions = settings.dimensions ?? KNOWN_DIMENSIONS[settings.model] ?? 0;
  const checkDimensions = settings.dimensions !== undefined;

  async function embedBatch(values: string[], signal: AbortSignal | undefined) {
    const response = await postJson(settings, '/embeddings', { model: settings.model, input: values }, signal, what);
    const body = (await readJson(response, url, signal, what)) as EmbeddingsBody;
    if (!Array.isArray(body.data) || body.data.length !== values.length) {
      throw new TailorError(
        'PROVIDER_ERROR',
        `${what}: ${url} returned ${Array.isArray(body.data) ? body.data.length : 'no'} embeddings for ${values.length} inputs.`,
        { details: { url } },
      );
    }
    // Servers may answer out of order; `index` says which input each vector belongs to.
    const ordered = new Array<Float32Array>(values.length);
    body.data.forEach((item, position) => {
      const index = typeof item.index === 'number' ? item.index : position;
      if (!Array.isArray(item.embedding) || index < 0 || index >= values.length || ordered[index]) {
        throw new TailorError('PROVIDER_ERROR', `${what}: ${url} returned a malformed embedding at position ${position}.`, {
          details: { url },
        });
      }
      ordered[index] = Float32Array.from(item.embedding);
    });
    return { vectors: ordered, tokens: body.usage?.prompt_tokens ?? body.usage?.total_tokens };
  }

  return {
    provider,
    modelId: settings.model,
    get dimensions() {
      return dimensions;
    },

    async doEmbed(options: EmbedOptions): Promise<CallResult<{ embeddings: Float32Array[] }>> {
      const prefix = options.kind ? (settings.prefixes?.[options.kind] ?? '') : '';
      const values = options.values.map((v) => prefix + v);
      const embeddings: Float32Array[] = [];
      let inputTokens: number | undefined;
      for (let start = 0; start < values.length; start += batchSize) {
        throwIfAborted(options.abortSignal, what);
        const { vectors, tokens } = await embedBatch(values.slice(start, start + batchSize), options.abortSignal);
        for (const vector of vectors) {
          if (dimensions === 0) dimensions = vector.length;
          if (vector.length !== dimensions) {
            throw new TailorError(
              'PROVIDER_ERROR',
              `${what}: got a ${vector.length}-dimensional vector, expected ${dimensions}.` +
                (checkDimensions ? ' Fix the `dimensions` setting or the model name.' : ''),
              { details: { url, expected: dimensions, actual: vector.length } },
            );
          }
          embeddings.push(vector);
        }
        if (tokens !== undefined) inputTokens = (inputTokens ?? 0) + tokens;
      }
      return { result: { embeddings }, usage: inputTokens === undefined ? {} : { inputTokens }, warnings: [] };
    },
  };
}
