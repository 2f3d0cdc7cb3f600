import { createRandom } from '../../core/random.js';

export const BOOTSTRAP_SAMPLES = 1000;

function meanOf(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Percentile bootstrap 95% interval of the mean (seeded, so a report repeats exactly). */
export function bootstrapInterval(values: number[], options: { samples?: number; seed?: number | string } = {}): [number, number] | undefined {
  if (values.length === 0) return undefined;
  const samples = options.samples ?? BOOTSTRAP_SAMPLES;
  const random = createRandom(options.seed ?? 'bootstrap');
  const means: number[] = [];
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)]!;
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  return [quantile(means, 0.025), quantile(means, 0.975)];
}

/**
 * Paired bootstrap of mean(a − b) over the same questions: the interval of the difference and
 * a two-sided p-value (twice the share of resamples on the far side of zero, capped at 1).
 */
export function pairedBootstrap(a: number[], b: number[], options: { samples?: number; seed?: number | string } = {}): { difference: number; interval: [number, number]; pValue: number } {
  const n = Math.min(a.length, b.length);
  const diffs = Array.from({ length: n }, (_, i) => a[i]! - b[i]!);
  const difference = meanOf(diffs);
  const samples = options.samples ?? BOOTSTRAP_SAMPLES;
  const random = createRandom(options.seed ?? 'paired');
  const means: number[] = [];
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(random() * n)]!;
    means.push(sum / n);
  }
  means.sort((x, y) => x - y);
  const below = means.filter((m) => m <= 0).length / samples;
  const above = means.filter((m) => m >= 0).length / samples;
  const pValue = n === 0 || diffs.every((d) => d === 0) ? 1 : Math.min(1, 2 * Math.min(below, above));
  return { difference, interval: [quantile(means, 0.025), quantile(means, 0.975)], pValue };
}

/**
 * McNemar's exact test on paired right/wrong outcomes: only the discordant pairs count
 * (b = a right & b wrong, c = the reverse); p = two-sided binomial tail at ½.
 */
export function mcnemar(a: boolean[], b: boolean[]): { onlyA: number; onlyB: number; pValue: number } {
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] && !b[i]) onlyA++;
    else if (!a[i] && b[i]) onlyB++;
  }
  const n = onlyA + onlyB;
  if (n === 0) return { onlyA, onlyB, pValue: 1 };
  const k = Math.min(onlyA, onlyB);
  // log-space binomial coefficients keep large n finite.
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return { onlyA, onlyB, pValue: Math.min(1, 2 * tail) };
}
