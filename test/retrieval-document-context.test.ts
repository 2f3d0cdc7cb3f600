import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contextTermsFor, documentContext, MAX_CONTEXT_TERMS } from '../src/index/document-context.js';
import { analyze } from '../src/index/analyzer.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor } from '../src/tailor.js';
import { tempDir } from './helpers/temp.js';

/** Deterministic filler prose, so each report is long enough to be many chunks. */
function filler(seed: number, paragraphs: number): string {
  const words = ['operations', 'segment', 'customers', 'markets', 'products', 'growth', 'management', 'results', 'global', 'demand', 'pricing', 'supply', 'productivity', 'portfolio', 'innovation', 'regional', 'channel', 'margin'];
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const out: string[] = [];
  for (let p = 0; p < paragraphs; p++) {
    const sentence: string[] = [];
    for (let w = 0; w < 60; w++) sentence.push(words[next() % words.length]!);
    out.push(`The ${sentence.join(' ')}.`);
  }
  return out.join('\n\n');
}

function report(company: string, year: number, capexSentence: string, seed: number): string {
  return [
    'UNITED STATES SECURITIES AND EXCHANGE COMMISSION',
    `FORM 10-K ANNUAL REPORT for the fiscal year ended December 31, ${year}`,
    `${company} (Exact name of registrant as specified in its charter)`,
    filler(seed, 12),
    capexSentence,
    filler(seed + 1, 12),
  ].join('\n\n');
}

describe('document context in ranking', () => {
  test('collects names, years and file-name words from the opening, minus the title', () => {
    const context = documentContext({
      title: 'Annual report',
      source: '/reports/ThreeM_Company_10-K.txt',
      text: 'FORM 10-K for FY2018. 3M Company, St. Paul, Minnesota. the rest is lower case prose about 2019 plans.',
    });
    for (const term of ['3m', 'compani', 'paul', 'minnesota', 'fy2018', '2019', 'three']) assert.ok(context.terms.includes(term), `expected ${term} in ${context.terms}`);
    assert.ok(!context.terms.includes('annual'), 'title words are in the field already');
    assert.ok(!context.terms.includes('prose'), 'lower-case words are not names');
    assert.equal(new Set(context.terms).size, context.terms.length);
  });

  test('record sources carry no file name, the first chunk gets nothing, and the term count is bounded', () => {
    const names = Array.from({ length: 100 }, (_, i) => `Name${i}x`).join(' ');
    const context = documentContext({ title: 't', source: 'beir:12345', text: names });
    assert.ok(!context.terms.includes('12345') && !context.terms.includes('beir'));
    assert.equal(context.terms.length, MAX_CONTEXT_TERMS);
    assert.deepEqual(contextTermsFor(context, 0), []);
    assert.deepEqual(contextTermsFor(context, 3), context.terms);
  });

  test('a PDF-style first page bounds the opening', () => {
    const text = 'Acme Holdings\n\nSecond page names Zenith Partners';
    const context = documentContext({ title: 'x', source: '/a.pdf', text, pages: [{ start: 0, end: 13 }, { start: 15, end: text.length }] });
    assert.ok(context.terms.includes('acm'));
    assert.ok(!context.terms.includes('zenith'));
  });

  test('"3M 2018 capital expenditure" finds the capex chunk of 3M\'s 2018 10-K, not the same passage of other reports', async () => {
    const dir = await tempDir('tailor-doc-context-');
    const capex = (amount: string) => `Capital expenditure was ${amount} million.`;
    // File names (and so titles) say nothing: only the reports' cover pages name the company and year.
    // Every report has the same capex sentence, 3M's 2018 one in the longest wording: the passage alone
    // cannot pick it, and length normalisation even favours the others.
    const files: Record<string, string> = {};
    let seed = 1;
    for (const company of ['3M COMPANY', 'HONEYWELL INTERNATIONAL INC.', 'CATERPILLAR INC.']) {
      for (const year of [2015, 2016, 2017, 2018]) {
        const target = company === '3M COMPANY' && year === 2018;
        const sentence = target ? 'Purchases of property, plant and equipment, our capital expenditure, were $1,577 million, as the company kept investing in its manufacturing footprint and research laboratories.' : capex(`$${1000 + seed}`);
        files[`report-${seed}.txt`] = report(company, year, sentence, seed);
        if (target) files['target'] = `report-${seed}.txt`;
        seed++;
      }
    }
    const targetFile = files['target']!;
    delete files['target'];
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);

    const home = path.join(dir, 'home');
    const store = await createSqliteStore({ home });
    const tailor = createTailor({ store });
    await tailor.ingest({ paths: [dir] });
    const search = async () => (await tailor.search('3M 2018 capital expenditure', { k: 3 })).results;
    const top = (await search())[0]!;
    assert.equal(path.basename(top.document.source), targetFile);
    assert.match(top.chunk.text, /\$1,577 million/);
    assert.ok(top.chunk.ordinal > 0, 'the answer lies deep in the report, not in its opening chunk');
    const before = (await search()).map((r) => [r.chunk.id, r.score]);
    await tailor.close();

    // The index rebuilt from SQLite alone (no snapshot) ranks exactly as the one built while writing.
    fs.rmSync(path.join(home, 'bm25.snapshot'), { force: true });
    const reopened = createTailor({ store: await createSqliteStore({ home }) });
    const after = (await reopened.search('3M 2018 capital expenditure', { k: 3 })).results.map((r) => [r.chunk.id, r.score]);
    assert.deepEqual(after, before);
    await reopened.close();
  });

  test('a one-chunk document is scored on its own words only', async () => {
    const home = await tempDir('tailor-doc-context-one-');
    const store = await createSqliteStore({ home });
    const tailor = createTailor({ store });
    await tailor.ingestTexts({ items: [{ source: '/notes/Zephyr_memo.txt', title: 'memo', text: 'Quarterly figures rose.' }] });
    // "zephyr" is only in the file name: a single chunk holds the whole document, so it gets no context.
    assert.equal((await tailor.search('zephyr', { k: 3 })).results.length, 0);
    assert.equal((await tailor.search('quarterly', { k: 3 })).results.length, 1);
    assert.deepEqual(analyze('Quarterly'), ['quarterli']);
    await tailor.close();
  });
});
