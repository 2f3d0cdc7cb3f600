/**
 * Hostile and messy files through the built CLI: peak RSS and wall time of one ingest of the
 * bad-input corpus (zip bombs, 50,000-deep HTML, deep JSON/XML, UTF-16, ragged CSV, a large JSON
 * array, a link out of the folder), the time each hostile file takes to be refused, and the peak
 * RSS of loading a 1M-element JSON array streamed vs parsed whole.
 *
 *   npm run build   # the CLI users run
 *   node --import tsx bench/bad-inputs.ts [--array 100000] [--big-array 1000000]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFile } from '../src/ingest/loaders/index.js';
import { writeBadInputCorpus } from '../test/fixtures/bad-inputs.js';
import { arg, table } from './lib.js';

const MAIN = 'dist/cli/main.js';
if (!existsSync(MAIN)) throw new Error('Build first: npm run build (this measures the CLI users run).');
const arrayLength = Number(arg('--array', '100000'));
const bigArray = Number(arg('--big-array', '1000000'));
const dir = await mkdtemp(join(tmpdir(), 'tailor-bad-bench-'));
const corpus = join(dir, 'corpus');
const expected = await writeBadInputCorpus(corpus, { arrayLength });

/** Peak RSS (VmHWM, MB) of a child process, read from /proc while it runs. */
function peakOf(pid: number): () => number {
  let peak = 0;
  const read = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]) / 1024);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(read, 20);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

async function runCli(args: string[]): Promise<{ peakMb: number; seconds: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = peakOf(child.pid!);
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.resume();
  await new Promise((resolve) => child.on('exit', resolve));
  return { peakMb: stop(), seconds: (performance.now() - started) / 1000, stdout };
}

// 1. The whole corpus through the built CLI.
const run = await runCli(['ingest', corpus, '--embedder', 'none', '--json', '--home', join(dir, 'home')]);
const report = JSON.parse(run.stdout) as { counts: Record<string, number>; skipped: unknown[]; files: Array<{ status: string; source: string; error?: { code: string } }> };
const mismatches = report.files.filter((file) => {
  const want = expected[file.source.slice(corpus.length + 1)];
  return !want || want.status !== file.status || (want.status === 'failed' && want.code !== file.error?.code);
});

// 2. Each hostile file on its own: time to refusal (median of 3) in this process.
const hostile = Object.entries(expected).filter(([, e]) => e.status === 'failed' && e.code === 'LIMIT_EXCEEDED').map(([name]) => name);
const refusals: Array<[string, string, number]> = [];
for (const name of hostile) {
  const times: number[] = [];
  let code = '';
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    try {
      await loadFile(join(corpus, name));
      code = 'accepted';
    } catch (error) {
      code = (error as { code: string }).code;
    }
    times.push(performance.now() - started);
  }
  refusals.push([name, code, times.sort((a, b) => a - b)[1]]);
}

// 3. A 1M-element JSON array, loaded by the built loader in a fresh process: streamed vs parsed whole.
const big = join(dir, 'big-array.json');
const items: string[] = [];
for (let i = 0; i < bigArray; i++) items.push(`{"id":${i},"sku":"SKU-${i}","tags":["a","b"]}`);
await writeFile(big, `[${items.join(',')}]`);
items.length = 0;
const bigMb = readFileSync(big).length / 1048576;
function loaderRss(script: string): { peakMb: number; seconds: number; out: string } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return { peakMb: process.platform === 'linux' ? Number(child.stdout.trim().split('\n').pop()) / 1024 : NaN, seconds: (performance.now() - started) / 1000, out: child.stdout };
}
const root = new URL('..', import.meta.url).href;
const streamed = loaderRss(
  `const { loadFile } = await import('${root}dist/ingest/loaders/index.js');
   const { document } = await loadFile(${JSON.stringify(big)});
   console.log(document.metadata.recordCount); console.log(process.resourceUsage().maxRSS);`,
);
const whole = loaderRss(
  `const { readFileSync } = await import('node:fs');
   const { recordText } = await import('${root}dist/ingest/loaders/records.js');
   const values = JSON.parse(readFileSync(${JSON.stringify(big)}, 'utf8'));
   const text = values.map(recordText).join('\\n\\n');
   console.log(values.length, text.length); console.log(process.resourceUsage().maxRSS);`,
);
await rm(dir, { recursive: true, force: true });

console.log(`\nBad-input corpus (${Object.keys(expected).length} files, JSON array of ${arrayLength.toLocaleString('en')} elements) through the built CLI, --embedder none:\n`);
console.log(table(['measure', 'value'], [
  ['peak RSS of the whole ingest', `**${run.peakMb.toFixed(0)} MB**`],
  ['wall time', `${run.seconds.toFixed(1)} s`],
  ['outcomes', `${report.counts.new} new, ${report.counts.failed} failed, ${report.skipped.length} skipped`],
  ['files whose outcome differs from the expected one', String(mismatches.length)],
]));
console.log('\nHostile files, time to refusal (median of 3, in-process):\n');
console.log(table(['file', 'code', 'ms'], refusals.map(([name, code, ms]) => [name, code, ms.toFixed(0)])));
console.log(`\nA ${bigArray.toLocaleString('en')}-element JSON array (${bigMb.toFixed(1)} MB), loader only, fresh process each:\n`);
console.log(table(['how', 'peak RSS', 'wall time'], [
  ['streamed element by element (loadFile)', `**${streamed.peakMb.toFixed(0)} MB**`, `${streamed.seconds.toFixed(1)} s`],
  ['JSON.parse of the whole file, then text (before)', `${whole.peakMb.toFixed(0)} MB`, `${whole.seconds.toFixed(1)} s`],
]));
