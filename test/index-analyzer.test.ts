import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fieldText } from '../src/index/analyzer.js';

test('lowercases, drops Lucene English stop words and possessives, and Porter-stems', () => {
  assert.deepEqual(analyze("The Running of the Bulls isn't the cat's problem"), ['run', 'bull', "isn't", 'cat', 'problem']);
  assert.deepEqual(analyze('Connections connected CONNECTING'), ['connect', 'connect', 'connect']);
});

test('hyphenated words yield their parts and the joined form; numbers and decimals stay whole', () => {
  assert.deepEqual(analyze('COVID-19 cases rose 3.5% in 2021'), ['covid', '19', 'covid19', 'case', 'rose', '3.5', '2021']);
  // Query and document spellings meet on the joined form.
  assert.ok(analyze('covid19').every((term) => analyze('covid-19').includes(term)));
});

test('Unicode letters are words; ideographs are single-character terms', () => {
  assert.deepEqual(analyze('Zürich café naïve'), ['zürich', 'café', 'naïv']);
  assert.deepEqual(analyze('東京タワー'), ['東', '京', 'タ', 'ワ', 'ー']);
  assert.deepEqual(analyze('— … !!! '), []);
});

test('the title/heading field does not repeat a title that is also the first heading', () => {
  assert.equal(fieldText('Guide', ['Guide', 'Install']), 'Guide\nInstall');
  assert.equal(fieldText('Guide', ['Setup']), 'Guide\nSetup');
});
