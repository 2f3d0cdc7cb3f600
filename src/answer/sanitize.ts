/**
 * Answer text leaves Tailor for clients that may render it (chat UIs render Markdown
 * and often HTML). Whatever a document or a model put in it, what leaves is plain
 * text: no HTML-like tags, no Markdown images or script links, no chat-template tokens or
 * role headers, no control or bidirectional-override characters, and `[n]` markers only
 * where Tailor cites source n.
 */

export interface AnswerSanitizerOptions {
  /** Source numbers Tailor may cite; any other `[n]` becomes `(n)`. Default: none. */
  allowedMarkers?: ReadonlySet<number>;
}

export interface AnswerSanitizer {
  /** Takes the next piece of raw text; returns the clean text that can be sent now. */
  push(delta: string): string;
  /** Returns whatever was held back waiting for a construct to close. */
  flush(): string;
}

// C0/C1 controls except tab and newline, and the bidi overrides that reorder what a reader sees.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const ROLE_TOKEN = /<\|[^|<>\n]{0,40}\|>/g;
const LLAMA_TOKEN = /\[\/?INST\]|<<\/?SYS>>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
const TAG = /<\/?[a-z!?][^<>]*>/gi;
const OPEN_ANGLE = /<(?=[a-z/!?|])/gi;
const ROLE_LINE = /^([ \t>]*)(?:#{1,6}[ \t]*)?(?:system|assistant|user|human|developer|instructions?)[ \t]*:[ \t]*/gim;
const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
// Markdown a chat client would act on: an image loads its URL on sight (a way to send data out),
// a script-scheme link runs code on a click. Both keep only their text.
// URLs may hold one level of parentheses: `javascript:alert(1)`.
const MD_IMAGE = /!\[([^\]\n]{0,200})\]\((?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)/g;
const MD_UNSAFE_LINK = /\[([^\]\n]{0,200})\]\(\s*(?:javascript|data|vbscript|file):(?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)/gi;
/** The start of a Markdown image or link that may still be completed by text not yet seen. */
const MD_OPEN = /!?\[[^\]\n]{0,200}(?:\](?:\((?:[^()\n]|\([^()\n]{0,200}\)?){0,2000})?)?$|!$/;

/** How far back an unclosed `<` or `[` may be held waiting for its end; beyond it, it is plain text. */
const HOLD_TAG = 512;
const HOLD_MARKER = 24;
/** A line's first characters are held until they cannot be a role header (`### Assistant:`). */
const HOLD_LINE_START = 24;

function clean(text: string, allowed: ReadonlySet<number>): string {
  return text
    .replace(CONTROL, '')
    .replace(MD_IMAGE, '$1')
    .replace(MD_UNSAFE_LINK, '$1')
    .replace(ROLE_TOKEN, '')
    .replace(LLAMA_TOKEN, '')
    .replace(COMMENT, '')
    .replace(TAG, '')
    .replace(OPEN_ANGLE, '‹')
    .replace(ROLE_LINE, '$1')
    .replace(MARKER, (whole, list: string) => (list.split(',').every((n) => allowed.has(Number(n.trim()))) ? whole : `(${list})`));
}

/** Where the text stops being safe to process: the start of anything that may still be completed. */
function safeEnd(buffer: string, final: boolean): number {
  if (final) return buffer.length;
  let end = buffer.length;
  let angle = buffer.lastIndexOf('<');
  while (angle > 0 && buffer[angle - 1] === '<') angle--; // "<<SYS>>" opens with two
  if (angle !== -1 && buffer.indexOf('>', angle) === -1 && buffer.length - angle < HOLD_TAG) end = Math.min(end, angle);
  const sys = /<<\/?SYS>$/i.exec(buffer); // its first ">" closes nothing yet
  if (sys) end = Math.min(end, sys.index);
  const bracket = buffer.lastIndexOf('[');
  if (bracket !== -1 && buffer.indexOf(']', bracket) === -1 && buffer.length - bracket < HOLD_MARKER) end = Math.min(end, bracket);
  const markdown = MD_OPEN.exec(buffer);
  if (markdown) end = Math.min(end, markdown.index);
  const lineStart = buffer.lastIndexOf('\n') + 1;
  if (buffer.length - lineStart < HOLD_LINE_START && !/:[ \t]*[^ \t]/.test(buffer.slice(lineStart))) end = Math.min(end, lineStart);
  return end;
}

/**
 * A streaming sanitizer: the clean text of the whole equals the concatenation of what
 * push and flush return, however the raw text was split.
 */
export function createAnswerSanitizer(options: AnswerSanitizerOptions = {}): AnswerSanitizer {
  const allowed = options.allowedMarkers ?? new Set<number>();
  let pending = '';
  let atLineStart = true;
  const take = (final: boolean): string => {
    const end = safeEnd(pending, final);
    if (end === 0) return '';
    const piece = pending.slice(0, end);
    pending = pending.slice(end);
    // A piece cut mid-line must not read as a line start (role headers are matched there):
    // a leading "x" stands in for the line's earlier text and is dropped again.
    const out = atLineStart ? clean(piece, allowed) : clean('x' + piece, allowed).slice(1);
    atLineStart = piece.endsWith('\n');
    return out;
  };
  return {
    push(delta) {
      pending += delta;
      return take(false);
    },
    flush: () => take(true),
  };
}

export function sanitizeAnswerText(text: string, options: AnswerSanitizerOptions = {}): string {
  const sanitizer = createAnswerSanitizer(options);
  return sanitizer.push(text) + sanitizer.flush();
}
