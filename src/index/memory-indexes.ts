/**
 * Keeps the in-memory BM25 and vector indexes equal to what SQLite holds at some
 * generation: built on open (from a snapshot plus the change log when possible,
 * else from the chunks table), updated after each of our own commits, and caught
 * up from the change log when another process has written.
 */
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Logger } from '../core/logger.js';
import { ANALYZER_VERSION, analyze, fieldText } from './analyzer.js';
import { passageCode } from './passage-prior.js';
import { Bm25Index, type Bm25Entry, type Bm25Params } from './bm25.js';
import { readBm25Snapshot, removeStaleSnapshotTemps, writeBm25Snapshot } from './bm25-snapshot.js';
import { contextTermsFor, documentContext, OPENING_CHARS, type DocumentContext } from './document-context.js';
import { readMeta, writeMeta, type Db } from './schema.js';
import { VectorIndex } from './vectors.js';
import { HnswVectorIndex, type HnswOptions, type VectorSearchIndex } from './hnsw.js';

export const SNAPSHOT_FILE = 'bm25.snapshot';
/** The HNSW graph (usearch) and its sidecar (`.json`), written with the BM25 snapshot. */
export const GRAPH_FILE = 'vectors.hnsw';

export interface CommittedChange {
  removed: string[];
  /** `entry()` analyses the chunk when the BM25 index takes it, so a large write's tokens are never all held at once. */
  added: Array<{ chunkId: string; docKey: number; entry: () => Bm25Entry; vector?: Float32Array }>;
}

export interface MemoryIndexOptions {
  bm25?: Partial<Bm25Params>;
  /** Write a snapshot once this many chunks changed since the last one (and at least a quarter of the index). */
  snapshotAfterChanges: number;
  /** The HNSW index over vectors (default on, exact below 20,000 vectors); false keeps the exact scan only. */
  ann?: HnswOptions | false;
}

interface IndexableRow {
  id: string;
  doc_key: number;
  ordinal: number;
  text: string;
  heading_path: string;
  title: string;
}

interface OpeningRow {
  source: string;
  opening: string;
  first_page_start: number | null;
  first_page_end: number | null;
}

const INDEXABLE_SQL = `SELECT c.id, c.doc_key, c.ordinal, c.text, c.heading_path, d.title FROM chunks c JOIN documents d ON d.doc_key = c.doc_key`;
// Read once per document, not per chunk row: a document's text can be megabytes.
// substr counts characters, slice UTF-16 units: OPENING_CHARS characters always cover OPENING_CHARS units.
const OPENING_SQL = `SELECT source, substr(text, 1, ${OPENING_CHARS}) AS opening,
  json_extract(pages, '$[0].start') AS first_page_start, json_extract(pages, '$[0].end') AS first_page_end
  FROM documents WHERE doc_key = ?`;

/** The same entry `prepareWrite` makes when the chunk is first written. */
function entryOfRow(row: IndexableRow, contextOf: (row: IndexableRow) => DocumentContext): Bm25Entry {
  const headingPath = JSON.parse(row.heading_path) as string[];
  return {
    chunkId: row.id,
    docKey: row.doc_key,
    body: analyze(row.text),
    field: [...analyze(fieldText(row.title, headingPath)), ...contextTermsFor(contextOf(row), row.ordinal)],
    passage: passageCode(row.text),
  };
}

function blobToVector(blob: Buffer): Float32Array {
  return new Float32Array(new Uint8Array(blob).buffer);
}

const NO_CONTEXT: DocumentContext = { terms: [] };

/**
 * Rows come grouped by document, so remembering the last document's context computes each once; first
 * chunks get no context terms, so single-chunk documents never read their opening at all.
 */
function contextCache(db: Db): (row: IndexableRow) => DocumentContext {
  const openingOf = db.prepare(OPENING_SQL);
  let lastKey = -1;
  let last: DocumentContext = NO_CONTEXT;
  return (row) => {
    if (row.ordinal === 0) return NO_CONTEXT;
    if (row.doc_key !== lastKey) {
      const opening = openingOf.get(row.doc_key) as OpeningRow;
      const pages = opening.first_page_end === null ? undefined : [{ start: opening.first_page_start ?? 0, end: opening.first_page_end }];
      last = documentContext({ title: row.title, source: opening.source, text: opening.opening, pages });
      lastKey = row.doc_key;
    }
    return last;
  };
}

export class MemoryIndexes {
  bm25!: Bm25Index;
  private bm25Generation = -1;
  private vectors: VectorSearchIndex | null = null;
  private vectorGeneration = -1;
  private changesSinceSnapshot = 0;
  private readonly snapshotFile: string;
  private readonly graphFile: string;
  private generationsStatement: Statement | undefined;

  constructor(
    private readonly db: Db,
    home: string,
    private readonly storeId: string,
    private readonly options: MemoryIndexOptions,
    private readonly logger: Logger,
  ) {
    this.snapshotFile = path.join(home, SNAPSHOT_FILE);
    this.graphFile = path.join(home, GRAPH_FILE);
  }

  get generation(): number {
    return this.bm25Generation;
  }

  /** Loads the snapshot if usable, else rebuilds; then replays anything newer. */
  open(): void {
    const started = performance.now();
    removeStaleSnapshotTemps(this.snapshotFile);
    const snapshot = readBm25Snapshot(this.snapshotFile, { storeId: this.storeId, analyzerVersion: ANALYZER_VERSION });
    const { generation, prunedThrough } = this.readGenerations();
    if (snapshot.state !== null && snapshot.generation <= generation && snapshot.generation >= prunedThrough) {
      this.bm25 = Bm25Index.fromState(snapshot.state, { params: this.options.bm25 });
      this.bm25Generation = snapshot.generation;
      this.changesSinceSnapshot = 0;
      this.catchUp();
      this.logger.log('debug', 'BM25 index loaded from snapshot', {
        chunks: this.bm25.liveCount,
        snapshotGeneration: snapshot.generation,
        generation: this.bm25Generation,
        ms: Math.round(performance.now() - started),
      });
      return;
    }
    const reason = snapshot.state === null ? snapshot.reason : `snapshot generation ${snapshot.generation} unusable at store generation ${generation}`;
    this.rebuildBm25();
    this.logger.log(this.bm25.liveCount > 50_000 ? 'info' : 'debug', 'BM25 index rebuilt from the store', {
      reason,
      chunks: this.bm25.liveCount,
      ms: Math.round(performance.now() - started),
    });
  }

  /** Brings the BM25 index (and the vector index, if loaded) to SQLite's current generation. */
  catchUp(): void {
    const { generation, prunedThrough } = this.readGenerations();
    if (this.bm25Generation !== generation) {
      if (this.bm25Generation >= prunedThrough && this.bm25Generation < generation) this.replayBm25(this.bm25Generation);
      else this.rebuildBm25();
    }
    if (this.vectors !== null && this.vectorGeneration !== generation) {
      if (this.vectorGeneration >= prunedThrough && this.vectorGeneration < generation) this.replayVectors(this.vectorGeneration);
      else this.vectors = null;
    }
  }

  /** Applies a change we just committed, moving from generation `from` to `to`. */
  applyCommitted(changes: CommittedChange[], from: number, to: number): void {
    let touched = 0;
    if (this.bm25Generation === from) {
      for (const change of changes) {
        for (const id of change.removed) this.bm25.remove(id);
        for (const { entry } of change.added) this.bm25.add(entry());
        touched += change.removed.length + change.added.length;
      }
      this.bm25Generation = to;
      this.bm25.maybeCompact();
      this.changesSinceSnapshot += touched;
    }
    const dims = this.vectors?.dimensions;
    const dimsChanged = changes.some((c) => c.added.some((a) => a.vector !== undefined && a.vector.length !== dims));
    if (this.vectors !== null && dimsChanged) this.vectors = null; // a new embedder replaced an emptied one: reload lazily
    if (this.vectors !== null && this.vectorGeneration === from) {
      for (const change of changes) {
        for (const id of change.removed) this.vectors.remove(id);
        for (const { chunkId, docKey, vector } of change.added) if (vector) this.vectors.add(chunkId, docKey, vector);
      }
      this.vectorGeneration = to;
      this.vectors.maybeCompact();
    }
    this.catchUp();
    const threshold = Math.max(this.options.snapshotAfterChanges, Math.floor(this.bm25.liveCount / 4));
    if (this.changesSinceSnapshot < threshold) return;
    try {
      this.writeSnapshot();
    } catch (error) {
      // The write itself is committed; a missing snapshot only makes the next open slower.
      this.logger.log('warn', 'Could not write the BM25 snapshot', { error: (error as Error).message });
    }
  }

  /** The vector index at the current generation, loading it on first use; null when the store has no vectors. */
  vectorIndex(): VectorSearchIndex | null {
    this.catchUp();
    if (this.vectors === null) this.loadVectors();
    return this.vectors;
  }

  hasUnsnapshottedChanges(): boolean {
    return this.changesSinceSnapshot > 0;
  }

  /** Writes the snapshot for the current generation, then drops change-log entries it covers. */
  writeSnapshot(): void {
    this.catchUp();
    const generation = this.bm25Generation;
    const started = performance.now();
    writeBm25Snapshot(this.snapshotFile, this.bm25.exportState(), {
      storeId: this.storeId,
      generation,
      analyzerVersion: ANALYZER_VERSION,
    });
    this.changesSinceSnapshot = 0;
    if (this.vectors instanceof HnswVectorIndex && this.vectorGeneration === generation) {
      try {
        this.vectors.save(this.graphFile, { storeId: this.storeId, generation });
      } catch (error) {
        this.logger.log('warn', 'Could not write the vector graph; it will be rebuilt when next needed', { error: (error as Error).message });
      }
    }
    try {
      this.db.transaction(() => {
        const prunedThrough = Number(readMeta(this.db, 'changes_pruned_through') ?? 0);
        if (generation <= prunedThrough) return;
        this.db.prepare('DELETE FROM changes WHERE generation <= ?').run(generation);
        writeMeta(this.db, 'changes_pruned_through', String(generation));
      }).immediate();
    } catch (error) {
      // Pruning is housekeeping; a busy store just keeps its change log a while longer.
      this.logger.log('warn', 'Could not prune the change log', { error: (error as Error).message });
    }
    this.logger.log('debug', 'BM25 snapshot written', {
      generation,
      chunks: this.bm25.liveCount,
      ms: Math.round(performance.now() - started),
    });
  }

  private readGenerations(): { generation: number; prunedThrough: number } {
    // Runs before every query: keep the statement prepared.
    this.generationsStatement ??= this.db.prepare(`SELECT key, value FROM meta WHERE key IN ('generation', 'changes_pruned_through')`);
    const rows = this.generationsStatement.all() as Array<{ key: string; value: string }>;
    const get = (key: string): number => Number(rows.find((r) => r.key === key)?.value ?? 0);
    return { generation: get('generation'), prunedThrough: get('changes_pruned_through') };
  }

  private rebuildBm25(): void {
    const index = new Bm25Index({ params: this.options.bm25 });
    const generation = this.db.transaction(() => {
      const contextOf = contextCache(this.db);
      for (const row of this.db.prepare(INDEXABLE_SQL).iterate() as IterableIterator<IndexableRow>) index.add(entryOfRow(row, contextOf));
      return this.readGenerations().generation;
    })();
    this.bm25 = index;
    this.bm25Generation = generation;
    this.changesSinceSnapshot = Math.max(1, index.liveCount);
  }

  /** Net effect of all generations after `since`: every touched chunk is dropped, then re-added if it still exists. */
  private replayBm25(since: number): void {
    this.db.transaction(() => {
      const touched = this.changedChunkIds(since);
      for (const id of touched) this.bm25.remove(id);
      const rows = this.db
        .prepare(`${INDEXABLE_SQL} WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.chunk_key`)
        .all(JSON.stringify(touched)) as IndexableRow[];
      const contextOf = contextCache(this.db);
      for (const row of rows) this.bm25.add(entryOfRow(row, contextOf));
      this.bm25Generation = this.readGenerations().generation;
      this.changesSinceSnapshot += touched.length;
    })();
    this.bm25.maybeCompact();
  }

  private loadVectors(): void {
    const dims = Number(readMeta(this.db, 'vector_dims') ?? 0);
    if (dims <= 0) return;
    const index = new VectorIndex(dims);
    const generation = this.db.transaction(() => {
      const rows = this.db
        .prepare('SELECT c.id, c.doc_key, v.data FROM vectors v JOIN chunks c ON c.chunk_key = v.chunk_key ORDER BY v.chunk_key')
        .iterate() as IterableIterator<{ id: string; doc_key: number; data: Buffer }>;
      for (const row of rows) index.add(row.id, row.doc_key, blobToVector(row.data));
      return this.readGenerations().generation;
    })();
    this.vectorGeneration = generation;
    if (this.options.ann === false) {
      this.vectors = index;
      return;
    }
    const ann = new HnswVectorIndex(index, this.options.ann ?? {});
    // A graph saved at this generation is used as is; any other is rebuilt on the first search that needs it.
    if (index.liveCount >= ann.exactBelow && ann.load(this.graphFile, { storeId: this.storeId, generation })) {
      this.logger.log('debug', 'Vector graph loaded', { vectors: index.liveCount, generation });
    }
    this.vectors = ann;
  }

  private replayVectors(since: number): void {
    const vectors = this.vectors;
    if (vectors === null) return;
    this.db.transaction(() => {
      const touched = this.changedChunkIds(since);
      for (const id of touched) vectors.remove(id);
      const rows = this.db
        .prepare(
          `SELECT c.id, c.doc_key, v.data FROM vectors v JOIN chunks c ON c.chunk_key = v.chunk_key
           WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY v.chunk_key`,
        )
        .all(JSON.stringify(touched)) as Array<{ id: string; doc_key: number; data: Buffer }>;
      for (const row of rows) vectors.add(row.id, row.doc_key, blobToVector(row.data));
      this.vectorGeneration = this.readGenerations().generation;
    })();
    vectors.maybeCompact();
  }

  private changedChunkIds(since: number): string[] {
    const rows = this.db.prepare('SELECT DISTINCT chunk_id FROM changes WHERE generation > ?').pluck().all(since) as string[];
    return rows;
  }
}
