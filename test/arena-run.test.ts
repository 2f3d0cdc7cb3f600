import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openWorkspace, type Workspace } from '../src/workspace.js';
import { listArenaRuns, loadArenaRun, parseArms, runArena, type ArenaRun } from '../src/eval/arena/index.js';
import { arenaRunDir } from '../src/eval/arena/run-store.js';
import { STORIES_MODEL } from './helpers/stories-model.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { VELLMORA_QUESTIONS, writeArenaCorpus } from './helpers/arena-corpus.js';

const haveStories = existsSync(STORIES_MODEL);
if (!haveStories) console.log(`# skipped the stories260K arena run: ${STORIES_MODEL} is missing`);

/**
 * The arena for real on invented facts: `base` and `ft` are stories260K in llama.cpp (the ft
 * adapter trained in the run by the local LoRA trainer), `rag` is the extractive answerer.
 * Nothing stands in for any arm's answers.
 */
describe('arena on a fictional company (stories260K base + trained ft, extractive rag)', { skip: !haveStories }, () => {
  let workspace: Workspace;
  let run: ArenaRun;
  let home: string;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tailor-arena-run-'));
    const { docs, questions } = await writeArenaCorpus(dir);
    home = join(dir, 'home');
    workspace = await openWorkspace({ home, embedder: 'none' });
    await workspace.tailor.ingest({ paths: [docs], collection: 'vellmora' });
    const model = `gguf:${STORIES_MODEL}`;
    run = await runArena({
      home,
      store: workspace.tailor.store,
      retriever: workspace.tailor.retriever,
      collections: ['vellmora'],
      arms: parseArms(`base=${model},rag=extractive,ft=${model}`),
      questionsFile: questions,
      train: true,
      trainOnGenerated: false,
      trainHyperparameters: { epochs: 30, rank: 4, alpha: 8, learningRate: 1e-2, batchSize: 4, seed: 7 },
      freshness: 2,
    });
  });
  after(async () => {
    await workspace?.tailor.close();
    await rm(dir, { recursive: true, force: true });
  });

  const arm = (name: string) => run.arms.find((a) => a.name === name)!;

  test('the run states its protocol, questions and every arm\'s model, adapter and retrieval', () => {
    assert.equal(run.status, 'complete');
    assert.equal(run.protocol, 'knowledge-injection');
    assert.deepEqual(run.questions, { source: run.questions.source, total: 8, train: 4, test: 4, unanswerable: 1 });
    assert.deepEqual(arm('rag').retrieval, { enabled: true, k: 4 });
    assert.deepEqual(arm('base').retrieval, { enabled: false, k: 0 });
    assert.equal(arm('base').adapter, null);
    assert.match(arm('ft').adapter!, /^arena-\d{8}-\d{6}-[0-9a-f]{4}-qa-0$/);
    assert.ok(arm('ft').training!.seconds > 0 && arm('ft').training!.tokens > 0);
    assert.equal(run.perQuestion.length, VELLMORA_QUESTIONS.length);
  });

  test('RAG ≫ base on held-out questions', () => {
    const rag = arm('rag').metrics;
    const base = arm('base').metrics;
    assert.ok(rag.containment! >= 0.9, `rag containment ${rag.containment}`);
    assert.equal(base.containment, 0);
    assert.ok(rag.f1! > base.f1! + 0.1);
    assert.equal(rag.groundedness, 1);
    assert.equal(rag.citationRecall, 1, 'rag cites the gold evidence span');
    assert.equal(rag.refusalAccuracy, 1, 'rag declines the unanswerable question');
    const c = run.comparisons.find((x) => x.a === 'base' && x.b === 'rag' && x.metric === 'f1')!;
    assert.ok(c.difference < 0 && c.interval[1] < 0, 'the paired interval excludes zero');
  });

  test('FT > base on the questions it was trained on', () => {
    const ft = arm('ft').metricsBySplit!.train!;
    const base = arm('base').metricsBySplit!.train!;
    assert.ok(ft.exactMatch! >= 0.75, `ft exact match on trained questions ${ft.exactMatch}`);
    assert.ok(ft.exactMatch! > base.exactMatch!);
    for (const q of run.perQuestion.filter((p) => p.split === 'train')) {
      assert.ok(!q.answers.base!.text.includes(q.gold), `the base model must not know "${q.gold}"`);
    }
  });

  test('freshness: after the sync RAG gives the new values, FT the old ones', () => {
    const f = run.freshness!;
    assert.equal(f.facts, 2);
    const rag = f.arms.find((a) => a.name === 'rag')!;
    const ft = f.arms.find((a) => a.name === 'ft')!;
    assert.equal(rag.fresh, 1);
    assert.equal(rag.how, 'sync');
    assert.ok(rag.secondsToFresh! > 0 && rag.secondsToFresh === f.syncSeconds);
    assert.equal(ft.stale, 1);
    assert.equal(ft.fresh, 0);
    assert.equal(ft.how, 'retrain-estimated');
    assert.ok(ft.secondsToFresh! > 0);
    assert.equal(f.arms.find((a) => a.name === 'base')!.how, 'none');
    for (const d of f.details) assert.notEqual(d.oldValue, d.newValue);
  });

  test('stored: run.json equals the result, a self-contained report, listed', async () => {
    const runDir = arenaRunDir(home, run.id);
    assert.deepEqual(await loadArenaRun(home, run.id), JSON.parse(JSON.stringify(run)));
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), 'no network reference');
    assert.ok(!/<script/i.test(html));
    for (const text of ['Oskar Thrandell', 'Freshness probe', 'knowledge-injection', `<code>gguf:${STORIES_MODEL}</code>`, '<svg']) assert.ok(html.includes(text), text);
    const runs = await listArenaRuns(home);
    assert.deepEqual(runs.map((r) => [r.id, r.status, r.questions]), [[run.id, 'complete', 8]]);
  });
});
