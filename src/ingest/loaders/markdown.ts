import type { LoadedDocument } from '../../core/types.js';
import { decodeText } from './guards.js';
import { fileTitle, type LoaderInput } from './source.js';

const FRONT_MATTER = /^---\n([\s\S]*?)\n(?:---|\.\.\.)\n?/;

/** The flat `key: value` lines of YAML front matter; nested YAML is beyond what titles need. */
export function parseFrontMatter(text: string): Record<string, string> | undefined {
  const match = FRONT_MATTER.exec(text);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  for (const line of match[1].split('\n')) {
    const field = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!field) continue;
    const value = field[2].trim().replace(/^(['"])(.*)\1$/, '$2');
    if (value) fields[field[1]] = value;
  }
  return fields;
}

/** The first ATX heading of `level` outside fenced code blocks. */
export function firstMarkdownHeading(text: string, level = 1): string | undefined {
  const marker = '#'.repeat(level);
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (!fence) fence = fenceMatch[1][0];
      else if (fenceMatch[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence) continue;
    const heading = new RegExp(`^\\s{0,3}${marker}[ \\t]+(.+?)(?:[ \\t]+#+)?[ \\t]*$`).exec(line);
    if (heading) return heading[1].trim();
  }
  return undefined;
}

export async function loadMarkdown({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  const text = decodeText(bytes, path);
  const frontMatter = parseFrontMatter(text);
  // Front matter is the author's explicit title, so it wins over the first heading.
  const title = frontMatter?.title ?? firstMarkdownHeading(text) ?? fileTitle(path);
  return {
    text,
    format: 'markdown',
    title,
    ...(frontMatter && Object.keys(frontMatter).length > 0 ? { metadata: { frontMatter } } : {}),
  };
}
