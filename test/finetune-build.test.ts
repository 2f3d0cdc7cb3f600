import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { ingestTexts } from '../src/ingest/texts.js';
import type { Store } from '../src/index/store.js';
import type { ChatModel } from '../src/providers/types.js';
import {
  buildFromCollection,
  createDatasetStore,
  NOT_IN_DOCUMENTS,
  saveBuiltDataset,
  splitDataset,
  splitByDocument,
  type DatasetExample,
} from '../src/finetune/index.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { abstractRecords } from './helpers/corpus.js';

const HANDBOOK = new URL('../samples/handbook/travel-policy.md', import.meta.url);

let home: string;
let store: Store;
const documentText = new Map<string, string>();
const chunkText = new Map<string, { text: string; documentId: string }>();

before(async () => {
  home = await tempDir('tailor-ft-build-');
  store = await createSqliteStore({ home });
  const items = abstractRecords(0, 48).map((record) => ({ source: `scifact:${record._id}`, title: record.title, text: record.text }));
  items.push({ source: 'handbook/travel-policy.md', title: 'Travel and Expenses Policy', text: await readFile(HANDBOOK, 'utf8'), format: 'markdown' } as (typeof items)[number]);
  await ingestTexts({ store, items, collection: 'sci' });
  for (const { chunk, document } of await store.doGetChunks({ filter: { collections: ['sci'] } })) {
    chunkText.set(chunk.id, { text: chunk.text, documentId: chunk.documentId });
    documentText.set(document.id, document.title);
  }
});

after(async () => {
  await store.close();
});

const userText = (e: DatasetExample) => e.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
const answerText = (e: DatasetExample) => e.messages.filter((m) => m.role === 'assistant').map((m) => m.content).join('\n');

describe('offline question generation from a collection', () => {
  test('every QA example records its chunk and document, quotes that chunk, and is deterministic', async () => {
    const first = await buildFromCollection({ store, collection: 'sci', kind: 'qa' });
    const second = await buildFromCollection({ store, collection: 'sci', kind: 'qa' });
    assert.deepEqual(second.examples, first.examples);
    assert.equal(first.report.generator, 'offline');
    assert.ok(first.examples.length >= first.report.documents, `${first.examples.length} examples for ${first.report.documents} documents`);
    for (const e of first.examples) {
      assert.equal(e.provenance.chunkIds.length, 1);
      const chunk = chunkText.get(e.provenance.chunkIds[0])!;
      assert.deepEqual(e.provenance.documentIds, [chunk.documentId]);
      const quoted = /The document says: "([\s\S]+)"$/.exec(answerText(e))?.[1] ?? answerText(e);
      for (const sentence of quoted.split(/(?<=[.!?])\s+/)) assert.ok(chunk.text.replace(/\s+/g, ' ').includes(sentence.replace(/\s+/g, ' ')), `answer sentence not in its chunk: ${sentence}`);
      const cloze = /what fills the blank: "([\s\S]+)"$/.exec(userText(e));
      if (cloze) {
        const term = answerText(e).split('. The document says')[0];
        assert.equal(cloze[1].replace('_____', term), quoted, 'the blank filled with the answer is the quoted sentence');
      }
    }
    const heading = first.examples.find((e) => userText(e) === 'What does "Travel and Expenses Policy" say about Daily allowance?');
    assert.ok(heading, 'a heading question for a Markdown section');
    assert.match(answerText(heading), /60 EUR per day/);
  });
});

describe('RAFT examples', () => {
  test('oracle present in exactly the asked share, k distractors from other documents, answer citing the oracle', async () => {
    const { examples, report } = await buildFromCollection({ store, collection: 'sci', kind: 'raft', distractors: 3, noOracleShare: 0.25, seed: 7 });
    const n = examples.length;
    assert.ok(n > 40);
    assert.equal(report.raft!.withoutOracle, Math.round(0.25 * n));
    assert.equal(report.raft!.withOracle + report.raft!.withoutOracle, n);
    for (const e of examples) {
      const user = userText(e);
      const questionChunk = e.provenance.chunkIds[0];
      const questionDoc = chunkText.get(questionChunk)!.documentId;
      const context = e.provenance.chunkIds.filter((id) => user.includes(chunkText.get(id)!.text));
      const distractors = context.filter((id) => id !== e.provenance.oracleChunkId);
      for (const id of distractors) assert.notEqual(chunkText.get(id)!.documentId, questionDoc, 'distractors come from other documents');
      assert.deepEqual(new Set(e.provenance.documentIds), new Set(e.provenance.chunkIds.map((id) => chunkText.get(id)!.documentId)));
      if (e.provenance.oracleChunkId) {
        assert.equal(e.provenance.oracleChunkId, questionChunk);
        assert.equal(context.length, 4, 'oracle + 3 distractors shown');
        const blocks = user.split(/\n\[(\d+)\] /).slice(1);
        const position = Number(blocks[blocks.findIndex((b, i) => i % 2 === 1 && b.includes(chunkText.get(questionChunk)!.text)) - 1]);
        assert.match(answerText(e), new RegExp(`\\[${position}\\]`), 'the answer cites the oracle by its position');
      } else {
        assert.equal(e.provenance.oracleChunkId, null);
        assert.ok(!user.includes(chunkText.get(questionChunk)!.text), 'the oracle chunk is absent');
        assert.equal(context.length, 4, 'four distractors instead');
        assert.equal(answerText(e), NOT_IN_DOCUMENTS);
      }
    }
  });
});

/** Sentences long enough to identify a document's text wherever it is quoted. */
function fingerprints(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s.split(' ').length >= 8);
}

describe('splits by document', () => {
  test('no document’s text appears in two splits (QA and RAFT), and the seed decides the assignment', async () => {
    const qa = await buildFromCollection({ store, collection: 'sci', kind: 'qa' });
    const raft = await buildFromCollection({ store, collection: 'sci', kind: 'raft', seed: 3 });
    const docs = await store.doListDocuments({ filter: { collections: ['sci'] }, withText: true });
    for (const examples of [qa.examples, raft.examples]) {
      const { examples: split, report } = splitByDocument(examples, { ratios: [0.7, 0.15, 0.15], seed: 11 });
      assert.ok(report.splits.train.examples > 0 && report.splits.validation.examples > 0 && report.splits.test.examples > 0, JSON.stringify(report.splits));
      const textOf = (name: string) => split.filter((e) => e.split === name).map((e) => e.messages.map((m) => m.content).join('\n')).join('\n').replace(/\s+/g, ' ');
      const texts = { train: textOf('train'), validation: textOf('validation'), test: textOf('test') };
      let seen = 0;
      for (const doc of docs) {
        const present = Object.entries(texts).filter(([, t]) => fingerprints(doc.text!).some((f) => t.includes(f))).map(([s]) => s);
        assert.ok(present.length <= 1, `document ${doc.source} leaks into ${present.join(' and ')}`);
        seen += present.length;
      }
      assert.ok(seen > docs.length / 2, 'the check found most documents somewhere');
      const idsBySplit = ['train', 'validation', 'test'].map((s) => new Set(split.filter((e) => e.split === s).flatMap((e) => e.provenance.documentIds)));
      for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) for (const id of idsBySplit[a]) assert.ok(!idsBySplit[b].has(id));
    }
    const bySeed = (seed: number) => splitByDocument(qa.examples, { seed }).examples.map((e) => e.split).join();
    assert.equal(bySeed(1), bySeed(1));
    assert.notEqual(bySeed(1), bySeed(2));
  });
});

describe('LLM question generation', () => {
  test('uses the model’s pairs, records provenance, and falls back offline when the reply is not JSON', async () => {
    let calls = 0;
    // Stands in for a real LLM: answers from the passage it is given, and garbles every third reply.
    const model: ChatModel = {
      provider: 'script',
      modelId: 'passage-echo',
      async doGenerate({ messages }) {
        calls++;
        const passage = messages[1].content.split('Passage:\n')[1].split('\n\nWrite')[0];
        const first = passage.split(/(?<=[.!?])\s+/)[0];
        const text = calls % 3 === 0 ? 'Sorry, I cannot do that.' : `Here you go:\n\`\`\`json\n${JSON.stringify([{ question: `What is stated first in this passage (${calls})?`, answer: first, evidence: first }])}\n\`\`\``;
        return { result: { text, finishReason: 'stop' }, usage: {}, warnings: [] };
      },
      async doStream() {
        throw new Error('not used');
      },
    };
    const { examples, report } = await buildFromCollection({ store, collection: 'sci', kind: 'qa', chatModel: model, maxChunks: 9, questionsPerChunk: 1 });
    assert.equal(calls, 9);
    assert.equal(report.llmFallbacks, 3);
    assert.equal(report.generator, 'llm:script:passage-echo');
    const llm = examples.filter((e) => e.provenance.kind === 'llm-qa');
    assert.equal(llm.length, 6);
    for (const e of llm) assert.ok(chunkText.get(e.provenance.chunkIds[0])!.text.startsWith(answerText(e).slice(0, 20)));
    assert.equal(examples.filter((e) => e.provenance.kind === 'qa').length, examples.length - 6);
  });
});

describe('dataset commands over a built dataset', () => {
  test('build → split → show through the library and the CLI agree', async () => {
    const built = await buildFromCollection({ store, collection: 'sci', kind: 'raft', noOracleShare: 0.2 });
    const saved = await saveBuiltDataset({ home, name: 'sci-raft', examples: built.examples, details: { collection: 'sci' } });
    assert.equal(saved.manifest.count, built.examples.length - saved.clean.exactDuplicates - saved.clean.nearDuplicates.length);
    const { report } = await splitDataset({ home, name: 'sci-raft', seed: 5 });
    const stored = await createDatasetStore(home).load('sci-raft');
    assert.equal(stored.manifest.splits.train, report.splits.train.examples);
    const show = await cli(['--home', home, 'dataset', 'show', 'sci-raft', '--json'], {});
    assert.equal(show.code, 0, show.stderr);
    const description = JSON.parse(show.stdout);
    assert.equal(description.manifest.count, stored.examples.length);
    assert.equal(description.raft.withOracle + description.raft.withoutOracle, stored.examples.length);
    assert.deepEqual(description.manifest.history.map((h: { operation: string }) => h.operation), ['build', 'split']);
    const bad = await cli(['--home', home, 'dataset', 'split', 'sci-raft', '--by', 'example'], {});
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /splits are made by source document/);
  });
});
