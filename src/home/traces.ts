import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Answer } from '../core/types.js';
import type { Logger } from '../core/logger.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { erasedMatcher, type ErasedContent } from './erased.js';

export interface TraceRecord {
  id: string;
  createdAt: string;
  question: string;
  /** The collections the answer actually searched; ["*"] when it searched all of them. */
  collections: string[];
  /** The key that asked (absent for library and keyless use). */
  keyId?: string;
  /** Collections the caller named, granted or not: the question may be about them. */
  requested?: string[];
  answer: Answer;
}

/**
 * Answers kept in memory (the last `capacity`), optionally appended to a JSON-lines file.
 * Who may read which trace is the caller's rule (the server's), passed in as `visible`.
 */
export interface TraceLog {
  add(input: { question: string; collections: string[] | undefined; keyId?: string; requested?: string[]; answer: Answer }): TraceRecord;
  /** Newest first. */
  list(visible: (trace: TraceRecord) => boolean, limit: number): TraceRecord[];
  get(id: string, visible: (trace: TraceRecord) => boolean): TraceRecord | undefined;
  /** Removes every trace that retrieved, cited or quotes erased content, from memory and from the file. */
  erase(content: ErasedContent): Promise<{ memory: number; file: number }>;
}

export function createTraceLog(options: { capacity?: number; file?: string; eraseFile?: string; logger: Logger }): TraceLog {
  const capacity = options.capacity ?? 200;
  const ring: TraceRecord[] = [];
  /** The file erasure cleans: the one we append to, else one an earlier run (`--trace-file`) left. */
  const eraseFile = options.file ?? options.eraseFile;
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });

  return {
    add({ question, collections, keyId, requested, answer }) {
      const trace: TraceRecord = {
        id: 'tr_' + randomBytes(8).toString('hex'),
        createdAt: new Date().toISOString(),
        question,
        collections: collections ?? ['*'],
        ...(keyId !== undefined ? { keyId } : {}),
        ...(requested !== undefined ? { requested } : {}),
        answer,
      };
      ring.push(trace);
      if (ring.length > capacity) ring.shift();
      if (options.file) {
        try {
          appendFileSync(options.file, JSON.stringify(trace) + '\n', { mode: 0o600 });
        } catch (error) {
          options.logger.log('warn', `could not append the trace to ${options.file}: ${(error as Error).message}`);
        }
      }
      return trace;
    },
    list(visible, limit) {
      const out: TraceRecord[] = [];
      for (let i = ring.length - 1; i >= 0 && out.length < limit; i -= 1) if (visible(ring[i]!)) out.push(ring[i]!);
      return out;
    },
    get(id, visible) {
      const trace = ring.find((t) => t.id === id);
      return trace && visible(trace) ? trace : undefined;
    },
    async erase(content) {
      const hit = traceHit(content);
      const match = erasedMatcher(content);
      let memory = 0;
      for (let i = ring.length - 1; i >= 0; i -= 1) {
        if (hit(ring[i]!)) {
          ring.splice(i, 1);
          memory += 1;
        }
      }
      let file = 0;
      if (eraseFile && existsSync(eraseFile)) {
        const lines = (await readFile(eraseFile, 'utf8')).split('\n').filter((l) => l.trim() !== '');
        // A line we cannot parse is still searched as text: erasure must not skip it.
        const kept = lines.filter((line) => !(hitLine(line)));
        file = lines.length - kept.length;
        if (file > 0) await writeFileAtomic(eraseFile, kept.map((l) => l + '\n').join(''));
      }
      return { memory, file };

      function hitLine(line: string): boolean {
        try {
          return hit(JSON.parse(line) as TraceRecord);
        } catch {
          return match.text(line);
        }
      }
    },
  };
}

function traceHit(content: ErasedContent): (trace: TraceRecord) => boolean {
  const match = erasedMatcher(content);
  return (trace) => {
    const answer = trace.answer;
    const ids = [
      ...(answer?.trace?.retrieved ?? []).flatMap((r) => [r.chunk.id, r.chunk.documentId]),
      ...(answer?.citations ?? []).flatMap((c) => [c.chunkId, c.documentId]),
    ];
    return match.ids(ids) || match.anyText(trace);
  };
}
