/**
 * The arena's stored shapes. `ArenaRun` is the contract other code reads (the `advise`
 * command, the web UI's Evaluate page, scripts reading `arms[i].metrics.f1`): add fields,
 * never rename them.
 */

export const ARM_KINDS = ['base', 'prompt', 'rag', 'ft', 'rag+ft', 'raft'] as const;
export type ArmKind = (typeof ARM_KINDS)[number];

export const PROTOCOLS = ['knowledge-injection', 'generalisation'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export type RunStatus = 'complete' | 'partial' | 'running';

/** Where a gold answer is written: a character span, or a quote found in the document's text. */
export type Evidence = { source: string; start: number; end: number } | { source: string; quote: string };

export interface ArenaQuestion {
  id: string;
  question: string;
  answer: string;
  evidence?: Evidence[];
  answerable: boolean;
  /** Set by the file (`split`) or by the protocol. */
  split?: 'train' | 'test';
  /** 1-based line in the questions file, or the generator that made it. */
  origin: string;
}

export interface ArmSpec {
  name: string;
  kind: ArmKind;
  /** A chat model spec (extractive, gguf:, openai:, openai-compatible:). */
  model: string;
  /** A registered adapter's name; for ft/raft with `--train` it is trained in the run. */
  adapter?: string;
  /** Passages retrieved for rag, rag+ft and raft. */
  k: number;
}

export interface ArmMetrics {
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

export type MetricName = keyof ArmMetrics;

export interface ArmResult {
  name: string;
  kind: ArmKind;
  model: string;
  adapter?: string | null;
  retrieval: { enabled: boolean; k: number };
  /** Over the held-out (test) questions. */
  metrics: ArmMetrics;
  intervals: Partial<Record<MetricName, [number, number]>>;
  /** The same metrics per split, so "trained on" and "held out" can be told apart. */
  metricsBySplit?: Partial<Record<'train' | 'test', ArmMetrics>>;
  /** Seconds its adapter took to train in this run, when it did. */
  training?: { adapter: string; seconds: number; tokens: number; examples: number } | null;
}

export interface Comparison {
  a: string;
  b: string;
  metric: MetricName;
  /** a − b. */
  difference: number;
  interval: [number, number];
  pValue: number;
  test: 'paired-bootstrap' | 'mcnemar';
}

export interface FreshnessArm {
  name: string;
  /** Share of changed facts answered with the new value. */
  fresh: number;
  /** Share answered with the old value. */
  stale: number;
  /** null when the arm cannot become fresh (no retrieval, no adapter). */
  secondsToFresh: number | null;
  how: 'sync' | 'retrain-measured' | 'retrain-estimated' | 'none';
}

export interface FreshnessFact {
  questionId: string;
  question: string;
  source: string;
  oldValue: string;
  newValue: string;
  answers: Record<string, { text: string; fresh: boolean; stale: boolean }>;
}

export interface FreshnessResult {
  facts: number;
  syncSeconds: number;
  arms: FreshnessArm[];
  details: FreshnessFact[];
}

export interface ArmAnswer {
  text: string;
  refused: boolean;
  citations: Array<{ n: number; source: string; start: number; end: number; quote: string }>;
  latencyMs: number;
  f1: number;
  exactMatch: number;
  containment: number;
  tokensIn: number;
  tokensOut: number;
  groundedness: number | null;
  citationPrecision: number | null;
  citationRecall: number | null;
  judge?: number | null;
  error?: string;
}

export interface PerQuestion {
  id: string;
  question: string;
  gold: string;
  answerable: boolean;
  split: 'train' | 'test';
  answers: Record<string, ArmAnswer>;
}

export interface ArenaRun {
  id: string;
  createdAt: string;
  status: RunStatus;
  protocol: Protocol;
  collections: string[];
  questions: { source: string; total: number; train: number; test: number; unanswerable: number };
  arms: ArmResult[];
  comparisons: Comparison[];
  freshness?: FreshnessResult;
  judge?: { model: string; prompt: string };
  perQuestion: PerQuestion[];
  /** Price table used for `cost` (per million tokens). */
  prices?: Record<string, { input: number; output: number }>;
  warnings?: string[];
  seconds?: number;
}

export interface ArenaRunSummary {
  id: string;
  createdAt: string;
  status: RunStatus;
  protocol: Protocol;
  arms: string[];
  questions: number;
  collections: string[];
}

/** Names readers of stored runs (advisor, server, web UI) use for the same shapes. */
export type ArenaArm = ArmResult;
export type ArenaArmKind = ArmKind;
export type ArenaMetrics = ArmMetrics;
export type ArenaMetricName = MetricName;
export type ArenaComparison = Comparison;
