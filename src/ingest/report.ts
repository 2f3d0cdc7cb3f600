import type { ErrorCode } from '../core/errors.js';
import type { SkipReason, SkippedPath } from './walk.js';

export type FileOutcome =
  | { status: 'new' | 'changed'; source: string; documentId: string; chunks: number; duplicateChunks: number; redactions?: Record<string, number>; warnings?: string[] }
  | { status: 'renamed'; source: string; documentId: string; renamedFrom: string; chunks: number; duplicateChunks: number }
  | { status: 'unchanged'; source: string; documentId: string }
  | { status: 'duplicate'; source: string; duplicateOf: string; kind: 'exact' | 'near'; similarity: number }
  | { status: 'failed'; source: string; error: { code: ErrorCode; message: string } };

export type FileStatus = FileOutcome['status'];

export interface IngestReport {
  collection: string;
  files: FileOutcome[];
  counts: Record<FileStatus, number>;
  chunksAdded: number;
  duplicateChunks: number;
  redactions: Record<string, number>;
  bytesRead: number;
  elapsedMs: number;
  /** Every path left out of the folders walked, with its reason (none is dropped silently). */
  skipped: SkippedPath[];
  /** How many paths were skipped for each reason. */
  skippedCounts: Record<SkipReason, number>;
}

export function summarise(collection: string, files: FileOutcome[], bytesRead: number, elapsedMs: number, skipped: SkippedPath[] = []): IngestReport {
  const counts: Record<FileStatus, number> = { new: 0, changed: 0, renamed: 0, unchanged: 0, duplicate: 0, failed: 0 };
  let chunksAdded = 0;
  let duplicateChunks = 0;
  const redactions: Record<string, number> = {};
  for (const file of files) {
    counts[file.status] += 1;
    if ('chunks' in file) {
      chunksAdded += file.chunks;
      duplicateChunks += file.duplicateChunks;
    }
    if ('redactions' in file && file.redactions) {
      for (const [kind, n] of Object.entries(file.redactions)) redactions[kind] = (redactions[kind] ?? 0) + n;
    }
  }
  const skippedCounts: Record<SkipReason, number> = { unsupported: 0, hidden: 0, symlink: 0, excluded: 0, special: 0 };
  for (const entry of skipped) skippedCounts[entry.reason] += 1;
  return { collection, files, counts, chunksAdded, duplicateChunks, redactions, bytesRead, elapsedMs, skipped, skippedCounts };
}
