import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Lexer, type Token } from 'marked';
import { chunkDocument, countTokens } from '../src/chunking/index.js';
import { markdownStructure } from '../src/chunking/markdown.js';
import { isTailorError } from '../src/core/errors.js';

const texts = (chunks: { text: string }[]) => chunks.map((c) => c.text);

describe('markdown structure', () => {
  const guide = [
    '# Guide',
    '',
    '## Install',
    '',
    'Run the installer. It takes a minute.',
    '',
    '### Linux',
    '',
    'Use the package manager.',
    '',
    '## Use',
    '',
    'Ask **questions**.',
  ].join('\n');

  test('heading paths nest and a new heading starts a new chunk', () => {
    const chunks = chunkDocument({ text: guide, format: 'markdown' });
    assert.deepEqual(
      chunks.map((c) => c.headingPath),
      [['Guide', 'Install'], ['Guide', 'Install', 'Linux'], ['Guide', 'Use']],
    );
    // The bare "# Guide" heading is carried into its first sub-section rather than left alone.
    assert.deepEqual(texts(chunks), [
      '# Guide\n\n## Install\n\nRun the installer. It takes a minute.',
      '### Linux\n\nUse the package manager.',
      '## Use\n\nAsk **questions**.',
    ]);
  });

  test('heading paths use the text a reader sees, for ATX and setext headings', () => {
    const text = '# The `tailor` **CLI** [docs](http://x)\n\nBody.\n\nSub part\n--------\n\nMore.';
    const chunks = chunkDocument({ text, format: 'markdown' });
    assert.deepEqual(
      chunks.map((c) => c.headingPath),
      [['The tailor CLI docs'], ['The tailor CLI docs', 'Sub part']],
    );
  });

  test('skipping heading levels and going back up keeps the right path', () => {
    const text = '# A\n\ntext a\n\n### C\n\ntext c\n\n## B\n\ntext b\n\n# D\n\ntext d';
    assert.deepEqual(
      chunkDocument({ text, format: 'markdown' }).map((c) => c.headingPath),
      [['A'], ['A', 'C'], ['A', 'B'], ['D']],
    );
  });

  test('consecutive blocks of a section are packed up to maxTokens', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph number ${i} has a few words.`);
    const text = '# Notes\n\n' + paragraphs.join('\n\n');
    const chunks = chunkDocument({ text, format: 'markdown' }, { maxTokens: 30 });
    assert.ok(chunks.length > 1 && chunks.length < paragraphs.length);
    for (const chunk of chunks) {
      assert.ok(chunk.tokenCount <= 30);
      // Blocks that fit are never cut: each chunk holds whole paragraphs.
      for (const line of chunk.text.split('\n\n')) assert.ok(line === '# Notes' || paragraphs.includes(line), line);
    }
  });

  test('a long list is split between items, a long table between rows, a long code block between lines', () => {
    const items = Array.from({ length: 10 }, (_, i) => `- item ${i} with some words in it`);
    const rows = Array.from({ length: 10 }, (_, i) => `| row ${i} | value ${i} |`);
    const code = Array.from({ length: 10 }, (_, i) => `let value${i} = compute(${i});`);
    const text = ['# L', '', ...items, '', '# T', '', '| name | value |', '| --- | --- |', ...rows, '', '# C', '', '```js', ...code, '```'].join('\n');
    const chunks = chunkDocument({ text, format: 'markdown' }, { maxTokens: 40 });
    const lines = new Set([...items, ...rows, ...code, '# L', '# T', '# C', '| name | value |', '| --- | --- |', '```js', '```']);
    for (const chunk of chunks) {
      for (const line of chunk.text.split('\n').filter(Boolean)) assert.ok(lines.has(line), `chunk cut inside the line ${JSON.stringify(line)}`);
    }
    assert.ok(chunks.filter((c) => c.headingPath[0] === 'L').length > 1);
    assert.ok(chunks.filter((c) => c.headingPath[0] === 'T').length > 1);
    assert.ok(chunks.filter((c) => c.headingPath[0] === 'C').length > 1);
  });

  test('CRLF Markdown keeps its structure and exact offsets', () => {
    const text = '# One\r\n\r\nFirst.\r\n\r\n## Two\r\n\r\n- a\r\n- b\r\n';
    const chunks = chunkDocument({ text, format: 'markdown' });
    assert.deepEqual(
      chunks.map((c) => [c.text, c.headingPath]),
      [
        ['# One\r\n\r\nFirst.', ['One']],
        ['## Two\r\n\r\n- a\r\n- b', ['One', 'Two']],
      ],
    );
  });

  test('when the lexer raws stop matching the text, the rest is kept as paragraphs under the current heading', () => {
    const text = '# Kept\n\nFirst paragraph.\n\nSecond paragraph.\n\n## Lost heading\n\nThird.';
    const corrupting = (source: string): Token[] => {
      const tokens = new Lexer().lex(source);
      const second = tokens.findIndex((t, i) => i > 1 && t.type === 'paragraph');
      tokens[second] = { ...tokens[second], raw: tokens[second].raw + 'not in the source' } as Token;
      return tokens;
    };
    const { blocks, sections } = markdownStructure(text, corrupting);
    const blockTexts = blocks.map((b) => text.slice(b.start, b.end));
    assert.deepEqual(blockTexts, ['# Kept', 'First paragraph.', 'Second paragraph.', '## Lost heading', 'Third.']);
    assert.ok(blocks.slice(2).every((b) => sections[b.section].join('/') === 'Kept'));
  });
});

describe('plain text, csv and json', () => {
  test('text is split at paragraphs, then sentences, then words', () => {
    const sentence = 'This sentence has exactly eight words in it.';
    const long = Array.from({ length: 6 }, () => sentence).join(' ');
    const text = `Short intro.\n\n${long}\n\n${'word '.repeat(40).trim()}`;
    const chunks = chunkDocument({ text, format: 'text' }, { maxTokens: 25 });
    assert.equal(chunks[0].text, 'Short intro.');
    const sentenceChunks = chunks.filter((c) => c.text.startsWith('This'));
    assert.ok(sentenceChunks.length >= 3);
    for (const chunk of sentenceChunks) assert.match(chunk.text, /^(This sentence has exactly eight words in it\. ?)+$/);
    const wordChunks = chunks.filter((c) => c.text.startsWith('word'));
    assert.ok(wordChunks.length >= 2 && wordChunks.every((c) => /^(word ?)+$/.test(c.text) && c.tokenCount <= 25));
  });

  test('hard-wrapped lines do not end sentences, abbreviations do not either', () => {
    const text = 'Dr. Smith lives at St. Thomas and he\nwrites long wrapped\nlines. Then a second sentence follows here.';
    const chunks = chunkDocument({ text, format: 'pdf' }, { maxTokens: 16 });
    assert.deepEqual(texts(chunks), ['Dr. Smith lives at St. Thomas and he\nwrites long wrapped\nlines.', 'Then a second sentence follows here.']);
  });

  test('a word longer than the budget is cut into pieces that fit', () => {
    const blob = 'A'.repeat(50) + '😀'.repeat(10);
    const chunks = chunkDocument({ text: blob, format: 'text' }, { maxTokens: 4 });
    assert.equal(texts(chunks).join(''), blob);
    assert.ok(chunks.every((c) => c.tokenCount <= 4 && c.text.length > 0));
  });

  test('csv rows are packed whole', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},name ${i},city ${i}`);
    const text = ['id,name,city', ...rows].join('\n') + '\n';
    const chunks = chunkDocument({ text, format: 'csv' }, { maxTokens: 30 });
    assert.ok(chunks.length > 2);
    for (const chunk of chunks) for (const line of chunk.text.split('\n')) assert.ok(line === 'id,name,city' || rows.includes(line));
  });

  test('json records are packed whole', () => {
    const records = Array.from({ length: 8 }, (_, i) => `id: ${i}\ntitle: Record ${i}`);
    const chunks = chunkDocument({ text: records.join('\n\n'), format: 'jsonl' }, { maxTokens: 20 });
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) for (const record of chunk.text.split('\n\n')) assert.ok(records.includes(record), record);
  });
});

describe('pages, overlap and minTokens', () => {
  test('chunks never cross a page start and carry the page of their start', () => {
    const pageOne = 'First page sentence one. First page sentence two.';
    const pageTwo = 'Second page only.';
    const text = `${pageOne}\n\n${pageTwo}`;
    const pages = [
      { page: 1, start: 0, end: pageOne.length },
      { page: 2, start: pageOne.length + 2, end: text.length },
    ];
    const chunks = chunkDocument({ text, format: 'pdf', pages });
    assert.deepEqual(
      chunks.map((c) => [c.text, c.page]),
      [
        [pageOne, 1],
        [pageTwo, 2],
      ],
    );
  });

  test('a paragraph running over a page break is cut at the page start', () => {
    const text = 'This paragraph starts on page one and ends on page two.';
    const cut = text.indexOf('ends');
    const pages = [
      { page: 7, start: 0, end: cut },
      { page: 8, start: cut, end: text.length },
    ];
    const chunks = chunkDocument({ text, format: 'pdf', pages });
    assert.deepEqual(
      chunks.map((c) => [c.text, c.page]),
      [
        ['This paragraph starts on page one and', 7],
        ['ends on page two.', 8],
      ],
    );
  });

  test('overlap repeats the previous chunk’s last sentences, never across headings', () => {
    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence ${i} has some words.`);
    const text = `# A\n\n${sentences.join(' ')}\n\n# B\n\nOther section.`;
    const plain = chunkDocument({ text, format: 'markdown' }, { maxTokens: 30 });
    const overlapped = chunkDocument({ text, format: 'markdown' }, { maxTokens: 30, overlapTokens: 10 });
    const inA = overlapped.filter((c) => c.headingPath[0] === 'A');
    assert.ok(inA.length >= plain.filter((c) => c.headingPath[0] === 'A').length);
    for (let i = 1; i < inA.length; i++) {
      assert.ok(inA[i].start < inA[i - 1].end, `chunk ${i} does not overlap the previous one`);
      const repeated = text.slice(inA[i].start, inA[i - 1].end);
      assert.ok(countTokens(repeated) <= 10);
      assert.match(repeated, /^Sentence \d+ has some words\.$/);
    }
    const firstB = overlapped.find((c) => c.headingPath[0] === 'B')!;
    assert.equal(firstB.text, '# B\n\nOther section.');
  });

  test('minTokens folds a small tail chunk into its neighbour', () => {
    const text = `${'alpha beta gamma delta. '.repeat(8).trim()} Tail.`;
    const without = chunkDocument({ text, format: 'text' }, { maxTokens: 20 });
    const withMin = chunkDocument({ text, format: 'text' }, { maxTokens: 20, minTokens: 6 });
    assert.ok(without[without.length - 1].tokenCount < 6);
    assert.equal(withMin.length, without.length - 1);
    assert.ok(withMin.every((c) => c.tokenCount >= 6 && c.tokenCount <= 26));
  });

  test('bad options are rejected with INVALID_ARGUMENT', () => {
    for (const options of [{ maxTokens: 0 }, { maxTokens: 2.5 }, { maxTokens: 10, overlapTokens: 10 }, { minTokens: -1 }]) {
      assert.throws(
        () => chunkDocument({ text: 'x', format: 'text' }, options),
        (error: unknown) => isTailorError(error) && error.code === 'INVALID_ARGUMENT',
      );
    }
  });
});
