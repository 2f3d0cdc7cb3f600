import { basename } from 'node:path';

/** What every format loader receives: the file's path (for messages and titles) and its bytes. */
export interface LoaderInput {
  path: string;
  bytes: Uint8Array;
}

/** The fallback title: the file's name as the user sees it. */
export function fileTitle(path: string): string {
  return basename(path);
}
