import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createRetriever } from '../src/retrieval/retriever.js';
import { PASSAGE_PRIOR, passageKind } from '../src/index/passage-prior.js';
import type { Store } from '../src/index/store.js';
import { testDoc } from './fixtures/index-docs.js';
import { tempDir } from './helpers/temp.js';

const REFERENCES = [
  '## References',
  '1. Smith J, Jones K. Capital expenditure and growth. J Finance. 2018;12(3):101-10.',
  '2. Lee A, et al. Capital expenditure cycles in manufacturing. Econ Rev. 2017;3:4-15. doi:10.1000/er.2017.3',
  '3. Brown, T. (2016). Capital expenditure under uncertainty. Journal of Economics, 44(2), 201-230.',
].join('\n');

const PROSE =
  'Our capital expenditure rose to $5.2 million in 2018, mostly for the new packaging line in Leeds and for replacing ageing compressors; we expect spending to fall next year as the line is finished.';

describe('passage prior', () => {
  test('tells headings, reference lists and prose apart', () => {
    assert.equal(passageKind('## Capital expenditure'), 'heading-only');
    assert.equal(passageKind('# Results\n\n## Capital expenditure'), 'heading-only');
    assert.equal(passageKind('Termination for convenience'), 'heading-only');
    assert.equal(passageKind(REFERENCES), 'reference-list');
    assert.equal(passageKind(PROSE), 'prose');
    // Table rows and short data lines are data, not headings.
    assert.equal(passageKind('Diluted 51,738 54,841'), 'prose');
    assert.equal(passageKind('Capital expenditures (312,126) (172,187)'), 'prose');
    // Prose that cites a few papers is still prose.
    assert.equal(passageKind(`${PROSE}\nAs Smith J, Jones K (2018) showed, et al. findings agree.\nThis holds in most plants we run.\nIt will continue.`), 'prose');
  });

  test('a heading-only chunk and a reference list do not outrank prose on the same subject', async () => {
    const home = await tempDir('tailor-prior-');
    const store = await createSqliteStore({ home });
    await store.doWrite({
      upserts: [
        testDoc({ id: 'report', paragraphs: ['## Capital expenditure', PROSE] }),
        testDoc({ id: 'paper', paragraphs: ['Investment in plants is studied widely across many industries and decades of data.', REFERENCES] }),
      ],
    });
    const ranked = async (passagePrior: boolean) =>
      (await createRetriever({ store, passagePrior }).retrieve({ query: 'capital expenditure', k: 3 })).results.map((r) => passageKind(r.chunk.text));
    // Plain BM25 puts the short heading and the keyword-dense reference list first...
    assert.notEqual((await ranked(false))[0], 'prose');
    // ...the prior puts the prose first, and keeps the others as later results.
    const withPrior = await ranked(true);
    assert.equal(withPrior[0], 'prose');
    assert.deepEqual([...withPrior].sort(), ['heading-only', 'prose', 'reference-list']);
    await store.close();
  });
});

describe('passage prior kept in the index', () => {
  test('the SQLite store sends each hit its prior, so the retriever reads only the top k rows; ranking equals the text-read path, after a reopen too', async () => {
    const home = await tempDir('tailor-prior-index-');
    let store = await createSqliteStore({ home });
    const docs = [
      testDoc({ id: 'report', paragraphs: ['## Capital expenditure', PROSE] }),
      testDoc({ id: 'paper', paragraphs: ['Investment in plants is studied widely across many industries and decades of data.', REFERENCES] }),
      ...Array.from({ length: 8 }, (_, i) => testDoc({ id: `note-${i}`, paragraphs: [`Capital expenditure note ${i}: the plant in site ${i} spent on repairs and on capital goods this year.`] })),
    ];
    await store.doWrite({ upserts: docs });
    const legs = await store.doQuery({ text: 'capital expenditure', k: 20 });
    const kindById = new Map((await store.doGetChunks({ ids: legs.keyword.map((h) => h.chunkId) })).map((r) => [r.chunk.id, passageKind(r.chunk.text)]));
    for (const hit of legs.keyword) assert.equal(hit.prior, PASSAGE_PRIOR[kindById.get(hit.chunkId)!], `prior of ${hit.chunkId}`);

    const run = async (keepPriors: boolean) => {
      const read: string[] = [];
      const counted: Store = {
        doWrite: (w) => store.doWrite(w),
        doListDocuments: (l) => store.doListDocuments(l),
        doStats: () => store.doStats(),
        close: () => store.close(),
        doQuery: async (q) => {
          const out = await store.doQuery(q);
          if (keepPriors) return out;
          const strip = (hits: typeof out.keyword) => hits.map(({ chunkId, score }) => ({ chunkId, score }));
          return { keyword: strip(out.keyword), vector: strip(out.vector) };
        },
        doGetChunks: async (lookup) => {
          read.push(...(lookup.ids ?? []));
          return store.doGetChunks(lookup);
        },
      };
      const { results } = await createRetriever({ store: counted }).retrieve({ query: 'capital expenditure', k: 3 });
      return { ids: results.map((r) => r.chunk.id), scores: results.map((r) => r.score), read };
    };
    const fromIndex = await run(true);
    const fromText = await run(false);
    assert.deepEqual(fromIndex.ids, fromText.ids);
    assert.deepEqual(fromIndex.scores, fromText.scores);
    assert.equal(fromIndex.read.length, 3, 'only the top 3 rows are read');
    assert.ok(fromText.read.length > 3, 'without stored priors the considered rows are read');
    await store.close();

    // Reopened from the BM25 snapshot: the kinds come back with it.
    store = await createSqliteStore({ home });
    assert.deepEqual((await run(true)).ids, fromIndex.ids);
    const reopened = await store.doQuery({ text: 'capital expenditure', k: 20 });
    assert.deepEqual(reopened.keyword.map((h) => h.prior), legs.keyword.map((h) => h.prior));
    await store.close();
  });
});
