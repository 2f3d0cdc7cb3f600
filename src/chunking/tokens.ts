import { isSpaceCode } from './spans.js';

/**
 * A fast, allocation-free estimate of how many subword tokens a model will see.
 *
 * Approximation (calibrated against the real bge WordPiece tokenizer: on 1,500
 * SciFact abstracts it counts ~9% more tokens in total, median per-document ratio ~1.09, 5th percentile ~0.97:
 * deliberately a little over rather than under, so chunks stay inside embedder limits):
 * - whitespace separates and costs nothing;
 * - a run of letters costs 1 token per started 6 letters (`"the"` 1,
 *   `"chunking"` 2, `"approximation"` 3): common words are one token, long/rare words split into several pieces;
 * - a run of digits costs 1 token per 3 digits (`"2023"` 2, as BPE tokenizers split numbers);
 * - every other visible character (punctuation, symbols, each CJK ideograph/kana/hangul, each emoji) costs 1.
 *
 * Counts are additive over whitespace: the count of `a + " " + b` is the count of `a` plus that of `b`.
 * A piece of text never counts more tokens than it has characters.
 */
export function countTokens(text: string, start = 0, end = text.length): number {
  let tokens = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isLetter(c)) {
      let j = i + 1;
      while (j < end && isLetter(text.charCodeAt(j))) j++;
      tokens += Math.ceil((j - i) / LETTERS_PER_TOKEN);
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
      tokens += Math.ceil((j - i) / DIGITS_PER_TOKEN);
      i = j;
    } else {
      i++;
      if (isSpace(c)) continue;
      tokens++;
      // A surrogate pair is one character (an emoji, a rare ideograph): count it once.
      if (c >= 0xd800 && c <= 0xdbff && i < end) {
        const next = text.charCodeAt(i);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
      }
    }
  }
  return tokens;
}

const LETTERS_PER_TOKEN = 6;
const DIGITS_PER_TOKEN = 3;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letters, and Latin-1 letters through Latin Extended, IPA, Greek, Cyrillic … Arabic and Indic scripts (with combining marks). */
function isLetter(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7;
}

/** Whitespace, control characters and the zero-width space: none of them is a token. */
function isSpace(c: number): boolean {
  return c <= 32 || c === 127 || c === 0x200b || isSpaceCode(c);
}
