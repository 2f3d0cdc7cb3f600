/**
 * Structured records (CSV rows, JSON objects) become readable text: one `key: value`
 * line per field, records separated by a blank line, so a chunk quotes whole fields.
 */

export const RECORD_SEPARATOR = '\n\n';

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const text = value.replace(/\r\n?/g, '\n').trim();
    return text.length > 0 ? text : undefined;
  }
  return String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** `[key.path, value]` pairs of a nested value; empty values are left out. */
export function flattenRecord(value: unknown, prefix = ''): Array<[string, string]> {
  if (isScalar(value)) {
    const text = scalarText(value);
    return text === undefined ? [] : [[prefix, text]];
  }
  if (Array.isArray(value)) {
    // A list of plain values reads best on one line; a list of objects needs an index per item.
    if (value.every(isScalar)) {
      const items = value.map(scalarText).filter((item): item is string => item !== undefined);
      return items.length > 0 ? [[prefix, items.join(', ')]] : [];
    }
    return value.flatMap((item, index) => flattenRecord(item, `${prefix}[${index}]`));
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    flattenRecord(item, prefix ? `${prefix}.${key}` : key),
  );
}

/** One record as `key.path: value` lines (a bare value stays as it is). */
export function recordText(value: unknown): string {
  return flattenRecord(value)
    .map(([key, text]) => (key ? `${key}: ${text}` : text))
    .join('\n');
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
