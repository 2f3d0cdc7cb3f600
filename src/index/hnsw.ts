/**
 * Approximate nearest neighbours for the embedded store: an HNSW graph (usearch, cosine) over the
 * same vectors the exact scan holds. The exact index stays the system of truth in memory and the
 * oracle: it answers small indexes and narrow filters, and any search the graph cannot fill.
 *
 * Filters are applied inside the search, never by trimming a short list: the graph is asked for
 * enough candidates that k of them pass the filter (k divided by the allowed share, with margin),
 * doubling while too few pass; a filter that allows fewer than `exactBelow` vectors is scanned
 * exactly. So a reader never gets fewer than k because of another collection, nor sees one.
 */
import fs from 'node:fs';
import { Index as UsearchIndex, MetricKind, ScalarKind } from 'usearch';
import { VectorIndex, type VectorHit } from './vectors.js';

/** What the store's vector leg needs; the exact VectorIndex and HnswVectorIndex both provide it. */
export interface VectorSearchIndex {
  readonly dimensions: number;
  readonly liveCount: number;
  add(chunkId: string, docKey: number, vector: Float32Array): void;
  remove(chunkId: string): boolean;
  maybeCompact(): boolean;
  search(query: Float32Array, k: number, allowedDocs?: Uint8Array | null): VectorHit[];
}

export interface HnswOptions {
  /** Below this many live vectors (overall, or allowed by a filter) the exact scan answers (default 20,000). */
  exactBelow?: number;
  /** Graph degree M (default 16). */
  connectivity?: number;
  /** Candidate list while building (default 128). */
  expansionAdd?: number;
  /** Candidate list while searching, at least k (default 128: recall@10 0.9995 at 100k×384, bench/RESULTS.md). */
  expansionSearch?: number;
  /**
   * How the graph stores its copy of the vectors (default 'i8': a quarter of the memory and half the
   * search time; candidates are rescored with the exact float vectors, so scores equal the exact scan's).
   */
  quantization?: 'i8' | 'f32';
}

/** 2: inner product over unit vectors, quantization recorded (1 was cosine); another version is rebuilt. */
const GRAPH_VERSION = 2;

interface GraphSidecar {
  version: number;
  quantization?: 'i8' | 'f32';
  storeId: string;
  generation: number;
  dimensions: number;
  /** Chunk id per graph key; null where the key was removed. */
  ids: Array<string | null>;
  docKeys: number[];
}

export class HnswVectorIndex implements VectorSearchIndex {
  private graph: UsearchIndex | null = null;
  private keyOf = new Map<string, number>();
  private idOfKey: Array<string | null> = [];
  private docKeyOfKey = new Int32Array(1024);
  private liveKeys = 0;
  readonly exactBelow: number;
  private readonly config: Required<HnswOptions>;

  constructor(
    readonly exact: VectorIndex,
    options: HnswOptions = {},
  ) {
    this.config = { exactBelow: 20_000, connectivity: 16, expansionAdd: 128, expansionSearch: 128, quantization: 'i8', ...options };
    this.exactBelow = this.config.exactBelow;
  }

  get dimensions(): number {
    return this.exact.dimensions;
  }

  get liveCount(): number {
    return this.exact.liveCount;
  }

  /** Whether the graph exists (it is built on the first search above `exactBelow`). */
  get hasGraph(): boolean {
    return this.graph !== null;
  }

  add(chunkId: string, docKey: number, vector: Float32Array): void {
    this.exact.add(chunkId, docKey, vector);
    if (this.graph !== null) this.addToGraph(chunkId, docKey, vector);
  }

  remove(chunkId: string): boolean {
    const removed = this.exact.remove(chunkId);
    const key = this.keyOf.get(chunkId);
    if (key !== undefined && this.graph !== null) {
      this.graph.remove(BigInt(key));
      this.keyOf.delete(chunkId);
      this.idOfKey[key] = null;
      this.liveKeys--;
    }
    return removed;
  }

  maybeCompact(): boolean {
    const compacted = this.exact.maybeCompact();
    // A graph with many removed keys searches worse: rebuild it lazily from the live vectors.
    if (this.graph !== null && this.idOfKey.length > 2 * Math.max(1, this.liveKeys) && this.idOfKey.length > 1024) this.dropGraph();
    return compacted;
  }

  search(query: Float32Array, k: number, allowedDocs: Uint8Array | null = null): VectorHit[] {
    const live = this.exact.liveCount;
    if (k <= 0 || live === 0) return [];
    if (live < this.exactBelow) return this.exact.search(query, k, allowedDocs);
    this.ensureGraph();
    const allowedCount = allowedDocs === null ? this.liveKeys : this.countAllowed(allowedDocs);
    if (allowedCount < this.exactBelow || allowedCount <= k) return this.exact.search(query, k, allowedDocs);
    const share = allowedCount / this.liveKeys;
    // Unfiltered, every live key the graph returns is a hit; 4k candidates let the exact rescoring
    // repair the quantized ranking (recall@10 0.993 with 2k, 0.9995 with 4k at 100k×384), but no more
    // than the expansionSearch candidates the search explores anyway: asking for more widens the
    // search itself (a hybrid query's k = 50 would explore 200). Filtered, over-fetch by what the filter drops.
    const unfilteredWanted = Math.max(k, Math.min(4 * k, this.config.expansionSearch));
    let wanted = Math.min(this.liveKeys, allowedDocs === null ? unfilteredWanted : Math.ceil((k / share) * 3) + 16);
    const unit = toUnit(query);
    for (;;) {
      const hits = this.searchGraph(unit, wanted, allowedDocs);
      if (hits.length >= k) return hits.slice(0, k);
      if (wanted >= this.liveKeys || wanted > 64 * k + 4096) return this.exact.search(query, k, allowedDocs);
      wanted = Math.min(this.liveKeys, wanted * 2);
    }
  }

  /**
   * Saves the graph beside the store's other snapshots. A graph holding removed keys is not
   * saved (their vectors may still lie in it: erased content must not reach disk); its old file
   * is deleted instead and the graph is rebuilt from the live vectors on the next open.
   */
  save(file: string, tag: { storeId: string; generation: number }): boolean {
    if (this.graph === null || this.liveKeys !== this.idOfKey.length) {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.json`, { force: true });
      return false;
    }
    const tmp = `${file}.tmp-${process.pid}`;
    this.graph.save(tmp);
    const sidecar: GraphSidecar = { version: GRAPH_VERSION, quantization: this.config.quantization, ...tag, dimensions: this.dimensions, ids: this.idOfKey, docKeys: Array.from(this.docKeyOfKey.subarray(0, this.idOfKey.length)) };
    fs.writeFileSync(`${tmp}.json`, JSON.stringify(sidecar), { mode: 0o600 });
    fs.renameSync(tmp, file);
    fs.renameSync(`${tmp}.json`, `${file}.json`);
    return true;
  }

  /**
   * Loads a saved graph when it was written for this store at `generation` and holds exactly the
   * exact index's vectors; otherwise leaves the graph to be rebuilt. True when loaded.
   */
  load(file: string, tag: { storeId: string; generation: number }): boolean {
    let sidecar: GraphSidecar;
    try {
      sidecar = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as GraphSidecar;
    } catch {
      return false;
    }
    if (sidecar.version !== GRAPH_VERSION || sidecar.quantization !== this.config.quantization || sidecar.storeId !== tag.storeId || sidecar.generation !== tag.generation || sidecar.dimensions !== this.dimensions) return false;
    const live = sidecar.ids.filter((id) => id !== null).length;
    if (live !== this.exact.liveCount) return false;
    const graph = this.newGraph();
    try {
      graph.load(file);
    } catch {
      return false;
    }
    this.graph = graph;
    this.idOfKey = sidecar.ids;
    this.docKeyOfKey = Int32Array.from(sidecar.docKeys);
    this.keyOf = new Map();
    sidecar.ids.forEach((id, key) => {
      if (id !== null) this.keyOf.set(id, key);
    });
    this.liveKeys = live;
    return true;
  }

  private searchGraph(query: Float32Array, wanted: number, allowedDocs: Uint8Array | null): VectorHit[] {
    const matches = this.graph!.search(query, wanted, 1);
    const hits: VectorHit[] = [];
    const allowedLength = allowedDocs?.length ?? 0;
    for (let i = 0; i < matches.keys.length; i++) {
      const key = Number(matches.keys[i]);
      const id = this.idOfKey[key];
      if (id === null || id === undefined) continue;
      if (allowedDocs !== null) {
        const docKey = this.docKeyOfKey[key]!;
        if (docKey >= allowedLength || allowedDocs[docKey] === 0) continue;
      }
      // The exact float vector's cosine, not the graph's quantized distance.
      const score = this.exact.similarity(id, query);
      if (score !== undefined) hits.push({ chunkId: id, score });
    }
    return hits.sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : a.chunkId > b.chunkId ? 1 : 0));
  }

  private countAllowed(allowedDocs: Uint8Array): number {
    let count = 0;
    const length = allowedDocs.length;
    for (let key = 0; key < this.idOfKey.length; key++) {
      if (this.idOfKey[key] === null) continue;
      const docKey = this.docKeyOfKey[key]!;
      if (docKey < length && allowedDocs[docKey] !== 0) count++;
    }
    return count;
  }

  private ensureGraph(): void {
    if (this.graph !== null) return;
    this.graph = this.newGraph();
    this.keyOf = new Map();
    this.idOfKey = [];
    this.liveKeys = 0;
    const live = this.exact.liveCount;
    const dims = this.dimensions;
    const matrix = new Float32Array(live * dims);
    const keys = new BigUint64Array(live);
    this.exact.forEachLive((chunkId, docKey, unit) => {
      const key = this.idOfKey.length;
      this.ensureKeyCapacity(key + 1);
      matrix.set(unit, key * dims);
      keys[key] = BigInt(key);
      this.idOfKey.push(chunkId);
      this.docKeyOfKey[key] = docKey;
      this.keyOf.set(chunkId, key);
    });
    this.liveKeys = live;
    // One batch add lets usearch build with every core.
    if (live > 0) this.graph.add(keys, matrix, 0);
  }

  private ensureKeyCapacity(needed: number): void {
    if (needed <= this.docKeyOfKey.length) return;
    const grown = new Int32Array(Math.max(needed, this.docKeyOfKey.length * 2));
    grown.set(this.docKeyOfKey);
    this.docKeyOfKey = grown;
  }

  private dropGraph(): void {
    this.graph = null;
    this.keyOf = new Map();
    this.idOfKey = [];
    this.liveKeys = 0;
  }

  private newGraph(): UsearchIndex {
    const { connectivity, expansionAdd, expansionSearch } = this.config;
    return new UsearchIndex({
      dimensions: this.dimensions,
      // Vectors enter the graph normalised, so the inner product is the cosine without its two norms
      // per comparison (1.5× faster searches, bench/RESULTS.md).
      metric: MetricKind.IP,
      quantization: this.config.quantization === 'i8' ? ScalarKind.I8 : ScalarKind.F32,
      connectivity,
      expansion_add: expansionAdd,
      expansion_search: expansionSearch,
      multi: false,
    });
  }

  private addToGraph(chunkId: string, docKey: number, vector: Float32Array): void {
    const old = this.keyOf.get(chunkId);
    if (old !== undefined) {
      this.graph!.remove(BigInt(old));
      this.idOfKey[old] = null;
      this.liveKeys--;
    }
    const key = this.idOfKey.length;
    this.ensureKeyCapacity(key + 1);
    this.idOfKey.push(chunkId);
    this.docKeyOfKey[key] = docKey;
    this.keyOf.set(chunkId, key);
    this.liveKeys++;
    this.graph!.add(BigInt(key), toUnit(vector), 1);
  }
}

function toUnit(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (let d = 0; d < vector.length; d++) sumOfSquares += vector[d]! * vector[d]!;
  const norm = Math.sqrt(sumOfSquares) || 1;
  return Float32Array.from(vector, (x) => x / norm);
}
