/**
 * Load and start-up of `tailor serve`.
 *
 *   node --import tsx bench/server-load.ts [--duration 60] [--clients 50] [--chunks 10000] [--startup-chunks 100000]
 *
 * 1. Builds a ~10k-chunk collection from the SciFact corpus (repeated with new sources
 *    if it has fewer chunks), BM25 only, extractive answerer; starts `tailor serve` as
 *    its own process on 127.0.0.1 (rate limit off) and runs N concurrent clients for
 *    `--duration` seconds against POST /api/ask, then against POST /v1/chat/completions
 *    with stream: true (reading every chunk to [DONE]).
 * 2. Builds a store with `--startup-chunks` chunks and measures process start → /health.
 * Prints a markdown table. All traffic stays on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sha256Hex, normalisedTextHash } from '../src/core/hash.js';
import type { Chunk, DocumentRecord } from '../src/core/types.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor } from '../src/tailor.js';
import { readBeirCorpus, readBeirQueries } from '../src/eval/beir-data.js';
import { createKeyStore } from '../src/server/keys.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCIFACT = fileURLToPath(new URL('../../shared/data/scifact/', import.meta.url));

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    chunks: { type: 'string', default: '10000' },
    'startup-chunks': { type: 'string', default: '100000' },
  },
});
const DURATION_S = Number(args.duration);
const CLIENTS = Number(args.clients);

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'tailor-server-bench-'));
  const rows: string[][] = [];
  try {
    const home = join(work, 'home');
    const built = await buildScifactHome(home, Number(args.chunks));
    const key = createKeyStore(home).create({ name: 'bench', role: 'reader', collections: ['scifact'] }).key;
    const questions = [...(await readBeirQueries(SCIFACT)).values()].map((q) => q.text);

    const server = await startServe(home, work);
    console.error(`store: ${built.chunks} chunks in ${built.documents} documents (built in ${built.seconds.toFixed(1)} s); server up in ${server.startupMs.toFixed(0)} ms`);
    try {
      const ask = await load(`${server.url}/api/ask`, key, questions, (q) => ({ question: q }), false);
      rows.push(row(`POST /api/ask (extractive, ${built.chunks} chunks)`, ask));
      const chat = await load(`${server.url}/v1/chat/completions`, key, questions, (q) => ({ model: 'rag:scifact', stream: true, messages: [{ role: 'user', content: q }] }), true);
      rows.push(row(`POST /v1/chat/completions stream (${built.chunks} chunks)`, chat));
    } finally {
      await stop(server.child);
    }

    const bigHome = join(work, 'big');
    const bigBuild = await buildSyntheticHome(bigHome, Number(args['startup-chunks']));
    createKeyStore(bigHome).create({ name: 'bench', role: 'reader', collections: ['*'] });
    const starts: number[] = [];
    for (let i = 0; i < 3 && bigBuild.chunks > 0; i += 1) {
      const big = await startServe(bigHome, work);
      starts.push(big.startupMs);
      await stop(big.child);
    }
    console.error(`synthetic store: ${bigBuild.chunks} chunks (built in ${bigBuild.seconds.toFixed(1)} s)`);

    console.log(`\nServer load: ${CLIENTS} concurrent clients, ${DURATION_S} s per row, 127.0.0.1, BM25 only, extractive answerer, rate limit off\n`);
    console.log('| workload | requests | errors | p50 ms | p95 ms | p99 ms | req/s |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`\nStart-up (process start → /health 200), \`tailor serve\` via tsx:\n`);
    console.log('| store | runs | min ms | median ms | max ms |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    const sorted = [...starts].sort((a, b) => a - b);
    if (sorted.length > 0) console.log(`| ${bigBuild.chunks.toLocaleString('en')} chunks | ${sorted.length} | ${sorted[0]!.toFixed(0)} | ${sorted[1]!.toFixed(0)} | ${sorted.at(-1)!.toFixed(0)} |`);
    console.log(`| ${built.chunks.toLocaleString('en')} chunks | 1 | ${server.startupMs.toFixed(0)} | ${server.startupMs.toFixed(0)} | ${server.startupMs.toFixed(0)} |`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function writeConfig(home: string): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'config.json'), JSON.stringify({ embedder: 'none', llm: 'extractive' }));
}

/** SciFact abstracts through the real ingest path; repeated under new sources until `target` chunks. */
async function buildScifactHome(home: string, target: number) {
  await writeConfig(home);
  const started = performance.now();
  const store = await createSqliteStore({ home });
  const tailor = createTailor({ store });
  const corpus: Array<{ id: string; title: string; text: string }> = [];
  for await (const doc of readBeirCorpus(SCIFACT)) corpus.push(doc);
  let round = 0;
  while ((await store.doStats()).chunks < target) {
    const have = (await store.doStats()).chunks;
    const items = corpus.map((d) => ({ source: `scifact://${round}/${d.id}`, title: d.title, text: d.text }));
    const perDoc = round === 0 ? undefined : have / (round * corpus.length);
    const needed = perDoc ? Math.ceil((target - have) / perDoc) : items.length;
    await tailor.ingestTexts({ collection: 'scifact', items: items.slice(0, needed), dropDuplicateChunks: false });
    round += 1;
  }
  const stats = await store.doStats();
  await tailor.close();
  return { chunks: stats.chunks, documents: stats.documents, seconds: (performance.now() - started) / 1000 };
}

/** A large store written straight through Store.doWrite (start-up cost is about the store, not the chunker). */
async function buildSyntheticHome(home: string, chunks: number) {
  await writeConfig(home);
  const started = performance.now();
  const store = await createSqliteStore({ home });
  const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const word = () => words[Math.floor(rand() ** 2 * words.length)]!;
  const perDoc = 10;
  for (let d = 0; d < chunks / perDoc; d += 100) {
    const upserts = [];
    for (let j = d; j < Math.min(d + 100, chunks / perDoc); j += 1) {
      const parts = Array.from({ length: perDoc }, () => Array.from({ length: 60 }, word).join(' ') + '.');
      const text = parts.join('\n\n');
      const id = sha256Hex(`doc${j}`).slice(0, 24);
      const now = new Date().toISOString();
      const document: DocumentRecord = { id, collection: `c${j % 10}`, source: `synthetic://${j}`, title: `Doc ${j}`, format: 'text', modifiedAt: now, ingestedAt: now, contentHash: sha256Hex(text), sizeBytes: text.length, text };
      let start = 0;
      const docChunks: Chunk[] = parts.map((p, ordinal) => {
        const chunk: Chunk = { id: sha256Hex(`${id}:${ordinal}`).slice(0, 24), documentId: id, collection: document.collection, ordinal, text: p, start, end: start + p.length, headingPath: [], tokenCount: 60, textHash: normalisedTextHash(p) };
        start += p.length + 2;
        return chunk;
      });
      upserts.push({ document, chunks: docChunks });
    }
    await store.doWrite({ upserts });
  }
  const stats = await store.doStats();
  await store.close();
  return { chunks: stats.chunks, seconds: (performance.now() - started) / 1000 };
}

async function startServe(home: string, work: string): Promise<{ child: ChildProcess; url: string; startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--home', home, '--port', '0', '--rate', '0'], {
    cwd: ROOT,
    env: { ...process.env, TAILOR_CACHE: join(work, 'cache') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`tailor serve exited with ${code}`)));
  });
  while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 5));
  return { child, url, startupMs: performance.now() - started };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface LoadResult {
  latencies: number[];
  errors: number;
  seconds: number;
}

async function load(url: string, key: string, questions: string[], body: (q: string) => unknown, stream: boolean): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + DURATION_S * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const q = questions[next++ % questions.length]!;
      const t = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body(q)) });
        const text = await res.text();
        if (!res.ok || (stream && !text.includes('data: [DONE]'))) errors += 1;
        else latencies.push(performance.now() - t);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

function row(name: string, r: LoadResult): string[] {
  const s = [...r.latencies].sort((a, b) => a - b);
  const p = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1) : '–');
  return [name, String(s.length + r.errors), String(r.errors), p(0.5), p(0.95), p(0.99), (s.length / r.seconds).toFixed(1)];
}

await main();
