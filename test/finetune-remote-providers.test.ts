import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAdapterRegistry, createFireworksFineTuneTrainer, createTogetherFineTuneTrainer, importDataset, splitDataset, trainAdapter } from '../src/finetune/index.js';
import type { TailorError } from '../src/core/errors.js';
import { builtCliAsync } from './helpers/built-cli.js';
import { tempDir } from './helpers/temp.js';

/**
 * One local server implementing the documented fine-tuning endpoints of two providers.
 *
 * Together AI (docs.together.ai, openapi.yaml): POST /v1/files/upload (multipart: file, file_name,
 * purpose, file_type), POST /v1/fine-tunes, GET /v1/fine-tunes/{id}, GET …/events ({ data: FineTuneEvent[] }),
 * GET …/metrics ({ metrics: [{ "train/loss", "train/global_step" }] }), POST …/cancel. Status walks
 * pending → queued → running (one metrics snapshot per read, 3 steps) → uploading → completed, or error
 * for the model "fail/model".
 *
 * Fireworks AI (docs.fireworks.ai/fine-tuning/fine-tuning-via-api): POST /v1/accounts/{a}/datasets
 * ({ datasetId, dataset: { userUploaded: {} } }), POST …/datasets/{id}:upload (multipart "file"),
 * GET …/datasets/{id} (state UPLOADING → READY), POST /v1/accounts/{a}/supervisedFineTuningJobs
 * ?supervisedFineTuningJobId=…, GET and DELETE …/supervisedFineTuningJobs/{id}. State walks
 * JOB_STATE_CREATING → VALIDATING → RUNNING (50%) → WRITING_RESULTS → COMPLETED, or FAILED for a base
 * model containing "fail".
 */
const TOGETHER_KEY = 'tg-test-key';
const FIREWORKS_KEY = 'fw-test-key';
const ACCOUNT = 'acme-co';
const files = new Map<string, { purpose: string; name: string; type: string; text: string }>();
const tJobs = new Map<string, { id: string; status: string; body: Record<string, unknown>; step: number; events: Array<Record<string, unknown>>; metrics: Array<Record<string, number>> }>();
const datasets = new Map<string, { id: string; body: Record<string, unknown>; text?: string; reads: number }>();
const fJobs = new Map<string, { id: string; body: Record<string, unknown>; state: string; deleted?: boolean }>();
const requests: string[] = [];
let server: Server;
let root: string;
let counter = 0;
const instant = { on: false };

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function form(req: IncomingMessage, raw: Buffer) {
  return new Request('http://local/', { method: 'POST', headers: req.headers as Record<string, string>, body: raw }).formData();
}

function togetherEvent(job: { events: Array<Record<string, unknown>> }, type: string, message: string, extra: Record<string, unknown> = {}) {
  job.events.push({ object: 'fine-tune-event', created_at: new Date(1700000000000 + ++counter * 1000).toISOString(), message, type, level: type === 'job_error' ? 'error' : 'info', step: 0, total_steps: 3, ...extra });
}

function advanceTogether(job: NonNullable<ReturnType<typeof tJobs.get>>) {
  const next: Record<string, string> = { pending: 'queued', queued: 'running', uploading: 'completed' };
  if (['completed', 'error', 'cancelled'].includes(job.status)) return;
  if (instant.on) job.status = 'running';
  if (job.status === 'running') {
    if (job.body.model === 'fail/model') {
      job.status = 'error';
      togetherEvent(job, 'job_error', 'Training data has too few tokens');
    } else if (job.step < 3 && !instant.on) {
      job.step++;
      job.metrics.push({ 'train/loss': 3 / job.step, 'train/global_step': job.step, 'train/learning_rate': 0.0001 });
    } else {
      if (instant.on) for (let s = 1; s <= 3; s++) job.metrics.push({ 'train/loss': 3 / s, 'train/global_step': s });
      job.status = instant.on ? 'completed' : 'uploading';
      togetherEvent(job, 'model_uploading', 'Uploading model');
    }
    return;
  }
  job.status = next[job.status] ?? job.status;
  togetherEvent(job, job.status === 'running' ? 'training_start' : 'job_pending', `Job is ${job.status}`);
}

function togetherView(job: NonNullable<ReturnType<typeof tJobs.get>>) {
  return {
    id: job.id, status: job.status, model: job.body.model, training_file: job.body.training_file, validation_file: job.body.validation_file ?? '',
    model_output_name: job.status === 'completed' ? `tailor-user/${String(job.body.model).split('/').pop()}-${String(job.body.suffix ?? 'ft')}-${job.id.slice(-4)}` : null,
    n_epochs: job.body.n_epochs ?? 1, training_type: job.body.training_type, token_count: job.status === 'completed' ? 4321 : 0, total_price: 0, events: [],
  };
}

async function handleTogether(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer) {
  if (req.headers.authorization !== `Bearer ${TOGETHER_KEY}`) return send(res, 401, { error: { message: 'Invalid API key provided', type: 'invalid_request_error' } });
  if (req.method === 'POST' && path === '/files/upload') {
    const data = await form(req, raw);
    for (const field of ['purpose', 'file_name', 'file']) if (!data.has(field)) return send(res, 400, { error: { message: `${field} is required` } });
    const file = data.get('file') as File;
    const id = `file-${++counter}`;
    files.set(id, { purpose: String(data.get('purpose')), name: String(data.get('file_name')), type: String(data.get('file_type') ?? 'jsonl'), text: await file.text() });
    return send(res, 200, { id, object: 'file', created_at: 1715021438, filename: data.get('file_name'), bytes: file.size, purpose: data.get('purpose'), Processed: true, FileType: 'jsonl', LineCount: 0 });
  }
  if (req.method === 'POST' && path === '/fine-tunes') {
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (typeof body.model !== 'string' || !files.has(String(body.training_file))) return send(res, 400, { error: { message: `invalid training_file ${String(body.training_file)}` } });
    const job = { id: `ft-${++counter}-abcd`, status: 'pending', body, step: 0, events: [], metrics: [] };
    tJobs.set(job.id, job);
    togetherEvent(job, 'job_pending', 'Fine tune request created');
    return send(res, 200, togetherView(job));
  }
  const m = /^\/fine-tunes\/([^/]+)(\/events|\/metrics|\/cancel)?$/.exec(path);
  const job = m ? tJobs.get(decodeURIComponent(m[1]!)) : undefined;
  if (!job) return send(res, 404, { error: { message: 'Fine-tune job not found' } });
  if (req.method === 'GET' && !m![2]) {
    advanceTogether(job);
    return send(res, 200, togetherView(job));
  }
  if (req.method === 'GET' && m![2] === '/events') return send(res, 200, { data: job.events });
  if (req.method === 'GET' && m![2] === '/metrics') return send(res, 200, { metrics: job.metrics });
  if (req.method === 'POST' && m![2] === '/cancel') {
    job.status = 'cancelled';
    return send(res, 200, togetherView(job));
  }
  return send(res, 404, { error: { message: 'Not found' } });
}

async function handleFireworks(req: IncomingMessage, res: ServerResponse, path: string, url: URL, raw: Buffer) {
  if (req.headers.authorization !== `Bearer ${FIREWORKS_KEY}`) return send(res, 401, { code: 16, message: 'unauthenticated: invalid API key' });
  const prefix = `/accounts/${ACCOUNT}`;
  if (!path.startsWith(prefix)) return send(res, 403, { code: 7, message: 'permission denied for account' });
  const rest = path.slice(prefix.length);
  if (req.method === 'POST' && rest === '/datasets') {
    const body = JSON.parse(raw.toString('utf8')) as { datasetId?: string; dataset?: Record<string, unknown> };
    if (!body.datasetId || !body.dataset?.userUploaded) return send(res, 400, { code: 3, message: 'datasetId and dataset.userUploaded are required' });
    if (!/^[a-z0-9-]{1,63}$/.test(body.datasetId)) return send(res, 400, { code: 3, message: `invalid dataset id ${body.datasetId}` });
    datasets.set(body.datasetId, { id: body.datasetId, body: body.dataset, reads: 0 });
    return send(res, 200, { name: `accounts/${ACCOUNT}/datasets/${body.datasetId}`, state: 'UPLOADING', status: { code: 'OK', message: '' }, exampleCount: body.dataset.exampleCount });
  }
  const upload = /^\/datasets\/([^/:]+):upload$/.exec(rest);
  if (req.method === 'POST' && upload) {
    const dataset = datasets.get(upload[1]!);
    if (!dataset) return send(res, 404, { code: 5, message: 'dataset not found' });
    const file = (await form(req, raw)).get('file') as File | null;
    if (!file) return send(res, 400, { code: 3, message: 'file is required' });
    dataset.text = await file.text();
    return send(res, 200, {});
  }
  const getDataset = /^\/datasets\/([^/:]+)$/.exec(rest);
  if (req.method === 'GET' && getDataset) {
    const dataset = datasets.get(getDataset[1]!);
    if (!dataset) return send(res, 404, { code: 5, message: 'dataset not found' });
    dataset.reads++;
    const ready = dataset.text !== undefined && (instant.on || dataset.reads > 1);
    return send(res, 200, { name: `accounts/${ACCOUNT}/datasets/${dataset.id}`, state: ready ? 'READY' : 'UPLOADING', status: { code: 'OK', message: '' } });
  }
  if (req.method === 'POST' && rest === '/supervisedFineTuningJobs') {
    const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const dataset = String(body.dataset ?? '').split('/').pop()!;
    if (datasets.get(dataset)?.text === undefined) return send(res, 400, { code: 9, message: `dataset ${String(body.dataset)} is not READY` });
    const id = url.searchParams.get('supervisedFineTuningJobId') ?? `job-${++counter}`;
    fJobs.set(id, { id, body, state: 'JOB_STATE_CREATING' });
    return send(res, 200, { name: `accounts/${ACCOUNT}/supervisedFineTuningJobs/${id}`, state: 'JOB_STATE_CREATING', dataset: body.dataset, baseModel: body.baseModel });
  }
  const jobPath = /^\/supervisedFineTuningJobs\/([^/]+)$/.exec(rest);
  const job = jobPath ? fJobs.get(jobPath[1]!) : undefined;
  if (!job || job.deleted) return send(res, 404, { code: 5, message: 'job not found' });
  if (req.method === 'DELETE') {
    job.deleted = true;
    return send(res, 200, {});
  }
  const order = ['JOB_STATE_CREATING', 'JOB_STATE_VALIDATING', 'JOB_STATE_RUNNING', 'JOB_STATE_WRITING_RESULTS', 'JOB_STATE_COMPLETED'];
  if (String(job.body.baseModel).includes('fail') && job.state === 'JOB_STATE_RUNNING') job.state = 'JOB_STATE_FAILED';
  else if (job.state !== 'JOB_STATE_FAILED') job.state = instant.on ? 'JOB_STATE_COMPLETED' : order[Math.min(order.length - 1, order.indexOf(job.state) + 1)]!;
  return send(res, 200, {
    name: `accounts/${ACCOUNT}/supervisedFineTuningJobs/${job.id}`, state: job.state, dataset: job.body.dataset, baseModel: job.body.baseModel,
    status: job.state === 'JOB_STATE_FAILED' ? { code: 'INVALID_ARGUMENT', message: 'base model is not tunable' } : { code: 'OK', message: '' },
    outputModel: `accounts/${ACCOUNT}/models/${String(job.body.outputModel)}`,
    jobProgress: job.state === 'JOB_STATE_RUNNING' ? { percent: 50, epoch: 1 } : job.state === 'JOB_STATE_COMPLETED' ? { percent: 100, epoch: 2, inputTokens: 777 } : {},
  });
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  requests.push(`${req.method} ${req.url}`);
  const url = new URL(req.url!, 'http://local');
  const raw = await readBody(req);
  if (url.pathname.startsWith('/together/v1')) return handleTogether(req, res, url.pathname.slice('/together/v1'.length), raw);
  if (url.pathname.startsWith('/fireworks/v1')) return handleFireworks(req, res, url.pathname.slice('/fireworks/v1'.length), url, raw);
  return send(res, 404, { error: { message: 'Not found' } });
}

before(async () => {
  server = createServer((req, res) => void handle(req, res).catch((e) => send(res, 500, { error: { message: String(e) } })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const chat = (q: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: a }] });
const train = [1, 2, 3, 4].map((i) => ({ id: `e${i}`, messages: [{ role: 'user' as const, content: `Q${i}` }, { role: 'assistant' as const, content: `A${i}` }] }));

async function faqHome() {
  const home = await tempDir();
  const file = join(home, 'faq.jsonl');
  await writeFile(file, Array.from({ length: 20 }, (_, i) => chat(`Question number ${i}?`, `Answer number ${i}.`)).join('\n'));
  await importDataset({ home, file, format: 'chat', name: 'faq', dedupe: false });
  const { report } = await splitDataset({ home, name: 'faq', ratios: [0.8, 0.2, 0], seed: 1 });
  return { home, file, report };
}

describe('Together AI fine-tuning (documented endpoints, local server)', () => {
  test('uploads, creates a LoRA job, follows metrics to completion, and registers the model', async () => {
    const { home, report } = await faqHome();
    const progress: Array<{ step: number; loss: number }> = [];
    const { adapter, result } = await trainAdapter({
      home, base: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', dataset: 'faq', backend: 'together', name: 'faq-together',
      hyperparameters: { epochs: 2, rank: 16, learningRate: 0.0002, seed: 7 },
      env: { TOGETHER_API_KEY: TOGETHER_KEY, TOGETHER_BASE_URL: `${root}/together/v1` },
      remote: { pollIntervalMs: 1, suffix: 'faq' },
      onProgress: (e) => progress.push({ step: e.step, loss: e.loss }),
    });
    const job = tJobs.get(String(result.extra!.jobId))!;
    assert.equal(job.body.model, 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference');
    assert.deepEqual(job.body.training_type, { type: 'Lora', lora_r: 16, lora_alpha: 32 });
    assert.deepEqual(job.body.training_method, { method: 'sft', train_on_inputs: 'auto' });
    assert.equal(job.body.n_epochs, 2);
    assert.equal(job.body.learning_rate, 0.0002);
    assert.equal(job.body.random_seed, 7);
    assert.equal(job.body.suffix, 'faq');
    const training = files.get(String(job.body.training_file))!;
    assert.equal(training.purpose, 'fine-tune');
    assert.equal(training.name, 'train.jsonl');
    assert.equal(training.text.trim().split('\n').length, report.splits.train.examples);
    assert.deepEqual(Object.keys(JSON.parse(training.text.split('\n')[0]!)), ['messages']);
    assert.equal(files.get(String(job.body.validation_file))!.text.trim().split('\n').length, report.splits.validation.examples);
    assert.deepEqual(result.trainLoss, [3, 1.5, 1]);
    assert.deepEqual(progress.map((p) => p.step).filter((s, i, a) => a.indexOf(s) === i), [1, 2, 3]);
    assert.equal(result.modelId, `tailor-user/Meta-Llama-3.1-8B-Instruct-Reference-faq-${job.id.slice(-4)}`);
    assert.equal(result.adapterPath, `openai-compatible:${result.modelId}@${root}/together/v1`);
    assert.equal(result.tokens, 4321);
    assert.equal(adapter.backend, 'together');
    const stored = await createAdapterRegistry(home).get('faq-together');
    assert.equal(stored.modelId, result.modelId);
    const record = JSON.parse(await readFile(join(createAdapterRegistry(home).adapterDir('faq-together'), 'job.json'), 'utf8'));
    assert.equal(record.jobId, job.id);
    assert.equal(JSON.stringify(record).includes(TOGETHER_KEY), false, 'the key is never written to disk');
  });

  test('resume polls the recorded job; a failed job, a cancel and a bad key are clear errors', async () => {
    const dir = await tempDir();
    const baseURL = `${root}/together/v1`;
    const trainer = createTogetherFineTuneTrainer({ apiKey: TOGETHER_KEY, baseURL, pollIntervalMs: 1 });
    const first = await trainer.doTrain({ baseModel: 'org/model', train, outputDir: join(dir, 'r') });
    const posts = requests.filter((r) => r.startsWith('POST')).length;
    const again = await trainer.doTrain({ baseModel: 'org/model', train, outputDir: join(dir, 'r'), resumeFrom: join(dir, 'r') });
    assert.equal(requests.filter((r) => r.startsWith('POST')).length, posts, 'no new upload or job');
    assert.equal(again.result.modelId, first.result.modelId);

    await assert.rejects(trainer.doTrain({ baseModel: 'fail/model', train, outputDir: join(dir, 'f') }), (e: TailorError) => e.code === 'PROVIDER_ERROR' && /too few tokens/.test(e.message));
    const controller = new AbortController();
    await assert.rejects(trainer.doTrain({ baseModel: 'org/model', train, outputDir: join(dir, 'c'), onProgress: () => controller.abort(), abortSignal: controller.signal }), (e: TailorError) => e.code === 'ABORTED');
    const record = JSON.parse(await readFile(join(dir, 'c', 'job.json'), 'utf8'));
    assert.equal(tJobs.get(record.jobId)!.status, 'cancelled', 'cancelling the run cancels the remote job');
    const wrong = createTogetherFineTuneTrainer({ apiKey: 'nope', baseURL, pollIntervalMs: 1 });
    await assert.rejects(wrong.doTrain({ baseModel: 'org/model', train, outputDir: join(dir, 'u') }), (e: TailorError) => e.code === 'UNAUTHENTICATED' && /Invalid API key provided/.test(e.message) && /TOGETHER_API_KEY/.test(e.message));
    await assert.rejects(createTogetherFineTuneTrainer({ baseURL }).doTrain({ baseModel: 'org/model', train, outputDir: join(dir, 'k') }), (e: TailorError) => e.code === 'UNAUTHENTICATED' && /set TOGETHER_API_KEY/.test(e.message));
  });
});

describe('Fireworks AI fine-tuning (documented endpoints, local server)', () => {
  test('creates and uploads datasets, waits for READY, runs a LoRA job and registers the output model', async () => {
    const { home, report } = await faqHome();
    const { adapter, result, warnings } = await trainAdapter({
      home, base: 'accounts/fireworks/models/llama-v3p1-8b-instruct', dataset: 'faq', backend: 'fireworks', name: 'faq-fireworks',
      hyperparameters: { epochs: 2, rank: 8, learningRate: 0.0001, batchSize: 4 },
      env: { FIREWORKS_API_KEY: FIREWORKS_KEY, FIREWORKS_ACCOUNT_ID: ACCOUNT, FIREWORKS_BASE_URL: `${root}/fireworks/v1` },
      remote: { pollIntervalMs: 1, suffix: 'faq' },
    });
    const job = fJobs.get(String(result.extra!.jobId))!;
    assert.equal(job.body.baseModel, 'accounts/fireworks/models/llama-v3p1-8b-instruct');
    assert.equal(job.body.epochs, 2);
    assert.equal(job.body.loraRank, 8);
    assert.equal(job.body.learningRate, 0.0001);
    assert.equal(job.body.batchSizeSamples, 4);
    assert.match(String(job.body.dataset), new RegExp(`^accounts/${ACCOUNT}/datasets/tailor-train-`));
    const trainSet = datasets.get(String(job.body.dataset).split('/').pop()!)!;
    assert.equal(trainSet.text!.trim().split('\n').length, report.splits.train.examples);
    assert.equal(trainSet.body.exampleCount, String(report.splits.train.examples));
    assert.ok(trainSet.reads >= 2, 'the dataset was polled until READY');
    assert.equal(datasets.get(String(job.body.evaluationDataset).split('/').pop()!)!.text!.trim().split('\n').length, report.splits.validation.examples);
    assert.equal(result.modelId, `accounts/${ACCOUNT}/models/${String(job.body.outputModel)}`);
    assert.equal(result.adapterPath, `openai-compatible:${result.modelId}@https://api.fireworks.ai/inference/v1`);
    assert.equal(result.tokens, 777);
    assert.equal(adapter.backend, 'fireworks');
    assert.ok(warnings.some((w) => /no loss curve/.test(w)));
  });

  test('a failed job, a cancel, a missing account and a bad key are clear errors', async () => {
    const dir = await tempDir();
    const baseURL = `${root}/fireworks/v1`;
    const trainer = createFireworksFineTuneTrainer({ apiKey: FIREWORKS_KEY, accountId: ACCOUNT, baseURL, pollIntervalMs: 1 });
    await assert.rejects(trainer.doTrain({ baseModel: 'accounts/x/models/fail-me', train, outputDir: join(dir, 'f') }), (e: TailorError) => e.code === 'PROVIDER_ERROR' && /not tunable/.test(e.message));
    const controller = new AbortController();
    await assert.rejects(trainer.doTrain({ baseModel: 'accounts/x/models/m', train, outputDir: join(dir, 'c'), onProgress: () => controller.abort(), abortSignal: controller.signal }), (e: TailorError) => e.code === 'ABORTED');
    const record = JSON.parse(await readFile(join(dir, 'c', 'job.json'), 'utf8'));
    assert.equal(fJobs.get(record.jobId)!.deleted, true, 'cancelling the run deletes the remote job');
    await assert.rejects(createFireworksFineTuneTrainer({ apiKey: FIREWORKS_KEY, baseURL }).doTrain({ baseModel: 'm', train, outputDir: join(dir, 'a') }), (e: TailorError) => e.code === 'INVALID_ARGUMENT' && /FIREWORKS_ACCOUNT_ID/.test(e.message));
    await assert.rejects(createFireworksFineTuneTrainer({ apiKey: 'bad', accountId: ACCOUNT, baseURL }).doTrain({ baseModel: 'm', train, outputDir: join(dir, 'b') }), (e: TailorError) => e.code === 'UNAUTHENTICATED' && /invalid API key/.test(e.message) && /FIREWORKS_API_KEY/.test(e.message));
    await assert.rejects(trainer.doTrain({ baseModel: 'm', train: train.slice(0, 2), outputDir: join(dir, 't') }), (e: TailorError) => e.code === 'DATASET_INVALID' && /at least 3/.test(e.message));
  });
});

describe('the built tailor binary trains on both providers', () => {
  test('tailor train --backend together / fireworks', async () => {
    instant.on = true;
    try {
      const { home, file } = await faqHome();
      const together = await builtCliAsync(['train', '--backend', 'together', '--base', 'org/base-model', '--dataset', file, '--name', 'cli-together', '--json'], {
        env: { TAILOR_HOME: home, TOGETHER_API_KEY: TOGETHER_KEY, TOGETHER_BASE_URL: `${root}/together/v1` }, marker: 'dist/finetune/remote/together-trainer.js',
      });
      assert.equal(together.code, 0, together.stderr);
      const t = JSON.parse(together.stdout);
      assert.equal(t.backend, 'together');
      assert.match(t.modelId, /^tailor-user\/base-model-/);
      assert.deepEqual(t.trainLoss, [3, 1.5, 1]);
      const fireworks = await builtCliAsync(['train', '--backend', 'fireworks', '--base', 'accounts/fireworks/models/qwen3-8b', '--dataset', 'faq', '--name', 'cli-fireworks', '--json'], {
        env: { TAILOR_HOME: home, FIREWORKS_API_KEY: FIREWORKS_KEY, FIREWORKS_ACCOUNT_ID: ACCOUNT, FIREWORKS_BASE_URL: `${root}/fireworks/v1` },
      });
      assert.equal(fireworks.code, 0, fireworks.stderr);
      assert.match(JSON.parse(fireworks.stdout).modelId, new RegExp(`^accounts/${ACCOUNT}/models/`));
      const noKey = await builtCliAsync(['train', '--backend', 'together', '--base', 'org/m', '--dataset', 'faq', '--name', 'cli-nokey'], { env: { TAILOR_HOME: home, TOGETHER_API_KEY: '' } });
      assert.equal(noKey.code, 8);
      assert.match(noKey.stderr, /set TOGETHER_API_KEY/);
    } finally {
      instant.on = false;
    }
  });
});
