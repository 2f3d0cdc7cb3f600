import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArmResult as ArenaArm, ArmKind as ArenaArmKind, ArmMetrics as ArenaMetrics, ArenaRun } from '../../src/eval/arena/types.js';

/** Hand-written arena run records (the stored JSON contract), for readers of runs: advisor, server, UI. */
export interface ArmSpec {
  name: string;
  kind: ArenaArmKind;
  f1: number;
  interval: [number, number];
  p95?: number;
  retrieval?: boolean;
}

export function arm(spec: ArmSpec): ArenaArm {
  const retrieval = spec.retrieval ?? ['rag', 'rag+ft', 'raft'].includes(spec.kind);
  const metrics: ArenaMetrics = {
    exactMatch: spec.f1 / 2, f1: spec.f1, containment: spec.f1, refusalAccuracy: null, falseRefusalRate: null,
    groundedness: retrieval ? 0.8 : null, citationPrecision: retrieval ? 0.7 : null, citationRecall: retrieval ? 0.6 : null,
    latencyP50Ms: (spec.p95 ?? 400) / 2, latencyP95Ms: spec.p95 ?? 400, tokensIn: 1000, tokensOut: 200, cost: 0,
  };
  return {
    name: spec.name, kind: spec.kind, model: spec.kind === 'rag' ? 'extractive' : 'gguf:stories260K.gguf',
    adapter: spec.kind.includes('ft') || spec.kind === 'raft' ? 'facts-lora' : null,
    retrieval: { enabled: retrieval, k: retrieval ? 5 : 0 }, metrics, intervals: { f1: spec.interval },
  };
}

export function arenaRun(id: string, arms: ArmSpec[], extra: Partial<ArenaRun> = {}): ArenaRun {
  return {
    id, createdAt: '2026-12-01T10:00:00.000Z', status: 'complete', protocol: 'knowledge-injection', collections: ['acme'],
    questions: { source: 'questions.jsonl', total: 120, train: 60, test: 60, unanswerable: 10 },
    arms: arms.map(arm), comparisons: [], perQuestion: [], ...extra,
  };
}

export async function saveArenaRun(home: string, run: ArenaRun): Promise<string> {
  const dir = join(home, 'arena', 'runs', run.id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'run.json'), JSON.stringify(run, null, 2));
  return dir;
}
