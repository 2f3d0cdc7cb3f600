import { readFileSync } from 'node:fs';

/** This package's version, read from its package.json (two folders up from src/core and from dist/core alike). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
