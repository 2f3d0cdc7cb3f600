/**
 * Filter → SQL over the `documents` table (alias `d`). Empty lists match
 * nothing: a reader allowed no collections sees no documents.
 */
import { TailorError } from '../core/errors.js';
import type { Filter } from '../core/types.js';

export interface SqlFragment {
  /** Conditions joined with AND; "1" when there are none. */
  where: string;
  params: unknown[];
}

export function parseTime(value: string, field: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new TailorError('INVALID_ARGUMENT', `filter.${field} "${value}" is not a date; use an ISO date such as 2024-05-01 or 2024-05-01T12:00:00Z.`, {
      details: { field, value },
    });
  }
  return ms;
}

/** `modifiedAfter` is inclusive, `modifiedBefore` exclusive, so adjacent ranges do not overlap. */
export function filterToSql(filter: Filter | undefined): SqlFragment {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter?.collections !== undefined) {
    conditions.push('d.collection IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.collections));
  }
  if (filter?.formats !== undefined) {
    conditions.push('d.format IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.formats));
  }
  if (filter?.modifiedAfter !== undefined) {
    conditions.push('d.modified_ms >= ?');
    params.push(parseTime(filter.modifiedAfter, 'modifiedAfter'));
  }
  if (filter?.modifiedBefore !== undefined) {
    conditions.push('d.modified_ms < ?');
    params.push(parseTime(filter.modifiedBefore, 'modifiedBefore'));
  }
  if (filter?.sourceGlob !== undefined) {
    conditions.push('tailor_glob(?, d.source) = 1');
    params.push(filter.sourceGlob);
  }
  return { where: conditions.length > 0 ? conditions.join(' AND ') : '1', params };
}

export function isEmptyFilter(filter: Filter | undefined): boolean {
  return (
    filter === undefined ||
    (filter.collections === undefined &&
      filter.formats === undefined &&
      filter.modifiedAfter === undefined &&
      filter.modifiedBefore === undefined &&
      filter.sourceGlob === undefined)
  );
}
