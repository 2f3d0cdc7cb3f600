import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkDocument } from '../src/chunking/index.js';
import { isRowLine } from '../src/chunking/text-tables.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor } from '../src/tailor.js';
import { tempDir } from './helpers/temp.js';

const LABELS = [
  'Net sales', 'Cost of sales', 'Gross profit', 'Selling, general and administrative expenses', 'Pre-opening expenses',
  'Operating income', 'Interest expense, net', 'Income before income taxes', 'Income tax expense', 'Net income',
  'Depreciation and amortization', 'Non-cash lease expense', 'Deferred income taxes', 'Stock-based compensation expense',
  'Receivables', 'Merchandise inventories', 'Prepaid expenses', 'Accounts payable', 'Accrued liabilities', 'Deferred revenue',
  'Operating lease liabilities', 'Other investments', 'Repurchase of common shares', 'Stock options exercised',
  'Purchase of treasury shares', 'Capital expenditures', 'Effect of exchange rate changes', 'Cash at end of year',
];

/** A statement as PDF text gives it: caption and period lines, then one line per row, no blank lines. */
function statement(caption: string, years: [number, number], seed: number): string {
  const rows = LABELS.map((label, i) => `${label} ${(1000 + seed * 37 + i * 211).toLocaleString('en-US')},${String(100 + i).padStart(3, '0')} (${(900 + seed * 13 + i * 97).toLocaleString('en-US')},${String(200 + i)})`);
  return [caption, '(In thousands)', 'Fiscal Year Ended', `${years[0]} ${years[1]}`, ...rows].join('\n');
}

const PROSE = 'The company reviews its results every quarter. Management believes the figures below describe the business fairly, and the notes explain each line.';

describe('tables in plain and PDF text', () => {
  test('recognises figure rows, not prose or bare years', () => {
    assert.ok(isRowLine('Net sales $ 3,226,773 100.0% $ 2,729,388 100.0%'));
    assert.ok(isRowLine('Capital expenditures (312,126) (172,187)'));
    assert.ok(isRowLine('Accrued income taxes — 12,786'));
    assert.ok(!isRowLine('2023 2022'));
    assert.ok(!isRowLine('The company opened 47 stores in fiscal 2022.'));
  });

  test('rows are never cut mid-line and every chunk of a table carries its header lines', () => {
    const text = `${PROSE}\n\n${statement('Consolidated Statements of Cash Flows', [2019, 2018], 1)}\n\n${PROSE}`;
    const chunks = chunkDocument({ text, format: 'pdf', pages: [{ page: 1, start: 0, end: text.length }] }, { maxTokens: 120 });
    const tableChunks = chunks.filter((c) => c.headingPath.length > 0);
    assert.ok(tableChunks.length >= 3, `the table spans several chunks (got ${tableChunks.length})`);
    for (const chunk of tableChunks) assert.match(chunk.headingPath[0]!, /^Consolidated Statements of Cash Flows \(In thousands\) Fiscal Year Ended 2019 2018$/);
    // Prose around the table keeps the document's (empty) heading path.
    assert.deepEqual(chunks[0]!.headingPath, []);
    assert.deepEqual(chunks[chunks.length - 1]!.headingPath, []);
    for (const label of LABELS) {
      const line = text.split('\n').find((l) => l.startsWith(`${label} `))!;
      assert.ok(chunks.some((c) => c.text.includes(line)), `row "${line}" lies whole inside one chunk`);
    }
  });

  test('a figure is found by its row label and a period only the column header states', async () => {
    const dir = await tempDir('tailor-text-tables-');
    const store = await createSqliteStore({ home: dir });
    const tailor = createTailor({ store, chunking: { maxTokens: 120 } });
    // One long filing with two statements of the same rows, far past the opening (so document context
    // cannot tell them apart): only their header lines say which years each covers.
    const older = statement('Statements of Cash Flows', [2017, 2016], 2);
    const newer = statement('Statements of Cash Flows', [2019, 2018], 1);
    const text = [...Array(12).fill(PROSE), older, ...Array(6).fill(PROSE), newer].join('\n\n');
    await tailor.ingestTexts({ items: [{ source: 'filing.txt', title: 'filing', text, format: 'pdf' }] });
    const [top] = (await tailor.search('capital expenditures 2018', { k: 3 })).results;
    const newerRow = newer.split('\n').find((line) => line.startsWith('Capital expenditures'))!;
    assert.ok(top!.chunk.text.includes(newerRow), `expected the 2019/2018 row, got ${top!.chunk.text.slice(0, 80)}`);
    assert.match(top!.chunk.headingPath.join(' '), /2019 2018/);
    assert.doesNotMatch(top!.chunk.text, /Fiscal Year Ended/, 'the row comes from a chunk after the one holding the header');
    await tailor.close();
  });
});
