/**
 * The BM25 scoring kernel: term-at-a-time accumulation into a reused Float32Array,
 * touching only posting entries, then top-k with a heap.
 *
 * Terms go rarest (highest weight) first. Once the k-th best accumulated score
 * beats the most any chunk could still gain from the remaining terms, no chunk
 * outside the current candidates can reach the top k, so the remaining (long,
 * low-idf) posting lists are only probed for the candidates by galloping search
 * (postings are sorted by slot). The result is exact: every candidate still gets
 * its full score.
 */
import { TopK } from './top-k.js';

export interface ScoringTerm {
  slots: Uint32Array;
  tfs: Uint16Array;
  len: number;
  /** queryTf · idf · (k1 + 1): an upper bound of the term's contribution to any chunk. */
  weight: number;
}

export interface ScoringContext {
  acc: Float32Array;
  touched: Int32Array;
  norms: Float32Array;
  /** Null when nothing is tombstoned. */
  dead: Uint8Array | null;
  docKeys: Int32Array;
  allowedDocs: Uint8Array | null;
  fieldWeight: number;
  tieKey: (slot: number) => string;
}

/** Guards the pruning bound against float32 rounding of accumulated scores. */
const BOUND_SLACK = 1 + 1e-5;

export function topSlots(terms: ScoringTerm[], k: number, ctx: ScoringContext): Array<{ slot: number; score: number }> {
  terms.sort((a, b) => b.weight - a.weight);
  const remaining = new Float64Array(terms.length + 1);
  for (let t = terms.length - 1; t >= 0; t--) remaining[t] = remaining[t + 1] + terms[t].weight;

  let touchedCount = 0;
  let pruning = false;
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t];
    // Only worth checking when this list is long compared with the candidates.
    if (!pruning && touchedCount >= k && term.len > 4 * touchedCount) {
      if (kthBest(ctx.acc, ctx.touched, touchedCount, k) > remaining[t] * BOUND_SLACK) {
        pruning = true;
        ctx.touched.subarray(0, touchedCount).sort();
      }
    }
    if (pruning) accumulateCandidates(term, touchedCount, ctx);
    else touchedCount = accumulateAll(term, touchedCount, ctx);
  }

  const top = new TopK(k, ctx.tieKey);
  const { acc, touched } = ctx;
  for (let i = 0; i < touchedCount; i++) {
    const slot = touched[i];
    top.push(acc[slot], slot);
    acc[slot] = 0;
  }
  return top.drain();
}

function accumulateAll(term: ScoringTerm, touchedCount: number, ctx: ScoringContext): number {
  const { slots, tfs, len, weight } = term;
  const { acc, touched, norms, dead, docKeys, allowedDocs, fieldWeight } = ctx;
  if (dead === null && allowedDocs === null) {
    for (let i = 0; i < len; i++) {
      const slot = slots[i];
      const packed = tfs[i];
      const tf = (packed & 0xff) + fieldWeight * (packed >>> 8);
      if (tf === 0) continue; // a field-only hit when the field weight is 0
      if (acc[slot] === 0) touched[touchedCount++] = slot;
      acc[slot] += (weight * tf) / (tf + norms[slot]);
    }
    return touchedCount;
  }
  const allowedLength = allowedDocs === null ? 0 : allowedDocs.length;
  for (let i = 0; i < len; i++) {
    const slot = slots[i];
    if (dead !== null && dead[slot] !== 0) continue;
    if (allowedDocs !== null) {
      const key = docKeys[slot];
      if (key >= allowedLength || allowedDocs[key] === 0) continue;
    }
    const packed = tfs[i];
    const tf = (packed & 0xff) + fieldWeight * (packed >>> 8);
    if (tf === 0) continue;
    if (acc[slot] === 0) touched[touchedCount++] = slot;
    acc[slot] += (weight * tf) / (tf + norms[slot]);
  }
  return touchedCount;
}

/** Adds the term's contribution to existing candidates only; `touched` is sorted ascending. */
function accumulateCandidates(term: ScoringTerm, touchedCount: number, ctx: ScoringContext): void {
  const { slots, tfs, len, weight } = term;
  const { acc, touched, norms, fieldWeight } = ctx;
  let p = 0;
  for (let c = 0; c < touchedCount && p < len; c++) {
    const slot = touched[c];
    if (slots[p] < slot) {
      // Gallop to a range that holds the first posting >= slot, then binary search it.
      let step = 1;
      while (p + step < len && slots[p + step] < slot) step *= 2;
      let lo = p + (step >> 1);
      let hi = Math.min(p + step, len - 1);
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (slots[mid] < slot) lo = mid + 1;
        else hi = mid;
      }
      p = lo;
    }
    if (slots[p] !== slot) continue;
    const packed = tfs[p];
    const tf = (packed & 0xff) + fieldWeight * (packed >>> 8);
    if (tf !== 0) acc[slot] += (weight * tf) / (tf + norms[slot]);
  }
}

/** The k-th largest accumulated score among the touched slots (k <= touchedCount). */
function kthBest(acc: Float32Array, touched: Int32Array, touchedCount: number, k: number): number {
  const heap = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < touchedCount; i++) {
    const score = acc[touched[i]];
    if (size < k) {
      let j = size++;
      while (j > 0) {
        const parent = (j - 1) >> 1;
        if (heap[parent] <= score) break;
        heap[j] = heap[parent];
        j = parent;
      }
      heap[j] = score;
    } else if (score > heap[0]) {
      let j = 0;
      for (;;) {
        const left = 2 * j + 1;
        if (left >= k) break;
        const child = left + 1 < k && heap[left + 1] < heap[left] ? left + 1 : left;
        if (heap[child] >= score) break;
        heap[j] = heap[child];
        j = child;
      }
      heap[j] = score;
    }
  }
  return heap[0];
}
