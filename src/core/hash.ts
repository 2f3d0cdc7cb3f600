import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Collapses whitespace and case so trivially re-formatted text hashes the same. */
export function normalisedTextHash(text: string): string {
  // NFKC is costly and changes nothing in ASCII text, the common case.
  const normalised = /[^\x00-\x7f]/.test(text) ? text.normalize('NFKC') : text;
  return sha256Hex(normalised.toLowerCase().replace(/\s+/g, ' ').trim());
}

/** A short, stable id derived from parts (collection + source, document + ordinal…). */
export function stableId(...parts: string[]): string {
  return sha256Hex(parts.join('\u0000')).slice(0, 24);
}
