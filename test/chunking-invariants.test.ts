import { createRandom } from '../src/core/random.js';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { abstractRecords, ABSTRACTS_NAME } from './helpers/corpus.js';
import { chunkDocument, countTokens, type ChunkDraft, type ChunkOptions } from '../src/chunking/index.js';
import type { DocumentFormat, PageSpan } from '../src/core/types.js';

interface Doc {
  text: string;
  format: DocumentFormat;
  pages?: PageSpan[];
}

/** The chunker's contract, checked on one document. */
function assertValidChunks(doc: Doc, chunks: ChunkDraft[], options: ChunkOptions = {}): void {
  const maxTokens = options.maxTokens ?? 200;
  const limit = maxTokens + (options.minTokens ?? 0);
  const covered = new Uint8Array(doc.text.length);
  chunks.forEach((chunk, i) => {
    assert.equal(chunk.ordinal, i);
    assert.equal(chunk.text, doc.text.slice(chunk.start, chunk.end), `chunk ${i} is not an exact slice`);
    assert.ok(chunk.text.length > 0, `chunk ${i} is empty`);
    assert.equal(chunk.text, chunk.text.trim(), `chunk ${i} is not trimmed`);
    assert.equal(chunk.tokenCount, countTokens(chunk.text));
    assert.ok(chunk.tokenCount <= limit, `chunk ${i} has ${chunk.tokenCount} tokens > ${limit}`);
    if (i > 0) {
      assert.ok(chunk.start > chunks[i - 1].start, `chunk ${i} starts before or with chunk ${i - 1}`);
      assert.ok(chunk.end > chunks[i - 1].end, `chunk ${i} ends before or with chunk ${i - 1}`);
      if (!options.overlapTokens) assert.ok(chunk.start >= chunks[i - 1].end, `chunk ${i} overlaps without overlapTokens`);
    }
    if (doc.pages && doc.pages.length > 0) {
      const page = doc.pages.find((p) => chunk.start >= p.start && chunk.start < p.end);
      if (page) assert.equal(chunk.page, page.page);
      const crosses = doc.pages.some((p) => p.start > chunk.start && p.start < chunk.end);
      assert.ok(!crosses, `chunk ${i} crosses a page start`);
    } else {
      assert.equal(chunk.page, undefined);
    }
    covered.fill(1, chunk.start, chunk.end);
  });
  for (let i = 0; i < doc.text.length; i++) {
    if (!covered[i] && /\S/.test(doc.text[i])) {
      assert.fail(`character ${i} ${JSON.stringify(doc.text.slice(Math.max(0, i - 20), i + 20))} is in no chunk`);
    }
  }
}

const SAMPLES: Doc[] = [
  {
    format: 'markdown',
    text: [
      '# Tailor guide',
      '',
      'Tailor makes an LLM know your data. It cites every claim.',
      '',
      '## Install',
      '',
      '### Linux',
      '',
      '- Download the package.\n- Run `npm install -g tailor`.\n  - On Debian, use sudo.\n- Check with `tailor --version`.',
      '',
      '```sh\nnpm install -g tailor\ntailor init\n```',
      '',
      '| OS | Supported |\n|----|-----------|\n| Linux | yes |\n| macOS | yes |\n| Windows | partly |',
      '',
      'Setext section\n--------------',
      '',
      '> A quote that spans\n> two lines.',
      '',
      '[docs]: https://example.com/docs',
      '',
      '***',
      '',
      '<div>raw html</div>',
    ].join('\n'),
  },
  { format: 'html', text: '# Page title\n\nIntro paragraph with a [link](https://x.y).\n\n## Section\n\n1. first\n2. second\n' },
  { format: 'docx', text: 'Preamble before any heading.\r\n\r\n# Heading One\r\n\r\nBody text.\r\n\r\n## Heading Two\r\n\r\n| a | b |\r\n| --- | --- |\r\n| 1 | 2 |\r\n' },
  { format: 'text', text: '  Leading spaces.\n\nA paragraph with two sentences. Here is the second one!\n\n\n\nLast paragraph\nwrapped over\nthree lines.  \n' },
  {
    format: 'pdf',
    text: 'Page one text. It continues.\n\nPage two text starts here and\ncontinues.\n\nPage three.',
    pages: [
      { page: 1, start: 0, end: 28 },
      { page: 2, start: 30, end: 70 },
      { page: 3, start: 72, end: 83 },
    ],
  },
  { format: 'csv', text: 'name,age,city\nAlice,30,Paris\nBob,25,"New York"\nCarol,41,Berlin\n' },
  { format: 'json', text: 'name: Alice\nage: 30\n\nname: Bob\nage: 25\nnotes: Likes long walks. Also chess.\n' },
  { format: 'jsonl', text: '{"id":1,"text":"first record"}\n\n{"id":2,"text":"second record"}\n' },
  { format: 'markdown', text: '' },
  { format: 'text', text: ' \n\t\n ' },
  { format: 'markdown', text: 'x' },
];

describe('chunkDocument invariants', () => {
  for (const sample of SAMPLES) {
    for (const options of [{}, { maxTokens: 8 }, { maxTokens: 3 }, { maxTokens: 12, overlapTokens: 6 }, { maxTokens: 10, minTokens: 4 }, { maxTokens: 1 }]) {
      test(`${sample.format} ${JSON.stringify(sample.text.slice(0, 24))} ${JSON.stringify(options)}`, () => {
        assertValidChunks(sample, chunkDocument(sample, options), options);
      });
    }
  }

  test('the pdf sample is split at its pages and each chunk carries its page', () => {
    const pdf = SAMPLES.find((s) => s.format === 'pdf')!;
    const chunks = chunkDocument(pdf);
    assert.deepEqual(
      chunks.map((c) => c.page),
      [1, 2, 3],
    );
  });
});

/** A small deterministic PRNG so failures reproduce. */

const PIECES = [
  'word', 'Sentence ends here.', 'Why?', 'Wow!', ' ', ' ', '  ', '\n', '\n', '\n\n', '\r\n', '\t', '# ', '## ', '### ',
  '- ', '* ', '1. ', '> ', '```', '    ', '|', '| a | b |\n|---|---|\n| 1 | 2 |\n', '---', '===', '**bold**', '`code`',
  '[link](http://x.y)', '[a]: /u', '<div>', '</div>', 'naïve café', '日本語の文。', '😀', 'e.g.', 'Dr. Who', '12,345.67',
  'supercalifragilisticexpialidocious', '\u00a0', ',', '"q"', '{"k": 1}',
];
const FORMATS: DocumentFormat[] = ['markdown', 'html', 'docx', 'text', 'pdf', 'csv', 'json', 'jsonl'];

describe('chunkDocument on random inputs', () => {
  test('keeps every invariant on 600 random documents, formats and options', () => {
    const random = createRandom(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    for (let n = 0; n < 600; n++) {
      let text = '';
      const length = Math.floor(random() * 80);
      for (let i = 0; i < length; i++) text += pick(PIECES);
      if (random() < 0.1) text += 'x'.repeat(Math.floor(random() * 400));
      const format = pick(FORMATS);
      const maxTokens = 1 + Math.floor(random() * 40);
      const options: ChunkOptions = { maxTokens };
      if (random() < 0.4) options.overlapTokens = Math.floor(random() * maxTokens);
      if (random() < 0.3) options.minTokens = Math.floor(random() * maxTokens);
      const doc: Doc = { text, format };
      if (random() < 0.3 && text.length > 2) {
        const cut = 1 + Math.floor(random() * (text.length - 1));
        doc.pages = [
          { page: 1, start: 0, end: cut },
          { page: 2, start: cut, end: text.length },
        ];
      }
      try {
        assertValidChunks(doc, chunkDocument(doc, options), options);
      } catch (error) {
        throw new Error(`case ${n}: ${JSON.stringify({ doc, options })}\n${String(error)}`);
      }
    }
  });
});

const SHARED = new URL('../../shared/data/', import.meta.url);
const LEGALBENCH = new URL('legalbench-rag-qa/knowledge-base/', SHARED);

describe('chunkDocument on real documents', () => {
  test(`${ABSTRACTS_NAME} (first 500) as text and as markdown`, () => {
    for (const { title, text } of abstractRecords(0, 500)) {
      const plain: Doc = { text, format: 'text' };
      assertValidChunks(plain, chunkDocument(plain));
      const markdown: Doc = { text: `# ${title}\n\n${text}`, format: 'markdown' };
      const chunks = chunkDocument(markdown, { maxTokens: 120, overlapTokens: 30 });
      assertValidChunks(markdown, chunks, { maxTokens: 120, overlapTokens: 30 });
      for (const chunk of chunks) assert.deepEqual(chunk.headingPath, [title.replace(/\s+/g, ' ').trim()].filter(Boolean));
    }
  });

  test('LegalBench-RAG contracts as plain text', { skip: existsSync(LEGALBENCH) ? false : 'needs ../shared/data/legalbench-rag-qa (absent)' }, () => {
    const base = LEGALBENCH;
    const files = ['cuad/', 'maud/', 'privacy_qa/'].flatMap((sub) =>
      readdirSync(new URL(sub, base)).sort().slice(0, 2).map((name) => new URL(sub + encodeURIComponent(name), base)),
    );
    assert.ok(files.length > 0);
    for (const file of files) {
      const doc: Doc = { text: readFileSync(file, 'utf8'), format: 'text' };
      const options = { maxTokens: 256, overlapTokens: 32 };
      const chunks = chunkDocument(doc, options);
      assert.ok(chunks.length > 3);
      assertValidChunks(doc, chunks, options);
    }
  });
});
