import { percentile } from '../metrics.js';
import { bootstrapInterval, mcnemar, pairedBootstrap } from './stats.js';
import type { ArmAnswer, ArmMetrics, Comparison, MetricName, PerQuestion } from './types.js';

/** Price per million tokens, keyed by model spec (e.g. "openai:gpt-4o-mini"); local models cost 0. */
export type PriceTable = Record<string, { input: number; output: number }>;

export function priceFor(model: string, prices: PriceTable): { input: number; output: number } | undefined {
  if (prices[model]) return prices[model];
  if (model === 'extractive' || model.startsWith('gguf:')) return { input: 0, output: 0 };
  return undefined;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The per-question value of each averaged metric, or undefined where it does not apply. */
const PER_QUESTION: Partial<Record<MetricName, (q: PerQuestion, a: ArmAnswer) => number | undefined>> = {
  exactMatch: (q, a) => (q.answerable ? a.exactMatch : undefined),
  f1: (q, a) => (q.answerable ? a.f1 : undefined),
  containment: (q, a) => (q.answerable ? a.containment : undefined),
  refusalAccuracy: (q, a) => (q.answerable ? undefined : a.refused ? 1 : 0),
  falseRefusalRate: (q, a) => (q.answerable ? (a.refused ? 1 : 0) : undefined),
  groundedness: (q, a) => (a.refused || a.groundedness === null ? undefined : a.groundedness),
  citationPrecision: (_q, a) => a.citationPrecision ?? undefined,
  citationRecall: (_q, a) => a.citationRecall ?? undefined,
  judge: (q, a) => (q.answerable && a.judge !== undefined && a.judge !== null ? a.judge : undefined),
};

export const AVERAGED_METRICS = Object.keys(PER_QUESTION) as MetricName[];

function valuesOf(metric: MetricName, questions: PerQuestion[], arm: string): number[] {
  const pick = PER_QUESTION[metric]!;
  const out: number[] = [];
  for (const q of questions) {
    const a = q.answers[arm];
    if (!a || a.error) continue;
    const v = pick(q, a);
    if (v !== undefined) out.push(v);
  }
  return out;
}

export function armMetrics(questions: PerQuestion[], arm: string, model: string, prices: PriceTable, withJudge: boolean): { metrics: ArmMetrics; intervals: Partial<Record<MetricName, [number, number]>> } {
  const answers = questions.map((q) => q.answers[arm]).filter((a): a is ArmAnswer => a !== undefined && !a.error);
  const latencies = answers.map((a) => a.latencyMs).sort((x, y) => x - y);
  const tokensIn = answers.reduce((n, a) => n + a.tokensIn, 0);
  const tokensOut = answers.reduce((n, a) => n + a.tokensOut, 0);
  const price = priceFor(model, prices);
  const metrics: ArmMetrics = {
    exactMatch: null, f1: null, containment: null, refusalAccuracy: null, falseRefusalRate: null, groundedness: null,
    citationPrecision: null, citationRecall: null,
    latencyP50Ms: latencies.length ? percentile(latencies, 50) : null,
    latencyP95Ms: latencies.length ? percentile(latencies, 95) : null,
    tokensIn: answers.length ? tokensIn : null,
    tokensOut: answers.length ? tokensOut : null,
    cost: answers.length && price ? (tokensIn * price.input + tokensOut * price.output) / 1e6 : null,
  };
  const intervals: Partial<Record<MetricName, [number, number]>> = {};
  for (const metric of AVERAGED_METRICS) {
    if (metric === 'judge' && !withJudge) continue;
    const values = valuesOf(metric, questions, arm);
    (metrics as unknown as Record<string, number | null>)[metric] = mean(values);
    const interval = bootstrapInterval(values, { seed: `${arm}:${metric}` });
    if (interval) intervals[metric] = interval;
  }
  return { metrics, intervals };
}

/**
 * Every pair of arms on F1 (paired bootstrap over the questions both answered) and on
 * containment as right/wrong (McNemar's exact test).
 */
export function compareArms(questions: PerQuestion[], arms: string[]): Comparison[] {
  const out: Comparison[] = [];
  const answerable = questions.filter((q) => q.answerable);
  for (let i = 0; i < arms.length; i++) {
    for (let j = i + 1; j < arms.length; j++) {
      const [a, b] = [arms[i]!, arms[j]!];
      const both = answerable.filter((q) => q.answers[a] && q.answers[b] && !q.answers[a]!.error && !q.answers[b]!.error);
      if (both.length === 0) continue;
      const f1 = pairedBootstrap(both.map((q) => q.answers[a]!.f1), both.map((q) => q.answers[b]!.f1), { seed: `${a}|${b}` });
      out.push({ a, b, metric: 'f1', difference: f1.difference, interval: f1.interval, pValue: f1.pValue, test: 'paired-bootstrap' });
      const ra = both.map((q) => q.answers[a]!.containment === 1);
      const rb = both.map((q) => q.answers[b]!.containment === 1);
      const m = mcnemar(ra, rb);
      const diff = (m.onlyA - m.onlyB) / both.length;
      const boot = pairedBootstrap(ra.map(Number), rb.map(Number), { seed: `${a}|${b}|c` });
      out.push({ a, b, metric: 'containment', difference: diff, interval: boot.interval, pValue: m.pValue, test: 'mcnemar' });
    }
  }
  return out;
}
