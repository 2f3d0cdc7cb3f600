/**
 * What the one erase path costs: ingest through a home's erasing store vs the bare store, the
 * latency of one erasure that reaches a dataset, an export, an adapter flag, traces and free pages,
 * and SQLite's secure_delete on a bulk delete.
 *
 *   node --import tsx bench/erasure-cost.ts [--docs 20000] [--erasures 20]
 */
import { copyFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openHome } from '../src/home/index.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor } from '../src/tailor.js';
import { buildFromCollection, saveBuiltDataset, trainAdapter } from '../src/finetune/index.js';
import { arg, percentile, table } from './lib.js';
import { scifactVocabulary, syntheticPassages } from './synthetic-corpus.js';

const count = Number(arg('--docs', '20000'));
const erasures = Number(arg('--erasures', '20'));
const vocabulary = scifactVocabulary();
const items = () => [...syntheticPassages(count, vocabulary)].map((p) => ({ source: `synthetic:${p.id}`, title: p.title, text: p.text }));
const root = await mkdtemp(join(tmpdir(), 'tailor-erasure-bench-'));

// 1. Ingest: bare store vs the home's erasing store (no embedder: the difference is the store path).
const bareHome = join(root, 'bare');
const bareStore = await createSqliteStore({ home: bareHome });
const bare = createTailor({ store: bareStore });
let started = performance.now();
await bare.ingestTexts({ collection: 'c', items: items() });
const bareMs = performance.now() - started;
await bare.close();

const homeDir = join(root, 'home');
const home = await openHome({ home: homeDir, embedder: 'none', cacheDir: join(root, 'cache') });
started = performance.now();
await home.rag.ingestTexts({ collection: 'c', items: items() });
const homeMs = performance.now() - started;

// 2. One erasure with everything derived present: a 2,000-example dataset, an export, 200 traces.
const built = await buildFromCollection({ store: home.store, collection: 'c', kind: 'text', maxChunks: 2000 });
await saveBuiltDataset({ home: homeDir, name: 'c-text', examples: built.examples, details: {}, dedupe: false });
await trainAdapter({ home: homeDir, base: 'org/base', dataset: 'c-text', backend: 'axolotl', name: 'c-export' });
for (let i = 0; i < 200; i += 1) {
  const question = `question ${i} ${vocabulary[i % vocabulary.length]}`;
  home.traces.add({ question, collections: ['c'], answer: await home.rag.ask(question) });
}
const ids = built.examples.slice(0, erasures).flatMap((e) => e.provenance.documentIds.slice(0, 1));
const eraseMs: number[] = [];
for (const id of ids) {
  const t = performance.now();
  await home.erase([id], 'bench');
  eraseMs.push(performance.now() - t);
}
await home.close();

// 3. secure_delete on a bulk delete of 2,000 documents (cascading to chunks and vectors), on copies of one file.
function timedDelete(secure: boolean): number {
  const file = join(root, `copy-${secure}.db`);
  copyFileSync(join(bareHome, 'store.db'), file);
  const db = new Database(file);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ${secure ? 'ON' : 'OFF'}`);
  const t = performance.now();
  db.exec('DELETE FROM documents WHERE doc_key IN (SELECT doc_key FROM documents ORDER BY doc_key LIMIT 2000)');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const ms = performance.now() - t;
  db.close();
  return ms;
}
const insecureMs = timedDelete(false);
const secureMs = timedDelete(true);
await rm(root, { recursive: true, force: true });

console.log(table(['measure', 'value'], [
  [`ingest ${count} docs, bare store`, `${(count / (bareMs / 1000)).toFixed(0)} docs/s`],
  [`ingest ${count} docs, home (erasing store)`, `${(count / (homeMs / 1000)).toFixed(0)} docs/s`],
  [`one erasure (p50 of ${eraseMs.length}), ${count} docs, 2,000-example dataset + export + 200 traces`, `${percentile(eraseMs, 50).toFixed(0)} ms`],
  ['  max', `${Math.max(...eraseMs).toFixed(0)} ms`],
  ['delete 2,000 docs + checkpoint, secure_delete OFF', `${insecureMs.toFixed(0)} ms`],
  ['delete 2,000 docs + checkpoint, secure_delete ON', `${secureMs.toFixed(0)} ms`],
]));
