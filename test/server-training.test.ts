import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type TailorServer } from '../src/server/index.js';
import { startServer, type Fixture } from './server-fixture.js';
import { tinyLlamaPath } from './helpers/tiny-llama.js';
import * as schemas from '../src/server/finetune/schemas.js';

/**
 * Local LoRA training over HTTP on the tiny llama the tests write themselves (threads: 1 inside
 * the trainer's CPU runtime): losses streamed per step and per epoch as SSE, the adapter with its
 * lineage, cancel, grants, and a server restart in the middle of a run.
 */
const HR = [
  { source: 'mem://hr/leave', title: 'Leave policy', text: 'New staff get 25 days of leave per year.' },
  { source: 'mem://hr/remote', title: 'Remote work', text: 'Staff work remote two days per week.' },
  { source: 'mem://hr/security', title: 'Security', text: 'Laptops must be encrypted and locked.' },
  { source: 'mem://hr/office', title: 'Office', text: 'The office is open from eight to six.' },
];

let f: Fixture;
let hrEditor: string;
let publicReader: string;
const TINY = { rank: 2, batchSize: 2, maxSeqLen: 160, learningRate: 0.01 };

interface Sse { event: string; data: string }

/** Reads SSE events as they come, calling `onEvent` for each; resolves at the end of the stream. */
async function follow(url: string, key: string, onEvent: (e: Sse) => void): Promise<Sse[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(response.status, 200);
  const events: Sse[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      const e = { event, data: data.join('\n') };
      events.push(e);
      onEvent(e);
    }
  }
  return events;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  f = await startServer({ collections: { hr: HR, public: [{ source: 'mem://public/a', title: 'About', text: 'We make robot arms.' }] }, manualClose: true });
  mkdirSync(join(f.home, 'models'), { recursive: true });
  copyFileSync(tinyLlamaPath(), join(f.home, 'models', 'tiny.gguf'));
  hrEditor = f.keys.create({ name: 'hr-ed', role: 'editor', collections: ['hr'] }).key;
  publicReader = f.keys.create({ name: 'pub', role: 'reader', collections: ['public'] }).key;
  const built = await (await f.call('/api/datasets/build', { key: hrEditor, json: { collection: 'hr', kind: 'qa', name: 'hr-qa', perChunk: 1 } })).json();
  await waitFor('the dataset', async () => {
    const job = await (await f.call(`/api/jobs/${built.jobId}`, { key: hrEditor })).json();
    return job.state === 'done' ? job : undefined;
  });
  const split = await f.call('/api/datasets/hr-qa/split', { key: hrEditor, json: { ratios: [0.5, 0.5, 0], seed: 3 } });
  assert.equal(split.status, 200);
});
after(() => f.close());

describe('training over HTTP', () => {
  test('a local run streams step and validation losses, then the adapter shows its lineage', { timeout: 180_000 }, async () => {
    const models = await (await f.call('/api/training/models', { key: hrEditor })).json();
    assert.deepEqual(models.models, [{ name: 'tiny.gguf' }]);
    const notOffered = await f.call('/api/training', { key: hrEditor, json: { dataset: 'hr-qa', base: '/etc/passwd', hyperparameters: TINY } });
    assert.equal(notOffered.status, 400);
    assert.match((await notOffered.json()).error.message, /not a base model this server offers; choose one of tiny\.gguf/);

    const started = await f.call('/api/training', { key: hrEditor, json: { dataset: 'hr-qa', base: 'tiny.gguf', adapter: 'hr-lora', hyperparameters: { ...TINY, epochs: 2 } } });
    assert.equal(started.status, 202);
    const { jobId, events } = await started.json();
    const seen = await follow(f.url + events, hrEditor, () => {});
    const steps = seen.filter((e) => e.event === 'step').map((e) => JSON.parse(e.data));
    const epochs = seen.filter((e) => e.event === 'epoch').map((e) => JSON.parse(e.data));
    assert.equal(seen[0]!.event, 'run');
    assert.ok(steps.length >= 2, `${steps.length} step events; last: ${seen.at(-1)?.data}`);
    for (const s of steps) assert.ok(Number.isFinite(s.step.loss) && s.step.loss > 0, JSON.stringify(s));
    assert.equal(epochs.length, 2);
    for (const e of epochs) assert.ok(Number.isFinite(e.epoch.validationLoss), `validation loss per epoch: ${JSON.stringify(epochs)} ${JSON.stringify(seen[0])}`);
    const last = JSON.parse(seen.at(-1)!.data);
    assert.equal(last.status, 'done', JSON.stringify(last.error));
    assert.ok(last.perplexity.before > 1 && last.perplexity.after > 1, JSON.stringify(last.perplexity));
    assert.ok(last.bestEpoch === 1 || last.bestEpoch === 2);

    const run = schemas.trainingRunSchema.parse(await (await f.call(`/api/training/${jobId}`, { key: hrEditor })).json());
    schemas.trainingListSchema.parse(await (await f.call('/api/training', { key: hrEditor })).json());
    schemas.adapterListSchema.parse(await (await f.call('/api/adapters', { key: hrEditor })).json());
    schemas.baseModelsSchema.parse(models);
    assert.equal(run.steps.length, steps.length, 'the record keeps every step for a reload');
    const adapter = schemas.adapterDetailSchema.parse(await (await f.call('/api/adapters/hr-lora', { key: hrEditor })).json());
    assert.deepEqual(adapter.collections, ['hr']);
    assert.equal(adapter.containsErasedData, false);
    assert.equal(adapter.lineage.dataset.name, 'hr-qa');
    assert.equal(adapter.lineage.dataset.hashMatches, true);
    assert.ok(adapter.lineage.documents.length >= 2);
    assert.ok(adapter.lineage.documents.every((d) => d.collection === 'hr' && !d.erased));
    assert.deepEqual(adapter.metrics.validationLoss, epochs.map((e) => e.epoch.validationLoss));

    // The public reader sees neither the run nor the adapter: 404, as if they did not exist.
    assert.equal((await f.call(`/api/training/${jobId}`, { key: publicReader })).status, 404);
    assert.equal((await f.call(`/api/training/${jobId}/events`, { key: publicReader })).status, 404);
    assert.equal((await f.call('/api/adapters/hr-lora', { key: publicReader })).status, 404);
    assert.equal((await f.call('/api/adapters/hr-lora', { key: publicReader, method: 'DELETE' })).status, 404);
    assert.deepEqual((await (await f.call('/api/adapters', { key: publicReader })).json()).adapters, []);
    assert.deepEqual((await (await f.call('/api/training', { key: publicReader })).json()).runs, []);
    assert.equal((await f.call('/api/training', { key: publicReader, json: { dataset: 'hr-qa', base: 'tiny.gguf' } })).status, 404);
    const again = await f.call('/api/training', { key: hrEditor, json: { dataset: 'hr-qa', base: 'tiny.gguf', adapter: 'hr-lora' } });
    assert.equal(again.status, 400);
  });

  test('chat names the adapter: rag:hr+adapter:NAME and adapter:NAME, listed by /v1/models for keys that see it', { timeout: 120_000 }, async () => {
    const ids = (await (await f.call('/v1/models', { key: hrEditor })).json()).data.map((m: { id: string }) => m.id);
    assert.ok(ids.includes('rag:hr+adapter:hr-lora') && ids.includes('adapter:hr-lora'), ids.join(', '));
    const hidden = (await (await f.call('/v1/models', { key: publicReader })).json()).data.map((m: { id: string }) => m.id);
    assert.ok(!hidden.some((id: string) => id.includes('hr-lora')), hidden.join(', '));
    assert.equal((await f.call('/v1/models/rag:hr+adapter:hr-lora', { key: hrEditor })).status, 200);
    assert.equal((await f.call('/v1/models/adapter:hr-lora', { key: publicReader })).status, 404);

    const rag = await f.call('/v1/chat/completions', { key: hrEditor, json: { model: 'rag:hr+adapter:hr-lora', messages: [{ role: 'user', content: 'How many days of leave do new staff get?' }], max_tokens: 8 } });
    assert.equal(rag.status, 200);
    const ragBody = await rag.json();
    assert.equal(ragBody.model, 'rag:hr+adapter:hr-lora');
    const trace = await (await f.call(`/api/traces/${ragBody.tailor.trace_id}`, { key: hrEditor })).json();
    assert.match(JSON.stringify(trace), /llama-cpp|gguf|tiny/, 'the answer came from the adapter\'s GGUF model, not the extractive answerer');
    const alone = await f.call('/v1/chat/completions', { key: hrEditor, json: { model: 'adapter:hr-lora', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 6 } });
    assert.equal(alone.status, 200);
    assert.equal(typeof (await alone.json()).choices[0].message.content, 'string');
    const refused = await f.call('/v1/chat/completions', { key: publicReader, json: { model: 'adapter:hr-lora', messages: [{ role: 'user', content: 'Hi' }] } });
    assert.equal(refused.status, 404);
  });

  test('cancel stops a running run; it ends cancelled', { timeout: 120_000 }, async () => {
    const { jobId, events } = await (await f.call('/api/training', { key: hrEditor, json: { dataset: 'hr-qa', base: 'tiny.gguf', adapter: 'long-lora', hyperparameters: { ...TINY, epochs: 40 } } })).json();
    let cancelled = false;
    const seen = await follow(f.url + events, hrEditor, (e) => {
      if (e.event === 'step' && !cancelled) {
        cancelled = true;
        void f.call(`/api/training/${jobId}/cancel`, { key: hrEditor, method: 'POST' }).then((r) => assert.equal(r.status, 202));
      }
    });
    const last = JSON.parse(seen.at(-1)!.data);
    assert.equal(last.status, 'cancelled', JSON.stringify(last.error));
    assert.ok(last.steps.length < 40, 'stopped early');
    const job = await (await f.call(`/api/jobs/${jobId}`, { key: hrEditor })).json();
    assert.equal(job.state, 'failed');
    assert.equal(job.error.code, 'CANCELLED');
    assert.equal((await f.call('/api/adapters/long-lora', { key: hrEditor })).status, 404, 'no adapter registered');
  });

  test('a restart resumes a run from its checkpoint; a run whose job is gone is marked interrupted', { timeout: 240_000 }, async () => {
    const first = await (await f.call('/api/training', { key: hrEditor, json: { dataset: 'hr-qa', base: 'tiny.gguf', adapter: 'survivor', hyperparameters: { ...TINY, epochs: 4 } } })).json();
    const second = await (await f.call('/api/training', { key: hrEditor, json: { dataset: 'hr-qa', base: 'tiny.gguf', adapter: 'lost', hyperparameters: { ...TINY, epochs: 1 } } })).json();
    // Stop the server as `tailor serve` does on SIGTERM, once the first epoch is checkpointed: from inside
    // the run's own step event, so the stop cannot come after the run has finished (polling over HTTP
    // sometimes saw the first epoch only when all four were done). Then lose the second run's job file.
    const runs = f.server.deps.trainingRuns;
    let stopping: Promise<void> | undefined;
    await new Promise<void>((resolve) => {
      const stop = () => {
        if (stopping) return;
        unwatch();
        stopping = f.server.deps.jobs.stop(30_000);
        resolve();
      };
      const unwatch = runs.watch(first.jobId, (event) => void (event.type === 'step' && event.step.epoch >= 2 && stop()));
      if ((runs.get(first.jobId)?.epochs.length ?? 0) >= 1) stop();
    });
    await stopping;
    assert.equal(runs.get(first.jobId)?.status, 'queued', 'the stop interrupted the run');
    rmSync(join(f.home, 'jobs', `${second.jobId}.json`));
    const restarted: TailorServer = createServer({ webRoot: false, tailor: f.tailor, home: f.home, keys: f.keys });
    const running = await restarted.listen(0, '127.0.0.1');
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const call = async (path: string): Promise<any> => (await fetch(running.url + path, { headers: { authorization: `Bearer ${hrEditor}` } })).json();
      const lost = await call(`/api/training/${second.jobId}`);
      assert.equal(lost.status, 'interrupted');
      assert.match(lost.error.message, /server stopped during this run/);
      const done = await waitFor('the resumed run', async () => {
        const run = await call(`/api/training/${first.jobId}`);
        return run.status === 'done' || run.status === 'failed' ? run : undefined;
      }, 200_000);
      assert.equal(done.status, 'done', JSON.stringify(done.error));
      assert.ok(done.notes.some((n: string) => /resumed after a restart from the checkpoint at step \d+/.test(n)), done.notes.join('; '));
      assert.equal(done.epochs.length, 4);
      const adapter = await call('/api/adapters/survivor');
      assert.equal(adapter.metrics.trainLoss.length, 4);
    } finally {
      await restarted.deps.jobs.stop();
      await running.close();
    }
  });
  test('erasing a document the adapter learned from flags it: lineage shows the erased document, chat refuses it', { timeout: 60_000 }, async () => {
    const before = await (await f.call('/api/adapters/hr-lora', { key: hrEditor })).json();
    const victim = before.lineage.documents[0].id;
    const erased = await f.call(`/api/documents/${victim}`, { key: hrEditor, method: 'DELETE' });
    assert.equal(erased.status, 200);
    assert.ok((await erased.json()).lineage.adapters.includes('hr-lora'));
    const after = await (await f.call('/api/adapters/hr-lora', { key: hrEditor })).json();
    assert.equal(after.containsErasedData, true);
    assert.equal(after.lineage.documents.find((d: { id: string }) => d.id === victim).erased, true);
    assert.match(after.retrainCommand, /tailor train .*--name hr-lora-retrained/);
    assert.equal(after.lineage.dataset.hashMatches, false, 'the dataset lost the erased examples since training');
    const refused = await f.call('/v1/chat/completions', { key: hrEditor, json: { model: 'adapter:hr-lora', messages: [{ role: 'user', content: 'Hi' }] } });
    assert.equal(refused.status, 403);
    assert.match((await refused.json()).error.message, /erased document/);
    const ids = (await (await f.call('/v1/models', { key: hrEditor })).json()).data.map((m: { id: string }) => m.id);
    assert.ok(!ids.some((id: string) => id.includes('hr-lora')), 'an adapter refused for use is not offered');
  });
});

describe('training through the shipped server (dist)', () => {
  test('tailor serve --base-model, built: upload a chat dataset and train a local adapter on the offered model', { timeout: 300_000 }, async () => {
    const { startBuiltServer } = await import('./helpers/built-server.js');
    const { tempDir } = await import('./helpers/temp.js');
    const { runBuiltCli } = await import('./helpers/built-server.js');
    const home = join(await tempDir('tailor-built-train-'), 'home');
    const missing = await runBuiltCli(home, ['serve', '--port', '0', '--base-model', join(home, 'no-such.gguf')]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /--base-model .*no-such\.gguf does not exist/);
    const model = join(home, '..', 'tiny.gguf');
    copyFileSync(tinyLlamaPath(), model);
    const server = await startBuiltServer(home, ['--base-model', model]);
    try {
      const lines = ['Hi|Hello there', 'What is the name of the cat?|The cat is named Lily.', 'Where is the dog?|The dog is in the park.', 'Who is happy?|The little girl is happy.']
        .map((pair) => { const [q, a] = pair.split('|'); return JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] }); });
      const form = new FormData();
      form.append('format', 'chat');
      form.append('collection', 'notes');
      form.append('name', 'chat-notes');
      form.append('file', new Blob([lines.join('\n') + '\n']), 'notes.jsonl');
      const uploaded = await fetch(`${server.url}/api/datasets/upload`, { method: 'POST', body: form });
      assert.equal(uploaded.status, 201, await uploaded.clone().text());
      const started = await fetch(`${server.url}/api/training`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'chat-notes', base: 'tiny.gguf', adapter: 'notes-lora', hyperparameters: { rank: 2, epochs: 1, batchSize: 2 } }) });
      assert.equal(started.status, 202);
      const { jobId } = (await started.json()) as { jobId: string };
      const run = await waitFor('the built server\'s run', async () => {
        const r = (await (await fetch(`${server.url}/api/training/${jobId}`)).json()) as { status: string; error?: unknown; steps: unknown[] };
        return r.status === 'done' || r.status === 'failed' ? r : undefined;
      }, 240_000);
      assert.equal(run.status, 'done', JSON.stringify(run.error) + server.output().stderr);
      assert.equal(run.steps.length, 2);
      const adapter = (await (await fetch(`${server.url}/api/adapters/notes-lora`)).json()) as { collections: string[]; format: string };
      assert.deepEqual(adapter.collections, ['notes']);
      assert.equal(adapter.format, 'gguf-lora');
    } finally {
      await server.stop();
    }
  });
});
