import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ChunkOptions } from '../../chunking/index.js';
import type { Logger, ProgressListener } from '../../core/logger.js';
import { createSqliteStore } from '../../index/sqlite-store.js';
import { ingest } from '../../ingest/pipeline.js';
import { syncCollection } from '../../ingest/sync.js';
import type { Embedder } from '../../providers/types.js';
import { createRetriever } from '../../retrieval/retriever.js';
import type { FusionOptions } from '../../retrieval/fuse.js';
import { RETRIEVES } from './arms.js';
import { documentOf, type StoredDocument } from './protocols.js';
import type { ArmRunner } from './run-arm.js';
import { containment } from './scoring.js';
import type { ArenaTraining } from './train-arms.js';
import type { ArenaQuestion, FreshnessArm, FreshnessFact, FreshnessResult } from './types.js';

const INVENTED_NAMES = ['Quillon Varga', 'Dessa Morrow', 'Ilvane Castor', 'Oren Faulkhart', 'Yselle Brandt', 'Temo Achterberg', 'Rhosyn Kell', 'Pavo Lindqvist'];

/**
 * The changed value of a fact: numbers move (a year by 3, other numbers by about a third plus
 * 3, so they stay plausible), anything else becomes an invented name nobody's model knows.
 */
export function changedValue(old: string, index: number, text: string): string {
  if (/\d/.test(old)) {
    const changed = old.replace(/\d[\d,]*(?:\.\d+)?/g, (n) => {
      const value = Number(n.replace(/,/g, ''));
      const year = /^(1[89]|20)\d\d$/.test(n);
      const next = year ? value + 3 : Math.round(value + Math.max(3, value * 0.37));
      return n.includes(',') ? next.toLocaleString('en-US') : String(next);
    });
    return text.includes(changed) ? changedValue(changed, index, text) : changed;
  }
  const name = INVENTED_NAMES.find((n, i) => i >= index % INVENTED_NAMES.length && !text.includes(n)) ?? `Zorvath ${index + 1}`;
  return name;
}

/** Facts to change: answerable questions whose answer stands verbatim in a document, trained-on ones first. */
export function pickFacts(questions: ArenaQuestion[], documents: StoredDocument[], count: number): Array<{ question: ArenaQuestion; document: StoredDocument }> {
  const ordered = [...questions.filter((q) => q.split === 'train'), ...questions.filter((q) => q.split !== 'train')];
  const out: Array<{ question: ArenaQuestion; document: StoredDocument }> = [];
  const used = new Set<string>();
  for (const q of ordered) {
    if (out.length >= count) break;
    if (!q.answerable || q.answer.length < 2 || used.has(q.answer)) continue;
    const document = documentOf(q, documents);
    if (!document || !document.text.includes(q.answer)) continue;
    used.add(q.answer);
    out.push({ question: q, document });
  }
  return out;
}

export interface FreshnessOptions {
  dir: string;
  facts: number;
  questions: ArenaQuestion[];
  documents: Array<StoredDocument & { format: string }>;
  runners: ArmRunner[];
  training: Map<string, ArenaTraining>;
  embedder?: Embedder;
  fusion?: Partial<FusionOptions>;
  chunking?: ChunkOptions;
  logger?: Logger;
  onProgress?: ProgressListener;
  abortSignal?: AbortSignal;
}

/**
 * The freshness probe: copies the documents, indexes the copies in a scratch store, changes
 * N facts in the copies, syncs (timed), and asks every arm the facts' questions again.
 * Retrieval arms become fresh by the sync; adapter arms need a retrain, estimated from the
 * training speed measured in this run (or the adapter's own record).
 */
export async function runFreshnessProbe(options: FreshnessOptions): Promise<FreshnessResult> {
  const facts = pickFacts(options.questions, options.documents, options.facts);
  const docsDir = join(options.dir, 'docs');
  await rm(options.dir, { recursive: true, force: true });
  await mkdir(docsDir, { recursive: true });
  const fileOf = new Map<string, string>();
  for (const [i, d] of options.documents.entries()) {
    const ext = d.format === 'markdown' ? '.md' : '.txt';
    const file = join(docsDir, `${String(i).padStart(4, '0')}-${basename(d.source, extname(d.source)).replace(/[^\w.-]+/g, '-')}${ext}`);
    await writeFile(file, d.text);
    fileOf.set(d.id, file);
  }
  const store = await createSqliteStore({ home: join(options.dir, 'store'), logger: options.logger });
  try {
    const common = { store, embedder: options.embedder, collection: 'freshness', chunking: options.chunking, logger: options.logger };
    await ingest({ ...common, paths: [docsDir] });
    const changes: Array<{ question: ArenaQuestion; source: string; oldValue: string; newValue: string }> = [];
    for (const [i, { question, document }] of facts.entries()) {
      const file = fileOf.get(document.id)!;
      const text = await readFile(file, 'utf8');
      const newValue = changedValue(question.answer, i, text);
      await writeFile(file, text.split(question.answer).join(newValue));
      changes.push({ question, source: document.source, oldValue: question.answer, newValue });
    }
    const started = performance.now();
    await syncCollection({ ...common });
    const syncSeconds = (performance.now() - started) / 1000;
    const retriever = createRetriever({ store, embedder: options.embedder, fusion: options.fusion });
    const details: FreshnessFact[] = [];
    for (const [i, change] of changes.entries()) {
      const answers: FreshnessFact['answers'] = {};
      for (const runner of options.runners) {
        const raw = await runner.answer(change.question.question, { retriever, collections: ['freshness'], abortSignal: options.abortSignal });
        answers[runner.spec.name] = { text: raw.text, fresh: containment(raw.text, change.newValue) === 1, stale: containment(raw.text, change.oldValue) === 1 };
      }
      details.push({ questionId: change.question.id, question: change.question.question, source: change.source, oldValue: change.oldValue, newValue: change.newValue, answers });
      options.onProgress?.({ phase: 'freshness', done: i + 1, total: changes.length });
    }
    const arms: FreshnessArm[] = options.runners.map((runner) => {
      const share = (pick: (a: { fresh: boolean; stale: boolean }) => boolean) => (details.length === 0 ? 0 : details.filter((d) => pick(d.answers[runner.spec.name]!)).length / details.length);
      const trained = runner.spec.adapter ? options.training.get(runner.spec.adapter) : undefined;
      let how: FreshnessArm['how'] = 'none';
      let secondsToFresh: number | null = null;
      if (RETRIEVES[runner.spec.kind]) {
        how = 'sync';
        secondsToFresh = syncSeconds;
      } else if (runner.spec.adapter) {
        how = 'retrain-estimated';
        secondsToFresh = trained && trained.tokensPerSecond > 0 ? trained.tokens / trained.tokensPerSecond : trained?.seconds ?? null;
      }
      return { name: runner.spec.name, fresh: share((a) => a.fresh), stale: share((a) => a.stale && !a.fresh), secondsToFresh, how };
    });
    return { facts: details.length, syncSeconds, arms, details };
  } finally {
    await store.close();
  }
}
