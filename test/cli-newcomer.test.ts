import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/temp.js';
import { STORIES_MODEL } from './helpers/stories-model.js';
import { ensureBuilt, runBuilt } from './helpers/built.js';

/** What a newcomer types, through the built `tailor` (dist/), as users run it. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli', 'main.js');

function tailor(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  return runBuilt(args, { env, timeoutMs: 120_000 });
}

before(() => {
  ensureBuilt();
});

describe('built tailor: flags and help', () => {
  test('every numeric flag is validated, naming the flag and the value', async () => {
    const home = await tempDir();
    for (const [args, flag] of [[['search', 'hi', '--k', 'abc'], '--k'], [['ask', 'hi', '--min-support', '2'], '--min-support'], [['serve', '--port', '-1'], '--port'], [['train', '--base', 'x.gguf', '--dataset', 'd', '--epochs', '1.5'], '--epochs']] as const) {
      const run = tailor([...args, '--home', home]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^error \\[INVALID_ARGUMENT\\]: ${flag} takes .*got "`), run.stderr);
    }
  });

  test('a read command on a home with no store says so and creates nothing', async () => {
    const typo = join(await tempDir(), 'tailr-home');
    for (const args of [['search', 'vacation'], ['ask', 'How many days?'], ['documents'], ['stats']]) {
      const run = tailor([...args, '--home', typo]);
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /\[NOT_FOUND\]: No Tailor store exists at .*tailr-home\. Check --home/);
      assert.ok(!existsSync(typo), `${args[0]} must not create ${typo}`);
    }
  });

  test('subcommand help shows --home; ingest --help lists every embedder spec', () => {
    for (const command of ['ingest', 'search', 'ask', 'serve', 'train']) {
      assert.match(tailor([command, '--help']).stdout, /--home <dir>/, `${command} --help`);
    }
    const ingest = tailor(['ingest', '--help']).stdout.replace(/\s+/g, ' ');
    for (const spec of ['words', 'none', 'openai:<model>', 'openai-compatible:<model>@<url>', 'gguf:<path>', 'model2vec:<dir>', 'onnx:<dir>']) {
      assert.ok(ingest.includes(spec), `ingest --help names ${spec}`);
    }
  });
});

describe('built tailor: no hidden setup step; optional backends name the command that adds them', () => {
  test('the first ingest needs no one-time derivation: the word vectors ship ready', async () => {
    const dir = await tempDir();
    const cache = join(dir, 'cache');
    const first = tailor(['ingest', join(ROOT, 'samples', 'handbook'), '--home', join(dir, 'a')], { TAILOR_CACHE: cache });
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /One-time|deriving/i);
    assert.ok(!existsSync(cache) || readdirSync(cache).length === 0, 'nothing derived into the cache');
  });

  test('an onnx: embedder without transformers.js installed says: npm install @huggingface/transformers@3.8.1', async () => {
    const dir = await tempDir();
    const model = join(dir, 'onnx-model');
    mkdirSync(join(model, 'onnx'), { recursive: true });
    writeFileSync(join(model, 'config.json'), JSON.stringify({ hidden_size: 8 }));
    writeFileSync(join(model, 'tokenizer.json'), '{}');
    writeFileSync(join(model, 'onnx', 'model.onnx'), 'not an ONNX graph');
    const run = tailor(['ingest', join(ROOT, 'samples', 'handbook'), '--home', join(dir, 'home'), '--embedder', `onnx:${model}`]);
    assert.equal(run.code, 7, run.stderr);
    const installed = await import('@huggingface/transformers' as string).then(() => true, () => false);
    if (installed) assert.match(run.stderr, /MODEL_LOAD_FAILED/);
    else assert.match(run.stderr, /BACKEND_NOT_INSTALLED.*npm install @huggingface\/transformers@3\.8\.1/s);
  });
});

describe('built tailor: failures that stop early and clearly', () => {
  test('an unreachable embedder stops the ingest at the first failure with one error', async () => {
    const dir = await tempDir();
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    // More files than one write batch holds, so a per-batch failure would show more than once.
    for (let i = 0; i < 150; i++) writeFileSync(join(docs, `d${i}.txt`), `Document ${i} is about subject ${i * 7} and nothing else at all.`);
    const closed = await freePort();
    const run = tailor(['ingest', docs, '--home', join(dir, 'home'), '--embedder', `openai-compatible:m@http://127.0.0.1:${closed}/v1`]);
    assert.equal(run.code, 7, run.stderr);
    const errors = run.stderr.split('\n').filter((l) => /error|failed/i.test(l));
    assert.equal(errors.length, 1, run.stderr);
    assert.match(errors[0]!, /^error \[PROVIDER_UNAVAILABLE\]: Ingest stopped: the embedder openai-compatible:m failed: .*127\.0\.0\.1.*run the same command again/);
  });

  test('a busy port is PORT_IN_USE with the fix, not INVALID_ARGUMENT', async () => {
    const home = await tempDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = tailor(['serve', '--port', String(port), '--home', home, '--quiet']);
      assert.equal(run.code, 10, run.stderr);
      assert.match(run.stderr, new RegExp(`^error \\[PORT_IN_USE\\]: Port ${port} on 127\\.0\\.0\\.1 is already in use.*--port 0`));
    } finally {
      blocker.close();
    }
  });

  test('serve says where the web UI is and logs one line per request', async () => {
    const home = await tempDir();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--home', home], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const url = await waitFor(() => /Web UI: (http:\/\/\S+)\//.exec(stdout)?.[1]);
      assert.match(stdout, /Tailor server listening on http:\/\/127\.0\.0\.1:\d+\n/);
      assert.equal((await fetch(`${url}/health`)).status, 200);
      assert.equal((await fetch(`${url}/v1/nothing-here`)).status, 404);
      await waitFor(() => (/GET \/v1\/nothing-here 404/.test(stderr) ? true : undefined));
      const lines = stderr.split('\n').filter((l) => / (GET|POST) \//.test(l));
      assert.equal(lines.length, 2, stderr);
      assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\S+ GET \/health 200 \d+ms$/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});

describe('built tailor: fine-tuning as the README tells it', () => {
  test('a missing --base is called missing; --max-seq-len follows the data, or the error names the value that fits', async () => {
    const home = await tempDir();
    const file = join(home, 'long.jsonl');
    // Prompts longer than a small --max-seq-len, as RAFT examples (passages + question) are.
    const passage = 'The policy says that staff may work remote two days per week when the manager agrees. '.repeat(4);
    const rows = ['How many remote days?', 'Who must agree?', 'What does the policy say?'].map((q, i) =>
      JSON.stringify({ messages: [{ role: 'user', content: `${passage}\n${q}` }, { role: 'assistant', content: ['Two days per week.', 'The manager.', 'Remote work rules.'][i] }] }));
    writeFileSync(file, rows.join('\n') + '\n');
    assert.equal(tailor(['dataset', 'import', file, '--format', 'chat', '--name', 'long', '--home', home]).code, 0);

    const missing = tailor(['train', '--base', join(home, 'model.gguf'), '--dataset', 'long', '--home', home]);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /\[NOT_FOUND\]: The GGUF model .*model\.gguf does not exist\./);
    assert.doesNotMatch(missing.stderr, /not a GGUF/);

    const short = tailor(['train', '--base', STORIES_MODEL, '--dataset', 'long', '--max-seq-len', '16', '--rank', '2', '--epochs', '1', '--home', home]);
    assert.equal(short.code, 2, short.stderr);
    const fits = /Pass --max-seq-len (\d+) /.exec(short.stderr);
    assert.ok(fits, short.stderr);
    assert.ok(Number(fits[1]) > 16);

    const fitted = tailor(['train', '--base', STORIES_MODEL, '--dataset', 'long', '--rank', '2', '--epochs', '1', '--name', 'fitted', '--json', '--home', home]);
    assert.equal(fitted.code, 0, fitted.stderr);
    assert.doesNotMatch(fitted.stderr, /llama\.cpp:/, 'llama.cpp warnings stay in the log (--verbose)');
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor<T>(probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the server');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
