import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
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
 * Answers kept in memory (the last `capacity`), optionally appended to a JSON-lines file, whose
 * last `capacity` answers are read back when the log opens (history survives a restart).
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
  /** The file erasure cleans: the one we append to, else one an earlier run (`--trace-file`) left. */
  const eraseFile = options.file ?? options.eraseFile;
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  const ring: TraceRecord[] = options.file ? readLastTraces(options.file, capacity, options.logger) : [];

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

/** Bytes read back from the end of the trace file: far more than `capacity` answers with their chunks. */
const TAIL_BYTES = 32 * 1024 * 1024;

/** The file's last `capacity` parseable traces, oldest first; a damaged line is skipped with a warning. */
function readLastTraces(file: string, capacity: number, logger: Logger): TraceRecord[] {
  if (!existsSync(file)) return [];
  let text: string;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    text = buffer.toString('utf8');
    // A read that starts mid-file starts mid-line: that first partial line is not a trace.
    if (length < size) text = text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const newestFirst: TraceRecord[] = [];
  let damaged = 0;
  for (let i = lines.length - 1; i >= 0 && newestFirst.length < capacity; i -= 1) {
    try {
      const trace = JSON.parse(lines[i]!) as TraceRecord;
      if (typeof trace.id === 'string' && typeof trace.question === 'string') newestFirst.push(trace);
      else damaged += 1;
    } catch {
      damaged += 1;
    }
  }
  if (damaged > 0) logger.log('warn', `${damaged} line(s) of ${file} are not traces and were not read back into the history`);
  return newestFirst.reverse();
}
