/**
 * A LangChain JS retriever over a Tailor server, so LangChain users keep Tailor's
 * citations: each Document carries the exact source location (document, span,
 * page, heading path) in its metadata. Import it from "tailor-rag/langchain"; it needs
 * @langchain/core (an optional peer dependency), which the rest of Tailor never loads.
 *
 *   const retriever = new TailorRetriever({ baseURL: 'http://localhost:8787', apiKey, collections: ['handbook'] });
 *   const docs = await retriever.invoke('How many vacation days?');
 *
 * mode "search" (default) returns the retrieved passages; mode "answer" asks Tailor
 * and returns one Document per citation of its answer (the exact quote), with the
 * answer text in each one's metadata.
 */
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import type { Answer, RetrievedChunk } from '../core/types.js';

export interface TailorRetrieverInput extends BaseRetrieverInput {
  /** The server's root, e.g. http://localhost:8787 (not /v1). */
  baseURL: string;
  apiKey?: string;
  collections?: string[];
  k?: number;
  mode?: 'search' | 'answer';
  /** Least share of the question the evidence must cover (mode "answer"). */
  minSupport?: number;
  fetch?: typeof globalThis.fetch;
}

/** What a Document's metadata says about where its text comes from. */
export interface TailorDocumentMetadata {
  source: string;
  title: string;
  documentId: string;
  chunkId: string;
  collection?: string;
  /** Character span in the stored document text. */
  start: number;
  end: number;
  page?: number;
  headingPath: string[];
  score?: number;
  rank?: number;
  /** mode "answer": the citation's number in the answer text, and the answer. */
  n?: number;
  answer?: string;
  refused?: boolean;
  traceId?: string;
}

export class TailorRetriever extends BaseRetriever<TailorDocumentMetadata> {
  static override lc_name(): string {
    return 'TailorRetriever';
  }

  lc_namespace = ['tailor', 'retrievers'];
  private readonly options: TailorRetrieverInput;

  constructor(options: TailorRetrieverInput) {
    super(options);
    this.options = options;
  }

  override async _getRelevantDocuments(query: string): Promise<Document<TailorDocumentMetadata>[]> {
    if (this.options.mode === 'answer') {
      const answer = await this.post<Answer & { traceId: string }>('/api/ask', {
        question: query, collections: this.options.collections, k: this.options.k, minSupport: this.options.minSupport,
      });
      return answer.citations.map(
        (c) =>
          new Document<TailorDocumentMetadata>({
            pageContent: c.quote,
            metadata: {
              source: c.source, title: c.title, documentId: c.documentId, chunkId: c.chunkId, start: c.start, end: c.end,
              ...(c.page !== undefined ? { page: c.page } : {}), headingPath: c.headingPath,
              n: c.n, answer: answer.text, refused: answer.refused, traceId: answer.traceId,
            },
          }),
      );
    }
    const result = await this.post<{ results: RetrievedChunk[] }>('/api/search', { query, collections: this.options.collections, k: this.options.k });
    return result.results.map(
      (hit) =>
        new Document<TailorDocumentMetadata>({
          pageContent: hit.chunk.text,
          metadata: {
            source: hit.document.source, title: hit.document.title, documentId: hit.document.id, chunkId: hit.chunk.id,
            collection: hit.document.collection, start: hit.chunk.start, end: hit.chunk.end,
            ...(hit.chunk.page !== undefined ? { page: hit.chunk.page } : {}), headingPath: hit.chunk.headingPath,
            score: hit.score, rank: hit.rank,
          },
        }),
    );
  }

  private async post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const response = await doFetch(this.options.baseURL.replace(/\/+$/, '') + path, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      let message = detail;
      try {
        message = (JSON.parse(detail) as { error?: { message?: string } }).error?.message ?? detail;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`Tailor ${path} failed with HTTP ${response.status}: ${message}`);
    }
    return (await response.json()) as T;
  }
}
