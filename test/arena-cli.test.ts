import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isTailorError } from '../src/core/errors.js';
import { JUDGE_PROMPT, loadArenaRun, parseArms, runArena, type ArenaRun } from '../src/eval/arena/index.js';
import { openWorkspace, type Workspace } from '../src/workspace.js';
import { writeArenaCorpus } from './helpers/arena-corpus.js';
import { ensureBuilt } from './helpers/built.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

/** The shipped CLI, built first when dist/ is missing or stale. */
function builtCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  ensureBuilt();
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, TAILOR_HOME: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let home: string;
let questions: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tailor-arena-cli-'));
  ({ questions } = await writeArenaCorpus(dir));
  home = join(dir, 'home');
  const ingest = await builtCli(['ingest', join(dir, 'docs'), '--collection', 'vellmora', '--embedder', 'none', '--home', home, '--quiet'], dir);
  assert.equal(ingest.code, 0, ingest.stderr);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('tailor arena through the built binary', () => {
  let runId: string;

  test('a run prints the JSON run and stores it; --fail-under passes', async () => {
    const r = await builtCli(['arena', '--home', home, '--questions', questions, '--arms', 'rag=extractive,rag-k1=extractive+k:1', '--collection', 'vellmora', '--json', '--fail-under', 'rag.containment=0.9', '--report', 'out.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(r.stdout) as ArenaRun;
    runId = run.id;
    assert.equal(run.status, 'complete');
    assert.deepEqual(run.arms.map((a) => [a.name, a.kind, a.model, a.retrieval.k]), [['rag', 'rag', 'extractive', 4], ['rag-k1', 'rag', 'extractive', 1]]);
    assert.ok(run.arms[0]!.metrics.containment! >= 0.9);
    assert.equal(run.questions.test, 8, 'without adapter arms every question is a test question');
    assert.deepEqual(await loadArenaRun(home, run.id), run, 'run.json is the --json output');
    assert.match(await readFile(join(dir, 'out.html'), 'utf8'), /<svg/);
  });

  test('--fail-under below the measured value exits 1 and says why', async () => {
    const r = await builtCli(['arena', '--home', home, '--questions', questions, '--arms', 'rag=extractive', '--collection', 'vellmora', '--fail-under', 'rag.exactMatch=0.5', '--quiet'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rag\.exactMatch = 0 < 0\.5/);
    assert.match(r.stdout, /Arena run \d{8}-\d{6}-[0-9a-f]{4} \(complete\)/);
  });

  test('list and show', async () => {
    const list = await builtCli(['arena', 'list', '--home', home, '--json'], dir);
    assert.equal(list.code, 0, list.stderr);
    const runs = JSON.parse(list.stdout) as Array<{ id: string; status: string; arms: string[] }>;
    assert.equal(runs.length, 2);
    assert.ok(runs.some((r) => r.id === runId && r.status === 'complete' && r.arms.join() === 'rag,rag-k1'));
    const show = await builtCli(['arena', 'show', runId, '--home', home], dir);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /rag-k1 .* extractive \(k=1\)/);
    const missing = await builtCli(['arena', 'show', '20990101-000000-abcd', '--home', home], dir);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /NOT_FOUND.*no arena run 20990101-000000-abcd/);
  });

  test('bad input: each error names the line, arm or collection and the fix', async () => {
    await writeFile(join(dir, 'bad.jsonl'), '{"question":"Who?","answer":"Ann"}\n{"question": "Where?"\n');
    await writeFile(join(dir, 'fake.gguf'), 'GGUF');
    const cases: Array<[string[], number, RegExp]> = [
      [['--questions', 'bad.jsonl', '--arms', 'rag=extractive'], 2, /bad\.jsonl has 1 bad line\(s\) — line 2: not valid JSON/],
      [['--questions', questions, '--arms', 'base=gguf:missing.gguf'], 3, /Arm "base": the model file .*missing\.gguf does not exist/],
      [['--questions', questions, '--arms', 'ft=gguf:fake.gguf+adapter:nope'], 3, /Arm "ft": there is no adapter "nope".*--train/],
      [['--questions', questions, '--arms', 'ft=gguf:fake.gguf'], 2, /Arm "ft" \(ft\) needs an adapter/],
      [['--questions', questions, '--arms', 'rag=extractive', '--collection', 'nothing'], 3, /collection "nothing" is empty: ingest/],
    ];
    for (const [args, code, message] of cases) {
      const collection = args.includes('--collection') ? [] : ['--collection', 'vellmora'];
      const r = await builtCli(['arena', '--home', home, ...collection, ...args], dir);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const list = await builtCli(['arena', 'list', '--home', home, '--json'], dir);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 2, 'runs that failed before their first answer leave nothing behind');
  });
});

/** An OpenAI-compatible judge: CORRECT when the candidate contains the reference; can be told to stall. */
function startJudge(): Promise<{ server: Server; baseURL: string; calls: Array<{ system: string; user: string }>; setStall(n: number | undefined): void }> {
  const calls: Array<{ system: string; user: string }> = [];
  let stallAt: number | undefined;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = JSON.parse(raw);
      calls.push({ system: body.messages[0].content, user: body.messages.at(-1).content });
      if (stallAt !== undefined && calls.length >= stallAt) return; // never answers
      const user: string = body.messages.at(-1).content;
      const reference = /Reference answer: (.*)\n/.exec(user)?.[1];
      const candidate = /Candidate answer: (.*)\n/.exec(user)?.[1];
      // Not a grading request: an arm's question, answered with a fixed reply.
      const verdict = reference === undefined ? "I don't know." : candidate!.toLowerCase().includes(reference.toLowerCase()) ? 'CORRECT' : 'INCORRECT';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'j', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: verdict }, finish_reason: 'stop' }], usage: { prompt_tokens: 50, completion_tokens: 1, total_tokens: 51 } }));
    });
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready({ server, baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls, setStall: (n) => (stallAt = n) })));
}

describe('judge, interruption and resume (library, local judge server)', () => {
  let workspace: Workspace;
  let judge: Awaited<ReturnType<typeof startJudge>>;
  before(async () => {
    workspace = await openWorkspace({ home });
    judge = await startJudge();
  });
  after(async () => {
    await workspace.tailor.close();
    judge.server.closeAllConnections();
    judge.server.close();
  });

  test('a judge that times out stops the run, which keeps its answers and resumes to the end', async () => {
    judge.setStall(3);
    const options = { home, store: workspace.tailor.store, retriever: workspace.tailor.retriever, collections: ['vellmora'], questionsFile: questions, judgeTimeoutMs: 2000 };
    const spec = `openai-compatible:judge@${judge.baseURL}`;
    const error = await runArena({ ...options, arms: parseArms('rag=extractive'), judge: spec }).then(() => assert.fail('the stalled judge must stop the run'), (e: unknown) => e);
    assert.ok(isTailorError(error) && error.code === 'PROVIDER_UNAVAILABLE', String(error));
    assert.match(error.message, /The judge openai-compatible:judge@.* gave no verdict within 2\.0 s \(question weight\).*2 answers so far are kept in run (\S+) \(status partial\)/);
    const id = error.details.runId as string;
    const partial = await loadArenaRun(home, id);
    assert.equal(partial.status, 'partial');
    assert.equal(partial.perQuestion.filter((q) => q.answers.rag).length, 2);

    judge.setStall(undefined);
    const before = judge.calls.length;
    const run = await runArena({ ...options, arms: [], resume: id });
    assert.equal(run.status, 'complete');
    assert.equal(judge.calls.length - before, 6, 'only the 6 unanswered questions are asked again');
    assert.deepEqual(run.judge, { model: spec, prompt: JUDGE_PROMPT });
    assert.ok(judge.calls.every((c) => c.system === JUDGE_PROMPT));
    const rag = run.arms[0]!;
    assert.equal(rag.metrics.judge, 1, 'every answer of the extractive arm contains its reference');
    assert.ok(rag.intervals.judge);
    assert.equal(run.perQuestion.find((q) => q.id === 'founder')!.answers.rag!.judge, 1);
  });

  test('without a questions file, questions are generated from the collection with gold evidence', async () => {
    const run = await runArena({ home, store: workspace.tailor.store, retriever: workspace.tailor.retriever, collections: ['vellmora'], arms: parseArms('rag=extractive'), maxQuestions: 6 });
    assert.equal(run.questions.source, 'generated:offline');
    assert.equal(run.questions.total, 6);
    assert.ok(run.perQuestion.every((q) => q.question.includes('_____') && q.gold.length > 0));
    assert.ok(run.arms[0]!.metrics.containment! >= 0.8, `containment ${run.arms[0]!.metrics.containment}`);
    assert.ok(run.arms[0]!.metrics.citationRecall! >= 0.8, `citation recall ${run.arms[0]!.metrics.citationRecall}`);
  });

  test('an interrupted run (abort signal, as Ctrl-C sends) is kept as partial and resumes', async () => {
    const controller = new AbortController();
    const options = { home, store: workspace.tailor.store, retriever: workspace.tailor.retriever, collections: ['vellmora'], questionsFile: questions };
    const error = await runArena({ ...options, arms: parseArms('rag=extractive'), abortSignal: controller.signal, onProgress: (e) => e.done === 3 && controller.abort() }).then(
      () => assert.fail('the run should stop'),
      (e: unknown) => e,
    );
    assert.ok(isTailorError(error) && error.code === 'ABORTED', String(error));
    const id = error.details.runId as string;
    assert.equal((await loadArenaRun(home, id)).status, 'partial');
    const r = await builtCli(['arena', '--resume', id, '--home', home, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(r.stdout) as ArenaRun;
    assert.equal(run.id, id);
    assert.equal(run.status, 'complete');
    assert.equal(run.perQuestion.filter((q) => q.answers.rag).length, 8);
  });

  test('a remote (OpenAI-compatible) arm: tokens as the server reports them, cost from the price table', async () => {
    const spec = `openai-compatible:helper@${judge.baseURL}`;
    const run = await runArena({ home, store: workspace.tailor.store, retriever: workspace.tailor.retriever, collections: ['vellmora'], questionsFile: questions, arms: parseArms(`prompt=${spec}`), prices: { [spec]: { input: 1, output: 2 } } });
    const m = run.arms[0]!.metrics;
    assert.equal(m.tokensIn, 8 * 50);
    assert.equal(m.tokensOut, 8 * 1);
    assert.ok(Math.abs(m.cost! - (400 * 1 + 8 * 2) / 1e6) < 1e-15);
    assert.equal(m.falseRefusalRate, 1, '"I don\'t know." is a refusal');
    assert.equal(m.refusalAccuracy, 1);
    const call = judge.calls.at(-1)!;
    assert.match(call.system, /assistant of the organisation whose documents form the collection\(s\) vellmora/);
  });
});
