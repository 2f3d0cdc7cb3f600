/**
 * Chooses the hybrid fusion weight on SciFact's TRAIN queries, then reports TEST.
 *
 *   node --import tsx bench/tune-fusion.ts [--embedder words]
 *
 * The offline word-vector leg is weak on scientific claims, so its weight must be
 * small enough that hybrid never scores below BM25 alone: this script shows where.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkspace, resolveCacheDir } from '../src/workspace.js';
import { createRetriever } from '../src/retrieval/retriever.js';
import { evaluateBeir } from '../src/eval/beir.js';
import type { FusionOptions } from '../src/retrieval/fuse.js';

const dir = fileURLToPath(new URL('../../shared/data/scifact', import.meta.url));
const embedderSpec = process.argv.includes('--embedder') ? process.argv[process.argv.indexOf('--embedder') + 1]! : 'words';
const home = await mkdtemp(join(tmpdir(), 'tailor-tune-'));
const workspace = await openWorkspace({ home, embedder: embedderSpec, env: process.env, cacheDir: resolveCacheDir(process.env) });
const { tailor } = workspace;

const settings: Array<Partial<FusionOptions> & { label: string }> = [
  { label: 'BM25 only', vectorWeight: 0 },
  ...[0.05, 0.1, 0.15, 0.2, 0.3].map((w) => ({ label: `weighted ${w}`, method: 'weighted' as const, vectorWeight: w })),
  ...[0.2, 0.35, 0.5].map((w) => ({ label: `RRF ${w}`, method: 'rrf' as const, vectorWeight: w })),
];

const rows: string[] = [];
for (const setting of settings) {
  const retriever = createRetriever({ store: tailor.store, embedder: tailor.embedder, fusion: setting });
  const train = await evaluateBeir({ dir, split: 'train', store: tailor.store, retriever, ingestTexts: tailor.ingestTexts });
  const test = await evaluateBeir({ dir, split: 'test', store: tailor.store, retriever, ingestTexts: tailor.ingestTexts });
  rows.push(`| ${setting.label} | ${train.metrics['nDCG@10'].toFixed(4)} | ${test.metrics['nDCG@10'].toFixed(4)} | ${test.metrics['Recall@100'].toFixed(4)} |`);
  console.error(rows.at(-1));
}
console.log(`embedder: ${embedderSpec}\n\n| fusion | train nDCG@10 | test nDCG@10 | test Recall@100 |\n|---|---|---|---|\n${rows.join('\n')}`);
await tailor.close();
await rm(home, { recursive: true, force: true });
