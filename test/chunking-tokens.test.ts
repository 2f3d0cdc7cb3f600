import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens } from '../src/chunking/index.js';

describe('countTokens', () => {
  test('counts words, long words, numbers and punctuation', () => {
    assert.equal(countTokens(''), 0);
    assert.equal(countTokens('  \n\t '), 0);
    assert.equal(countTokens('the cat sat'), 3);
    assert.equal(countTokens('chunking'), 2);
    assert.equal(countTokens('approximation'), 3);
    assert.equal(countTokens('2023'), 2);
    assert.equal(countTokens('Hello, world!'), 4);
    assert.equal(countTokens('v1.2.3'), 6);
    assert.equal(countTokens('naïve café'), 2);
    assert.equal(countTokens('日本語'), 3);
    assert.equal(countTokens('😀😀'), 2);
  });

  test('counts a range without slicing, the same as the slice', () => {
    const text = 'Some text, with 12345 numbers and émojis 😀 in it.';
    for (let start = 0; start < text.length; start += 3) {
      for (let end = start; end <= text.length; end += 5) assert.equal(countTokens(text, start, end), countTokens(text.slice(start, end)));
    }
  });

  test('is additive over whitespace and never exceeds the character count', () => {
    const words = ['alpha', 'β-test', 'x'.repeat(40), '1,234,567', '...', '中文', '🙂', 'e.g.', 'C++'];
    for (const a of words) {
      assert.ok(countTokens(a) <= a.length);
      for (const b of words) assert.equal(countTokens(`${a} ${b}`), countTokens(a) + countTokens(b));
    }
  });
});
