import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cleanExamples,
  createDatasetStore,
  describeDataset,
  exportDataset,
  importDataset,
  parseDataset,
  parseCsvColumns,
  serializeDataset,
  type DatasetExample,
} from '../src/finetune/index.js';
import { TailorError } from '../src/core/errors.js';
import { tempDir } from './helpers/temp.js';
import { alpacaRows, type AlpacaRow } from './helpers/corpus.js';


async function alpacaSample(n: number): Promise<AlpacaRow[]> {
  return alpacaRows(n);
}

describe('validation reports every bad record with its line', () => {
  test('chat JSONL: bad JSON, missing fields, bad roles, empty answers', () => {
    const lines = [
      JSON.stringify({ messages: [{ role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Hello.' }] }),
      '{"messages": [ broken',
      JSON.stringify({ prompt: 'no messages key' }),
      JSON.stringify({ messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: '   ' }] }),
      '',
      JSON.stringify({ messages: [{ role: 'robot', content: 'Q' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'Only a question' }] }),
      JSON.stringify({ messages: [{ role: 'user' }, { role: 'assistant', content: 'A' }] }),
    ];
    const parsed = parseDataset(lines.join('\n'), { format: 'chat', origin: 'x.jsonl' });
    assert.equal(parsed.examples.length, 1);
    assert.deepEqual(parsed.issues.map((i) => [i.line, i.problem]), [
      [2, 'bad-json'],
      [3, 'missing-field'],
      [4, 'empty-answer'],
      [6, 'bad-role'],
      [7, 'no-answer'],
      [8, 'missing-field'],
    ]);
    for (const issue of parsed.issues) assert.match(issue.message, new RegExp(`^line ${issue.line}: `));
    assert.equal(parsed.examples[0].provenance.origin, 'x.jsonl:1');
  });

  test('Alpaca: missing instruction, empty output, wrong types, bad history', () => {
    const records = [
      { instruction: 'Name a colour.', input: '', output: 'Blue' },
      { input: 'x', output: 'y' },
      { instruction: 'Say nothing', output: '' },
      { instruction: 'Typed', output: 42 },
      { instruction: 'With history', output: 'ok', history: [['only one']] },
    ];
    const parsed = parseDataset(JSON.stringify(records), { format: 'alpaca' });
    assert.equal(parsed.examples.length, 1);
    assert.deepEqual(parsed.issues.map((i) => [i.line, i.field, i.problem]), [
      [2, 'instruction', 'missing-field'],
      [3, 'output', 'empty-answer'],
      [4, 'output', 'wrong-type'],
      [5, 'history', 'wrong-type'],
    ]);
  });

  test('a JSON array that does not parse names the line of the error', () => {
    const text = '[\n{"instruction": "a", "output": "b"},\n{"instruction": "c", "output": }\n]';
    const parsed = parseDataset(text, { format: 'alpaca' });
    assert.equal(parsed.examples.length, 0);
    assert.equal(parsed.issues.length, 1);
    assert.equal(parsed.issues[0].problem, 'bad-json');
    assert.equal(parsed.issues[0].line, 3);
  });

  test('ShareGPT and CSV report bad turns and empty columns by line', () => {
    const sharegpt = [
      { conversations: [{ from: 'human', value: 'Q1' }, { from: 'gpt', value: 'A1' }] },
      { conversations: [{ from: 'human', value: 'Q2' }, { from: 'observation', value: 'tool' }] },
      { conversations: [{ from: 'human', value: 'Q3' }, { from: 'gpt', value: '' }] },
    ];
    const sg = parseDataset(sharegpt.map((r) => JSON.stringify(r)).join('\n'), { format: 'sharegpt' });
    assert.deepEqual(sg.issues.map((i) => [i.line, i.problem]), [[2, 'bad-role'], [3, 'empty-answer']]);
    const csv = 'question,answer,notes\n"What, exactly?","This, exactly.",n\n"No answer",,n\n,"No question",n\n"Multi\nline?","Yes",n\n';
    const parsed = parseDataset(csv, { format: 'csv', columns: parseCsvColumns('q=question,a=answer') });
    assert.equal(parsed.examples.length, 2);
    assert.deepEqual(parsed.issues.map((i) => [i.line, i.problem]), [[3, 'empty-answer'], [4, 'missing-field']]);
    assert.equal(parsed.examples[1].messages[0].content, 'Multi\nline?');
    assert.throws(() => parseDataset(csv, { format: 'csv', columns: parseCsvColumns('q=prompt,a=answer') }), /no column "prompt"/);
  });

  test('over-length examples are rejected with the token count of the given tokenizer', () => {
    const lines = [
      JSON.stringify({ messages: [{ role: 'user', content: 'short' }, { role: 'assistant', content: 'fine' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'long '.repeat(50) }, { role: 'assistant', content: 'fine' }] }),
    ].join('\n');
    const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
    const parsed = parseDataset(lines, { format: 'chat', maxTokens: 30, countTokens: words });
    assert.equal(parsed.examples.length, 1);
    assert.equal(parsed.issues[0].problem, 'too-long');
    assert.match(parsed.issues[0].message, /^line 2: 59 tokens, over the limit of 30/);
  });
});

describe('round trips on the real Alpaca data', () => {
  test('Alpaca → Alpaca is exact; Alpaca → chat → ShareGPT → CSV keeps every question and answer', async () => {
    const rows = await alpacaSample(300);
    const parsed = parseDataset(JSON.stringify(rows), { format: 'alpaca' });
    assert.equal(parsed.issues.length, 0);
    assert.equal(parsed.examples.length, 300);
    const again = JSON.parse(serializeDataset(parsed.examples, 'alpaca').text) as AlpacaRow[];
    assert.deepEqual(again, rows);

    const chat = parseDataset(serializeDataset(parsed.examples, 'chat').text, { format: 'chat' });
    assert.deepEqual(chat.examples.map((e) => e.messages), parsed.examples.map((e) => e.messages));
    const sharegpt = parseDataset(serializeDataset(chat.examples, 'sharegpt').text, { format: 'sharegpt' });
    assert.deepEqual(sharegpt.examples.map((e) => e.messages), parsed.examples.map((e) => e.messages));
    const csv = parseDataset(serializeDataset(sharegpt.examples, 'csv').text, { format: 'csv' });
    assert.deepEqual(csv.examples.map((e) => e.messages), parsed.examples.map((e) => e.messages));
    assert.deepEqual(csv.examples.map((e) => e.id), parsed.examples.map((e) => e.id), 'ids are content hashes, stable across formats');
    // Without the original split, an example from chat becomes instruction-only Alpaca that reads back the same.
    const flat = JSON.parse(serializeDataset(chat.examples, 'alpaca').text) as AlpacaRow[];
    const withInput = rows.findIndex((r) => r.input.trim() !== '');
    assert.equal(flat[withInput].input, '');
    assert.equal(flat[withInput].instruction, `${rows[withInput].instruction}\n\n${rows[withInput].input}`);
  });

  test('import → store → export through files; the store detects a damaged examples file', async () => {
    const home = await tempDir();
    const rows = await alpacaSample(400);
    const file = join(home, 'alpaca-400.json');
    await writeFile(file, JSON.stringify(rows));
    const imported = await importDataset({ home, file, format: 'alpaca' });
    assert.equal(imported.manifest.name, 'alpaca-400');
    assert.equal(imported.manifest.count, 400);
    assert.equal(imported.imported, 400);
    assert.deepEqual(imported.manifest.sources, [{ kind: 'import', from: 'alpaca-400.json', examples: 400 }]);
    await assert.rejects(importDataset({ home, file, format: 'alpaca' }), /exists already/);

    const out = join(home, 'out.json');
    const exported = await exportDataset({ home, name: 'alpaca-400', format: 'alpaca', out });
    assert.equal(exported.count, 400);
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), rows);

    const description = await describeDataset({ home, name: 'alpaca-400' });
    assert.equal(description.kinds.import, 400);
    assert.ok(description.tokens.min > 0 && description.tokens.min <= description.tokens.median && description.tokens.median <= description.tokens.max);

    const dir = join(home, 'datasets', 'alpaca-400');
    const examplesFile = (await readdir(dir)).find((f) => f.startsWith('examples.'))!;
    await appendFile(join(dir, examplesFile), '{"tampered": true}\n');
    await assert.rejects(createDatasetStore(home).load('alpaca-400'), (e: TailorError) => e.code === 'STORE_CORRUPT');
  });

  test('an invalid file is refused as a whole unless --skip-invalid, with every bad line listed', async () => {
    const home = await tempDir();
    const file = join(home, 'mixed.jsonl');
    const good = (q: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: `answer to ${q}` }] });
    await writeFile(file, [good('one'), 'not json', good('two'), JSON.stringify({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '' }] })].join('\n'));
    await assert.rejects(importDataset({ home, file, format: 'chat' }), (e: TailorError) => {
      assert.equal(e.code, 'DATASET_INVALID');
      assert.match(e.message, /line 2: not valid JSON/);
      assert.match(e.message, /line 4: assistant answer 1 is empty/);
      assert.equal((e.details.issues as unknown[]).length, 2);
      return true;
    });
    const ok = await importDataset({ home, file, format: 'chat', skipInvalid: true });
    assert.equal(ok.manifest.count, 2);
    assert.equal(ok.issues.length, 2);
  });
});

describe('cleaning', () => {
  const example = (id: string, q: string, a: string): DatasetExample => ({
    id,
    messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }],
    provenance: { kind: 'import', documentIds: [], chunkIds: [] },
  });

  test('drops exact and near duplicates, keeps distinct examples, and redacts PII before storing', async () => {
    const rows = await alpacaSample(50);
    const base = rows.map((r, i) => example(`e${i}`, r.instruction, r.output));
    const long = [
      'The committee reviewed the quarterly budget in detail and approved the revised plan for the northern warehouse expansion',
      'after a long discussion about staffing costs and delivery schedules for the coming year. Members asked that the finance team',
      'report monthly on spending against the plan, that the operations lead publish a hiring timeline before the end of the month,',
      'and that any change above five per cent of the approved amount come back to the committee for a decision.',
    ].join(' ');
    const inputs = [
      ...base,
      example('dup', rows[3].instruction, rows[3].output),
      example('case', rows[4].instruction.toUpperCase(), rows[4].output),
      example('n1', 'Summarise the meeting.', long),
      example('n2', 'Summarise the meeting.', long.replace('long discussion', 'lengthy discussion')),
      example('pii', 'Who do I write to?', 'Write to jane.doe@example.com or call +1 415 555 0100.'),
    ];
    const { examples, report } = cleanExamples(inputs, { redact: ['email', 'phone'] });
    assert.equal(report.exactDuplicates, 2);
    assert.deepEqual(report.nearDuplicates.map((d) => [d.id, d.duplicateOf]), [['n2', 'n1']]);
    assert.ok(report.nearDuplicates[0].similarity >= 0.9 && report.nearDuplicates[0].similarity < 1);
    assert.equal(examples.length, 50 + 2);
    const pii = examples.find((e) => e.id === 'pii')!;
    assert.doesNotMatch(pii.messages[1].content, /jane\.doe|555/);
    assert.equal(report.redactions.email, 1);
    assert.equal(report.redactions.phone, 1);
  });
});
