import type { LoadBudget } from './budget.js';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * One pass over JSON text that checks its nesting against the budget and, for a top-level
 * array, hands each element's text to `onElement` as soon as it ends. Elements are parsed
 * one at a time, so a million-element array never exists as a million objects at once.
 * Returns false when the text is not a well-bracketed array (the caller then parses it whole,
 * which also produces the precise syntax error).
 */
export function scanJsonArray(source: string, budget: LoadBudget, onElement: (text: string, offset: number) => void): boolean {
  let depth = 0;
  let inString = false;
  let elementStart = -1;
  let isArray = false;
  let sawRoot = false;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) {
      inString = true;
      if (depth === 1 && isArray && elementStart === -1) elementStart = i;
      continue;
    }
    if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (depth === 0) {
        if (sawRoot) return false;
        sawRoot = true;
        isArray = code === OPEN_BRACKET;
      } else if (depth === 1 && isArray && elementStart === -1) {
        elementStart = i;
      }
      depth += 1;
      budget.checkDepth(depth, 'arrays and objects');
      continue;
    }
    if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
      if (depth < 0) return false;
      if (depth === 0 && isArray && elementStart !== -1) {
        onElement(source.slice(elementStart, i), elementStart);
        elementStart = -1;
      }
      continue;
    }
    if (depth === 1 && isArray) {
      if (code === COMMA) {
        if (elementStart === -1) return false;
        onElement(source.slice(elementStart, i), elementStart);
        elementStart = -1;
      } else if (elementStart === -1 && code > 0x20) {
        elementStart = i;
      }
    } else if (depth === 0 && code > 0x20 && code !== 0xfeff) {
      return false; // a scalar at the top level, or text after the root value
    }
  }
  return isArray && depth === 0 && !inString;
}

/** The deepest nesting of one JSON value's text, checked against the budget as it is found. */
export function checkJsonDepth(source: string, budget: LoadBudget): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) budget.checkDepth(++depth, 'arrays and objects');
    else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth -= 1;
  }
}
