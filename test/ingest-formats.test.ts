import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkDocument } from '../src/chunking/index.js';
import { detectFormat, loadDocument } from '../src/ingest/loaders/index.js';
import { makeEml, makeEpub, makeOdt, makePptx, makeXlsx } from './fixtures/office-files.js';

const load = (path: string, bytes: Uint8Array | string) => loadDocument({ path, bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes });

describe('PowerPoint (PPTX)', () => {
  const deck = makePptx([
    { title: 'Revenue grew 12%', body: ['EMEA led with 18% growth', 'APAC flat year on year'], notes: ['Mention the currency effect before the EMEA number.'] },
    { title: 'Hiring plan', body: ['Four engineers in Q3'], table: [['Team', 'Heads'], ['Platform', '2'], ['Data', '2']] },
    { body: ['Questions?'] },
  ]);

  test('slides in deck order, titles as headings, notes kept, slide numbers as pages, furniture dropped', async () => {
    const doc = await load('review.pptx', deck);
    assert.equal(doc.format, 'pptx');
    assert.equal(doc.title, 'Quarterly review');
    assert.deepEqual(doc.pages?.map((p) => p.page), [1, 2, 3]);
    const page = (needle: string) => doc.pages?.find((p) => doc.text.indexOf(needle) >= p.start && doc.text.indexOf(needle) < p.end)?.page;
    assert.equal(page('EMEA led'), 1);
    assert.equal(page('Four engineers'), 2);
    assert.equal(page('Questions?'), 3);
    assert.match(doc.text, /## Revenue grew 12%\n\nEMEA led with 18% growth\n\nAPAC flat year on year\n\nNotes: Mention the currency effect/);
    assert.match(doc.text, /Team \| Heads\n\nPlatform \| 2/);
    assert.match(doc.text, /## Slide 3\n\nQuestions\?/);
    assert.ok(!doc.text.includes('‹#›'), 'slide-number placeholders are not text');
    assert.equal(doc.metadata?.slidesWithNotes, 1);
    const chunks = chunkDocument({ text: doc.text, format: doc.format, pages: doc.pages }, { maxTokens: 40 });
    const hiring = chunks.find((c) => c.text.includes('Four engineers'))!;
    assert.equal(hiring.page, 2);
    assert.deepEqual(hiring.headingPath, ['Hiring plan']);
  });

  test('sniffed without an extension', async () => {
    assert.equal(detectFormat('download', deck.subarray(0, 4096)), 'pptx');
  });
});

describe('Excel (XLSX)', () => {
  const rows = [['Region', 'Quarter', 'Revenue', 'Target met']];
  for (let i = 0; i < 60; i++) rows.push([`Region ${i}`, `Q${(i % 4) + 1}`, String(1000 + i * 37), i % 2 === 0 ? 'yes' : 'no']);
  const workbook = makeXlsx(
    [
      { name: 'Sales 2024', rows: rows.map((row, r) => (r === 0 ? row : [row[0], row[1], Number(row[2]), row[3] === 'yes'])) },
      { name: 'Internal', rows: [['secret'], ['HIDDEN-SHEET-NOISE']], hidden: true },
      { name: 'Contacts', rows: [['Name', 'E-mail', 'Note'], ['inline:Dana', 'dana@example.com', null], ['Eli', null, 'on leave', 'extra cell']] },
      { name: 'Deadlines', rows: [['Task', 'Due', 'Reviewed'], ['Audit', new Date(Date.UTC(2025, 2, 31)), new Date(Date.UTC(2025, 3, 2, 14, 30))]] },
      { name: 'Empty', rows: [] },
    ],
    'Sales workbook',
  );

  test('each visible sheet is a table under its name; every row carries its column names', async () => {
    const doc = await load('sales.xlsx', workbook);
    assert.equal(doc.format, 'xlsx');
    assert.equal(doc.title, 'Sales workbook');
    assert.match(doc.text, /^# Sales 2024\n\nRegion: Region 0 · Quarter: Q1 · Revenue: 1000 · Target met: TRUE\n\n/);
    assert.match(doc.text, /# Contacts\n\nName: Dana · E-mail: dana@example\.com\n\nName: Eli · Note: on leave · column 4: extra cell/);
    assert.ok(!doc.text.includes('HIDDEN-SHEET-NOISE'), 'hidden sheets are not read');
    // Day serials in date-formatted cells read as dates; a currency format (with "EUR" quoted) stays a number.
    assert.match(doc.text, /# Deadlines\n\nTask: Audit · Due: 2025-03-31 · Reviewed: 2025-04-02 14:30:00/);
    assert.ok(!doc.text.includes('# Empty'));
    assert.deepEqual((doc.metadata?.sheets as Array<{ name: string }>).map((s) => s.name), ['Sales 2024', 'Contacts', 'Deadlines']);
  });

  test('the header goes with every chunk of a long sheet', async () => {
    const doc = await load('sales.xlsx', workbook);
    const chunks = chunkDocument({ text: doc.text, format: doc.format }, { maxTokens: 60 });
    const sales = chunks.filter((c) => c.headingPath[0] === 'Sales 2024');
    assert.ok(sales.length > 5, `a long sheet spans several chunks (got ${sales.length})`);
    for (const chunk of sales) {
      for (const column of ['Region:', 'Quarter:', 'Revenue:', 'Target met:']) assert.ok(chunk.text.includes(column), `${column} in chunk ${chunk.ordinal}`);
    }
  });
});

describe('OpenDocument text (ODT)', () => {
  test('headings by outline level, paragraphs with spaces and breaks, lists, tables; footnotes and tracked changes out', async () => {
    const body = [
      '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><text:p>DELETED-NOISE</text:p></text:deletion></text:changed-region></text:tracked-changes>',
      '<text:h text:style-name="Heading_20_1" text:outline-level="1">Travel policy</text:h>',
      '<text:p text:style-name="Standard">Book economy class<text:s text:c="2"/>for flights under<text:tab/>six hours.<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>FOOTNOTE-NOISE</text:p></text:note-body></text:note></text:p>',
      '<text:h text:outline-level="2">Meals</text:h>',
      '<text:list text:style-name="L1"><text:list-item><text:p>Breakfast is included</text:p></text:list-item><text:list-item><text:p>Dinner up to 40 EUR</text:p></text:list-item></text:list>',
      '<table:table table:name="Rates"><table:table-column/><table:table-row><table:table-cell office:value-type="string"><text:p>City</text:p></table:table-cell><table:table-cell><text:p>Daily rate</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Berlin</text:p></table:table-cell><table:table-cell><text:p>120 EUR</text:p></table:table-cell></table:table-row></table:table>',
    ].join('');
    const doc = await load('travel.odt', makeOdt(body, 'Travel policy 2025'));
    assert.equal(doc.format, 'odt');
    assert.equal(doc.title, 'Travel policy 2025');
    assert.equal(
      doc.text,
      '# Travel policy\n\nBook economy class for flights under six hours.\n\n## Meals\n\n- Breakfast is included\n- Dinner up to 40 EUR\n\n| City | Daily rate |\n| --- | --- |\n| Berlin | 120 EUR |',
    );
    const chunks = chunkDocument({ text: doc.text, format: doc.format }, { maxTokens: 20 });
    assert.deepEqual(chunks.find((c) => c.text.includes('Dinner'))?.headingPath, ['Travel policy', 'Meals']);
    assert.equal((await load('untitled.odt', makeOdt('<text:h text:outline-level="1">Only heading</text:h><text:p>x</text:p>'))).title, 'Only heading');
  });
});

describe('EPUB', () => {
  test('chapters in spine order with their headings; the nav document and styles stay out', async () => {
    const book = makeEpub(
      'The Handbook of Things',
      [
        { file: 'ch2.xhtml', html: '<section epub:type="chapter"><h1>Chapter 2: Practice</h1><p>Practice makes the <em>habit</em>.</p></section>' },
        { file: 'ch1.xhtml', html: '<section epub:type="chapter"><h1>Chapter 1: Theory</h1><p>Theory comes first.</p><h2>A detail</h2><p>Details matter.</p></section>' },
      ],
      ['ch1.xhtml', 'ch2.xhtml'],
    );
    const doc = await load('handbook.epub', book);
    assert.equal(doc.format, 'epub');
    assert.equal(doc.title, 'The Handbook of Things');
    assert.equal(doc.metadata?.author, 'A. Writer');
    assert.ok(doc.text.indexOf('Chapter 1: Theory') < doc.text.indexOf('Chapter 2: Practice'), 'spine order, not manifest order');
    assert.match(doc.text, /# Chapter 1: Theory\n\nTheory comes first\.\n\n## A detail\n\nDetails matter\./);
    assert.match(doc.text, /Practice makes the habit\./);
    assert.ok(!doc.text.includes('NAV-NOISE') && !doc.text.includes('font-family'));
    const chunks = chunkDocument({ text: doc.text, format: doc.format }, { maxTokens: 12 });
    assert.deepEqual(chunks.find((c) => c.text.includes('Details matter'))?.headingPath, ['Chapter 1: Theory', 'A detail']);
    assert.equal(detectFormat('book', book.subarray(0, 4096)), 'epub');
  });
});

describe('e-mail (EML)', () => {
  test('headers as metadata and text, the plain body decoded, attachments listed', async () => {
    const doc = await load('invoice.eml', makeEml());
    assert.equal(doc.format, 'eml');
    assert.equal(doc.title, 'Invoice for März – please approve');
    assert.equal(doc.metadata?.from, 'Alice Example <alice@example.com>');
    assert.equal(doc.metadata?.to, 'Bob Builder <bob@example.org>, ops@example.org');
    assert.equal(doc.metadata?.cc, 'Carol, Finance <carol@example.org>');
    assert.equal(doc.metadata?.bodyFrom, 'text/plain');
    assert.deepEqual(doc.metadata?.attachments, [{ filename: 'invoice-2025-03.pdf', mimeType: 'application/pdf', sizeBytes: 43 }]);
    assert.match(doc.text, /^# Invoice for März – please approve\n\nFrom: Alice Example <alice@example\.com>\nTo: Bob Builder/);
    assert.match(doc.text, /Date: 2025-03-04T08:15:00/);
    assert.match(doc.text, /The total is 4,250 EUR and payment is due within 30 days\./);
    assert.ok(!doc.text.includes('HTML-ONLY'), 'the plain alternative is preferred');
    assert.match(doc.text, /Attachments: invoice-2025-03\.pdf \(application\/pdf, 43 B\)$/);
  });

  test('an HTML-only message becomes Markdown; a header block without an extension is sniffed as e-mail', async () => {
    const html = 'From: a@example.com\nTo: b@example.com\nSubject: Launch\nDate: Mon, 3 Mar 2025 10:00:00 +0000\nContent-Type: text/html; charset=utf-8\n\n<html><body><h2>Launch day</h2><ul><li>Ship it</li></ul><div style="display:none">PREHEADER-NOISE</div></body></html>\n';
    const doc = await load('message', html);
    assert.equal(doc.format, 'eml');
    assert.equal(doc.metadata?.bodyFrom, 'text/html');
    assert.match(doc.text, /## Launch day\n\n- Ship it/);
    assert.ok(!doc.text.includes('PREHEADER-NOISE'));
  });
});
