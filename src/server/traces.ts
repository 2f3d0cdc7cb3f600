import type { Answer } from '../core/types.js';
import type { TraceLog as HomeTraceLog, TraceRecord } from '../home/traces.js';
import type { Principal } from './keys.js';
import { grants, seesAll } from './auth.js';

export type { TraceRecord };

/** The home's trace log as the server shows it: each trace only to whom it may be shown. */
export interface TraceLog {
  add(input: { question: string; collections: string[] | undefined; keyId?: string; requested?: string[]; answer: Answer }): TraceRecord;
  /** Newest first, only traces `traceVisible` lets the principal see. */
  list(principal: Principal, limit: number): TraceRecord[];
  get(principal: Principal, id: string): TraceRecord | undefined;
}

/**
 * A trace holds a question and the text that answered it. It is shown to the key that asked,
 * and to admins whose grants cover every collection it searched and every one it asked about
 * (a question about an ungranted collection may name what is in it) — never wider.
 */
export function traceVisible(principal: Principal, trace: TraceRecord): boolean {
  if (trace.keyId !== undefined && trace.keyId === principal.keyId) return true;
  if (principal.role !== 'admin') return false;
  const scope = [...trace.collections, ...(trace.requested ?? [])];
  return scope.includes('*') ? seesAll(principal) : scope.every((name) => grants(principal, name));
}

export function scopedTraceLog(log: HomeTraceLog): TraceLog {
  return {
    add: (input) => log.add(input),
    list: (principal, limit) => log.list((trace) => traceVisible(principal, trace), limit),
    get: (principal, id) => log.get(id, (trace) => traceVisible(principal, trace)),
  };
}
