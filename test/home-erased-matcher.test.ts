import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { erasedMatcher, type ErasedContent } from '../src/home/erased.js';
import { scrubExports } from '../src/home/exports.js';
import { tempDir } from './helpers/temp.js';

const QUOTE = 'The zebrafish quartermaster earns 91234 kroner a year.';
const content: ErasedContent = {
  reason: 'test',
  documents: [{ documentId: 'doc-1', source: '/docs/a.md', collection: 'hr', whole: true }],
  chunks: [{
    id: 'chunk-1', documentId: 'doc-1', collection: 'hr', ordinal: 0, text: `# Payroll\nSalaries are reviewed each March by the board. ${QUOTE}`,
    start: 0, end: 10, headingPath: [], tokenCount: 20, textHash: 'h',
  }],
};

test('a quote of one sentence of an erased chunk is found inside other text, by id or nested anywhere', () => {
  const match = erasedMatcher(content);
  assert.equal(match.anyText({ messages: [{ role: 'user', content: `Context: ${QUOTE} Question: how much?` }] }), true);
  assert.equal(match.anyText({ messages: [{ role: 'user', content: 'The zebrafish quartermaster earns a lot.' }] }), false, 'a paraphrase is not a quote');
  assert.equal(match.anyText(['unrelated text that is long enough to count', { deep: [`x. ${QUOTE}`] }]), true);
  assert.equal(match.ids(['doc-1']), true);
  assert.equal(match.ids(['chunk-1']), true);
  assert.equal(match.ids(['doc-2']), false);
});

test('exported training files lose the records that quote erased text, in JSONL and JSON arrays', async () => {
  const home = await tempDir('tailor-scrub-');
  const data = join(home, 'adapters', 'a1', 'data');
  await mkdir(data, { recursive: true });
  const keep = { messages: [{ role: 'user', content: 'When are cranes inspected?' }, { role: 'assistant', content: 'Every spring, by the port authority.' }] };
  const quoting = { messages: [{ role: 'user', content: 'What is the pay?' }, { role: 'assistant', content: QUOTE }] };
  await writeFile(join(data, 'train.jsonl'), [JSON.stringify(keep), JSON.stringify(quoting), `{broken ${QUOTE}`].join('\n') + '\n');
  await writeFile(join(data, 'train.json'), JSON.stringify([keep, quoting]));
  await writeFile(join(home, 'adapters', 'a1', 'manifest.json'), JSON.stringify({ note: QUOTE }));
  const result = await scrubExports(home, content, []);
  assert.deepEqual(result.exports.map((e) => [e.file, e.removedRecords]).sort(), [
    [join('adapters', 'a1', 'data', 'train.json'), 1],
    [join('adapters', 'a1', 'data', 'train.jsonl'), 2],
  ]);
  assert.equal(await readFile(join(data, 'train.jsonl'), 'utf8'), JSON.stringify(keep) + '\n');
  assert.deepEqual(JSON.parse(await readFile(join(data, 'train.json'), 'utf8')), [keep]);
});
