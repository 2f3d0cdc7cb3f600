/**
 * Text analysis shared by indexing and querying (and by anything that needs to
 * compare words the way BM25 does, e.g. the extractive answerer).
 *
 * It follows Lucene's EnglishAnalyzer, which Pyserini's published BM25 numbers
 * use: UAX#29-like word tokens, lowercase, possessive `'s` dropped, Lucene's 33
 * English stop words, Porter stemming. Hyphenated words split into their parts
 * ("covid-19" → "covid", "19") as Lucene does, and additionally yield the joined
 * form ("covid19") so an exact compound match outranks a scattered one.
 */
import { stemmer } from 'stemmer';

/** Bump when analysis changes: persisted indexes built by another version are rebuilt. 2: document context in the field. */
export const ANALYZER_VERSION = 2;

/** Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
]);

/**
 * Ideographs and kana become one token per character (as Lucene's StandardTokenizer
 * does); other letters/digits/marks form words that may contain `.` or an
 * apostrophe between letters/digits ("3.5", "e.g", "don't") or hyphens ("covid-19").
 */
const TOKEN_RE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}]+(?:[.'\u2019\-\u2010\u2011][\p{L}\p{N}\p{M}]+)*/gu;
const HYPHENS_RE = /[-\u2010\u2011]/;
const APOSTROPHE_RE = /\u2019/g;

/** Tokens longer than this are noise (base64, hashes) and would bloat the vocabulary. */
const MAX_TOKEN_LENGTH = 64;
/** Bounds the stem cache for vocabularies full of one-off tokens (ids, numbers). */
const MAX_CACHED_STEMS = 500_000;

const stemCache = new Map<string, string | null>();

/** The index term for one lowercased word, or null for a stop word / over-long token. */
function termOf(word: string): string | null {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  let term: string | null;
  let w = word;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.length === 0 || w.length > MAX_TOKEN_LENGTH || ENGLISH_STOP_WORDS.has(w)) term = null;
  else term = stemmer(w);
  // The cache is a pure memo of a deterministic function, so clearing it is always safe.
  if (stemCache.size >= MAX_CACHED_STEMS) stemCache.clear();
  stemCache.set(word, term);
  return term;
}

/** Index terms of `text`, in order, repeated as often as they occur. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  const lowered = text.toLowerCase().replace(APOSTROPHE_RE, "'");
  for (const match of lowered.matchAll(TOKEN_RE)) {
    const word = match[0];
    if (!HYPHENS_RE.test(word)) {
      const term = termOf(word);
      if (term !== null) out.push(term);
      continue;
    }
    const parts = word.split(HYPHENS_RE);
    for (const part of parts) {
      const term = termOf(part);
      if (term !== null) out.push(term);
    }
    const joined = termOf(parts.join(''));
    if (joined !== null) out.push(joined);
  }
  return out;
}

/** The terms BM25 sees for a chunk's title/heading field: the heading path without repeating the title. */
export function fieldText(title: string, headingPath: readonly string[]): string {
  const headings = headingPath.length > 0 && headingPath[0]?.trim() === title.trim() ? headingPath.slice(1) : headingPath;
  return [title, ...headings].join('\n');
}
