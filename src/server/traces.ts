import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Answer } from '../core/types.js';
import type { Logger } from '../core/logger.js';
import type { Principal } from './keys.js';
import { grants, seesAll } from './auth.js';

export interface TraceRecord {
  id: string;
  createdAt: string;
  question: string;
  /** The collections the answer could read; ["*"] when it read all of them. */
  collections: string[];
  answer: Answer;
}

export interface TraceLog {
  add(input: { question: string; collections: string[] | undefined; answer: Answer }): TraceRecord;
  /** Newest first, only traces whose every collection the principal is granted. */
  list(principal: Principal, limit: number): TraceRecord[];
  get(principal: Principal, id: string): TraceRecord | undefined;
}

/** The last `capacity` answers in memory, optionally appended to a JSON-lines file as well. */
export function createTraceLog(options: { capacity?: number; file?: string; logger: Logger }): TraceLog {
  const capacity = options.capacity ?? 200;
  const ring: TraceRecord[] = [];
  const visible = (principal: Principal, trace: TraceRecord) =>
    trace.collections.includes('*') ? seesAll(principal) : trace.collections.every((name) => grants(principal, name));

  if (options.file) mkdirSync(dirname(options.file), { recursive: true });

  return {
    add({ question, collections, answer }) {
      const trace: TraceRecord = {
        id: 'tr_' + randomBytes(8).toString('hex'),
        createdAt: new Date().toISOString(),
        question,
        collections: collections ?? ['*'],
        answer,
      };
      ring.push(trace);
      if (ring.length > capacity) ring.shift();
      if (options.file) {
        try {
          appendFileSync(options.file, JSON.stringify(trace) + '\n');
        } catch (error) {
          options.logger.log('warn', `could not append the trace to ${options.file}: ${(error as Error).message}`);
        }
      }
      return trace;
    },
    list(principal, limit) {
      const out: TraceRecord[] = [];
      for (let i = ring.length - 1; i >= 0 && out.length < limit; i -= 1) if (visible(principal, ring[i]!)) out.push(ring[i]!);
      return out;
    },
    get(principal, id) {
      const trace = ring.find((t) => t.id === id);
      return trace && visible(principal, trace) ? trace : undefined;
    },
  };
}
