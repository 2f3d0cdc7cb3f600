import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { detectFormat, loadDocument, loadFile, SUPPORTED_EXTENSIONS } from '../src/ingest/loaders/index.js';
import type { LoadedDocument } from '../src/core/types.js';

const PDF_DIR = fileURLToPath(new URL('../../shared/data/pdfs/', import.meta.url));
const REAL_PDFS = existsSync(PDF_DIR) ? false : 'needs ../shared/data/pdfs (absent)';
const encode = (text: string) => new TextEncoder().encode(text);
const load = (path: string, content: string | Uint8Array) =>
  loadDocument({ path, bytes: typeof content === 'string' ? encode(content) : content });

/** The page whose span holds the first occurrence of `needle`. */
function pageOf(doc: LoadedDocument, needle: string): number | undefined {
  const at = doc.text.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is in the text`);
  return doc.pages?.find((span) => at >= span.start && at < span.end)?.page;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tailor-loaders-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detectFormat', () => {
  test('maps every supported extension, case-insensitively', () => {
    assert.equal(detectFormat('a/b/Notes.MD'), 'markdown');
    assert.equal(detectFormat('x.mdx'), 'markdown');
    assert.equal(detectFormat('x.log'), 'text');
    assert.equal(detectFormat('x.rst'), 'text');
    assert.equal(detectFormat('x.htm'), 'html');
    assert.equal(detectFormat('x.tsv'), 'csv');
    assert.equal(detectFormat('x.ndjson'), 'jsonl');
    assert.equal(detectFormat('x.docx'), 'docx');
    assert.equal(detectFormat('x.png'), undefined);
    for (const extension of SUPPORTED_EXTENSIONS) assert.ok(detectFormat(`file${extension}`), extension);
  });

  test('sniffs content when the name has no known extension', () => {
    assert.equal(detectFormat('download', encode('%PDF-1.7\n...')), 'pdf');
    assert.equal(detectFormat('page', encode('  <!DOCTYPE html><html></html>')), 'html');
    assert.equal(detectFormat('blob', encode('just words')), 'text');
    assert.equal(detectFormat('photo', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), undefined);
  });
});

describe('markdown and text', () => {
  test('markdown: CRLF becomes LF, BOM is stripped, title is the first # heading outside code', async () => {
    const doc = await load('guide.md', '\uFEFF```\n# not a title\n```\r\nIntro\r\n\r\n# Real Title #\r\nBody\r\n');
    assert.equal(doc.format, 'markdown');
    assert.equal(doc.title, 'Real Title');
    assert.ok(!doc.text.includes('\r'));
    assert.ok(doc.text.startsWith('```'), 'BOM removed');
  });

  test('markdown: front-matter title wins; no heading falls back to the file name', async () => {
    const withFrontMatter = await load('a.md', '---\ntitle: "Leave policy"\nowner: hr\n---\n# Heading\ntext\n');
    assert.equal(withFrontMatter.title, 'Leave policy');
    assert.deepEqual(withFrontMatter.metadata?.frontMatter, { title: 'Leave policy', owner: 'hr' });
    const plain = await load('/docs/plain-notes.markdown', 'Just a paragraph.\n## Only a level two heading\n');
    assert.equal(plain.title, 'plain-notes');
  });

  test('text: content unchanged apart from line endings, title is the file name', async () => {
    const doc = await load('/var/log/app.log', 'line one\r\n\x1b[31mred\x1b[0m line two\n');
    assert.equal(doc.format, 'text');
    assert.equal(doc.text, 'line one\n\x1b[31mred\x1b[0m line two\n');
    assert.equal(doc.title, 'app');
  });
});

describe('html', () => {
  const page = `<!doctype html><html><head><title>Acme | Refunds</title><style>body{color:red}</style>
    <script>trackVisitor("SCRIPT-NOISE")</script></head><body>
    <header><a href="/">Acme HEADER-NOISE</a></header>
    <nav><ul><li><a href="/a">NAV-NOISE Products</a></li><li><a href="/b">Pricing</a></li></ul></nav>
    <main><article>
      <h1>Refund policy</h1>
      <p>Customers can request a <b>refund</b> within 30 days of purchase. Refunds go back to the original
      payment method, and the <a href="/help">help centre</a> explains the snake_case field names.</p>
      <h2>How to ask</h2>
      <ol><li>Open the order</li><li>Choose <em>Request refund</em></li></ol>
      <ul><li>Keep the receipt</li><li>Pack the item</li></ul>
      <table><thead><tr><th>Plan</th><th>Refund window</th></tr></thead>
        <tbody><tr><td>Basic</td><td>14 days</td></tr><tr><td>Pro</td><td>30 days</td></tr></tbody></table>
      <p>Store credit is offered when the original payment method is no longer available to the customer.</p>
    </article></main>
    <footer>FOOTER-NOISE Copyright Acme</footer></body></html>`;

  test('keeps the article as Markdown and drops navigation, header, footer and scripts', async () => {
    const doc = await load('refunds.html', page);
    assert.equal(doc.format, 'html');
    for (const noise of ['NAV-NOISE', 'FOOTER-NOISE', 'SCRIPT-NOISE', 'HEADER-NOISE', 'color:red']) {
      assert.ok(!doc.text.includes(noise), `${noise} removed`);
    }
    assert.match(doc.text, /^# Refund policy$/m);
    assert.match(doc.text, /^## How to ask$/m);
    assert.match(doc.text, /^1\. Open the order$/m);
    assert.match(doc.text, /^2\. Choose Request refund$/m);
    assert.match(doc.text, /^- Keep the receipt$/m);
    assert.match(doc.text, /^\| Plan \| Refund window \|$/m);
    assert.match(doc.text, /^\| Pro \| 30 days \|$/m);
    // Readable text: no escapes, no link targets, no emphasis markers.
    assert.ok(doc.text.includes('request a refund within 30 days'));
    assert.ok(doc.text.includes('the help centre explains the snake_case field names'));
    assert.ok(!doc.text.includes('](/help)'));
    // The page's own <h1>, not the <title> with the site's name.
    assert.equal(doc.title, 'Refund policy');
  });

  test('a short page keeps its body text without the page furniture', async () => {
    const doc = await load(
      'short.htm',
      '<html><head><title>Note</title></head><body><nav>Home About</nav><div>Short body note.</div><footer>foot</footer></body></html>',
    );
    assert.equal(doc.text, 'Short body note.');
    assert.equal(doc.title, 'Note');
  });

  test('fragments and sloppy pages still give their text', async () => {
    const fragment = await load('fragment.html', 'Plain words <b>in</b> an HTML file');
    assert.equal(fragment.text, 'Plain words in an HTML file');
    const headingOnly = await load('heading.html', '<body><h1>Only a heading</h1></body>');
    assert.equal(headingOnly.text, '# Only a heading');
    const noBody = await load('nobody.html', '<head><title>Loose</title></head><h2>Loose section</h2><p>Text outside any body.</p>');
    assert.match(noBody.text, /^## Loose section\n\nText outside any body\.$/);
    assert.equal(noBody.title, 'Loose');
  });
});

async function makeThreePagePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Quarterly Handbook');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const pageLines = [
    ['Chapter one: onboarding', 'Alpha marker sentence lives on the first page.'],
    ['Chapter two: expenses', 'Bravo marker sentence lives on the second page.'],
    ['Chapter three: travel', 'Charlie marker sentence lives on the third page.'],
  ];
  for (const lines of pageLines) {
    const page = pdf.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 24, size: 14, font }));
  }
  return pdf.save();
}

describe('pdf', () => {
  test('generated 3-page PDF: pages joined by a blank line, spans point at the right pages', async () => {
    const doc = await load('handbook.pdf', await makeThreePagePdf());
    assert.equal(doc.format, 'pdf');
    assert.equal(doc.title, 'Quarterly Handbook');
    assert.deepEqual(doc.pages?.map((span) => span.page), [1, 2, 3]);
    assert.equal(pageOf(doc, 'Alpha marker'), 1);
    assert.equal(pageOf(doc, 'Bravo marker'), 2);
    assert.equal(pageOf(doc, 'Charlie marker'), 3);
    const [first, second] = doc.pages!;
    assert.equal(doc.text.slice(first.end, second.start), '\n\n');
    assert.ok(doc.text.slice(second.start, second.end).startsWith('Chapter two: expenses'));
    assert.equal(doc.pages!.at(-1)!.end, doc.text.length);
    assert.equal(doc.metadata?.pageCount, 3);
  });

  test('generated PDF without a Title falls back to the file name; lines in reading order', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (const lines of [['Net Sales rose', 'Comparable Sales rose too'], ['SIGNATURES', 'Pursuant to the requirements']]) {
      const page = pdf.addPage([612, 792]);
      lines.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 24, size: 12, font }));
    }
    const doc = await load('ACME_8K_dated-2024-01-02.pdf', await pdf.save({ updateFieldAppearances: false }));
    assert.equal(doc.title, 'ACME_8K_dated-2024-01-02');
    assert.equal(pageOf(doc, 'SIGNATURES'), 2);
    assert.ok(doc.text.indexOf('Net Sales rose') < doc.text.indexOf('Comparable Sales rose too'));
  });

  test('real earnings release: metadata title, page numbers and reading order', { skip: REAL_PDFS }, async () => {
    const doc = await loadFile(join(PDF_DIR, 'ULTABEAUTY_2023Q4_EARNINGS.pdf')).then((file) => file.document);
    assert.equal(doc.title, 'Ulta Beauty Announces Fourth Quarter Fiscal 2022 Results');
    assert.equal(doc.pages?.length, 9);
    assert.equal(pageOf(doc, 'Conference Call Information'), 4);
    assert.equal(pageOf(doc, 'Consolidated Statements of Income'), 6);
    assert.equal(pageOf(doc, 'Condensed Consolidated Balance Sheets'), 7);
    const headline = doc.text.indexOf('Net Sales of $3.2 Billion');
    const comparable = doc.text.indexOf('Comparable Sales Increased 15.6%');
    assert.ok(headline >= 0 && comparable > headline, 'page 1 lines in reading order');
    for (let i = 1; i < doc.pages!.length; i++) assert.ok(doc.pages![i].start > doc.pages![i - 1].end);
  });

  test('real 8-K without a Title falls back to the file name; signatures on page 3', { skip: REAL_PDFS }, async () => {
    const bytes = new Uint8Array(await readFile(join(PDF_DIR, 'AMCOR_2022_8K_dated-2022-07-01.pdf')));
    const doc = await load('AMCOR_2022_8K_dated-2022-07-01.pdf', bytes);
    assert.equal(doc.title, 'AMCOR_2022_8K_dated-2022-07-01');
    assert.equal(pageOf(doc, 'SIGNATURES'), 3);
    assert.equal(pageOf(doc, 'SECOND SUPPLEMENTAL INDENTURE'), 4);
    assert.ok(bytes.byteLength > 0, 'the caller’s buffer is not detached');
  });
});

describe('docx', () => {
  test('generated DOCX keeps headings and lists as Markdown; title from the first heading', async () => {
    const document = new Document({
      title: 'Core properties title',
      sections: [
        {
          children: [
            new Paragraph({ text: 'Onboarding Guide', heading: HeadingLevel.HEADING_1 }),
            new Paragraph({ children: [new TextRun('Welcome to the '), new TextRun({ text: 'team', bold: true }), new TextRun('.')] }),
            new Paragraph({ text: 'First week', heading: HeadingLevel.HEADING_2 }),
            new Paragraph({ text: 'Collect your laptop', bullet: { level: 0 } }),
            new Paragraph({ text: 'Meet your buddy', bullet: { level: 0 } }),
          ],
        },
      ],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(document));
    const doc = await load('guide.docx', bytes);
    assert.equal(doc.format, 'docx');
    assert.equal(doc.title, 'Onboarding Guide');
    assert.match(doc.text, /^# Onboarding Guide$/m);
    assert.match(doc.text, /^Welcome to the team\.$/m);
    assert.match(doc.text, /^## First week$/m);
    assert.match(doc.text, /^- Collect your laptop$/m);
    assert.match(doc.text, /^- Meet your buddy$/m);
  });
});

describe('csv', () => {
  test('one line per record, empty values skipped, quoted commas and newlines kept on the line', async () => {
    const csv = 'name,team,notes\r\nAda,Platform,"likes tea, not coffee"\nBob,,"two\nlines"\n\nCy,Data,\n';
    const doc = await load('people.csv', csv);
    assert.equal(doc.format, 'csv');
    assert.equal(
      doc.text,
      'name: Ada · team: Platform · notes: likes tea, not coffee\nname: Bob · notes: two lines\nname: Cy · team: Data',
    );
    assert.deepEqual(doc.metadata, { columns: ['name', 'team', 'notes'], rowCount: 3, delimiter: ',' });
  });

  test('tsv and semicolon-separated csv', async () => {
    const tsv = await load('t.tsv', 'id\tcity\n1\tOslo\n');
    assert.equal(tsv.text, 'id: 1 · city: Oslo');
    const semicolon = await load('s.csv', 'id;price\n1;3,50\n');
    assert.equal(semicolon.text, 'id: 1 · price: 3,50');
  });
});

describe('json and jsonl', () => {
  test('array of records: nested keys flattened, records separated by a blank line', async () => {
    const json = JSON.stringify([
      { id: 1, user: { name: 'Ada', address: { city: 'Oslo' } }, tags: ['a', 'b'], note: null },
      { id: 2, items: [{ sku: 'X1' }, { sku: 'Y2' }], empty: '' },
    ]);
    const doc = await load('records.json', json);
    assert.equal(doc.format, 'json');
    assert.equal(doc.text, 'id: 1\nuser.name: Ada\nuser.address.city: Oslo\ntags: a, b\n\nid: 2\nitems[0].sku: X1\nitems[1].sku: Y2');
    assert.equal(doc.metadata?.recordCount, 2);
  });

  test('a single object is one record', async () => {
    const doc = await load('config.json', '{"service": {"port": 8080, "tls": true}}');
    assert.equal(doc.text, 'service.port: 8080\nservice.tls: true');
  });

  test('a .json file that is really JSON Lines is read line by line, with a warning', async () => {
    const doc = await load('export.json', '{"q":"first"}\n{"q":"second"}\n');
    assert.equal(doc.text, 'q: first\n\nq: second');
    assert.match(doc.warnings?.[0] ?? '', /JSON Lines/);
  });

  test('jsonl: one record per line, blank lines ignored', async () => {
    const doc = await load('events.ndjson', '{"event":"login","user":"ada"}\n\n{"event":"logout","user":"bob"}\n');
    assert.equal(doc.format, 'jsonl');
    assert.equal(doc.text, 'event: login\nuser: ada\n\nevent: logout\nuser: bob');
    assert.equal(doc.metadata?.recordCount, 2);
  });
});

describe('loadFile', () => {
  test('reads from disk and returns bytes, size and modification time with the document', async () => {
    const path = join(dir, 'readme.md');
    await writeFile(path, '# Hello\nWorld\n');
    const file = await loadFile(path);
    assert.equal(file.path, path);
    assert.equal(file.sizeBytes, 14);
    assert.equal(file.bytes.byteLength, 14);
    assert.ok(!Number.isNaN(Date.parse(file.modifiedAt)));
    assert.equal(file.document.title, 'Hello');
  });
});
