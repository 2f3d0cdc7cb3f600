/** The read queries behind doGetChunks / doListDocuments, with the embedded store's row mapping and order. */
import type pg from 'pg';
import type { Chunk, DocumentRecord, DocumentSummary } from '../../core/types.js';
import { rowToChunk, rowToSummary, type DocumentRow } from '../rows.js';
import type { ChunkLookup, DocumentLookup } from '../store.js';
import { filterWhere, Params } from './filter.js';
import type { Tables } from './schema.js';

const SUMMARY_COLUMNS =
  'd.doc_key, d.id, d.collection, d.source, d.title, d.format, d.modified_at, d.ingested_at, d.content_hash, d.size_bytes, d.signature, d.redactions, d.metadata';
const CHUNK_COLUMNS =
  'c.chunk_key, c.id AS chunk_id, c.ordinal, c.text AS chunk_text, c.start_offset, c.end_offset, c.heading_path, c.page, c.token_count, c.text_hash';

/** bigint columns arrive as strings from pg; sizes fit a double. */
function summaryOf(row: Record<string, unknown>): DocumentSummary {
  return rowToSummary({ ...(row as unknown as DocumentRow), size_bytes: Number(row.size_bytes) });
}

export async function selectChunks(db: pg.Pool, t: Tables, lookup: ChunkLookup): Promise<Array<{ chunk: Chunk; document: DocumentSummary }>> {
  const params = new Params();
  const conditions = [await filterWhere(db, t, lookup.filter, params)];
  if (lookup.ids !== undefined) conditions.push(`c.id = ANY(${params.add(lookup.ids)}::text[])`);
  if (lookup.textHashes !== undefined) conditions.push(`c.text_hash = ANY(${params.add(lookup.textHashes)}::text[])`);
  if (lookup.documentIds !== undefined) conditions.push(`d.id = ANY(${params.add(lookup.documentIds)}::text[])`);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${SUMMARY_COLUMNS}, ${CHUNK_COLUMNS} FROM ${t.chunks} c JOIN ${t.documents} d ON d.doc_key = c.doc_key
     WHERE ${conditions.join(' AND ')} ORDER BY c.doc_key, c.ordinal, c.chunk_key`,
    params.values,
  );
  const summaries = new Map<string, DocumentSummary>();
  const results = rows.map((row) => {
    const docKey = String(row.doc_key);
    let document = summaries.get(docKey);
    if (!document) {
      document = summaryOf(row);
      summaries.set(docKey, document);
    }
    return { chunk: rowToChunk(row, document), document };
  });
  if (lookup.ids === undefined) return results;
  const byId = new Map(results.map((r) => [r.chunk.id, r]));
  const ordered: typeof results = [];
  for (const id of new Set(lookup.ids)) {
    const found = byId.get(id);
    if (found) ordered.push(found);
  }
  return ordered;
}

export async function selectDocuments(
  db: pg.Pool,
  t: Tables,
  lookup: DocumentLookup,
): Promise<Array<DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>>>> {
  const params = new Params();
  const conditions = [await filterWhere(db, t, lookup.filter, params)];
  if (lookup.ids !== undefined) conditions.push(`d.id = ANY(${params.add(lookup.ids)}::text[])`);
  if (lookup.sources !== undefined) conditions.push(`d.source = ANY(${params.add(lookup.sources)}::text[])`);
  if (lookup.contentHashes !== undefined) conditions.push(`d.content_hash = ANY(${params.add(lookup.contentHashes)}::text[])`);
  const columns = lookup.withText ? `${SUMMARY_COLUMNS}, d.text, d.pages` : SUMMARY_COLUMNS;
  // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${columns} FROM ${t.documents} d WHERE ${conditions.join(' AND ')}
     ORDER BY d.collection COLLATE "C", d.source COLLATE "C", d.id COLLATE "C"`,
    params.values,
  );
  return rows.map((row) => {
    const summary: DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>> = summaryOf(row);
    if (lookup.withText) {
      summary.text = (row.text as string | null) ?? '';
      if (row.pages !== null && row.pages !== undefined) summary.pages = JSON.parse(row.pages as string);
    }
    return summary;
  });
}
