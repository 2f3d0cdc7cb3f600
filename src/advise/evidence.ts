import type { ArmResult as ArenaArm, MetricName as ArenaMetricName, ArenaRun } from '../eval/arena/types.js';
import { APPROACHES, type AdviceCriteria, type Approach } from './criteria.js';

export interface EvidenceReason {
  text: string;
  criterion?: keyof AdviceCriteria;
  evidence: { run: string; arm: string; metric: string; value: number | null; interval?: [number, number]; other?: string; otherValue?: number | null; pValue?: number };
}

export interface MeasuredEvidence {
  run: string;
  metric: ArenaMetricName | null;
  /** The best arm (of an approach the advisor can recommend) that meets the hard constraints. */
  winner: { arm: ArenaArm; kind: Approach } | null;
  runnerUp: { arm: ArenaArm; kind: Approach } | null;
  /** The winner's lead over every other approach is outside the noise (interval or paired test). */
  decisive: boolean;
  /** Approaches whose measured arm broke a hard constraint (latency budget, freshness, citations). */
  excluded: Map<Approach, EvidenceReason>;
  reasons: EvidenceReason[];
  notes: string[];
}

const QUALITY: ArenaMetricName[] = ['f1', 'containment', 'exactMatch'];
const FAST_CHANGING = new Set(['weekly', 'daily', 'realtime']);
const SIGNIFICANT = 0.05;

function isApproach(kind: string): kind is Approach {
  return (APPROACHES as readonly string[]).includes(kind);
}

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
const fmtInterval = (i?: [number, number]) => (i ? ` [${fmt(i[0])}, ${fmt(i[1])}]` : '');

/** Whether `a` beats `b` on `metric` beyond the noise: a paired test if the run has one, else disjoint intervals. */
function separated(run: ArenaRun, a: ArenaArm, b: ArenaArm, metric: ArenaMetricName): { yes: boolean; pValue?: number; how: string } {
  const comparison = (run.comparisons ?? []).find((c) => c.metric === metric && ((c.a === a.name && c.b === b.name) || (c.a === b.name && c.b === a.name)));
  if (comparison) {
    const aAhead = comparison.a === a.name ? comparison.difference > 0 : comparison.difference < 0;
    return { yes: aAhead && comparison.pValue < SIGNIFICANT, pValue: comparison.pValue, how: `${comparison.test} p = ${comparison.pValue.toPrecision(2)}` };
  }
  const ia = a.intervals?.[metric];
  const ib = b.intervals?.[metric];
  if (ia && ib) return { yes: ia[0] > ib[1], how: ia[0] > ib[1] ? '95% intervals do not overlap' : '95% intervals overlap' };
  return { yes: false, how: 'the run has no interval or paired test for this pair' };
}

/**
 * Reads an arena run against the criteria: drops arms that break a hard constraint, finds the best
 * remaining approach on answer quality, and says whether its lead is measured or within the noise.
 */
export function readArenaEvidence(run: ArenaRun, criteria: AdviceCriteria): MeasuredEvidence {
  const out: MeasuredEvidence = { run: run.id, metric: null, winner: null, runnerUp: null, decisive: false, excluded: new Map(), reasons: [], notes: [] };
  const arms = (run.arms ?? []).filter((a) => a && typeof a.name === 'string' && a.metrics);
  const metric = QUALITY.find((m) => arms.some((a) => typeof a.metrics[m] === 'number')) ?? null;
  out.metric = metric;
  if (!metric) {
    out.notes.push(`Arena run ${run.id} has no answer-quality metric (f1, containment, exact match); only the priors count.`);
    return out;
  }
  if (run.status !== 'complete') out.notes.push(`Arena run ${run.id} is ${run.status}; its numbers cover only the questions answered so far.`);

  // The best arm of each approach; a `base` arm is kept only as the reference point.
  const best = new Map<Approach, ArenaArm>();
  for (const arm of arms) {
    if (!isApproach(arm.kind) || typeof arm.metrics[metric] !== 'number') continue;
    const held = best.get(arm.kind);
    if (!held || (arm.metrics[metric] as number) > (held.metrics[metric] as number)) best.set(arm.kind, arm);
  }
  const base = arms.find((a) => a.kind === 'base' && typeof a.metrics[metric] === 'number');

  const exclude = (kind: Approach, reason: EvidenceReason) => {
    out.excluded.set(kind, reason);
    out.reasons.push(reason);
  };
  const fastChanging = criteria.externalKnowledge === 'dynamic' || (criteria.externalKnowledge === 'static' && FAST_CHANGING.has(criteria.updateFrequency));
  for (const [kind, arm] of best) {
    const p95 = arm.metrics.latencyP95Ms;
    if (criteria.latencyBudgetMs !== null && typeof p95 === 'number' && p95 > criteria.latencyBudgetMs) {
      exclude(kind, { criterion: 'latencyBudgetMs', text: `Measured: arm ${arm.name} (${kind}) answers in ${Math.round(p95)} ms at p95, over the ${criteria.latencyBudgetMs} ms budget.`, evidence: { run: run.id, arm: arm.name, metric: 'latencyP95Ms', value: p95 } });
      continue;
    }
    const fresh = run.freshness?.arms?.find((f) => f.name === arm.name);
    if (fastChanging && fresh && fresh.stale > 0) {
      const wait = fresh.secondsToFresh === null ? '' : ` and needs ~${Math.round(fresh.secondsToFresh)} s (${fresh.how}) to catch up`;
      exclude(kind, { criterion: 'updateFrequency', text: `Measured: after ${run.freshness?.facts ?? 'some'} facts changed, arm ${arm.name} (${kind}) still gave the old value for ${Math.round(fresh.stale * 100)}% of them${wait}; your data changes ${criteria.updateFrequency}.`, evidence: { run: run.id, arm: arm.name, metric: 'freshness.stale', value: fresh.stale } });
      continue;
    }
    if (criteria.citationsRequired && !arm.retrieval?.enabled) {
      exclude(kind, { criterion: 'citationsRequired', text: `Arm ${arm.name} (${kind}) answers without retrieval, so it cannot cite sources, which you require.`, evidence: { run: run.id, arm: arm.name, metric: 'citationRecall', value: arm.metrics.citationRecall } });
    }
  }
  const ranked = [...best.entries()].filter(([kind]) => !out.excluded.has(kind)).sort((x, y) => (y[1].metrics[metric] as number) - (x[1].metrics[metric] as number));
  if (ranked.length === 0) {
    out.notes.push(`Every measured approach in run ${run.id} breaks a constraint; only the priors decide.`);
    out.excluded.clear();
    return out;
  }
  const [winKind, winArm] = ranked[0]!;
  out.winner = { arm: winArm, kind: winKind };
  const value = winArm.metrics[metric] as number;
  if (ranked.length === 1) {
    out.notes.push(`Run ${run.id} measured only one eligible approach (${winKind}), so it cannot say which approach wins.`);
  } else {
    const [runKind, runArm] = ranked[1]!;
    out.runnerUp = { arm: runArm, kind: runKind };
    const sep = ranked.slice(1).map(([, arm]) => separated(run, winArm, arm, metric));
    out.decisive = sep.every((s) => s.yes);
    const first = sep[0]!;
    out.reasons.push({
      text: `Measured on ${run.questions?.test ?? run.questions?.total ?? '?'} questions: arm ${winArm.name} (${winKind}) has ${metric} ${fmt(value)}${fmtInterval(winArm.intervals?.[metric])} against ${runArm.name} (${runKind}) ${fmt(runArm.metrics[metric])}${fmtInterval(runArm.intervals?.[metric])}; ${out.decisive ? `the lead is real (${first.how})` : `the lead is within the noise (${first.how})`}.`,
      evidence: { run: run.id, arm: winArm.name, metric, value, interval: winArm.intervals?.[metric], other: runArm.name, otherValue: runArm.metrics[metric], pValue: first.pValue },
    });
  }
  if (base && base.name !== winArm.name) {
    const diff = value - (base.metrics[metric] as number);
    out.reasons.push({ text: `Measured: ${winArm.name} ${diff >= 0 ? 'beats' : 'trails'} the untouched base model (${base.name}) by ${fmt(Math.abs(diff))} ${metric}.`, evidence: { run: run.id, arm: winArm.name, metric, value, other: base.name, otherValue: base.metrics[metric] } });
  }
  if (criteria.costBudget === 'low' && typeof winArm.metrics.cost === 'number' && winArm.metrics.cost > 0) {
    out.notes.push(`Arm ${winArm.name} cost ${winArm.metrics.cost} over the run; check it against your budget.`);
  }
  return out;
}
