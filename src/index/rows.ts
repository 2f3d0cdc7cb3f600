/** Rows ↔ records, and the read queries behind doGetChunks / doListDocuments. */
import type { Chunk, DocumentFormat, DocumentRecord, DocumentSummary } from '../core/types.js';
import type { ChunkLookup, DocumentLookup } from './store.js';
import { filterToSql } from './filter-sql.js';
import type { Db } from './schema.js';

export interface DocumentRow {
  doc_key: number;
  id: string;
  collection: string;
  source: string;
  title: string;
  format: string;
  modified_at: string;
  ingested_at: string;
  content_hash: string;
  size_bytes: number;
  text?: string;
  pages?: string | null;
  signature: string | null;
  redactions: string | null;
  metadata: string | null;
}

export interface ChunkRow {
  chunk_key: number;
  id: string;
  doc_key: number;
  ordinal: number;
  text: string;
  start_offset: number;
  end_offset: number;
  heading_path: string;
  page: number | null;
  token_count: number;
  text_hash: string;
}

const SUMMARY_COLUMNS =
  'd.doc_key, d.id, d.collection, d.source, d.title, d.format, d.modified_at, d.ingested_at, d.content_hash, d.size_bytes, d.signature, d.redactions, d.metadata';
const CHUNK_COLUMNS =
  'c.chunk_key, c.id AS chunk_id, c.ordinal, c.text AS chunk_text, c.start_offset, c.end_offset, c.heading_path, c.page, c.token_count, c.text_hash';

export function documentParams(doc: DocumentRecord, modifiedMs: number | null): unknown[] {
  return [
    doc.id,
    doc.collection,
    doc.source,
    doc.title,
    doc.format,
    doc.modifiedAt,
    modifiedMs,
    doc.ingestedAt,
    doc.contentHash,
    doc.sizeBytes,
    doc.text,
    doc.pages === undefined ? null : JSON.stringify(doc.pages),
    doc.signature ?? null,
    doc.redactions === undefined ? null : JSON.stringify(doc.redactions),
    doc.metadata === undefined ? null : JSON.stringify(doc.metadata),
  ];
}

export const INSERT_DOCUMENT_SQL = `INSERT INTO documents (id, collection, source, title, format, modified_at, modified_ms, ingested_at,
  content_hash, size_bytes, text, pages, signature, redactions, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export const INSERT_CHUNK_SQL = `INSERT INTO chunks (id, doc_key, ordinal, text, start_offset, end_offset, heading_path, page, token_count, text_hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function chunkParams(chunk: Chunk, docKey: number): unknown[] {
  return [
    chunk.id,
    docKey,
    chunk.ordinal,
    chunk.text,
    chunk.start,
    chunk.end,
    JSON.stringify(chunk.headingPath),
    chunk.page ?? null,
    chunk.tokenCount,
    chunk.textHash,
  ];
}

export function rowToSummary(row: DocumentRow): DocumentSummary {
  const summary: DocumentSummary = {
    id: row.id,
    collection: row.collection,
    source: row.source,
    title: row.title,
    format: row.format as DocumentFormat,
    modifiedAt: row.modified_at,
    ingestedAt: row.ingested_at,
    contentHash: row.content_hash,
    sizeBytes: row.size_bytes,
  };
  if (row.signature !== null) summary.signature = row.signature;
  if (row.redactions !== null) summary.redactions = JSON.parse(row.redactions) as Record<string, number>;
  if (row.metadata !== null) summary.metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  return summary;
}

/** A chunk row (same column names in the SQLite and the PostgreSQL store) as a Chunk. */
export function rowToChunk(row: Record<string, unknown>, document: DocumentSummary): Chunk {
  const chunk: Chunk = {
    id: row.chunk_id as string,
    documentId: document.id,
    collection: document.collection,
    ordinal: row.ordinal as number,
    text: row.chunk_text as string,
    start: row.start_offset as number,
    end: row.end_offset as number,
    headingPath: JSON.parse(row.heading_path as string) as string[],
    tokenCount: row.token_count as number,
    textHash: row.text_hash as string,
  };
  if (row.page !== null) chunk.page = row.page as number;
  return chunk;
}

function inList(column: string, values: readonly string[] | undefined, conditions: string[], params: unknown[]): void {
  if (values === undefined) return;
  conditions.push(`${column} IN (SELECT value FROM json_each(?))`);
  params.push(JSON.stringify(values));
}

/** Chunks matching every given criterion; in the order of `ids` when given, else by document and ordinal. */
export function selectChunks(db: Db, lookup: ChunkLookup): Array<{ chunk: Chunk; document: DocumentSummary }> {
  const filter = filterToSql(lookup.filter);
  const conditions = [filter.where];
  const params = [...filter.params];
  inList('c.id', lookup.ids, conditions, params);
  inList('c.text_hash', lookup.textHashes, conditions, params);
  inList('d.id', lookup.documentIds, conditions, params);
  const rows = db
    .prepare(`SELECT ${SUMMARY_COLUMNS}, ${CHUNK_COLUMNS} FROM chunks c JOIN documents d ON d.doc_key = c.doc_key
      WHERE ${conditions.join(' AND ')} ORDER BY c.doc_key, c.ordinal, c.chunk_key`)
    .all(...params) as Array<Record<string, unknown>>;
  const summaries = new Map<number, DocumentSummary>();
  const results = rows.map((row) => {
    const docKey = row.doc_key as number;
    let document = summaries.get(docKey);
    if (!document) {
      document = rowToSummary(row as unknown as DocumentRow);
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

export function selectDocuments(
  db: Db,
  lookup: DocumentLookup,
): Array<DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>>> {
  const filter = filterToSql(lookup.filter);
  const conditions = [filter.where];
  const params = [...filter.params];
  inList('d.id', lookup.ids, conditions, params);
  inList('d.source', lookup.sources, conditions, params);
  inList('d.content_hash', lookup.contentHashes, conditions, params);
  const columns = lookup.withText ? `${SUMMARY_COLUMNS}, d.text, d.pages` : SUMMARY_COLUMNS;
  const rows = db
    .prepare(`SELECT ${columns} FROM documents d WHERE ${conditions.join(' AND ')} ORDER BY d.collection, d.source, d.id`)
    .all(...params) as DocumentRow[];
  return rows.map((row) => {
    const summary: DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>> = rowToSummary(row);
    if (lookup.withText) {
      summary.text = row.text ?? '';
      if (row.pages !== null && row.pages !== undefined) summary.pages = JSON.parse(row.pages);
    }
    return summary;
  });
}
