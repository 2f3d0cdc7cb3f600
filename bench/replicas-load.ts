/**
 * Two `tailor serve` replicas (the built CLI) on one PostgreSQL under mixed load.
 *
 *   npm run build && node --import tsx bench/replicas-load.ts [--duration 60] [--clients 50] [--docs 2000]
 *
 * Starts a throwaway Debian postgresql cluster, ingests `--docs` SciFact abstracts (or generated
 * text when ../shared is absent) into it with the built CLI, starts two replicas with separate
 * homes on the same database (rate limit off), then runs N concurrent clients for `--duration`
 * seconds, each request sent to the replicas in turn: 80% POST /api/search, 18% POST /api/ask
 * (extractive), 2% uploads of a one-file document (202 expected). After the run it waits for
 * every upload job and checks the last uploaded document is found through the *other* replica.
 * Prints a markdown table; any non-2xx answer or network failure counts as an error.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readBeirCorpus, readBeirQueries } from '../src/eval/beir-data.js';
import { startPostgresCluster } from '../test/helpers/postgres.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SCIFACT = fileURLToPath(new URL('../../shared/data/scifact/', import.meta.url));

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    docs: { type: 'string', default: '2000' },
  },
});
const DURATION_S = Number(args.duration);
const CLIENTS = Number(args.clients);
const DOCS = Number(args.docs);

type Op = 'search' | 'ask' | 'upload';

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('Build first: npm run build (the bench runs the shipped dist/cli/main.js).');
  const work = await mkdtemp(join(tmpdir(), 'tailor-replicas-bench-'));
  const db = await startPostgresCluster();
  const url = `${db.url}?schema=bench`;
  const servers: ChildProcess[] = [];
  try {
    const { questions, corpusDir, source } = await writeCorpus(join(work, 'corpus'));
    const homeA = join(work, 'a');
    const homeB = join(work, 'b');
    const env = { ...process.env, TAILOR_CACHE: join(work, 'cache') };
    let t = performance.now();
    const ingest = spawnSync(process.execPath, [CLI, '--home', homeA, '--store', url, 'ingest', corpusDir, '--collection', 'scifact', '--json'], { env, encoding: 'utf8', maxBuffer: 256 << 20 });
    if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
    console.error(`ingested ${DOCS} ${source} documents into PostgreSQL in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const made = spawnSync(process.execPath, [CLI, '--home', homeA, '--store', url, 'keys', 'create', '--name', 'bench', '--role', 'editor', '--collections', 'scifact,uploads', '--json'], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`keys create failed: ${made.stderr}`);
    const key = JSON.parse(made.stdout).key as string;

    t = performance.now();
    const [a, b] = await Promise.all([homeA, homeB].map((home) => startServe(home, url, env)));
    servers.push(a!.child, b!.child);
    console.error(`two replicas up in ${((performance.now() - t) / 1000).toFixed(1)} s: ${a!.url}, ${b!.url}`);
    const replicas = [a!.url, b!.url];

    const latencies: Record<Op, number[]> = { search: [], ask: [], upload: [] };
    const errors: Record<Op, number> = { search: 0, ask: 0, upload: 0 };
    const errorSamples: string[] = [];
    const jobs: Array<{ id: string; via: number; word: string }> = [];
    let turn = 0;
    let uploads = 0;
    const started = performance.now();
    const deadline = started + DURATION_S * 1000;
    const client = async (n: number) => {
      let i = n;
      while (performance.now() < deadline) {
        const via = turn++ % 2;
        const roll = (i++ * 7919 + n * 104729) % 100;
        const op: Op = roll < 2 ? 'upload' : roll < 20 ? 'ask' : 'search';
        const q = questions[(i * 31 + n) % questions.length]!;
        const began = performance.now();
        try {
          let response: Response;
          if (op === 'upload') {
            const word = `replicaword${++uploads}x${n}`;
            const form = new FormData();
            form.append('files', new Blob([`Field note ${uploads}. The ${word} sample was logged by client ${n}. ${q}`], { type: 'text/plain' }), `note-${n}-${uploads}.txt`);
            response = await fetch(`${replicas[via]}/api/collections/uploads/documents`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
            const body = await response.text();
            if (response.status === 202) jobs.push({ id: JSON.parse(body).jobId, via, word });
            else if (errorSamples.length < 5) errorSamples.push(`${op} ${response.status} ${body.slice(0, 200)}`);
          } else {
            const body = op === 'search' ? { query: q, k: 10, collections: ['scifact'] } : { question: q, collections: ['scifact'] };
            response = await fetch(`${replicas[via]}/api/${op}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
            const text = await response.text();
            if (!response.ok && errorSamples.length < 5) errorSamples.push(`${op} ${response.status} ${text.slice(0, 200)}`);
          }
          if (response.ok) latencies[op].push(performance.now() - began);
          else errors[op] += 1;
        } catch (error) {
          errors[op] += 1;
          if (errorSamples.length < 5) errorSamples.push(`${op} ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    const seconds = (performance.now() - started) / 1000;

    // Every upload finishes, and the last is found through the other replica.
    t = performance.now();
    let jobErrors = 0;
    for (const job of jobs) {
      for (;;) {
        const r = await fetch(`${replicas[1 - job.via]}/api/jobs/${job.id}`, { headers: { authorization: `Bearer ${key}` } });
        const view = (await r.json()) as { state: string };
        if (view.state === 'done') break;
        if (view.state === 'failed') {
          jobErrors += 1;
          break;
        }
        await new Promise((r2) => setTimeout(r2, 50));
      }
    }
    const last = jobs[jobs.length - 1];
    let crossVisible = 'no uploads';
    if (last) {
      const r = await fetch(`${replicas[1 - last.via]}/api/search`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: last.word, k: 3, collections: ['uploads'] }) });
      crossVisible = JSON.stringify(await r.json()).includes(last.word) ? 'yes' : 'NO';
    }

    const all = [...latencies.search, ...latencies.ask, ...latencies.upload];
    const totalErrors = errors.search + errors.ask + errors.upload;
    const line = (name: string, l: number[], e: number) => {
      const s = [...l].sort((x, y) => x - y);
      const p = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1) : '–');
      return `| ${name} | ${(s.length + e).toLocaleString('en')} | ${e} | ${p(0.5)} | ${p(0.95)} | ${p(0.99)} | ${(s.length / seconds).toFixed(1)} |`;
    };
    console.log(`\n${CLIENTS} clients, ${seconds.toFixed(1)} s, two replicas on one PostgreSQL 15, ${DOCS} ${source} documents\n`);
    console.log('| requests | count | errors | p50 ms | p95 ms | p99 ms | req/s |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(line('all', all, totalErrors));
    console.log(line('POST /api/search', latencies.search, errors.search));
    console.log(line('POST /api/ask (extractive)', latencies.ask, errors.ask));
    console.log(line('upload (202 queued)', latencies.upload, errors.upload));
    console.log(`\nupload jobs: ${jobs.length}, failed ${jobErrors}, all finished ${((performance.now() - t) / 1000).toFixed(1)} s after the load ended; last upload found through the other replica: ${crossVisible}`);
    if (errorSamples.length > 0) console.log(`error samples:\n${errorSamples.join('\n')}`);
  } finally {
    for (const child of servers) await stop(child);
    await db.stop();
    await rm(work, { recursive: true, force: true });
  }
}

async function writeCorpus(dir: string): Promise<{ questions: string[]; corpusDir: string; source: string }> {
  await mkdir(dir, { recursive: true });
  if (existsSync(join(SCIFACT, 'queries.jsonl'))) {
    let n = 0;
    for await (const doc of readBeirCorpus(SCIFACT)) {
      if (n >= DOCS) break;
      await writeFile(join(dir, `${doc.id}.txt`), `${doc.title}\n\n${doc.text}\n`);
      n++;
    }
    return { questions: [...(await readBeirQueries(SCIFACT)).values()].map((q) => q.text), corpusDir: dir, source: 'SciFact' };
  }
  console.error('../shared/data/scifact is absent: using generated documents');
  const words = ['protein', 'cell', 'tumour', 'gene', 'receptor', 'dose', 'trial', 'mouse', 'signal', 'pathway', 'immune', 'cohort'];
  for (let i = 0; i < DOCS; i++) {
    const text = Array.from({ length: 120 }, (_, j) => words[(i * 7 + j * 13) % words.length]).join(' ');
    await writeFile(join(dir, `doc-${i}.txt`), `Study ${i}\n\n${text}\n`);
  }
  return { questions: words.map((w, i) => `${w} ${words[(i + 3) % words.length]} effect`), corpusDir: dir, source: 'generated' };
}

async function startServe(home: string, url: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, '--home', home, '--store', url, '--quiet', 'serve', '--port', '0', '--rate', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const served = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`tailor serve exited with ${code}`)));
  });
  return { child, url: served };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

await main();
