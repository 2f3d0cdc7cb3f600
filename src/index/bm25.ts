/**
 * In-memory BM25 over chunks: an inverted index of typed-array postings.
 *
 * Each chunk occupies a slot. A posting is (slot, packed tf) where the packed tf
 * keeps the body count and the title/heading ("field") count apart, so k1, b and
 * the field weight can change without re-indexing. Removal tombstones the slot;
 * N, avgdl and df only ever count live slots, so scores equal those of an index
 * built fresh from the live chunks. Compaction drops tombstones once they pass a
 * threshold.
 */
import { topSlots, type ScoringTerm } from './bm25-scoring.js';

export interface Bm25Params {
  k1: number;
  b: number;
  /** How many times a title/heading token counts relative to a body token (in tf and length). */
  fieldWeight: number;
}

/**
 * Chosen on SciFact *train* (bench/scifact-bm25.ts --tune, 809 queries, nDCG@10):
 * k1=1.2 b=0.75 fieldWeight=2 scores 0.700, Pyserini's k1=0.9 b=0.4 with a flat
 * title+text field 0.694, the grid's best (k1=1.5 b=0.9 fieldWeight=3, at the
 * grid's edge) 0.703. The surface is flat, so we keep the classic Robertson
 * k1/b rather than SciFact's corner, and count titles/headings twice.
 */
export const DEFAULT_BM25_PARAMS: Readonly<Bm25Params> = { k1: 1.2, b: 0.75, fieldWeight: 2 };

export interface Bm25Entry {
  chunkId: string;
  /** The owning document's key; query filters allow or block whole documents by it. */
  docKey: number;
  body: readonly string[];
  field: readonly string[];
  /** The chunk's passage kind as a byte (passage-prior.ts `passageCode`); 0, prose, when absent. */
  passage?: number;
}

export interface Bm25Hit {
  chunkId: string;
  score: number;
  /** The chunk's passage code (Bm25Entry.passage). */
  passage: number;
}

/** The index as plain arrays, for snapshots. Postings are views; do not mutate. */
export interface Bm25State {
  chunkIds: string[];
  docKeys: Int32Array;
  bodyLens: Uint32Array;
  fieldLens: Uint32Array;
  passages: Uint8Array;
  terms: string[];
  postings: Array<{ slots: Uint32Array; tfs: Uint16Array }>;
}

export interface Bm25IndexOptions {
  params?: Partial<Bm25Params>;
  /** Compact when tombstones exceed this share of slots (default 0.25). */
  compactAt?: number;
}

const MAX_PACKED_TF = 255;

export class Bm25Index {
  private params: Bm25Params;
  private readonly compactAt: number;

  private slotCount = 0;
  private live = 0;
  private deadSlots = 0;
  private chunkIds: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private docKeys = new Int32Array(0);
  private bodyLens = new Uint32Array(0);
  private fieldLens = new Uint32Array(0);
  private passages = new Uint8Array(0);
  private dead = new Uint8Array(0);
  private norms = new Float32Array(0);
  private normsValid = false;
  private acc = new Float32Array(0);
  private touched = new Int32Array(0);
  private liveBodyTotal = 0;
  private liveFieldTotal = 0;

  private readonly termIds = new Map<string, number>();
  private terms: string[] = [];
  private postSlots: Uint32Array[] = [];
  private postTfs: Uint16Array[] = [];
  private postLens = new Int32Array(0);
  /**
   * A term's first posting, kept here while it is its only one (its postSlots entry is then the shared
   * empty array). Most distinct terms occur once (ids, numbers, names): two typed arrays each would cost
   * ~300 bytes per term, ~60 MB for a 100,000-record export.
   */
  private soloSlot = new Uint32Array(0);
  private soloTf = new Uint16Array(0);
  /** Dead postings per term, counted lazily for query terms and valid while deadStamp === removalEpoch. */
  private deadInTerm = new Int32Array(0);
  private deadStamp = new Int32Array(0);
  private removalEpoch = 1;
  /** Per-term counts while adding one chunk (all zero between adds), and its distinct term ids. */
  private termScratch = new Int32Array(1024);
  private uniqueScratch = new Int32Array(256);
  private uniqueCount = 0;

  constructor(options: Bm25IndexOptions = {}) {
    this.params = { ...DEFAULT_BM25_PARAMS, ...options.params };
    this.compactAt = options.compactAt ?? 0.25;
  }

  get liveCount(): number {
    return this.live;
  }

  get tombstoneCount(): number {
    return this.deadSlots;
  }

  getParams(): Bm25Params {
    return { ...this.params };
  }

  setParams(params: Partial<Bm25Params>): void {
    this.params = { ...this.params, ...params };
    this.normsValid = false;
  }

  has(chunkId: string): boolean {
    return this.slotOf.has(chunkId);
  }

  /** Adds a chunk, replacing any chunk with the same id. */
  add(entry: Bm25Entry): void {
    this.remove(entry.chunkId);
    const slot = this.slotCount;
    this.ensureSlotCapacity(slot + 1);
    this.slotCount++;
    this.live++;
    this.chunkIds[slot] = entry.chunkId;
    this.slotOf.set(entry.chunkId, slot);
    this.docKeys[slot] = entry.docKey;
    this.bodyLens[slot] = entry.body.length;
    this.fieldLens[slot] = entry.field.length;
    this.passages[slot] = entry.passage ?? 0;
    this.dead[slot] = 0;
    this.liveBodyTotal += entry.body.length;
    this.liveFieldTotal += entry.field.length;
    this.normsValid = false;

    // Count per term in a scratch array indexed by term id (cheaper than a Map per chunk).
    this.uniqueCount = 0;
    for (const term of entry.body) this.tally(term, false);
    for (const term of entry.field) this.tally(term, true);
    const unique = this.uniqueScratch;
    for (let i = 0; i < this.uniqueCount; i++) {
      const termId = unique[i];
      const counts = this.termScratch[termId];
      this.termScratch[termId] = 0;
      this.appendPosting(termId, slot, (counts & 0xff) | ((counts >>> 16) << 8));
    }
  }

  private tally(term: string, isField: boolean): void {
    const termId = this.termIdOf(term);
    if (this.termScratch.length <= termId) this.growTermScratch();
    const counts = this.termScratch[termId];
    if (counts === 0) {
      if (this.uniqueCount === this.uniqueScratch.length) this.uniqueScratch = grow(this.uniqueScratch, new Int32Array(this.uniqueCount * 2));
      this.uniqueScratch[this.uniqueCount++] = termId;
    }
    // Saturating at 255 keeps both counts in their 8 bits; BM25 is flat there anyway.
    if (isField) {
      if (counts >>> 16 < MAX_PACKED_TF) this.termScratch[termId] = counts + 0x10000;
    } else if ((counts & 0xffff) < MAX_PACKED_TF) this.termScratch[termId] = counts + 1;
  }

  /** The passage code stored with a live chunk (see Bm25Entry.passage). */
  passageOf(chunkId: string): number | undefined {
    const slot = this.slotOf.get(chunkId);
    return slot === undefined ? undefined : this.passages[slot];
  }

  /** Tombstones a chunk; false when it is not in the index. */
  remove(chunkId: string): boolean {
    const slot = this.slotOf.get(chunkId);
    if (slot === undefined) return false;
    this.slotOf.delete(chunkId);
    this.dead[slot] = 1;
    this.live--;
    this.deadSlots++;
    this.liveBodyTotal -= this.bodyLens[slot];
    this.liveFieldTotal -= this.fieldLens[slot];
    this.removalEpoch++;
    this.normsValid = false;
    return true;
  }

  /** Compacts when tombstones pass the threshold; true when it did. */
  maybeCompact(): boolean {
    if (this.deadSlots === 0 || this.deadSlots < this.compactAt * this.slotCount) return false;
    this.compact();
    return true;
  }

  /**
   * Top `k` chunks for the query terms (repeated terms weigh more, as in Lucene's
   * bag-of-words queries). `allowedDocs[docKey]` must be non-zero for a chunk to be
   * scored at all when given: filtering happens before ranking, never after.
   */
  search(queryTerms: readonly string[], k: number, allowedDocs: Uint8Array | null = null): Bm25Hit[] {
    if (k <= 0 || this.live === 0) return [];
    const queryCounts = new Map<string, number>();
    for (const term of queryTerms) queryCounts.set(term, (queryCounts.get(term) ?? 0) + 1);
    this.ensureNorms();
    const n = this.live;
    const terms: ScoringTerm[] = [];
    for (const [term, queryTf] of queryCounts) {
      const termId = this.termIds.get(term);
      if (termId === undefined) continue;
      const len = this.postLens[termId];
      const df = len - this.deadPostings(termId);
      if (df <= 0) continue;
      const weight = queryTf * Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (this.params.k1 + 1);
      const { slots, tfs } = this.postingsOf(termId);
      terms.push({ slots, tfs, len, weight });
    }
    const top = topSlots(terms, k, {
      acc: this.acc,
      touched: this.touched,
      norms: this.norms,
      dead: this.deadSlots === 0 ? null : this.dead,
      docKeys: this.docKeys,
      allowedDocs,
      fieldWeight: this.params.fieldWeight,
      tieKey: (slot) => this.chunkIds[slot],
    });
    return top.map(({ slot, score }) => ({ chunkId: this.chunkIds[slot], score, passage: this.passages[slot] }));
  }

  /** Drops tombstoned slots and their postings; slot numbers change, results do not. */
  compact(): void {
    const newSlotOf = new Int32Array(this.slotCount);
    let next = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.dead[slot] !== 0) {
        newSlotOf[slot] = -1;
        continue;
      }
      newSlotOf[slot] = next;
      this.chunkIds[next] = this.chunkIds[slot];
      this.slotOf.set(this.chunkIds[slot], next);
      this.docKeys[next] = this.docKeys[slot];
      this.bodyLens[next] = this.bodyLens[slot];
      this.fieldLens[next] = this.fieldLens[slot];
      this.passages[next] = this.passages[slot];
      this.dead[next] = 0;
      next++;
    }
    this.chunkIds.length = next;
    this.slotCount = next;
    this.deadSlots = 0;
    for (let termId = 0; termId < this.terms.length; termId++) {
      const len = this.postLens[termId];
      if (len === 1 && this.postSlots[termId].length === 0) {
        const mapped = newSlotOf[this.soloSlot[termId]];
        if (mapped < 0) this.postLens[termId] = 0;
        else this.soloSlot[termId] = mapped;
        continue;
      }
      const slots = this.postSlots[termId];
      const tfs = this.postTfs[termId];
      let write = 0;
      for (let read = 0; read < len; read++) {
        const mapped = newSlotOf[slots[read]];
        if (mapped < 0) continue;
        slots[write] = mapped;
        tfs[write] = tfs[read];
        write++;
      }
      this.postLens[termId] = write;
      if (write === 0) {
        this.postSlots[termId] = EMPTY_SLOTS;
        this.postTfs[termId] = EMPTY_TFS;
      } else if (write < slots.length >> 2) {
        this.postSlots[termId] = slots.slice(0, write);
        this.postTfs[termId] = tfs.slice(0, write);
      }
    }
    this.removalEpoch++;
    this.normsValid = false;
  }

  /** The live index as arrays (compacting first), for snapshots. */
  exportState(): Bm25State {
    if (this.deadSlots > 0) this.compact();
    const terms: string[] = [];
    const postings: Bm25State['postings'] = [];
    for (let termId = 0; termId < this.terms.length; termId++) {
      const len = this.postLens[termId];
      if (len === 0) continue;
      terms.push(this.terms[termId]);
      const { slots, tfs } = this.postingsOf(termId);
      postings.push({ slots: slots.subarray(0, len), tfs: tfs.subarray(0, len) });
    }
    return {
      chunkIds: this.chunkIds.slice(0, this.slotCount),
      docKeys: this.docKeys.subarray(0, this.slotCount),
      bodyLens: this.bodyLens.subarray(0, this.slotCount),
      fieldLens: this.fieldLens.subarray(0, this.slotCount),
      passages: this.passages.subarray(0, this.slotCount),
      terms,
      postings,
    };
  }

  /** Rebuilds an index from exported arrays; the arrays become the index's storage. */
  static fromState(state: Bm25State, options: Bm25IndexOptions = {}): Bm25Index {
    const index = new Bm25Index(options);
    const count = state.chunkIds.length;
    index.ensureSlotCapacity(count);
    index.slotCount = count;
    index.live = count;
    index.chunkIds = state.chunkIds.slice();
    for (let slot = 0; slot < count; slot++) {
      index.slotOf.set(state.chunkIds[slot], slot);
      index.liveBodyTotal += state.bodyLens[slot];
      index.liveFieldTotal += state.fieldLens[slot];
    }
    index.docKeys.set(state.docKeys);
    index.bodyLens.set(state.bodyLens);
    index.fieldLens.set(state.fieldLens);
    index.passages.set(state.passages);
    index.ensureTermCapacity(state.terms.length);
    for (let termId = 0; termId < state.terms.length; termId++) {
      const term = state.terms[termId];
      index.termIds.set(term, termId);
      index.terms.push(term);
      index.postSlots.push(state.postings[termId].slots);
      index.postTfs.push(state.postings[termId].tfs);
      index.postLens[termId] = state.postings[termId].slots.length;
    }
    return index;
  }

  private deadPostings(termId: number): number {
    if (this.deadSlots === 0) return 0;
    if (this.deadStamp[termId] === this.removalEpoch) return this.deadInTerm[termId];
    const { slots } = this.postingsOf(termId);
    const len = this.postLens[termId];
    let count = 0;
    for (let i = 0; i < len; i++) count += this.dead[slots[i]];
    this.deadInTerm[termId] = count;
    this.deadStamp[termId] = this.removalEpoch;
    return count;
  }

  private ensureNorms(): void {
    if (this.normsValid) return;
    const { k1, b, fieldWeight } = this.params;
    const avgdl = this.live === 0 ? 1 : (this.liveBodyTotal + fieldWeight * this.liveFieldTotal) / this.live || 1;
    for (let slot = 0; slot < this.slotCount; slot++) {
      const dl = this.bodyLens[slot] + fieldWeight * this.fieldLens[slot];
      this.norms[slot] = k1 * (1 - b + (b * dl) / avgdl);
    }
    this.normsValid = true;
  }

  private termIdOf(term: string): number {
    let termId = this.termIds.get(term);
    if (termId === undefined) {
      termId = this.terms.length;
      this.ensureTermCapacity(termId + 1);
      this.termIds.set(term, termId);
      this.terms.push(term);
      this.postSlots.push(EMPTY_SLOTS);
      this.postTfs.push(EMPTY_TFS);
    }
    return termId;
  }

  /** A term's postings; a term with only its solo posting gets one-element views of the solo arrays. */
  private postingsOf(termId: number): { slots: Uint32Array; tfs: Uint16Array } {
    const slots = this.postSlots[termId];
    if (slots.length === 0 && this.postLens[termId] === 1) {
      return { slots: this.soloSlot.subarray(termId, termId + 1), tfs: this.soloTf.subarray(termId, termId + 1) };
    }
    return { slots, tfs: this.postTfs[termId] };
  }

  private appendPosting(termId: number, slot: number, packedTf: number): void {
    const len = this.postLens[termId];
    let slots = this.postSlots[termId];
    if (len === 0 && slots.length === 0) {
      this.soloSlot[termId] = slot;
      this.soloTf[termId] = packedTf;
      this.postLens[termId] = 1;
      return;
    }
    if (len >= slots.length) {
      const capacity = Math.max(4, len * 2);
      const current = this.postingsOf(termId);
      const grownSlots = new Uint32Array(capacity);
      grownSlots.set(current.slots.subarray(0, len));
      const grownTfs = new Uint16Array(capacity);
      grownTfs.set(current.tfs.subarray(0, len));
      this.postSlots[termId] = slots = grownSlots;
      this.postTfs[termId] = grownTfs;
    }
    slots[len] = slot;
    this.postTfs[termId][len] = packedTf;
    this.postLens[termId] = len + 1;
  }

  private ensureSlotCapacity(needed: number): void {
    if (needed <= this.docKeys.length) return;
    const capacity = Math.max(needed, Math.ceil(this.docKeys.length * 1.5), 1024);
    this.docKeys = grow(this.docKeys, new Int32Array(capacity));
    this.bodyLens = grow(this.bodyLens, new Uint32Array(capacity));
    this.fieldLens = grow(this.fieldLens, new Uint32Array(capacity));
    this.passages = grow(this.passages, new Uint8Array(capacity));
    this.dead = grow(this.dead, new Uint8Array(capacity));
    this.norms = new Float32Array(capacity);
    this.normsValid = false;
    this.acc = new Float32Array(capacity);
    this.touched = new Int32Array(capacity);
  }

  private growTermScratch(): void {
    this.termScratch = grow(this.termScratch, new Int32Array(Math.max(this.postLens.length, this.termScratch.length * 2)));
  }

  private ensureTermCapacity(needed: number): void {
    if (needed <= this.postLens.length) return;
    const capacity = Math.max(needed, this.postLens.length * 2, 1024);
    this.postLens = grow(this.postLens, new Int32Array(capacity));
    this.soloSlot = grow(this.soloSlot, new Uint32Array(capacity));
    this.soloTf = grow(this.soloTf, new Uint16Array(capacity));
    this.deadInTerm = grow(this.deadInTerm, new Int32Array(capacity));
    this.deadStamp = grow(this.deadStamp, new Int32Array(capacity));
  }
}

const EMPTY_SLOTS = new Uint32Array(0);
const EMPTY_TFS = new Uint16Array(0);

function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export function createBm25Index(options: Bm25IndexOptions = {}): Bm25Index {
  return new Bm25Index(options);
}
