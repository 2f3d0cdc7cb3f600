/** Shared by the arena benchmarks: ingest a folder into a scratch home, run the offline arms, print a table. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace } from '../src/workspace.js';
import { parseArms, runArena, arenaRunDir, type ArenaQuestion } from '../src/eval/arena/index.js';
import { table } from './lib.js';

export const STORIES = new URL('../../shared/models/stories260K.gguf', import.meta.url).pathname;

export async function benchArena(options: { name: string; docs: string; questions: ArenaQuestion[]; reportCopy?: string; embedder?: string }): Promise<void> {
  if (!existsSync(STORIES)) {
    console.log(`skipped: ${STORIES} is missing`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), `tailor-bench-${options.name}-`));
  try {
    const home = join(dir, 'home');
    const workspace = await openWorkspace({ home, embedder: options.embedder ?? 'none' });
    const ingestStarted = performance.now();
    const report = await workspace.tailor.ingest({ paths: [options.docs], collection: options.name });
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const started = performance.now();
    const run = await runArena({
      home, store: workspace.tailor.store, retriever: workspace.tailor.retriever, embedder: workspace.tailor.embedder,
      collections: [options.name], questions: options.questions,
      arms: parseArms(`base=gguf:${STORIES},prompt=gguf:${STORIES},rag=extractive`),
      onProgress: (e) => e.done % 10 === 0 && process.stderr.write(`${e.phase} ${e.done}/${e.total}\n`),
    });
    const seconds = (performance.now() - started) / 1000;
    await workspace.tailor.close();
    const n = run.questions.total;
    console.log(`${options.name}: ${report.counts.new} documents, ${report.chunksAdded} chunks (ingest ${ingestSeconds.toFixed(1)} s, embedder ${options.embedder ?? 'none'}); ${n} questions (${run.questions.unanswerable} unanswerable); arena ${seconds.toFixed(1)} s`);
    const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d));
    console.log(table(
      ['arm', 'model', 'EM', 'F1 [95% CI]', 'contains', 'grounded', 'cite P', 'cite R', 'ms/question (mean)', 'p50 ms', 'p95 ms'],
      run.arms.map((a) => {
        const answers = run.perQuestion.map((q) => q.answers[a.name]!).filter(Boolean);
        const mean = answers.reduce((s, x) => s + x.latencyMs, 0) / answers.length;
        const ci = a.intervals.f1;
        return [a.name, a.model.replace(STORIES, 'stories260K.gguf'), f(a.metrics.exactMatch), `${f(a.metrics.f1)} [${f(ci?.[0], 2)}, ${f(ci?.[1], 2)}]`, f(a.metrics.containment), f(a.metrics.groundedness), f(a.metrics.citationPrecision), f(a.metrics.citationRecall), mean.toFixed(1), f(a.metrics.latencyP50Ms, 1), f(a.metrics.latencyP95Ms, 1)];
      }),
    ));
    for (const c of run.comparisons.filter((c) => c.metric === 'f1')) console.log(`${c.a} − ${c.b}: F1 ${c.difference.toFixed(3)} [${c.interval[0].toFixed(3)}, ${c.interval[1].toFixed(3)}], p = ${c.pValue.toFixed(4)} (${c.test})`);
    if (options.reportCopy) await copyFile(join(arenaRunDir(home, run.id), 'report.html'), options.reportCopy);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
