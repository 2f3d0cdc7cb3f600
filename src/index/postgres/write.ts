/**
 * One StoreWrite = one Postgres transaction: deletes, then upserts (each replacing the stored
 * document of the same id), the BM25 statistics (terms' document frequencies, postings, length
 * totals), the vectors and the generation bump commit together or not at all. Writers serialise
 * on the generation row (SELECT … FOR UPDATE), so statistics never interleave.
 */
import type pg from 'pg';
import { TailorError } from '../../core/errors.js';
import type { StoreWrite, StoreWriteResult } from '../store.js';
import type { PreparedWrite } from '../write.js';
import { readMeta, shapeVectorColumn, writeMeta, type Tables } from './schema.js';

const MAX_PACKED_TF = 255;

export interface PgWriteContext {
  t: Tables;
  pgvector: boolean;
}

export async function commitPgWrite(client: pg.PoolClient, ctx: PgWriteContext, write: StoreWrite, prepared: PreparedWrite): Promise<StoreWriteResult> {
  const { t } = ctx;
  await client.query('BEGIN');
  try {
    const locked = await client.query<{ value: string }>(`SELECT value FROM ${t.meta} WHERE key = 'generation' FOR UPDATE`);
    const generation = Number(locked.rows[0]?.value ?? 0) + 1;
    const result: StoreWriteResult = { upserted: 0, deleted: 0, chunksAdded: 0, chunksRemoved: 0, generation };
    const dfDelta = new Map<string, number>();
    const totals = { chunks: 0, body: 0, field: 0 };

    for (const id of new Set(write.deletes ?? [])) {
      const removed = await removeDocument(client, t, id, dfDelta, totals);
      if (removed === null) continue;
      result.deleted++;
      result.chunksRemoved += removed;
    }
    await checkEmbedder(client, ctx, write, prepared.vectorDimensions);

    const upserts = write.upserts ?? [];
    const ids = upserts.map((u) => u.document.id);
    if (new Set(ids).size === ids.length) {
      await insertBatch(client, ctx, upserts, prepared, dfDelta, totals, result);
    } else {
      // The same id twice in one write: each replaces the one before, in order.
      for (let i = 0; i < upserts.length; i++) await insertBatch(client, ctx, [upserts[i]!], { ...prepared, tokens: [prepared.tokens[i]!] }, dfDelta, totals, result);
    }

    await applyStatistics(client, t, dfDelta, totals);
    await writeMeta(client, t, 'generation', String(generation));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '23505') {
      throw new TailorError('INVALID_ARGUMENT', `The write was refused because a chunk id is used twice (${(error as Error).message}). Chunk ids must be unique across the store.`, { cause: error });
    }
    throw error;
  }
}

type Totals = { chunks: number; body: number; field: number };

/** Upserts documents with distinct ids: replaced ones are removed first, then one INSERT per table for all. */
async function insertBatch(
  client: pg.PoolClient,
  ctx: PgWriteContext,
  upserts: NonNullable<StoreWrite['upserts']>,
  prepared: PreparedWrite,
  dfDelta: Map<string, number>,
  totals: Totals,
  result: StoreWriteResult,
): Promise<void> {
  if (upserts.length === 0) return;
  const { t } = ctx;
  const existing = await client.query<{ id: string }>(`SELECT id FROM ${t.documents} WHERE id = ANY($1::text[])`, [upserts.map((u) => u.document.id)]);
  for (const { id } of existing.rows) result.chunksRemoved += (await removeDocument(client, t, id, dfDelta, totals)) ?? 0;
  const docs = upserts.map((u) => u.document);
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  const inserted = await client.query<{ doc_key: string; id: string }>(
    `INSERT INTO ${t.documents} (id, collection, source, title, format, modified_at, modified_ms, ingested_at,
      content_hash, size_bytes, text, pages, signature, redactions, metadata)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[],
       $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
     RETURNING doc_key, id`,
    [
      docs.map((d) => d.id), docs.map((d) => d.collection), docs.map((d) => d.source), docs.map((d) => d.title), docs.map((d) => d.format),
      docs.map((d) => d.modifiedAt), docs.map((d) => (Number.isNaN(Date.parse(d.modifiedAt)) ? null : Date.parse(d.modifiedAt))),
      docs.map((d) => d.ingestedAt), docs.map((d) => d.contentHash), docs.map((d) => d.sizeBytes), docs.map((d) => d.text),
      docs.map((d) => json(d.pages)), docs.map((d) => d.signature ?? null), docs.map((d) => json(d.redactions)), docs.map((d) => json(d.metadata)),
    ],
  );
  const docKeyOf = new Map(inserted.rows.map((row) => [row.id, row.doc_key]));
  const allChunks = upserts.flatMap((u) => u.chunks);
  const allTokens = prepared.tokens.flat();
  const chunkDocKeys = upserts.flatMap((u) => u.chunks.map(() => docKeyOf.get(u.document.id)!));
  if (allChunks.length > 0) {
    const chunkKeys = await insertChunks(client, t, chunkDocKeys, allChunks, allTokens);
    const keys = allChunks.map((c) => chunkKeys.get(c.id)!);
    await insertPostings(client, t, chunkDocKeys, keys, allTokens, dfDelta, totals);
    const withVectors = upserts.filter((u) => u.vectors !== undefined);
    if (withVectors.length > 0) {
      await insertVectors(client, ctx, withVectors.flatMap((u) => u.chunks.map((c) => chunkKeys.get(c.id)!)), withVectors.flatMap((u) => u.vectors!));
    }
  }
  result.upserted += upserts.length;
  result.chunksAdded += allChunks.length;
}

/** Erases a document (chunks, postings and vectors cascade); its chunk count, or null when absent. */
async function removeDocument(
  client: pg.PoolClient,
  t: Tables,
  id: string,
  dfDelta: Map<string, number>,
  totals: { chunks: number; body: number; field: number },
): Promise<number | null> {
  const found = await client.query<{ doc_key: string }>(`SELECT doc_key FROM ${t.documents} WHERE id = $1 FOR UPDATE`, [id]);
  const docKey = found.rows[0]?.doc_key;
  if (docKey === undefined) return null;
  const lengths = await client.query<{ n: string; body: string; field: string }>(
    `SELECT count(*) AS n, coalesce(sum(body_len), 0) AS body, coalesce(sum(field_len), 0) AS field FROM ${t.chunks} WHERE doc_key = $1`,
    [docKey],
  );
  const terms = await client.query<{ term: string; n: string }>(
    `SELECT p.term, count(*) AS n FROM ${t.postings} p JOIN ${t.chunks} c ON c.chunk_key = p.chunk_key WHERE c.doc_key = $1 GROUP BY p.term`,
    [docKey],
  );
  for (const row of terms.rows) dfDelta.set(row.term, (dfDelta.get(row.term) ?? 0) - Number(row.n));
  const n = Number(lengths.rows[0]!.n);
  totals.chunks -= n;
  totals.body -= Number(lengths.rows[0]!.body);
  totals.field -= Number(lengths.rows[0]!.field);
  await client.query(`DELETE FROM ${t.documents} WHERE doc_key = $1`, [docKey]);
  return n;
}

async function insertChunks(
  client: pg.PoolClient,
  t: Tables,
  docKeys: string[],
  chunks: NonNullable<StoreWrite['upserts']>[number]['chunks'],
  tokens: PreparedWrite['tokens'][number],
): Promise<Map<string, string>> {
  const rows = await client.query<{ chunk_key: string; id: string }>(
    `INSERT INTO ${t.chunks} (id, doc_key, ordinal, text, start_offset, end_offset, heading_path, page, token_count, text_hash, body_len, field_len)
     SELECT id, doc_key, ordinal, text, start_offset, end_offset, heading_path, page, token_count, text_hash, body_len, field_len
     FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[], $8::int[], $9::int[], $10::text[], $11::int[], $12::int[])
       AS u(doc_key, id, ordinal, text, start_offset, end_offset, heading_path, page, token_count, text_hash, body_len, field_len)
     RETURNING chunk_key, id`,
    [
      docKeys,
      chunks.map((c) => c.id),
      chunks.map((c) => c.ordinal),
      chunks.map((c) => c.text),
      chunks.map((c) => c.start),
      chunks.map((c) => c.end),
      chunks.map((c) => JSON.stringify(c.headingPath)),
      chunks.map((c) => c.page ?? null),
      chunks.map((c) => c.tokenCount),
      chunks.map((c) => c.textHash),
      tokens.map((tk) => tk.body.length),
      tokens.map((tk) => tk.field.length),
    ],
  );
  return new Map(rows.rows.map((row) => [row.id, row.chunk_key]));
}

/** Per chunk and distinct term: body and field counts, saturated as the in-memory index packs them. */
async function insertPostings(
  client: pg.PoolClient,
  t: Tables,
  docKeys: string[],
  chunkKeys: string[],
  tokens: PreparedWrite['tokens'][number],
  dfDelta: Map<string, number>,
  totals: { chunks: number; body: number; field: number },
): Promise<void> {
  const terms: string[] = [];
  const keys: string[] = [];
  const postingDocs: string[] = [];
  const bodyTfs: number[] = [];
  const fieldTfs: number[] = [];
  const bodyLens: number[] = [];
  const fieldLens: number[] = [];
  tokens.forEach(({ body, field }, j) => {
    const counts = new Map<string, [number, number]>();
    for (const term of body) {
      const c = counts.get(term) ?? [0, 0];
      if (c[0] < MAX_PACKED_TF) c[0]++;
      counts.set(term, c);
    }
    for (const term of field) {
      const c = counts.get(term) ?? [0, 0];
      if (c[1] < MAX_PACKED_TF) c[1]++;
      counts.set(term, c);
    }
    for (const [term, [b, f]] of counts) {
      terms.push(term);
      keys.push(chunkKeys[j]!);
      postingDocs.push(docKeys[j]!);
      bodyTfs.push(b);
      fieldTfs.push(f);
      bodyLens.push(body.length);
      fieldLens.push(field.length);
      dfDelta.set(term, (dfDelta.get(term) ?? 0) + 1);
    }
    totals.chunks++;
    totals.body += body.length;
    totals.field += field.length;
  });
  if (terms.length === 0) return;
  await client.query(
    `INSERT INTO ${t.postings} (term, chunk_key, doc_key, body_tf, field_tf, body_len, field_len)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::smallint[], $5::smallint[], $6::int[], $7::int[])`,
    [terms, keys, postingDocs, bodyTfs, fieldTfs, bodyLens, fieldLens],
  );
}

async function insertVectors(client: pg.PoolClient, ctx: PgWriteContext, chunkKeys: string[], vectors: Float32Array[]): Promise<void> {
  const data = vectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  if (ctx.pgvector) {
    await client.query(
      `INSERT INTO ${ctx.t.vectors} (chunk_key, data, embedding) SELECT k, d, e::vector FROM unnest($1::bigint[], $2::bytea[], $3::text[]) AS u(k, d, e)`,
      [chunkKeys, data, vectors.map((v) => `[${Array.from(v).join(',')}]`)],
    );
  } else {
    await client.query(`INSERT INTO ${ctx.t.vectors} (chunk_key, data) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, [chunkKeys, data]);
  }
}

async function applyStatistics(client: pg.PoolClient, t: Tables, dfDelta: Map<string, number>, totals: { chunks: number; body: number; field: number }): Promise<void> {
  const changed = [...dfDelta].filter(([, delta]) => delta !== 0);
  if (changed.length > 0) {
    await client.query(
      `INSERT INTO ${t.terms} (term, df) SELECT * FROM unnest($1::text[], $2::int[])
       ON CONFLICT (term) DO UPDATE SET df = ${t.terms}.df + excluded.df`,
      [changed.map(([term]) => term), changed.map(([, delta]) => delta)],
    );
    // A term no live chunk holds is erased text too: it leaves the vocabulary.
    await client.query(`DELETE FROM ${t.terms} WHERE term = ANY($1::text[]) AND df <= 0`, [changed.filter(([, d]) => d < 0).map(([term]) => term)]);
  }
  if (totals.chunks !== 0 || totals.body !== 0 || totals.field !== 0) {
    await client.query(`UPDATE ${t.stats} SET chunks = chunks + $1, body_total = body_total + $2, field_total = field_total + $3 WHERE id = 1`, [
      totals.chunks,
      totals.body,
      totals.field,
    ]);
  }
}

/** One embedder per store, as in the embedded store: another is refused while any of the old one's vectors remain. */
async function checkEmbedder(client: pg.PoolClient, ctx: PgWriteContext, write: StoreWrite, dimensions: number | null): Promise<void> {
  if (write.embedderId === undefined) return;
  const { t } = ctx;
  const storedId = await readMeta(client, t, 'embedder_id');
  const storedDims = Number((await readMeta(client, t, 'vector_dims')) ?? 0);
  const changesId = storedId !== undefined && storedId !== write.embedderId;
  const changesDims = dimensions !== null && storedDims > 0 && storedDims !== dimensions;
  if (changesId || changesDims) {
    const hasVectors = (await client.query(`SELECT 1 FROM ${t.vectors} LIMIT 1`)).rowCount! > 0;
    if (hasVectors) {
      throw new TailorError(
        'EMBEDDER_MISMATCH',
        `This store was indexed with embedder "${storedId}" (${storedDims} dimensions) but this write uses "${write.embedderId}"${dimensions !== null ? ` (${dimensions} dimensions)` : ''}. Vectors from different embedders cannot be compared: re-index into a new store, or \`forget\` everything in this one first.`,
        { details: { storedEmbedderId: storedId, storedDimensions: storedDims, embedderId: write.embedderId, dimensions } },
      );
    }
  }
  if (storedId !== write.embedderId) await writeMeta(client, t, 'embedder_id', write.embedderId);
  if (dimensions !== null && storedDims !== dimensions) {
    await writeMeta(client, t, 'vector_dims', String(dimensions));
    if (ctx.pgvector) await shapeVectorColumn(client, t, dimensions);
  }
}
