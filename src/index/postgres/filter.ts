/**
 * Filter → a WHERE fragment over `documents d` with numbered parameters. Empty lists match
 * nothing, as in the embedded store. A source glob is resolved to the matching document keys
 * with picomatch first (the same matcher the embedded store uses inside SQLite), so the
 * fragment stays pure SQL and the filter still applies before ranking, never after.
 */
import picomatch from 'picomatch';
import type pg from 'pg';
import type { Filter } from '../../core/types.js';
import { isEmptyFilter, parseTime } from '../filter-sql.js';
import type { Tables } from './schema.js';

/** Collects parameters and hands out their `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Conditions joined with AND ("TRUE" when none); parameters go into `params`. */
export async function filterWhere(db: pg.Pool | pg.PoolClient, t: Tables, filter: Filter | undefined, params: Params): Promise<string> {
  if (isEmptyFilter(filter)) return 'TRUE';
  const conditions = plainConditions(filter!, params);
  if (filter!.sourceGlob !== undefined) {
    const inner = new Params();
    const where = plainConditions(filter!, inner).join(' AND ') || 'TRUE';
    const rows = (await db.query<{ doc_key: string; source: string }>(`SELECT d.doc_key, d.source FROM ${t.documents} d WHERE ${where}`, inner.values)).rows;
    const matches = picomatch(filter!.sourceGlob, { dot: true });
    const keys = rows.filter((row) => matches(row.source)).map((row) => row.doc_key);
    conditions.push(`d.doc_key = ANY(${params.add(keys)}::bigint[])`);
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'TRUE';
}

function plainConditions(filter: Filter, params: Params): string[] {
  const conditions: string[] = [];
  if (filter.collections !== undefined) conditions.push(`d.collection = ANY(${params.add(filter.collections)}::text[])`);
  if (filter.formats !== undefined) conditions.push(`d.format = ANY(${params.add(filter.formats)}::text[])`);
  // modifiedAfter inclusive, modifiedBefore exclusive, as in filter-sql.ts.
  if (filter.modifiedAfter !== undefined) conditions.push(`d.modified_ms >= ${params.add(parseTime(filter.modifiedAfter, 'modifiedAfter'))}`);
  if (filter.modifiedBefore !== undefined) conditions.push(`d.modified_ms < ${params.add(parseTime(filter.modifiedBefore, 'modifiedBefore'))}`);
  return conditions;
}
