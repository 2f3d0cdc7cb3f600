import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkSentences } from '../src/answer/sentences.js';

function spansOf(text: string, start = 100) {
  const doc = ' '.repeat(start) + text;
  const spans = chunkSentences({ text, start });
  for (const span of spans) assert.equal(doc.slice(span.start, span.end), span.text);
  return spans.map((s) => s.text);
}

test('wrapped prose keeps a sentence whole across line breaks', () => {
  assert.deepEqual(spansOf('The tax rate in the fourth quarter of fiscal\n2021 was 24.1 percent. Sales rose.'), [
    'The tax rate in the fourth quarter of fiscal\n2021 was 24.1 percent. ',
    'Sales rose.',
  ].map((s) => s.trimEnd()));
});

test('headings, list items and table rows are sentences of their own, without their markup', () => {
  assert.deepEqual(spansOf('# Leave\n\n- 28 days of vacation\n- 10 sick days\n| Office | Days |\n| Berlin | 30 |'), [
    'Leave',
    '28 days of vacation',
    '10 sick days',
    'Office | Days',
    'Berlin | 30',
  ]);
});

test('lines ending a sentence are not merged', () => {
  assert.deepEqual(spansOf('Submit receipts within 30 days.\nLate claims are refused'), ['Submit receipts within 30 days.', 'Late claims are refused']);
});

test('aligned help text with long runs of spaces splits at once (a nested-quantifier regex once hung here)', { timeout: 5000 }, () => {
  const help = `  -o <PATH>       --out <PATH>${' '.repeat(40)}Specify output directory generation  (default: .)\n  -h,-?           --help            This help`;
  const spans = spansOf(help);
  assert.ok(spans.length >= 1);
  assert.match(spans[0]!, /^-o <PATH> {7}--out <PATH> {40}Specify output directory generation/);
  assert.match(spans.at(-1)!, /--help {12}This help$/, 'trailing spaces trimmed, inner ones kept');
});
