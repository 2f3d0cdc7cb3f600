/**
 * Retrieval on long real documents: Tailor's default against naive BM25 baselines, in one run.
 *
 *   node --import tsx bench/long-docs.ts [--sets legal,pubmedqa,sec] [--limit N] [--embedder words|none]
 *                                        [--max-tokens N] [--overlap N] [--baselines no] [--misses [--miss-k K]]
 *                                        [--expand R]   (small-to-big: each hit with R neighbouring chunks each side)
 *                                        [--proximity W] (Tailor's top 30 re-ranked with a term-proximity bonus)
 *
 * For every question: answer/evidence recall@k (a gold text lies inside one of the top-k passages, after
 * lowercasing and collapsing whitespace), document hit@k (the answering document owns one of the top-k
 * passages), page hit@k for PDFs, and the mean context tokens the top-5 passages take, so a bigger passage
 * cannot win by size alone; answer@budget takes each system's passages in rank order while they fit the
 * tokens the 250-word baseline's top 5 take for that question, the like-for-like comparison. Baselines:
 * BM25 over fixed 250-word windows, and (for PDFs) BM25 over whole pages. Tailor runs through `openWorkspace` in a fresh temporary home: the real ingest, chunking, index and
 * retriever with the default embedder. Sets and gold: bench/long-docs-data.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countTokens } from '../src/chunking/index.js';
import { analyze } from '../src/index/analyzer.js';
import { createBm25Index } from '../src/index/bm25.js';
import { loadFile } from '../src/ingest/loaders/index.js';
import { openWorkspace } from '../src/workspace.js';
import { proximityScore } from './proximity.js';
import { arg, table } from './lib.js';
import { legalSet, normaliseForMatch, pubmedSet, secSet, type LongDocSet } from './long-docs-data.js';

interface Passage {
  source: string;
  text: string;
  page?: number;
}

type Search = (query: string, k: number) => Promise<Passage[]>;

interface Scores {
  questions: number;
  withGold: number;
  /** Gold found within the top passages that fit each question's token budget (the 250-word baseline's top 5). */
  atBudget: number;
  budgetTokens: number;
  answer: Record<number, number>;
  doc: Record<number, number>;
  page: Record<number, number>;
  tokensAt5: number;
}

const KS = [1, 5, 10];
const MISSES = process.argv.includes('--misses');
const MISS_K = Number(arg('--miss-k', '5'));
const EXPAND = Number(arg('--expand', '0'));
/** Weight of a term-proximity bonus re-ranking Tailor's top 30 (a measured candidate, not in the product). */
const PROXIMITY = Number(arg('--proximity', '0'));

async function score(set: LongDocSet, search: Search, budgets?: number[]): Promise<Scores> {
  const answer: Record<number, number> = { 1: 0, 5: 0, 10: 0 };
  const doc: Record<number, number> = { 1: 0, 5: 0, 10: 0 };
  const page: Record<number, number> = { 1: 0, 5: 0, 10: 0 };
  let withGold = 0;
  let tokens = 0;
  let atBudget = 0;
  let budgetTokens = 0;
  for (const [i, q] of set.questions.entries()) {
    const ranked = await search(q.question, 30);
    const top = ranked.slice(0, 10);
    const normalised = top.map((p) => normaliseForMatch(p.text));
    const tokenCounts = ranked.map((p) => countTokens(p.text));
    tokens += tokenCounts.slice(0, 5).reduce((sum, n) => sum + n, 0);
    if (q.gold.length > 0) withGold++;
    // Whole passages in rank order while they fit the budget (at least one).
    const budget = budgets?.[i] ?? tokenCounts.slice(0, 5).reduce((sum, n) => sum + n, 0);
    let used = 0;
    let fit = 0;
    while (fit < ranked.length && (fit === 0 || used + tokenCounts[fit]! <= budget)) used += tokenCounts[fit++]!;
    budgetTokens += used;
    if (MISSES && q.gold.length > 0 && !normalised.slice(0, MISS_K).some((text) => q.gold.some((g) => text.includes(g)))) {
      console.error(`miss@${MISS_K}: ${q.question.slice(0, 120)} | gold: ${q.gold[0]!.slice(0, 80)} | top: ${top.slice(0, 3).map((p) => JSON.stringify(p.text.slice(0, 60))).join(' ')}`);
    }
    if (q.gold.length > 0 && ranked.slice(0, fit).some((p) => q.gold.some((g) => normaliseForMatch(p.text).includes(g)))) atBudget++;
    for (const k of KS) {
      const firstK = top.slice(0, k);
      if (q.gold.length > 0 && normalised.slice(0, k).some((text) => q.gold.some((g) => text.includes(g)))) answer[k]!++;
      if (firstK.some((p) => p.source === q.source)) doc[k]!++;
      if (q.page !== undefined && firstK.some((p) => p.source === q.source && p.page === q.page)) page[k]!++;
    }
  }
  const n = Math.max(1, set.questions.length);
  return { questions: set.questions.length, withGold, answer, doc, page, tokensAt5: tokens / n, atBudget, budgetTokens: budgetTokens / n };
}

/** Each question's token budget: what the 250-word baseline's top 5 passages take for it. */
async function budgetsOf(set: LongDocSet, search: Search): Promise<number[]> {
  const out: number[] = [];
  for (const q of set.questions) out.push((await search(q.question, 5)).reduce((sum, p) => sum + countTokens(p.text), 0));
  return out;
}

/** A document as plain text with its page ranges, exactly as Tailor's loaders read it. */
async function documentsOf(set: LongDocSet): Promise<Array<{ source: string; text: string; pages?: Array<{ page: number; start: number; end: number }> }>> {
  if (set.texts) return set.texts.map((t) => ({ source: t.source, text: t.text }));
  const out = [];
  for (const file of set.files ?? []) {
    const { document } = await loadFile(file);
    out.push({ source: file, text: document.text, pages: document.pages });
  }
  return out;
}

function bm25Search(passages: Passage[]): Search {
  const index = createBm25Index();
  passages.forEach((p, i) => index.add({ chunkId: String(i), docKey: 0, body: analyze(p.text), field: [] }));
  return async (query, k) => index.search(analyze(query), k).map((hit) => passages[Number(hit.chunkId)]!);
}

/** Fixed windows of `size` whitespace-separated words, no overlap, never crossing documents. */
function wordWindows(docs: Awaited<ReturnType<typeof documentsOf>>, size: number): Passage[] {
  const out: Passage[] = [];
  for (const doc of docs) {
    const words = [...doc.text.matchAll(/\S+/g)];
    for (let i = 0; i < words.length; i += size) {
      const start = words[i]!.index!;
      const last = words[Math.min(words.length, i + size) - 1]!;
      const text = doc.text.slice(start, last.index! + last[0].length);
      const page = doc.pages?.find((p) => start >= p.start && start < p.end)?.page;
      out.push({ source: doc.source, text, ...(page !== undefined ? { page } : {}) });
    }
  }
  return out;
}

function wholePages(docs: Awaited<ReturnType<typeof documentsOf>>): Passage[] {
  return docs.flatMap((doc) => (doc.pages ?? []).map((p) => ({ source: doc.source, text: doc.text.slice(p.start, p.end), page: p.page })));
}

/**
 * Tailor's top 30 re-scored as score_z + weight · proximity (src/retrieval/proximity.ts), idf from every
 * chunk in the store. Scores are z-normalised over the 30 so the weight means the same on every set.
 */
async function withProximity(tailor: Awaited<ReturnType<typeof openWorkspace>>['tailor'], weight: number): Promise<Search> {
  const df = new Map<string, number>();
  const docs = await tailor.store.doListDocuments({});
  const rows = await tailor.store.doGetChunks({ documentIds: docs.map((d) => d.id) });
  for (const { chunk } of rows) for (const t of new Set(analyze(chunk.text))) df.set(t, (df.get(t) ?? 0) + 1);
  const n = rows.length;
  const idf = (t: string) => Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  return async (query, k) => {
    const terms = analyze(query);
    const hits = (await tailor.search(query, { k: Math.max(k, 30) })).results;
    const scores = hits.map((h) => h.score);
    const m = scores.reduce((a, b) => a + b, 0) / (scores.length || 1);
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - m) ** 2, 0) / (scores.length || 1)) || 1;
    return hits
      .map((h, i) => ({ h, s: (scores[i] - m) / sd + weight * proximityScore(terms, [analyze(h.document.title), analyze(h.chunk.text)], idf) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, k)
      .map(({ h }) => ({ source: h.document.source, text: h.chunk.text, ...(h.chunk.page !== undefined ? { page: h.chunk.page } : {}) }));
  };
}

async function tailorSearch(set: LongDocSet, embedder: string, chunking: Record<string, number>): Promise<{ search: Search; close: () => Promise<void> }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-longdocs-${set.name}-`));
  // Chunking overrides go where a user would put them: the home's config.json.
  if (Object.keys(chunking).length > 0) fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ embedder, llm: 'extractive', chunking }));
  const workspace = await openWorkspace({ home, embedder, env: process.env });
  const { tailor } = workspace;
  const started = performance.now();
  if (set.files) await tailor.ingest({ paths: set.files });
  if (set.texts) await tailor.ingestTexts({ items: set.texts.map((t) => ({ ...t, format: 'markdown' as const })), dropDuplicateChunks: false });
  const stats = await tailor.store.doStats();
  console.error(`[${set.name}] Tailor indexed ${stats.documents} documents, ${stats.chunks} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const plain: Search = async (query, k) =>
    (await tailor.search(query, { k })).results.map((r) => ({ source: r.document.source, text: r.chunk.text, ...(r.chunk.page !== undefined ? { page: r.chunk.page } : {}) }));
  return {
    search: EXPAND > 0 ? smallToBig(tailor, EXPAND) : PROXIMITY > 0 ? await withProximity(tailor, PROXIMITY) : plain,
    close: async () => {
      await tailor.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Small-to-big (a measured candidate, not in the product): score chunks as usual, return each hit with
 * `radius` neighbouring chunks either side as one passage; a hit inside an earlier window is skipped.
 */
function smallToBig(tailor: Awaited<ReturnType<typeof openWorkspace>>['tailor'], radius: number): Search {
  const chunksOf = new Map<string, { text: string; chunks: Array<{ ordinal: number; start: number; end: number; page?: number }> }>();
  const load = async (documentId: string) => {
    let entry = chunksOf.get(documentId);
    if (!entry) {
      const [doc] = await tailor.store.doListDocuments({ ids: [documentId], withText: true });
      const rows = await tailor.store.doGetChunks({ documentIds: [documentId] });
      entry = { text: doc!.text!, chunks: rows.map((r) => r.chunk).sort((a, b) => a.ordinal - b.ordinal) };
      chunksOf.set(documentId, entry);
    }
    return entry;
  };
  return async (query, k) => {
    const out: Passage[] = [];
    const covered = new Set<string>();
    for (const r of (await tailor.search(query, { k })).results) {
      if (covered.has(`${r.chunk.documentId}:${r.chunk.ordinal}`)) continue;
      const { text, chunks } = await load(r.document.id);
      const at = chunks.findIndex((c) => c.ordinal === r.chunk.ordinal);
      const window = chunks.slice(Math.max(0, at - radius), at + radius + 1);
      for (const c of window) covered.add(`${r.chunk.documentId}:${c.ordinal}`);
      out.push({ source: r.document.source, text: text.slice(window[0]!.start, window[window.length - 1]!.end), ...(r.chunk.page !== undefined ? { page: r.chunk.page } : {}) });
    }
    return out;
  };
}

function row(system: string, s: Scores, set: LongDocSet): Array<string | number> {
  const f = (n: number, of: number) => (of === 0 ? '—' : (n / of).toFixed(3));
  const hasPages = set.questions.some((q) => q.page !== undefined);
  return [
    set.name,
    system,
    `${s.questions} (${s.withGold} with gold)`,
    f(s.answer[1]!, s.withGold),
    f(s.answer[5]!, s.withGold),
    f(s.answer[10]!, s.withGold),
    `${f(s.atBudget, s.withGold)} (${Math.round(s.budgetTokens)})`,
    f(s.doc[1]!, s.questions),
    f(s.doc[10]!, s.questions),
    hasPages ? f(s.page[10]!, s.questions) : '—',
    Math.round(s.tokensAt5),
  ];
}

async function main(): Promise<void> {
  const limit = Number(arg('--limit', 'Infinity'));
  const embedder = arg('--embedder', 'words');
  const wanted = arg('--sets', 'legal,pubmedqa,sec').split(',');
  const chunking: Record<string, number> = {};
  if (arg('--max-tokens', '') !== '') chunking.maxTokens = Number(arg('--max-tokens', ''));
  if (arg('--overlap', '') !== '') chunking.overlapTokens = Number(arg('--overlap', ''));
  const label = `Tailor (embedder ${embedder}${chunking.maxTokens ? `, ${chunking.maxTokens}-token chunks` : ''}${chunking.overlapTokens ? `, overlap ${chunking.overlapTokens}` : ''}${EXPAND ? `, small-to-big ±${EXPAND}` : ''}${PROXIMITY ? `, proximity ${PROXIMITY}` : ''})`;
  const baselines = arg('--baselines', 'yes') !== 'no';
  const loaders: Record<string, () => LongDocSet | string> = { legal: () => legalSet(limit), pubmedqa: () => pubmedSet(limit), sec: () => secSet() };
  const rows: Array<Array<string | number>> = [];
  for (const name of wanted) {
    const set = loaders[name]?.();
    if (set === undefined) throw new Error(`Unknown set ${name}; expected legal, pubmedqa or sec.`);
    if (typeof set === 'string') {
      console.error(`skipping ${name}: ${set}`);
      continue;
    }
    const docs = await documentsOf(set);
    const windows = bm25Search(wordWindows(docs, 250));
    const budgets = await budgetsOf(set, windows);
    if (baselines) rows.push(row('BM25, 250-word windows', await score(set, windows, budgets), set));
    if (baselines && docs.some((d) => d.pages && d.pages.length > 0)) rows.push(row('BM25, whole pages', await score(set, bm25Search(wholePages(docs)), budgets), set));
    const tailor = await tailorSearch(set, embedder, chunking);
    try {
      rows.push(row(label, await score(set, tailor.search, budgets), set));
    } finally {
      await tailor.close();
    }
    console.error(`[${set.name}] done`);
  }
  console.log(table(['set', 'system', 'questions', 'answer@1', 'answer@5', 'answer@10', 'answer@budget (tokens)', 'doc@1', 'doc@10', 'page@10', 'ctx tokens@5'], rows));
}

await main();
