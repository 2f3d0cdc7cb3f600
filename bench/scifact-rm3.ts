/**
 * RM3 pseudo-relevance feedback on SciFact *train* (bench only; not in the product: it lost).
 *
 *   node --import tsx bench/scifact-rm3.ts
 *
 * Expansion terms come from the top `fbDocs` BM25 hits (P(t|d) weighted by each hit's share of the summed
 * scores), mixed with the query at `origWeight`; weights become integer term repeats (×40) because
 * Bm25Index scores a bag of terms.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { analyze } from '../src/index/analyzer.js';
import { createBm25Index } from '../src/index/bm25.js';

const DATA = new URL('../../shared/data/scifact/', import.meta.url);

const docs = zlib
  .gunzipSync(fs.readFileSync(new URL('corpus.jsonl.gz', DATA)))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { _id: string; title: string; text: string });
const queries = new Map<string, string>();
for (const line of fs.readFileSync(new URL('queries.jsonl', DATA), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const row = JSON.parse(line) as { _id: string; text: string };
  queries.set(String(row._id), row.text);
}
const qrels = new Map<string, Map<string, number>>();
for (const line of fs.readFileSync(new URL('qrels/train.tsv', DATA), 'utf8').split('\n').slice(1)) {
  const [q, d, s] = line.trim().split('\t');
  if (!q || !d) continue;
  if (!qrels.has(q)) qrels.set(q, new Map());
  qrels.get(q)!.set(d, Number(s));
}

const index = createBm25Index();
const docTerms = docs.map((d) => [...analyze(d.title), ...analyze(d.text)]);
docs.forEach((d, i) => index.add({ chunkId: String(i), docKey: i, body: analyze(d.text), field: analyze(d.title) }));

function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, i) => (dcg += (relevant.get(id) ?? 0) / Math.log2(i + 2)));
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, r, i) => sum + r / Math.log2(i + 2), 0);
  return idcg ? dcg / idcg : 0;
}

function expanded(queryTerms: string[], fbDocs: number, fbTerms: number, origWeight: number): string[] {
  const top = index.search(queryTerms, fbDocs);
  const sum = top.reduce((s, h) => s + h.score, 0) || 1;
  const pt = new Map<string, number>();
  for (const hit of top) {
    const terms = docTerms[Number(hit.chunkId)]!;
    const w = hit.score / sum / terms.length;
    for (const t of terms) pt.set(t, (pt.get(t) ?? 0) + w);
  }
  const expansion = [...pt].sort((a, b) => b[1] - a[1]).slice(0, fbTerms);
  const expansionSum = expansion.reduce((s, e) => s + e[1], 0);
  const weights = new Map<string, number>();
  for (const t of queryTerms) weights.set(t, (weights.get(t) ?? 0) + origWeight / queryTerms.length);
  for (const [t, p] of expansion) weights.set(t, (weights.get(t) ?? 0) + ((1 - origWeight) * p) / expansionSum);
  const query: string[] = [];
  for (const [t, w] of weights) for (let i = 0; i < Math.round(w * 40); i++) query.push(t);
  return query;
}

function meanNdcg(fbDocs: number, fbTerms: number, origWeight: number): number {
  let total = 0;
  for (const [q, relevant] of qrels) {
    const terms = analyze(queries.get(q) ?? '');
    const query = fbDocs > 0 ? expanded(terms, fbDocs, fbTerms, origWeight) : terms;
    total += ndcgAt10(index.search(query, 10).map((h) => docs[Number(h.chunkId)]!._id), relevant);
  }
  return total / qrels.size;
}

console.log(`SciFact train (${qrels.size} queries) nDCG@10`);
console.log(`  BM25            ${meanNdcg(0, 0, 1).toFixed(4)}`);
for (const [d, t, w] of [[10, 10, 0.5], [5, 10, 0.7], [10, 20, 0.7], [3, 10, 0.8], [10, 10, 0.8]] as const) {
  console.log(`  RM3 fbDocs=${d} fbTerms=${t} origWeight=${w}  ${meanNdcg(d, t, w).toFixed(4)}`);
}
