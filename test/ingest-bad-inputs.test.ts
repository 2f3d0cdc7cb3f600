import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, rgb } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { isTailorError, type ErrorCode } from '../src/core/errors.js';
import { loadDocument, loadFile } from '../src/ingest/loaders/index.js';

const PDF_DIR = fileURLToPath(new URL('../../shared/data/pdfs/', import.meta.url));
const encode = (text: string) => new TextEncoder().encode(text);

/** Runs `run`, asserts it fails with a TailorError of `code`, and returns that error. */
async function failsWith(code: ErrorCode, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    assert.ok(isTailorError(error), `expected a TailorError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}
const loadBytes = (path: string, bytes: Uint8Array | string) =>
  loadDocument({ path, bytes: typeof bytes === 'string' ? encode(bytes) : bytes });

// ---- A genuinely encrypted PDF (Standard security handler, revision 2, 40-bit RC4), built by hand
// ---- because no tool here writes encrypted PDFs. The test also opens it with the password to prove
// ---- the encryption is real, not a fake dictionary.

const PASSWORD_PAD = Buffer.from(
  '28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a',
  'hex',
);
const md5 = (...parts: Uint8Array[]) => createHash('md5').update(Buffer.concat(parts)).digest();

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

const padPassword = (password: string) => Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PAD]).subarray(0, 32);

function makeEncryptedPdf(userPassword: string, ownerPassword: string, text: string): Uint8Array {
  const permissions = -44;
  const fileId = createHash('md5').update('tailor-test').digest();
  const ownerEntry = rc4(md5(padPassword(ownerPassword)).subarray(0, 5), padPassword(userPassword)); // Algorithm 3
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(permissions);
  const fileKey = md5(padPassword(userPassword), ownerEntry, pBytes, fileId).subarray(0, 5); // Algorithm 2
  const userEntry = rc4(fileKey, PASSWORD_PAD); // Algorithm 4
  const objectKey = (num: number) => md5(fileKey, Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, 0, 0])).subarray(0, 10);

  const content = rc4(objectKey(4), Buffer.from(`BT /F1 24 Tf 72 700 Td (${text}) Tj ET`, 'latin1'));
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    Buffer.from(`<< /Filter /Standard /V 1 /R 2 /O <${ownerEntry.toString('hex')}> /U <${userEntry.toString('hex')}> /P ${permissions} >>`),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((body, index) => {
    offsets.push(length);
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    length += object.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<${fileId.toString('hex')}> <${fileId.toString('hex')}>] >>\n` +
    `startxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref));
  return new Uint8Array(Buffer.concat(parts));
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tailor-bad-inputs-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function severalPagePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let p = 0; p < 6; p++) {
    const page = pdf.addPage([612, 792]);
    for (let i = 0; i < 30; i++) page.drawText(`Page ${p + 1}, line ${i + 1}: the quarterly report continues here.`, { x: 40, y: 760 - i * 24, size: 10 });
  }
  return pdf.save({ useObjectStreams: false });
}

describe('pdf failures', () => {
  test('truncated PDF → PARSE_FAILED', async () => {
    // A real 8-K where ../shared has it, else a several-page PDF made here.
    const real = join(PDF_DIR, 'FOOTLOCKER_2022_8K_dated-2022-05-20.pdf');
    const full = existsSync(real) ? await readFile(real) : Buffer.from(await severalPagePdf());
    const error = await failsWith('PARSE_FAILED', () => loadBytes('cut.pdf', new Uint8Array(full.subarray(0, full.length >> 1))));
    assert.match(error.message, /truncated or corrupt/);
  });

  test('bytes that are not a PDF at all → PARSE_FAILED', async () => {
    await failsWith('PARSE_FAILED', () => loadBytes('fake.pdf', 'this is plain text pretending to be a PDF'));
  });

  test('password-protected PDF → ENCRYPTED_DOCUMENT (and the fixture really opens with its password)', async () => {
    const bytes = makeEncryptedPdf('open-sesame', 'owner-secret', 'Quarterly secret numbers');
    const withPassword = await getDocumentProxy(new Uint8Array(bytes), { password: 'open-sesame', verbosity: 0 });
    const { text } = await extractText(withPassword, { mergePages: true });
    assert.match(text, /Quarterly secret numbers/);
    await withPassword.destroy();

    const error = await failsWith('ENCRYPTED_DOCUMENT', () => loadBytes('locked.pdf', bytes));
    assert.match(error.message, /password/);
  });

  test('PDF with pages but no text (scanned) → EMPTY_DOCUMENT asking for OCR', async () => {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 2; i++) pdf.addPage([300, 300]).drawRectangle({ x: 20, y: 20, width: 200, height: 100, color: rgb(0.2, 0.2, 0.2) });
    const error = await failsWith('EMPTY_DOCUMENT', async () => loadBytes('scan.pdf', await pdf.save()));
    assert.match(error.message, /OCR/);
    assert.equal(error.details.pageCount, 2);
  });
});

describe('text guards', () => {
  test('binary bytes in a .txt → BINARY_CONTENT', async () => {
    const bytes = new Uint8Array(2048).map((_, i) => (i * 37) & 0xff);
    await failsWith('BINARY_CONTENT', () => loadBytes('photo.txt', bytes));
    // Control bytes without NULs are binary too once they are a large share.
    const controls = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x01 : 0x41));
    await failsWith('BINARY_CONTENT', () => loadBytes('dump.md', controls));
  });

  test('empty and whitespace-only files → EMPTY_DOCUMENT', async () => {
    await failsWith('EMPTY_DOCUMENT', () => loadBytes('empty.md', new Uint8Array(0)));
    await failsWith('EMPTY_DOCUMENT', () => loadBytes('blank.txt', ' \n\t\r\n  '));
    await failsWith('EMPTY_DOCUMENT', () => loadBytes('bom-only.txt', new Uint8Array([0xef, 0xbb, 0xbf])));
    await failsWith('EMPTY_DOCUMENT', () => loadBytes('empty.json', '[]'));
    await failsWith('EMPTY_DOCUMENT', () => loadBytes('header-only.csv', 'a,b\n'));
    await failsWith('EMPTY_DOCUMENT', () => loadBytes('chrome.html', '<html><body><script>x()</script><nav>Home</nav></body></html>'));
  });

  test('invalid UTF-8 (Latin-1 bytes) → INVALID_ENCODING with the byte offset and an iconv hint', async () => {
    const latin1 = Buffer.from('Caf\u00e9 menu\n', 'latin1'); // é is the single byte 0xE9 at offset 3
    const error = await failsWith('INVALID_ENCODING', () => loadBytes('menu.txt', new Uint8Array(latin1)));
    assert.equal(error.details.byteOffset, 3);
    assert.match(error.message, /offset 3/);
    assert.match(error.message, /iconv -f latin1 -t utf-8/);
  });

  test('an HTML page that is not UTF-8 but declares its charset is decoded as declared; undeclared stays INVALID_ENCODING', async () => {
    const page = (meta: string) => new Uint8Array(Buffer.from(`<html><head>${meta}<title>Caf\u00e9 news</title></head><body><p>Le caf\u00e9 ouvre \u00e0 huit heures du matin, tous les jours de la semaine.</p></body></html>`, 'latin1'));
    const doc = await loadBytes('news.html', page('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'));
    assert.match(doc.text, /Le café ouvre à huit heures/);
    assert.equal(doc.title, 'Café news');
    assert.equal(doc.metadata?.encoding, 'windows-1252');
    assert.match(doc.warnings?.join(' ') ?? '', /decoded as windows-1252/);
    await failsWith('INVALID_ENCODING', () => loadBytes('plain.html', page('')));
  });

  test('UTF-16 LE and BE with a byte-order mark are decoded, and the encoding is stated', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Größe,Preis\r\nKlein,5 €\r\n', 'utf16le')]);
    const csv = await loadBytes('export.csv', new Uint8Array(le));
    assert.equal(csv.text, 'Größe: Klein · Preis: 5 €');
    assert.equal(csv.metadata?.encoding, 'utf-16le');
    assert.match(csv.warnings?.join(' ') ?? '', /UTF-16LE/);
    const be = Buffer.from('hello world', 'utf16le').swap16();
    const text = await loadBytes('notes.txt', new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be])));
    assert.equal(text.text, 'hello world');
    assert.equal(text.metadata?.encoding, 'utf-16be');
    // An odd byte count cannot be UTF-16.
    const odd = await failsWith('INVALID_ENCODING', () => loadBytes('cut.txt', new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42])));
    assert.match(odd.message, /UTF-16LE/);
  });
});

describe('structured format failures', () => {
  test('corrupt DOCX → PARSE_FAILED', async () => {
    await failsWith('PARSE_FAILED', () => loadBytes('report.docx', 'not a zip at all'));
    // A real zip header with a truncated body.
    await failsWith('PARSE_FAILED', () => loadBytes('cut.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5])));
  });

  test('ragged CSV rows are read and reported by line; an unclosed quote → PARSE_FAILED naming the line', async () => {
    const ragged = await loadBytes('export.csv', 'a,b\n1,2\n3,4,5\n6\n7,8\n');
    assert.deepEqual(ragged.metadata?.raggedLines, [3, 4]);
    assert.match(ragged.warnings?.[0] ?? '', /lines 3, 4/);
    assert.equal(ragged.text, 'a: 1 · b: 2\na: 3 · b: 4 · column 3: 5\na: 6\na: 7 · b: 8');
    const unclosed = await failsWith('PARSE_FAILED', () => loadBytes('quote.csv', 'a,b\n1,"open\n'));
    assert.match(unclosed.message, /line \d/);
  });

  test('invalid JSON → PARSE_FAILED with line and column', async () => {
    const error = await failsWith('PARSE_FAILED', () => loadBytes('bad.json', '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}'));
    // The parser stops at the token after the missing comma: "c" on line 4, column 3.
    assert.deepEqual([error.details.line, error.details.column], [4, 3]);
    assert.match(error.message, /line 4, column 3/);
  });

  test('JSONL with one bad line → PARSE_FAILED naming that line', async () => {
    const error = await failsWith('PARSE_FAILED', () => loadBytes('events.jsonl', '{"a":1}\n{"a":2}\n{"a":3,,}\n{"a":4}\n'));
    assert.equal(error.details.line, 3);
    assert.match(error.message, /line 3/);
  });

  test('a PPTX that is not a zip → PARSE_FAILED; binary content under an unknown name → UNSUPPORTED_FORMAT listing the supported ones', async () => {
    await failsWith('PARSE_FAILED', () => loadBytes('slides.pptx', 'whatever'));
    const error = await failsWith('UNSUPPORTED_FORMAT', () => loadBytes('core.dump', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1])));
    assert.match(error.message, /\.md/);
    assert.match(error.message, /\.pdf/);
    assert.ok(Array.isArray(error.details.supported));
  });
});

describe('paths and sizes', () => {
  test('a 200 MB file → FILE_TOO_LARGE before anything is read, with the way to raise the limit', async () => {
    const path = join(dir, 'huge.txt');
    await writeFile(path, '');
    await truncate(path, 200 * 1024 * 1024); // sparse: instant, takes no disk
    const started = performance.now();
    const error = await failsWith('FILE_TOO_LARGE', () => loadFile(path));
    assert.ok(performance.now() - started < 1000, 'fails without reading the file');
    assert.equal(error.details.sizeBytes, 200 * 1024 * 1024);
    assert.match(error.message, /200\.0 MB/);
    assert.match(error.message, /maxBytes/);
  });

  test('maxBytes applies to bytes already in memory too', async () => {
    await failsWith('FILE_TOO_LARGE', () => loadDocument({ path: 'a.md', bytes: encode('# twelve bytes') }, { maxBytes: 10 }));
  });

  // Tests run as root, which can read chmod-000 files, so unreadability is made with a
  // directory that has a file's name and with a dangling symbolic link.
  test('a directory named x.txt → UNREADABLE_PATH', async () => {
    const path = join(dir, 'x.txt');
    await mkdir(path);
    const error = await failsWith('UNREADABLE_PATH', () => loadFile(path));
    assert.match(error.message, /directory/);
  });

  test('a dangling symlink → UNREADABLE_PATH; a missing path → NOT_FOUND', async () => {
    const link = join(dir, 'gone.md');
    await symlink(join(dir, 'never-existed.md'), link);
    const error = await failsWith('UNREADABLE_PATH', () => loadFile(link));
    assert.match(error.message, /symbolic link/);
    await failsWith('NOT_FOUND', () => loadFile(join(dir, 'missing.md')));
  });
});
