import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTailorError, type ErrorCode } from '../src/core/errors.js';
import { LoadBudget } from '../src/ingest/loaders/budget.js';
import { loadDocument } from '../src/ingest/loaders/index.js';
import { openZip } from '../src/ingest/loaders/zip.js';
import { deflateBomb } from './fixtures/bad-inputs.js';
import { makeEpub, makeOdt, makePptx, makeXlsx } from './fixtures/office-files.js';
import { makeZip } from './helpers/zip.js';

async function failsWith(code: ErrorCode, run: () => unknown) {
  try {
    await run();
  } catch (error) {
    assert.ok(isTailorError(error), String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

const MB = 1024 * 1024;

describe('one budget for every loader', () => {
  test('every container format stops at the decompressed-bytes cap, honest or lying about its size', async () => {
    const big = 'x'.repeat(3 * MB);
    const files: Record<string, Uint8Array> = {
      'a.pptx': makePptx([{ title: 'Big', body: [big] }]),
      'a.xlsx': makeXlsx([{ name: 'S', rows: [['h'], [big]] }]),
      'a.odt': makeOdt(`<text:p>${big}</text:p>`),
      'a.epub': makeEpub('Big', [{ file: 'c.xhtml', html: `<p>${big}</p>` }], ['c.xhtml']),
    };
    for (const [path, bytes] of Object.entries(files)) {
      const error = await failsWith('LIMIT_EXCEEDED', () => loadDocument({ path, bytes }, { limits: { maxDecompressedBytes: 2 * MB } }));
      assert.equal(error.details.limit, 'maxDecompressedBytes', path);
      assert.match(error.message, /--max-decompressed-bytes/);
      // Under a cap that fits, the same file loads.
      assert.ok((await loadDocument({ path, bytes }, { limits: { maxDecompressedBytes: 8 * MB } })).text.includes('xxxx'), path);
    }
    const lying = makeZip([{ name: 'content.xml', data: deflateBomb('<office:document-content>', 50), deflated: true, declaredSize: 100 }]);
    const error = await failsWith('LIMIT_EXCEEDED', () => openZip(lying, new LoadBudget('lie.odt', { maxDecompressedBytes: 4 * MB }), 'ODT').read('content.xml'));
    assert.match(error.message, /inflates to more than 4\.0 MB/);
  });

  test('declared sizes over the cap are refused before any part is inflated', async () => {
    const declared = makeZip([{ name: 'word/document.xml', data: deflateBomb('<w:document>', 8), deflated: true, declaredSize: 8 * MB }]);
    const budget = new LoadBudget('big.docx', { maxDecompressedBytes: MB });
    await failsWith('LIMIT_EXCEEDED', () => openZip(declared, budget, 'DOCX'));
    assert.equal(budget.decompressedLeft, MB, 'nothing was inflated');
  });

  test('a password-protected part is ENCRYPTED_DOCUMENT; an unknown compression method or a cut archive is PARSE_FAILED', async () => {
    const zip = Buffer.from(makeZip([{ name: 'content.xml', data: '<a/>' }]));
    zip.writeUInt16LE(1, zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8); // the encrypted flag in the central directory
    await failsWith('ENCRYPTED_DOCUMENT', () => openZip(new Uint8Array(zip), new LoadBudget('locked.odt'), 'ODT').read('content.xml'));
    const lzma = Buffer.from(makeZip([{ name: 'content.xml', data: '<a/>' }]));
    lzma.writeUInt16LE(14, lzma.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    const error = await failsWith('PARSE_FAILED', () => openZip(new Uint8Array(lzma), new LoadBudget('x.odt'), 'ODT').read('content.xml'));
    assert.match(error.message, /compression method 14/);
    const whole = makeZip([{ name: 'content.xml', data: '<a/>' }]);
    await failsWith('PARSE_FAILED', () => openZip(whole.subarray(0, whole.length - 30), new LoadBudget('cut.odt'), 'ODT'));
  });

  test('nesting depth: HTML, XML parts and JSON past the cap are LIMIT_EXCEEDED; real depths pass', async () => {
    const html = `<html><body>${'<div>'.repeat(5000)}deep${'</div>'.repeat(5000)}</body></html>`;
    const error = await failsWith('LIMIT_EXCEEDED', () => loadDocument({ path: 'deep.html', bytes: new TextEncoder().encode(html) }));
    assert.equal(error.details.limit, 'maxDepth');
    // Unclosed <p> and <li>, void elements and scripts with "<div>" in them do not count as nesting.
    const sloppy = `<html><body>${'<p>para <br> <img src=x>'.repeat(300)}<ul>${'<li>item'.repeat(300)}</ul><script>var s = "${'<div>'.repeat(3000)}";</script></body></html>`;
    assert.match((await loadDocument({ path: 'sloppy.html', bytes: new TextEncoder().encode(sloppy) }, { limits: { maxDepth: 100 } })).text, /para/);
    await failsWith('LIMIT_EXCEEDED', () => loadDocument({ path: 'deep.json', bytes: new TextEncoder().encode(`{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`) }));
    await failsWith('LIMIT_EXCEEDED', () => loadDocument({ path: 'deep.jsonl', bytes: new TextEncoder().encode(`{"a":1}\n${'['.repeat(2000)}${']'.repeat(2000)}\n`) }));
    await failsWith('LIMIT_EXCEEDED', () => loadDocument({ path: 'deep.odt', bytes: makeOdt(`${'<text:span>'.repeat(1200)}x${'</text:span>'.repeat(1200)}`) }));
    const nested = new TextEncoder().encode(`<html><body>${'<div>'.repeat(150)}deep${'</div>'.repeat(150)}</body></html>`);
    await failsWith('LIMIT_EXCEEDED', () => loadDocument({ path: 'nested.html', bytes: nested }, { limits: { maxDepth: 100 } }));
    assert.match((await loadDocument({ path: 'nested.html', bytes: nested }, { limits: { maxDepth: 200 } })).text, /deep/);
  });

  test('a top-level JSON array is read element by element, with the element that breaks named by line', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => `{"id": ${i}, "name": "item ${i}", "tags": ["t${i % 3}"]}`);
    const doc = await loadDocument({ path: 'items.json', bytes: new TextEncoder().encode(`[\n${items.join(',\n')}\n]`) });
    assert.equal(doc.metadata?.recordCount, 5000);
    assert.match(doc.text, /^id: 0\nname: item 0\ntags: t0\n\nid: 1\n/);
    assert.match(doc.text, /id: 4999\nname: item 4999\ntags: t1$/);
    const broken = [...items.slice(0, 3), '{"id": 3, "name": oops}', ...items.slice(4, 6)];
    const error = await failsWith('PARSE_FAILED', () => loadDocument({ path: 'broken.json', bytes: new TextEncoder().encode(`[\n${broken.join(',\n')}\n]`) }));
    assert.equal(error.details.line, 5);
    // Strings holding brackets and escaped quotes do not confuse the element boundaries.
    const tricky = await loadDocument({ path: 't.json', bytes: new TextEncoder().encode('[{"a":"[{\\"x\\"]}"}, "plain, with comma", 3]') });
    assert.equal(tricky.text, 'a: [{"x"]}\n\nplain, with comma\n\n3');
  });

  test('wall time per file is checked between a loader’s stages', () => {
    let now = 0;
    const budget = new LoadBudget('slow.html', { maxMillis: 1000 }, () => now);
    budget.checkTime('parsing');
    now = 1500;
    const error = (() => {
      try {
        budget.checkTime('converting to Markdown');
      } catch (e) {
        return e;
      }
    })();
    assert.ok(isTailorError(error) && error.code === 'LIMIT_EXCEEDED');
    assert.match(error.message, /took 1\.5 s to load \(stopped after converting to Markdown\), over the 1 s limit/);
    assert.match(error.message, /--max-seconds/);
  });

  test('limits must be positive numbers', async () => {
    await failsWith('INVALID_ARGUMENT', () => new LoadBudget('x', { maxDepth: Number.NaN }));
    await failsWith('INVALID_ARGUMENT', () => new LoadBudget('x', { maxDecompressedBytes: -1 }));
  });
});
