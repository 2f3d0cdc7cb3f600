/**
 * Without pgvector: the store's vectors held in this process for exact scans, reloaded whenever the
 * database's generation moved (a write by any process), so a replica never answers from stale
 * vectors. The filter becomes a bitmap of allowed documents from SQL before the scan, as in the
 * embedded store: nothing is filtered after ranking.
 */
import type pg from 'pg';
import type { Filter } from '../../core/types.js';
import { isEmptyFilter } from '../filter-sql.js';
import type { ScoredChunkId } from '../store.js';
import { VectorIndex } from '../vectors.js';
import { filterWhere, Params } from './filter.js';
import type { Tables } from './schema.js';

export class ExactVectorCache {
  private generation = -1;
  private index: VectorIndex | null = null;

  /** The reload in flight: queries arriving while it runs wait for it instead of each loading every vector again. */
  private loading: { generation: number; dims: number; done: Promise<VectorIndex> } | null = null;

  async search(db: pg.Pool, t: Tables, generation: number, vector: Float32Array, k: number, filter: Filter | undefined): Promise<ScoredChunkId[]> {
    let index = this.index;
    if (index === null || this.generation !== generation || index.dimensions !== vector.length) index = await this.reload(db, t, generation, vector.length);
    const allowed = isEmptyFilter(filter) ? null : await allowedDocuments(db, t, filter);
    return index.search(vector, k, allowed);
  }

  private reload(db: pg.Pool, t: Tables, generation: number, dims: number): Promise<VectorIndex> {
    const loading = this.loading;
    if (loading && loading.generation >= generation && loading.dims === dims) return loading.done;
    const done = this.load(db, t, generation, dims).finally(() => {
      if (this.loading?.done === done) this.loading = null;
    });
    this.loading = { generation, dims, done };
    return done;
  }

  private async load(db: pg.Pool, t: Tables, generation: number, dims: number): Promise<VectorIndex> {
    const { rows } = await db.query<{ id: string; doc_key: string; data: Buffer }>(
      `SELECT c.id, c.doc_key, v.data FROM ${t.vectors} v JOIN ${t.chunks} c ON c.chunk_key = v.chunk_key ORDER BY v.chunk_key`,
    );
    const index = new VectorIndex(dims);
    for (const row of rows) {
      const copy = new Uint8Array(row.data); // an aligned copy of the bytes
      const stored = new Float32Array(copy.buffer, 0, copy.byteLength / 4);
      if (stored.length === dims) index.add(row.id, Number(row.doc_key), stored);
    }
    // A slower load of an older generation never replaces a newer one.
    if (this.index === null || generation >= this.generation) {
      this.index = index;
      this.generation = generation;
    }
    return index;
  }
}

async function allowedDocuments(db: pg.Pool, t: Tables, filter: Filter | undefined): Promise<Uint8Array> {
  const params = new Params();
  const where = await filterWhere(db, t, filter, params);
  const { rows } = await db.query<{ doc_key: string }>(`SELECT d.doc_key FROM ${t.documents} d WHERE ${where}`, params.values);
  const keys = rows.map((row) => Number(row.doc_key));
  const allowed = new Uint8Array(keys.reduce((max, key) => Math.max(max, key), 0) + 1);
  for (const key of keys) allowed[key] = 1;
  return allowed;
}
