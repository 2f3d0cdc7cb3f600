import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOpenAIFineTuneTrainer, createAdapterRegistry, importDataset, splitDataset, trainAdapter } from '../src/finetune/index.js';
import { TailorError } from '../src/core/errors.js';
import { tempDir } from './helpers/temp.js';

/**
 * A local server for the documented OpenAI fine-tuning endpoints: POST /v1/files (multipart,
 * purpose "fine-tune"), POST /v1/fine_tuning/jobs, GET /v1/fine_tuning/jobs/:id,
 * GET /v1/fine_tuning/jobs/:id/events (newest first), POST /v1/fine_tuning/jobs/:id/cancel.
 * A job advances one state per retrieve: validating_files → queued → running (one metrics
 * event per step) → succeeded, or failed when its suffix is "fail".
 */
interface Job {
  id: string;
  model: string;
  status: string;
  training_file: string;
  validation_file: string | null;
  hyperparameters: Record<string, unknown>;
  seed: number;
  suffix: string | null;
  fine_tuned_model: string | null;
  trained_tokens: number | null;
  error: { code: string; message: string; param: null } | null;
  step: number;
  created_at: number;
}

const KEY = 'sk-test-123';
const STEPS = 4;
const files = new Map<string, { purpose: string; filename: string; text: string }>();
const jobs = new Map<string, Job>();
const events = new Map<string, Array<Record<string, unknown>>>();
const requests: string[] = [];
let server: Server;
let baseURL: string;
let counter = 0;

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function jobView(job: Job) {
  const { step: _step, ...view } = job;
  return { object: 'fine_tuning.job', organization_id: 'org-test', result_files: [], finished_at: null, ...view };
}

function addEvent(job: Job, message: string, extra: Record<string, unknown> = {}) {
  const list = events.get(job.id)!;
  list.push({ id: `ftevent-${++counter}`, object: 'fine_tuning.job.event', created_at: 1700000000 + counter, level: 'info', message, type: 'message', ...extra });
}

function advance(job: Job) {
  if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return;
  if (job.status === 'validating_files') job.status = 'queued';
  else if (job.status === 'queued') {
    job.status = 'running';
    addEvent(job, 'Fine-tuning job started');
  } else if (job.suffix === 'fail') {
    job.status = 'failed';
    job.error = { code: 'invalid_training_file', message: 'The training file has too few examples', param: null };
  } else if (job.step < STEPS) {
    job.step++;
    addEvent(job, `Step ${job.step}/${STEPS}`, { type: 'metrics', data: { step: job.step, total_steps: STEPS, train_loss: 2 / job.step, valid_loss: 2.5 / job.step, train_mean_token_accuracy: 0.5 } });
  } else {
    job.status = 'succeeded';
    job.fine_tuned_model = `ft:${job.model}:tailor:${job.suffix ?? 'x'}:${job.id.slice(-6)}`;
    job.trained_tokens = 1234;
    addEvent(job, 'The job has successfully completed');
  }
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  requests.push(`${req.method} ${req.url}`);
  if (req.headers.authorization !== `Bearer ${KEY}`) return send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
  const url = new URL(req.url!, 'http://local');
  const raw = await body(req);
  if (req.method === 'POST' && url.pathname === '/v1/files') {
    const form = await new Request('http://local/v1/files', { method: 'POST', headers: req.headers as Record<string, string>, body: raw }).formData();
    const file = form.get('file') as File;
    const id = `file-${++counter}`;
    files.set(id, { purpose: String(form.get('purpose')), filename: file.name, text: await file.text() });
    return send(res, 200, { id, object: 'file', bytes: file.size, created_at: 1700000000, filename: file.name, purpose: form.get('purpose'), status: 'processed' });
  }
  if (req.method === 'POST' && url.pathname === '/v1/fine_tuning/jobs') {
    const params = JSON.parse(raw.toString('utf8'));
    if (!files.has(params.training_file) || files.get(params.training_file)!.purpose !== 'fine-tune') return send(res, 400, { error: { message: `invalid training_file: ${params.training_file}` } });
    const job: Job = {
      id: `ftjob-${++counter}`,
      model: params.model,
      status: 'validating_files',
      training_file: params.training_file,
      validation_file: params.validation_file ?? null,
      hyperparameters: params.method?.supervised?.hyperparameters ?? {},
      seed: params.seed ?? 0,
      suffix: params.suffix ?? null,
      fine_tuned_model: null,
      trained_tokens: null,
      error: null,
      step: 0,
      created_at: 1700000000,
    };
    jobs.set(job.id, job);
    events.set(job.id, []);
    addEvent(job, `Created fine-tuning job: ${job.id}`);
    return send(res, 200, jobView(job));
  }
  const match = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(url.pathname);
  const job = match ? jobs.get(match[1]) : undefined;
  if (!job) return send(res, 404, { error: { message: 'No such job' } });
  if (req.method === 'GET' && !match![2]) {
    advance(job);
    return send(res, 200, jobView(job));
  }
  if (req.method === 'GET' && match![2] === '/events') {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    return send(res, 200, { object: 'list', data: [...events.get(job.id)!].reverse().slice(0, limit), has_more: false });
  }
  if (req.method === 'POST' && match![2] === '/cancel') {
    job.status = 'cancelled';
    return send(res, 200, jobView(job));
  }
  return send(res, 404, { error: { message: 'Not found' } });
}

before(async () => {
  server = createServer((req, res) => void handle(req, res).catch((e) => send(res, 500, { error: { message: String(e) } })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const chat = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });

describe('remote fine-tuning through the openai SDK', () => {
  test('upload, create, poll events, and register the fine-tuned model with its lineage', async () => {
    const home = await tempDir();
    const file = join(home, 'faq.jsonl');
    await writeFile(file, Array.from({ length: 20 }, (_, i) => chat(`Question number ${i}?`, `Answer number ${i}.`)).join('\n'));
    await importDataset({ home, file, format: 'chat', name: 'faq', dedupe: false });
    const { report } = await splitDataset({ home, name: 'faq', ratios: [0.8, 0.2, 0], seed: 1 });
    const progress: Array<{ step: number; loss: number }> = [];
    const { adapter, result } = await trainAdapter({
      home,
      base: 'gpt-4o-mini-2024-07-18',
      dataset: 'faq',
      backend: 'openai',
      name: 'faq-remote',
      hyperparameters: { epochs: 2, batchSize: 4, seed: 9 },
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: baseURL },
      remote: { pollIntervalMs: 1, suffix: 'faq' },
      onProgress: (e) => progress.push({ step: e.step, loss: e.loss }),
    });
    assert.match(result.modelId!, /^ft:gpt-4o-mini-2024-07-18:tailor:faq:/);
    assert.equal(result.adapterPath, `openai:${result.modelId}`);
    assert.deepEqual(result.trainLoss, [2, 1, 2 / 3, 0.5]);
    assert.deepEqual(result.validationLoss, [2.5, 1.25, 2.5 / 3, 0.625]);
    assert.deepEqual(progress.map((p) => p.step), [1, 2, 3, 4]);
    assert.equal(result.tokens, 1234);

    const job = jobs.get(String(result.extra!.jobId))!;
    assert.equal(job.model, 'gpt-4o-mini-2024-07-18');
    assert.deepEqual(job.hyperparameters, { n_epochs: 2, batch_size: 4 });
    assert.equal(job.seed, 9);
    const training = files.get(job.training_file)!;
    assert.equal(training.purpose, 'fine-tune');
    const uploaded = training.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(uploaded.length, report.splits.train.examples);
    for (const record of uploaded) assert.deepEqual(Object.keys(record), ['messages']);
    assert.equal(files.get(job.validation_file!)!.text.trim().split('\n').length, report.splits.validation.examples);

    const stored = await createAdapterRegistry(home).get('faq-remote');
    assert.equal(stored.modelId, result.modelId);
    assert.equal(stored.format, 'remote');
    assert.equal(stored.dataset.exampleIds.length, 20);
    assert.equal(stored.baseModel.sha256, undefined);
    const record = JSON.parse(await readFile(join(createAdapterRegistry(home).adapterDir('faq-remote'), 'job.json'), 'utf8'));
    assert.equal(record.jobId, job.id);
    assert.equal(record.apiKey, undefined, 'the key is never written to disk');
  });

  test('resume polls the recorded job instead of uploading again', async () => {
    const dir = await tempDir();
    const trainer = createOpenAIFineTuneTrainer({ apiKey: KEY, baseURL, pollIntervalMs: 1 });
    const first = await trainer.doTrain({ baseModel: 'gpt-4o-mini', train: [{ id: 'a', messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] }], outputDir: dir });
    const before = requests.filter((r) => r.startsWith('POST')).length;
    const again = await trainer.doTrain({ baseModel: 'gpt-4o-mini', train: [{ id: 'a', messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] }], outputDir: dir, resumeFrom: dir });
    assert.equal(requests.filter((r) => r.startsWith('POST')).length, before, 'no new upload or job');
    assert.equal(again.result.modelId, first.result.modelId);
  });

  test('a failed job, a cancelled run and a bad key become clear errors', async () => {
    const dir = await tempDir();
    const train = [{ id: 'a', messages: [{ role: 'user' as const, content: 'Q' }, { role: 'assistant' as const, content: 'A' }] }];
    const failing = createOpenAIFineTuneTrainer({ apiKey: KEY, baseURL, pollIntervalMs: 1, suffix: 'fail' });
    await assert.rejects(failing.doTrain({ baseModel: 'gpt-4o-mini', train, outputDir: join(dir, 'f') }), (e: TailorError) => e.code === 'PROVIDER_ERROR' && /too few examples/.test(e.message));

    const controller = new AbortController();
    const slow = createOpenAIFineTuneTrainer({ apiKey: KEY, baseURL, pollIntervalMs: 1 });
    await mkdir(join(dir, 'c'), { recursive: true });
    await assert.rejects(
      slow.doTrain({ baseModel: 'gpt-4o-mini', train, outputDir: join(dir, 'c'), onProgress: () => controller.abort(), abortSignal: controller.signal }),
      (e: TailorError) => e.code === 'ABORTED',
    );
    const record = JSON.parse(await readFile(join(dir, 'c', 'job.json'), 'utf8'));
    assert.equal(jobs.get(record.jobId)!.status, 'cancelled', 'cancelling the run cancels the remote job');

    const unauthorised = createOpenAIFineTuneTrainer({ apiKey: 'sk-wrong', baseURL, pollIntervalMs: 1 });
    await assert.rejects(unauthorised.doTrain({ baseModel: 'gpt-4o-mini', train, outputDir: join(dir, 'u') }), (e: TailorError) => e.code === 'UNAUTHENTICATED' && /Incorrect API key/.test(e.message));
  });
});
