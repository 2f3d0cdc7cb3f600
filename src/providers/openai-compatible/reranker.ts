import { TailorError } from '../../core/errors.js';
import type { CallResult, Reranker, RerankOptions } from '../types.js';
import { throwIfAborted } from '../shared/abort.js';
import { type HttpProviderSettings, endpointURL, postJson, readJson } from './http.js';

export interface OpenAICompatibleRerankerSettings extends HttpProviderSettings {
  model: string;
  provider?: string;
}

interface RerankBody {
  results?: RerankItem[];
  data?: RerankItem[];
  usage?: { total_tokens?: number; prompt_tokens?: number };
}

interface RerankItem {
  index?: number;
  relevance_score?: number;
  score?: number;
}

/** The `/rerank` endpoint shared by Jina, Cohere (v1/v2), llama.cpp server and TEI-like servers. */
export function createOpenAICompatibleReranker(settings: OpenAICompatibleRerankerSettings): Reranker {
  const provider = settings.provider ?? 'openai-compatible';
  const what = `${provider} reranker "${settings.model}"`;
  const url = endpointURL(settings.baseURL, '/rerank');

  return {
    provider,
    modelId: settings.model,
    async doRerank(options: RerankOptions): Promise<CallResult<{ scores: number[] }>> {
      throwIfAborted(options.abortSignal, what);
      if (options.documents.length === 0) return { result: { scores: [] }, usage: {}, warnings: [] };
      const response = await postJson(
        settings,
        '/rerank',
        { model: settings.model, query: options.query, documents: options.documents, top_n: options.documents.length },
        options.abortSignal,
        what,
      );
      const parsed = (await readJson(response, url, options.abortSignal, what)) as RerankBody | RerankItem[];
      const items = Array.isArray(parsed) ? parsed : (parsed.results ?? parsed.data);
      if (!Array.isArray(items)) {
        throw new TailorError('PROVIDER_ERROR', `${what}: ${url} answered without a results array.`, { details: { url } });
      }
      const scores = new Array<number>(options.documents.length).fill(Number.NEGATIVE_INFINITY);
      const seen = new Set<number>();
      for (const item of items) {
        const score = item.relevance_score ?? item.score;
        if (typeof item.index !== 'number' || typeof score !== 'number' || item.index < 0 || item.index >= scores.length) {
          throw new TailorError('PROVIDER_ERROR', `${what}: ${url} returned a malformed result ${JSON.stringify(item)}.`, {
            details: { url },
          });
        }
        scores[item.index] = score;
        seen.add(item.index);
      }
      const warnings =
        seen.size < scores.length ? [`${what} scored ${seen.size} of ${scores.length} documents; the rest rank last.`] : [];
      const tokens = Array.isArray(parsed) ? undefined : (parsed.usage?.total_tokens ?? parsed.usage?.prompt_tokens);
      return { result: { scores }, usage: tokens === undefined ? {} : { inputTokens: tokens }, warnings };
    },
  };
}
