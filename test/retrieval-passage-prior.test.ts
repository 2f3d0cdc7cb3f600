import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createRetriever } from '../src/retrieval/retriever.js';
import { passageKind } from '../src/retrieval/passage-prior.js';
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
