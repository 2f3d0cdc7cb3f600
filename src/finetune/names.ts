import { TailorError } from '../core/errors.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** Dataset and adapter names become directory names, so they are kept to a safe alphabet. */
export function assertName(name: string, what: 'dataset' | 'adapter'): string {
  if (!NAME.test(name) || name.includes('..')) {
    throw new TailorError('INVALID_ARGUMENT', `"${name}" is not a valid ${what} name: use letters, digits, ".", "_" and "-" (up to 80, starting with a letter or digit).`);
  }
  return name;
}

/** A name from a file name or collection: unsafe characters become "-". */
export function nameFrom(text: string): string {
  const cleaned = text.replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80);
  return cleaned || 'dataset';
}
