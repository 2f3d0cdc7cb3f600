/**
 * What an offline re-ranking of BM25's top 100 can add on SciFact, measured on the TRAIN split only
 * (809 claims; the test split is not read). Every probe re-orders the same BM25 top 100 (shipped
 * k1/b/field weight), so differences are the probe's alone.
 *
 *   node --import tsx bench/scifact-rerank-probes.ts [--only proximity,features,ceiling,vectors,soft,regularise,expansion,doc2query]
 *
 * Probes: term proximity (bench/proximity.ts); single features added to BM25 (query coverage, title
 * coverage, length); a *supervised* linear ranker over all of them fitted on half of the train claims with
 * their qrels and scored on the other half (an upper bound for any ranker over these features trained on
 * generated questions, which are further from the claims than the claims themselves); the built-in word
 * vectors z-fused within the candidates, with and without corpus IDF in their SIF weights; soft matching
 * (a query word the abstract lacks earns its idf × its best cosine to any of the abstract's words); score
 * regularisation toward each candidate's nearest candidates (Diaz 2005); and query expansion by
 * title→abstract term associations learned from the collection; doc2query with the offline question
 * generator (src/finetune/build/offline-questions.ts: its questions appended to each abstract's BM25 text,
 * a fresh index, full retrieval not a re-ranking). Figures: bench/RESULTS.md, reasons:
 * docs/decisions/0055-scifact-offline-ceiling.md.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { analyze, ENGLISH_STOP_WORDS } from '../src/index/analyzer.js';
import { createBm25Index, type Bm25Hit } from '../src/index/bm25.js';
import { mean, ndcgAt } from '../src/eval/metrics.js';
import { createWordVectorEmbedder, tokenizeWords } from '../src/providers/word-vectors/index.js';
import { resolveCacheDir } from '../src/workspace.js';
import { offlineQuestions } from '../src/finetune/build/offline-questions.js';
import { arg } from './lib.js';
import { proximityScore } from './proximity.js';

const DATA = new URL('../../shared/data/scifact/', import.meta.url);
if (!fs.existsSync(new URL('corpus.jsonl.gz', DATA))) {
  console.error('skipping: ../shared/data/scifact is missing');
  process.exit(0);
}
const only = new Set(arg('--only', 'proximity,features,ceiling,vectors,soft,regularise,expansion,doc2query').split(','));

const docs = zlib
  .gunzipSync(fs.readFileSync(new URL('corpus.jsonl.gz', DATA)))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { _id: string | number; title: string; text: string })
  .map((d) => ({ id: String(d._id), title: d.title, text: d.text }));
const queries = new Map<string, string>();
for (const line of fs.readFileSync(new URL('queries.jsonl', DATA), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const row = JSON.parse(line) as { _id: string | number; text: string };
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
const tokens = new Map<string, { body: string[]; field: string[] }>();
const df = new Map<string, number>();
docs.forEach((doc, i) => {
  const body = analyze(doc.text);
  const field = analyze(doc.title);
  tokens.set(doc.id, { body, field });
  index.add({ chunkId: doc.id, docKey: i, body, field });
  for (const t of new Set([...body, ...field])) df.set(t, (df.get(t) ?? 0) + 1);
});
const N = docs.length;
const idf = (t: string) => Math.log(1 + (N - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));

interface Query {
  id: string;
  terms: string[];
  hits: Bm25Hit[];
}
const claims: Query[] = [...qrels.keys()]
  .filter((q) => queries.has(q))
  .map((id) => {
    const terms = analyze(queries.get(id)!);
    return { id, terms, hits: index.search(terms, 100) };
  });

const ndcgOf = (q: Query, ranked: string[]) => ndcgAt(ranked, qrels.get(q.id)!, 10);
/** Mean nDCG@10 when each candidate's score is `score(query, hit, rank)`. */
const rerank = (score: (q: Query, hit: Bm25Hit, rank: number) => number, set = claims) =>
  mean(set.map((q) => ndcgOf(q, q.hits.map((h, r) => ({ id: h.chunkId, s: score(q, h, r) })).sort((a, b) => b.s - a.s || a.id.localeCompare(b.id)).map((x) => x.id))));
const zScores = (xs: number[]) => {
  const m = mean(xs);
  const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) || 1;
  return xs.map((x) => (x - m) / sd);
};
const out = (label: string, value: number) => console.log(`${label.padEnd(58)} ${value.toFixed(4)}`);

const bm25 = rerank((_q, h) => h.score);
console.log(`SciFact train, ${claims.length} claims, BM25 top 100 re-ranked; nDCG@10:`);
out('BM25 (shipped params)', bm25);

if (only.has('proximity')) {
  for (const window of [3, 5, 12]) {
    for (const lambda of [0.25, 0.5, 1]) {
      out(`proximity window ${window}, weight ${lambda}`, rerank((q, h) => h.score + lambda * proximityScore(q.terms, [tokens.get(h.chunkId)!.field, tokens.get(h.chunkId)!.body], idf, { window })));
    }
  }
}

/** Features of one candidate: BM25 / best BM25, query idf-mass covered (anywhere, in the title), proximity, length, 1/rank. */
const featureCache = new Map<string, number[]>();
function features(q: Query, h: Bm25Hit, rank: number): number[] {
  const key = `${q.id}\u0000${h.chunkId}`;
  const cached = featureCache.get(key);
  if (cached) return cached;
  const t = tokens.get(h.chunkId)!;
  const unique = [...new Set(q.terms)].filter((u) => df.has(u));
  const mass = unique.reduce((s, u) => s + idf(u), 0) || 1;
  const body = new Set(t.body);
  const field = new Set(t.field);
  const covered = unique.filter((u) => body.has(u) || field.has(u)).reduce((s, u) => s + idf(u), 0) / mass;
  const inTitle = unique.filter((u) => field.has(u)).reduce((s, u) => s + idf(u), 0) / mass;
  const f = [h.score / (q.hits[0]?.score || 1), covered, inTitle, proximityScore(q.terms, [t.field, t.body], idf) / 10, Math.log(1 + t.body.length) / 6, 1 / (rank + 1)];
  featureCache.set(key, f);
  return f;
}
const linear = (w: number[], set = claims) => rerank((q, h, r) => features(q, h, r).reduce((a, x, i) => a + x * w[i], 0), set);

if (only.has('features')) {
  for (const c of [0.05, 0.2]) {
    out(`+ ${c} × query coverage`, linear([1, c, 0, 0, 0, 0]));
    out(`+ ${c} × title coverage`, linear([1, 0, c, 0, 0, 0]));
    out(`+ ${c} × log length`, linear([1, 0, 0, 0, c, 0]));
    out(`- ${c} × log length`, linear([1, 0, 0, 0, -c, 0]));
  }
}

if (only.has('ceiling')) {
  // Pairwise logistic regression (RankNet-style, linear) on judged positives vs the top-30 negatives.
  const fit = (set: Query[]) => {
    const w = [1, 0, 0, 0, 0, 0];
    for (let epoch = 0; epoch < 30; epoch++) {
      for (const q of set) {
        const rows = q.hits.map((h, r) => ({ rel: qrels.get(q.id)!.get(h.chunkId) ?? 0, f: features(q, h, r) }));
        const negatives = rows.filter((r) => r.rel === 0).slice(0, 30);
        for (const p of rows.filter((r) => r.rel > 0)) {
          for (const m of negatives) {
            const d = p.f.map((x, i) => x - m.f[i]);
            const g = 1 / (1 + Math.exp(d.reduce((a, x, i) => a + x * w[i], 0)));
            for (let i = 0; i < w.length; i++) w[i] += (0.05 * g * d[i]) / negatives.length;
          }
        }
      }
    }
    return w;
  };
  const halves = [claims.filter((_, i) => i % 2 === 0), claims.filter((_, i) => i % 2 === 1)];
  for (const [a, b] of [[0, 1], [1, 0]]) {
    const w = fit(halves[a]);
    console.log(`supervised linear ranker fitted on half ${a}: weights ${w.map((x) => x.toFixed(2)).join(' ')}`);
    out(`  on its own half ${a} (BM25 ${rerank((_q, h) => h.score, halves[a]).toFixed(4)})`, linear(w, halves[a]));
    out(`  on the held-out half ${b} (BM25 ${rerank((_q, h) => h.score, halves[b]).toFixed(4)})`, linear(w, halves[b]));
  }
}

if (only.has('vectors')) {
  const wordDf = new Map<string, number>();
  for (const d of docs) for (const w of new Set(tokenizeWords(`${d.title}\n${d.text}`))) wordDf.set(w, (wordDf.get(w) ?? 0) + 1);
  const wordIdf = new Map([...wordDf].map(([w, c]) => [w, Math.log(1 + (N - c + 0.5) / (c + 0.5))]));
  const dot = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  for (const withIdf of [false, true]) {
    const embedder = createWordVectorEmbedder({ ...(withIdf ? { idf: wordIdf } : {}) });
    const docVectors = new Map<string, Float32Array>();
    for (let i = 0; i < docs.length; i += 500) {
      const batch = docs.slice(i, i + 500);
      (await embedder.doEmbed({ values: batch.map((d) => `${d.title}\n${d.text}`), kind: 'document' })).result.embeddings.forEach((e, j) => docVectors.set(batch[j].id, e));
    }
    const queryVectors = new Map<string, Float32Array>();
    for (const q of claims) queryVectors.set(q.id, (await embedder.doEmbed({ values: [queries.get(q.id)!], kind: 'query' })).result.embeddings[0]);
    const label = withIdf ? 'word vectors, SIF × corpus IDF' : 'word vectors, SIF';
    out(`${label}: vectors alone over all abstracts`, mean(claims.map((q) => ndcgOf(q, docs.map((d) => ({ id: d.id, s: dot(queryVectors.get(q.id)!, docVectors.get(d.id)!) })).sort((a, b) => b.s - a.s).slice(0, 10).map((x) => x.id)))));
    for (const w of [0.1, 0.2, 0.5]) {
      out(
        `${label}: z(BM25) + ${w} × z(cosine) in the top 100`,
        mean(
          claims.map((q) => {
            const zb = zScores(q.hits.map((h) => h.score));
            const zv = zScores(q.hits.map((h) => dot(queryVectors.get(q.id)!, docVectors.get(h.chunkId)!)));
            return ndcgOf(q, q.hits.map((h, i) => ({ id: h.chunkId, s: zb[i] + w * zv[i] })).sort((a, b) => b.s - a.s).map((x) => x.id));
          }),
        ),
      );
    }
  }
}

if (only.has('soft')) {
  const embedder = createWordVectorEmbedder({});
  const wordsOf = new Map<string, Set<string>>();
  const wordDf = new Map<string, number>();
  for (const d of docs) {
    const set = new Set(tokenizeWords(`${d.title}\n${d.text}`).filter((w) => !ENGLISH_STOP_WORDS.has(w)));
    wordsOf.set(d.id, set);
    for (const w of set) wordDf.set(w, (wordDf.get(w) ?? 0) + 1);
  }
  const wordIdf = (w: string) => Math.log(1 + (N - (wordDf.get(w) ?? 0) + 0.5) / ((wordDf.get(w) ?? 0) + 0.5));
  const vocabulary = new Set(wordDf.keys());
  for (const q of claims) for (const w of tokenizeWords(queries.get(q.id)!)) vocabulary.add(w);
  const list = [...vocabulary];
  const vectors = new Map<string, Float32Array>();
  (await embedder.doEmbed({ values: list })).result.embeddings.forEach((e, i) => {
    if (e.some((x) => x !== 0)) vectors.set(list[i], e);
  });
  const dot = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  const docVectors = new Map([...wordsOf].map(([id, set]) => [id, [...set].flatMap((w) => vectors.get(w) ?? [])]));
  // For each claim and candidate: (share of the claim's idf mass, best cosine) of every claim word the abstract lacks.
  const missing = claims.map((q) => {
    const claimWords = [...new Set(tokenizeWords(queries.get(q.id)!).filter((w) => !ENGLISH_STOP_WORDS.has(w)))];
    const mass = claimWords.reduce((s, w) => s + wordIdf(w), 0) || 1;
    return q.hits.map((h) =>
      claimWords
        .filter((w) => !wordsOf.get(h.chunkId)!.has(w) && vectors.has(w))
        .map((w) => ({ share: wordIdf(w) / mass, best: Math.max(0, ...docVectors.get(h.chunkId)!.map((d) => dot(vectors.get(w)!, d))) })),
    );
  });
  for (const tau of [0.5, 0.7]) {
    for (const lambda of [0.1, 0.3]) {
      out(
        `soft match (cosine > ${tau}), z(BM25) + ${lambda} × z(soft)`,
        mean(
          claims.map((q, qi) => {
            const zb = zScores(q.hits.map((h) => h.score));
            const zs = zScores(missing[qi].map((words) => words.reduce((a, x) => a + (x.best > tau ? x.share * x.best : 0), 0)));
            return ndcgOf(q, q.hits.map((h, i) => ({ id: h.chunkId, s: zb[i] + lambda * zs[i] })).sort((a, b) => b.s - a.s).map((x) => x.id));
          }),
        ),
      );
    }
  }
}

if (only.has('regularise')) {
  const tfidf = new Map<string, Map<string, number>>();
  const vectorOf = (id: string) => {
    let v = tfidf.get(id);
    if (v) return v;
    const t = tokens.get(id)!;
    v = new Map<string, number>();
    for (const w of [...t.body, ...t.field]) v.set(w, (v.get(w) ?? 0) + 1);
    let norm = 0;
    for (const [w, c] of v) {
      const x = (1 + Math.log(c)) * idf(w);
      v.set(w, x);
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [w, x] of v) v.set(w, x / norm);
    tfidf.set(id, v);
    return v;
  };
  const cosine = (a: Map<string, number>, b: Map<string, number>) => {
    let s = 0;
    for (const [w, x] of a) s += x * (b.get(w) ?? 0);
    return s;
  };
  for (const alpha of [0.1, 0.3]) {
    out(
      `score regularisation, 3 nearest of the top 50, α ${alpha}`,
      mean(
        claims.map((q) => {
          const top = q.hits.slice(0, 50);
          const zb = zScores(top.map((h) => h.score));
          const scored = top.map((h, i) => {
            const near = top
              .map((o, j) => ({ j, s: j === i ? -1 : cosine(vectorOf(h.chunkId), vectorOf(o.chunkId)) }))
              .sort((a, b) => b.s - a.s)
              .slice(0, 3);
            const total = near.reduce((a, x) => a + Math.max(0, x.s), 0) || 1;
            const neighbours = near.reduce((a, x) => a + Math.max(0, x.s) * zb[x.j], 0) / total;
            return { id: h.chunkId, s: (1 - alpha) * zb[i] + alpha * neighbours };
          });
          return ndcgOf(q, scored.sort((a, b) => b.s - a.s).map((x) => x.id));
        }),
      ),
    );
  }
}

if (only.has('expansion')) {
  // P(abstract term | title term) over the collection's own title/abstract pairs, lifted by P(abstract term).
  const titleDf = new Map<string, number>();
  const bodyDf = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  for (const { body, field } of tokens.values()) {
    const bodySet = new Set(body);
    for (const w of bodySet) bodyDf.set(w, (bodyDf.get(w) ?? 0) + 1);
    for (const t of new Set(field)) {
      titleDf.set(t, (titleDf.get(t) ?? 0) + 1);
      let row = together.get(t);
      if (!row) together.set(t, (row = new Map()));
      for (const w of bodySet) if (w !== t) row.set(w, (row.get(w) ?? 0) + 1);
    }
  }
  const associated = (term: string, top: number): string[] => {
    const inTitles = titleDf.get(term) ?? 0;
    if (inTitles < 3) return [];
    const scored: Array<{ w: string; s: number }> = [];
    for (const [w, c] of together.get(term)!) {
      if (c < 2) continue;
      const p = c / inTitles;
      const s = p * Math.log(p / ((bodyDf.get(w) ?? 1) / N));
      if (s > 0) scored.push({ w, s });
    }
    return scored.sort((a, b) => b.s - a.s).slice(0, top).map((x) => x.w);
  };
  for (const [repeat, top] of [[5, 1], [10, 1], [10, 3]] as const) {
    out(
      `expansion: query × ${repeat} + ${top} associated term(s) per term`,
      mean(
        claims.map((q) => {
          const expanded = Array.from({ length: repeat }, () => q.terms).flat();
          for (const t of new Set(q.terms)) expanded.push(...associated(t, top));
          return ndcgOf(q, index.search(expanded, 10).map((h) => h.chunkId));
        }),
      ),
    );
  }
}

if (only.has('doc2query')) {
  // The generator's question wrapper ("According to <title>, what fills the blank: ...") is kept as it
  // is: the title words it repeats are part of what doc2query would add.
  const expandedText = docs.map((doc) => {
    const chunk = { id: doc.id, documentId: doc.id, collection: 'scifact', ordinal: 0, text: doc.text, start: 0, end: doc.text.length, headingPath: [], tokenCount: 0, textHash: '' };
    return offlineQuestions({ chunk, document: { id: doc.id, title: doc.title, source: doc.id, collection: 'scifact' } }, 3)
      .map((g) => g.question.replace(/_{3,}/g, ' '))
      .join('\n');
  });
  for (const where of ['body', 'field'] as const) {
    const expanded = createBm25Index();
    docs.forEach((doc, i) => {
      const extra = analyze(expandedText[i]);
      const t = tokens.get(doc.id)!;
      expanded.add({ chunkId: doc.id, docKey: i, body: where === 'body' ? [...t.body, ...extra] : t.body, field: where === 'field' ? [...t.field, ...extra] : t.field });
    });
    out(`doc2query (offline generator, 3 questions) appended to the ${where}`, mean(claims.map((q) => ndcgOf(q, expanded.search(q.terms, 10).map((h) => h.chunkId)))));
  }
}
