/**
 * Shapes the UI reads from the HTTP API (see the API contract). The core nouns are
 * imported as types only from the library so UI and server cannot drift apart;
 * nothing from src/ ends up in the bundle.
 */
export type {
  Answer,
  AnswerConflict,
  AnswerTrace,
  ChatMessage,
  Citation,
  DocumentFormat,
  PageSpan,
  RetrievedChunk,
} from '../../src/core/types.js';
export type { ArenaArm, ArenaRun, ArenaRunSummary, ArenaMetricName } from '../../src/eval/arena/types.js';
export type { Advice } from '../../src/advise/advise.js';
import type { Answer, DocumentFormat, PageSpan, RetrievedChunk } from '../../src/core/types.js';

export interface CollectionInfo {
  name: string;
  documents: number;
  chunks: number;
}

export type DocumentStatus = 'indexed' | 'duplicate' | 'failed';

/** Failed and duplicate uploads have no document behind them: id, format and dates are null. */
export interface DocumentListItem {
  id: string | null;
  source: string;
  title: string;
  format: DocumentFormat | null;
  status: DocumentStatus;
  reason?: string;
  sizeBytes?: number;
  modifiedAt: string | null;
  ingestedAt: string | null;
}

export interface DocumentDetail {
  document: { id: string; title: string; source: string; format: DocumentFormat; collection: string };
  text: string;
  pages?: PageSpan[];
  /** REQUEST FROM UI (optional): whether GET /api/documents/:id/file can serve the original. */
  fileAvailable?: boolean;
}

export interface FileOutcome {
  status: 'new' | 'changed' | 'renamed' | 'unchanged' | 'duplicate' | 'failed';
  source: string;
  documentId?: string;
  chunks?: number;
  duplicateOf?: string;
  error?: { code: string; message: string };
}

export interface Job {
  id: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  files: FileOutcome[];
  error?: { code: string; message: string };
}

export interface RetrieveResult {
  results: RetrievedChunk[];
  timingsMs: Record<string, number>;
  warnings: string[];
}

export type AnswerWithTrace = Answer & { traceId?: string };
