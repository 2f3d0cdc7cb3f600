/**
 * The stored shape of one arena run (`<home>/arena/runs/<id>/run.json`). Other parts of Tailor
 * (the advisor, the server, the web UI) read runs through this contract only.
 */
export type ArenaArmKind = 'base' | 'prompt' | 'rag' | 'ft' | 'rag+ft' | 'raft';
export type ArenaProtocol = 'knowledge-injection' | 'generalisation';
export type ArenaRunStatus = 'complete' | 'partial' | 'running';

export interface ArenaMetrics {
  exactMatch: number | null;
  f1: number | null;
  containment: number | null;
  refusalAccuracy: number | null;
  falseRefusalRate: number | null;
  groundedness: number | null;
  citationPrecision: number | null;
  citationRecall: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  cost: number | null;
  judge?: number | null;
}

export type ArenaMetricName = keyof ArenaMetrics;

export interface ArenaArm {
  name: string;
  kind: ArenaArmKind;
  model: string;
  adapter: string | null;
  retrieval: { enabled: boolean; k: number | null };
  metrics: ArenaMetrics;
  /** Bootstrap 95% intervals, by metric name. */
  intervals: Partial<Record<ArenaMetricName, [number, number]>>;
}

export interface ArenaComparison {
  a: string;
  b: string;
  metric: ArenaMetricName;
  /** a − b. */
  difference: number;
  interval: [number, number];
  pValue: number;
  test: string;
}

export interface ArenaFreshnessArm {
  name: string;
  fresh: number;
  stale: number;
  secondsToFresh: number | null;
  how: string;
}

export interface ArenaRun {
  id: string;
  createdAt: string;
  status: ArenaRunStatus;
  protocol: ArenaProtocol;
  collections: string[];
  questions: { source: string; total: number; train: number; test: number; unanswerable: number };
  arms: ArenaArm[];
  comparisons: ArenaComparison[];
  freshness?: { facts: number; arms: ArenaFreshnessArm[] };
  judge?: unknown;
  perQuestion: unknown[];
}

export interface ArenaRunSummary {
  id: string;
  createdAt: string;
  status: ArenaRunStatus;
  protocol: ArenaProtocol;
  arms: string[];
  questions: number;
  collections: string[];
}
