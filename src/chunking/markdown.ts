import { Lexer, type Token, type Tokens } from 'marked';
import { type Block, type Span, type SplitLevel, type Structure, isSpaceCode, lineSpans, paragraphSpans, trimSpan } from './spans.js';

const PROSE: SplitLevel[] = ['sentences', 'words'];
const ITEM: SplitLevel[] = ['lines', 'sentences', 'words'];
const CODE: SplitLevel[] = ['lines', 'words'];

/**
 * Blocks and heading sections of Markdown (also what the html and docx loaders emit), from the `marked` lexer.
 *
 * Offsets come from summing the top-level tokens' `raw` lengths. The lexer turns "\r\n" into "\n", so it
 * reads a copy where "\r\n" is " \n" and a lone "\r" is "\n" (same length, same Markdown meaning). Should a
 * token's raw ever not match the text at its offset, the rest of the document is read as plain paragraphs
 * under the current heading path, so no text is lost.
 */
export function markdownStructure(text: string, lex: (source: string) => Token[] = lexMarkdown): Structure {
  const source = text.includes('\r') ? text.replace(/\r\n?/g, (m) => (m.length === 2 ? ' \n' : '\n')) : text;
  const tokens = lex(source);
  const sections: string[][] = [[]];
  const blocks: Block[] = [];
  const headingStack: { depth: number; title: string }[] = [];
  let offset = 0;

  for (const token of tokens) {
    const start = offset;
    const end = matchRaw(source, token.raw, offset);
    if (end < 0) break;
    offset = end;
    const span = trimSpan(text, start, offset);
    if (!span) continue;
    const section = sections.length - 1;

    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      while (headingStack.length > 0 && headingStack[headingStack.length - 1].depth >= heading.depth) headingStack.pop();
      headingStack.push({ depth: heading.depth, title: headingTitle(heading) });
      sections.push(headingStack.map((h) => h.title));
      blocks.push({ ...span, section: sections.length - 1, heading: true, levels: PROSE });
    } else if (token.type === 'list') {
      blocks.push({ ...span, section, parts: listItemSpans(text, source, token as Tokens.List, start), levels: ITEM });
    } else if (token.type === 'table') {
      blocks.push({ ...span, section, parts: tableRowSpans(text, span), levels: ITEM });
    } else if (token.type === 'code') {
      blocks.push({ ...span, section, levels: CODE });
    } else {
      blocks.push({ ...span, section, levels: token.type === 'html' ? CODE : PROSE });
    }
  }

  if (offset < text.length) {
    const section = sections.length - 1;
    for (const span of paragraphSpans(text, offset, text.length)) blocks.push({ ...span, section, levels: PROSE });
  }
  return { blocks, sections };
}

function lexMarkdown(source: string): Token[] {
  return new Lexer({ gfm: true }).lex(source);
}

/** The heading as a reader sees it: inline markup, links and HTML tags dropped, text kept. */
function headingTitle(heading: Tokens.Heading): string {
  const title = inlineText(heading.tokens).replace(/\s+/g, ' ').trim();
  return title || heading.text.trim();
}

function inlineText(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  let out = '';
  for (const token of tokens) {
    if (token.type === 'html') continue;
    if (token.type === 'br') out += ' ';
    else if ('tokens' in token && token.tokens) out += inlineText(token.tokens);
    else if ('text' in token && typeof token.text === 'string') out += token.text;
  }
  return out;
}

/**
 * Where a token whose raw starts at `offset` ends, or -1 when the raw is not there. The lexer sometimes
 * drops or adds trailing whitespace (e.g. a final "1. - " comes back as "1. -\n"): the raw then matches
 * without it, and the source's own whitespace after it is skipped.
 */
function matchRaw(source: string, raw: string, offset: number): number {
  if (source.startsWith(raw, offset)) return offset + raw.length;
  const core = raw.trimEnd();
  if (core.length === 0 || !source.startsWith(core, offset)) return -1;
  let end = offset + core.length;
  while (end < source.length && isSpaceCode(source.charCodeAt(end))) end++;
  return end;
}

/** Each item's range, found by walking the item raws through the list; none when they cannot all be found. */
function listItemSpans(text: string, source: string, list: Tokens.List, listStart: number): Span[] | undefined {
  const spans: Span[] = [];
  let cursor = listStart;
  for (const item of list.items) {
    const raw = item.raw.trimEnd();
    const at = source.indexOf(raw, cursor);
    if (at < 0 || at >= listStart + list.raw.length) return undefined;
    cursor = at + raw.length;
    const span = trimSpan(text, at, cursor);
    if (span) spans.push(span);
  }
  return spans;
}

/** Header and delimiter rows stay together; then one part per body row. */
function tableRowSpans(text: string, table: Span): Span[] {
  const lines = lineSpans(text, table.start, table.end);
  if (lines.length < 3) return lines;
  return [{ start: lines[0].start, end: lines[1].end }, ...lines.slice(2)];
}
