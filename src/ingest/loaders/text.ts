import type { LoadedDocument } from '../../core/types.js';
import { decodeText } from './guards.js';
import { fileTitle, type LoaderInput } from './source.js';

export async function loadText({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  return { text: decodeText(bytes, path), format: 'text', title: fileTitle(path) };
}
