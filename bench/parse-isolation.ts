/**
 * What parsing every file in a worker thread costs (decision 0050): the built loader and chunker
 * in-process vs in the reused worker, per small file; starting a worker; and the time a parse
 * stuck in one synchronous call takes to be stopped.
 *
 *   npm run build   # measures dist/, what users run
 *   node --import tsx bench/parse-isolation.ts [--files 500] [--bytes 2000]
 */
import { existsSync } from 'node:fs';
import { stallingMarkdown } from '../test/fixtures/bad-inputs.js';
import { arg, table } from './lib.js';

if (!existsSync('dist/ingest/isolated-loader.js')) throw new Error('Build first: npm run build (this measures the built worker).');
const root = new URL('..', import.meta.url).href;
const { loadDocument } = (await import(`${root}dist/ingest/loaders/index.js`)) as typeof import('../src/ingest/loaders/index.js');
const { prepareDocument } = (await import(`${root}dist/ingest/prepare.js`)) as typeof import('../src/ingest/prepare.js');
const { createIsolatedLoader } = (await import(`${root}dist/ingest/isolated-loader.js`)) as typeof import('../src/ingest/isolated-loader.js');

const files = Number(arg('--files', '500'));
const size = Number(arg('--bytes', '2000'));
const encoder = new TextEncoder();
const paragraph = 'The quarterly review covers hiring, the office move and the supplier contracts for next year. ';
const inputs = Array.from({ length: files }, (_, i) => {
  const text = `# Note ${i}\n\n${paragraph.repeat(Math.ceil(size / paragraph.length))}`.slice(0, size);
  return { path: `/notes/note-${i}.md`, text };
});
const prepareFor = (path: string) => ({ collection: 'bench', source: path, contentHash: path, sizeBytes: size, modifiedAt: new Date(0).toISOString() });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function inProcess(): Promise<number> {
  const started = performance.now();
  for (const { path, text } of inputs) {
    const loaded = await loadDocument({ path, bytes: encoder.encode(text) });
    prepareDocument({ ...prepareFor(path), loaded });
  }
  return (performance.now() - started) / files;
}

async function isolated(loader: ReturnType<typeof createIsolatedLoader>): Promise<number> {
  const started = performance.now();
  for (const { path, text } of inputs) await loader.prepare({ path, bytes: encoder.encode(text) }, { transfer: true }, prepareFor(path));
  return (performance.now() - started) / files;
}

// Worker start: a fresh loader's first small file, five times.
const starts: number[] = [];
for (let i = 0; i < 5; i++) {
  const loader = createIsolatedLoader();
  const started = performance.now();
  await loader.load({ path: '/a.md', bytes: encoder.encode('# A\n\nshort') });
  starts.push(performance.now() - started);
  await loader.close();
}

const loader = createIsolatedLoader();
await isolated(loader); // warm both paths once
await inProcess();
const rounds = { inProcess: [] as number[], isolated: [] as number[] };
for (let i = 0; i < 3; i++) {
  rounds.inProcess.push(await inProcess());
  rounds.isolated.push(await isolated(loader));
}

const stall = encoder.encode(stallingMarkdown());
const stopped = performance.now();
let code = 'accepted';
await loader.load({ path: '/stall.md', bytes: stall }, { limits: { maxMillis: 2000 } }).catch((error: { code: string }) => (code = error.code));
const stopMs = performance.now() - stopped;
const after = performance.now();
await loader.load({ path: '/a.md', bytes: encoder.encode('# A\n\nshort') });
const restartMs = performance.now() - after;
await loader.close();

console.log(`\n${files} Markdown files of ${size.toLocaleString('en')} bytes, load + chunk, built code (median of 3 rounds):\n`);
console.log(table(['how', 'ms per file'], [
  ['in-process (loadDocument + prepareDocument)', median(rounds.inProcess).toFixed(3)],
  ['in the reused worker (createIsolatedLoader().prepare)', median(rounds.isolated).toFixed(3)],
  ['overhead of the worker per file', (median(rounds.isolated) - median(rounds.inProcess)).toFixed(3)],
]));
console.log('\n' + table(['event', 'ms'], [
  ['a fresh worker\'s first file (start + import the loaders), median of 5', median(starts).toFixed(0)],
  [`a stalling parse (stallingMarkdown, minutes unbounded) at maxMillis 2000: ${code}`, stopMs.toFixed(0)],
  ['the next file after it (a new worker starts)', restartMs.toFixed(0)],
]));
