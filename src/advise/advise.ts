import type { ArenaRun } from '../eval/arena/types.js';
import { APPROACHES, BEHAVIOUR_CHANGE, DATA_RESIDENCY, DEFAULT_CRITERIA, EXTERNAL_KNOWLEDGE, LEVELS, MODEL_SIZE, UPDATE_FREQUENCY, type AdviceCriteria, type Approach } from './criteria.js';
import { readArenaEvidence, type EvidenceReason, type MeasuredEvidence } from './evidence.js';
import { priorRules } from './rules.js';

export interface AdviceReason {
  text: string;
  criterion?: keyof AdviceCriteria;
  evidence?: EvidenceReason['evidence'];
  /** Whether this reason speaks for or against the recommendation, and with how many points (priors). */
  effect: 'for' | 'against' | 'note';
  points?: number;
}

export interface WouldChange {
  text: string;
  criterion?: keyof AdviceCriteria;
  value?: unknown;
  recommendation?: Approach;
}

export interface Advice {
  recommendation: Approach;
  confidence: number;
  confidenceLabel: 'low' | 'medium' | 'high';
  /** `priors` when no arena run was given or it could not decide; `measured` when its evidence decided. */
  basis: 'priors' | 'priors+measured' | 'measured';
  reasons: AdviceReason[];
  wouldChange: WouldChange[];
  criteria: AdviceCriteria;
  /** Each approach's prior score (sum of the rules' points), for the curious. */
  scores: Record<Approach, number>;
  arena?: { run: string; metric: string | null; winner: string | null; decisive: boolean; excluded: Approach[] };
}

export interface AdviseOptions {
  criteria?: Partial<AdviceCriteria>;
  arena?: ArenaRun;
}

/** Ties go to the simpler approach: less to build, run and keep current. */
const SIMPLICITY: Approach[] = ['prompt', 'rag', 'ft', 'rag+ft', 'raft'];

function priorScores(criteria: AdviceCriteria) {
  const scores = Object.fromEntries(APPROACHES.map((a) => [a, 0])) as Record<Approach, number>;
  const rules = priorRules(criteria);
  for (const rule of rules) for (const [a, w] of Object.entries(rule.weights)) scores[a as Approach] += w;
  return { scores, rules };
}

function rank(scores: Record<Approach, number>, allowed: (a: Approach) => boolean): Approach[] {
  return SIMPLICITY.filter(allowed).sort((a, b) => scores[b] - scores[a] || SIMPLICITY.indexOf(a) - SIMPLICITY.indexOf(b));
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The decision alone, shared by `advise` and its what-if search. */
function decide(criteria: AdviceCriteria, evidence: MeasuredEvidence | null) {
  const { scores, rules } = priorScores(criteria);
  const allowedAll = (a: Approach) => !evidence?.excluded.has(a);
  const priorOrder = rank(scores, () => true);
  let recommendation: Approach;
  let basis: Advice['basis'] = 'priors';
  let confidence: number;
  const eligible = rank(scores, allowedAll);
  const margin = scores[eligible[0]!] - scores[eligible[1]!];
  const priorConfidence = Math.min(0.7, 0.4 + 0.05 * margin);
  if (evidence?.winner && evidence.decisive) {
    recommendation = evidence.winner.kind;
    basis = 'measured';
    confidence = recommendation === priorOrder[0] ? 0.9 : 0.8;
  } else if (evidence?.winner) {
    // An undecided measurement nudges, it does not overrule: one and a half points to the measured leader.
    const nudged = { ...scores, [evidence.winner.kind]: scores[evidence.winner.kind] + 1.5 };
    recommendation = rank(nudged, allowedAll)[0]!;
    basis = 'priors+measured';
    confidence = Math.max(0.3, priorConfidence + (recommendation === evidence.winner.kind ? 0.05 : -0.1));
  } else {
    recommendation = eligible[0]!;
    basis = evidence && evidence.excluded.size > 0 ? 'priors+measured' : 'priors';
    confidence = priorConfidence;
  }
  if (evidence && evidence.notes.some((n) => n.includes(' is partial') || n.includes(' is running'))) confidence -= 0.1;
  return { recommendation, basis, confidence: round(Math.max(0.2, confidence)), scores, rules, priorOrder, eligible };
}

function alternatives(field: keyof AdviceCriteria, current: unknown): unknown[] {
  const ordered = (values: readonly unknown[]) => {
    const i = values.indexOf(current);
    return [...values].filter((v) => v !== current).sort((a, b) => Math.abs(values.indexOf(a) - i) - Math.abs(values.indexOf(b) - i));
  };
  switch (field) {
    case 'externalKnowledge': return ordered(EXTERNAL_KNOWLEDGE);
    case 'updateFrequency': return ordered(UPDATE_FREQUENCY);
    case 'behaviourChange': return ordered(BEHAVIOUR_CHANGE);
    case 'hallucinationTolerance':
    case 'costBudget': return ordered(LEVELS);
    case 'dataResidency': return ordered(DATA_RESIDENCY);
    case 'modelSize': return ordered(MODEL_SIZE);
    case 'citationsRequired': return [!current];
    case 'labelledExamples': return [0, 100, 1000, 10000].filter((n) => n !== current);
    case 'latencyBudgetMs': return current === null ? [1000, 500] : [null, 500];
  }
}

/**
 * Recommends prompt, RAG, fine-tuning, RAG + fine-tuning or RAFT from the criteria's priors, and from an
 * arena run when given: a measured, separated winner outranks the priors; arms that break a hard
 * constraint (latency budget, freshness on fast-changing data, citations) are ruled out. Deterministic.
 */
export function advise(options: AdviseOptions = {}): Advice {
  const criteria: AdviceCriteria = { ...DEFAULT_CRITERIA, ...options.criteria };
  const evidence = options.arena ? readArenaEvidence(options.arena, criteria) : null;
  const d = decide(criteria, evidence);
  const { recommendation } = d;

  const reasons: AdviceReason[] = [];
  for (const r of evidence?.reasons ?? []) reasons.push({ ...r, effect: evidence?.excluded.has(recommendation) ? 'against' : 'for' });
  if (d.basis === 'measured' && d.priorOrder[0] !== recommendation) {
    reasons.push({ effect: 'note', text: `Measured evidence outranks the priors, which favoured ${d.priorOrder[0]} (${round(d.scores[d.priorOrder[0]!])} points against ${round(d.scores[recommendation])} for ${recommendation}).` });
  }
  if (d.priorOrder[0] !== recommendation && d.basis !== 'measured' && evidence?.excluded.has(d.priorOrder[0]!)) {
    reasons.push({ effect: 'note', text: `The priors favoured ${d.priorOrder[0]}, but its measured arm broke a constraint (above).` });
  }
  const touching = d.rules.filter((r) => r.weights[recommendation] !== undefined).sort((a, b) => Math.abs(b.weights[recommendation]!) - Math.abs(a.weights[recommendation]!));
  for (const rule of touching) {
    const points = rule.weights[recommendation]!;
    reasons.push({ text: rule.text, criterion: rule.criterion, effect: points >= 0 ? 'for' : 'against', points });
  }
  for (const note of evidence?.notes ?? []) reasons.push({ text: note, effect: 'note' });

  const wouldChange: WouldChange[] = [];
  for (const field of Object.keys(criteria) as Array<keyof AdviceCriteria>) {
    for (const value of alternatives(field, criteria[field])) {
      const other = decide({ ...criteria, [field]: value }, evidence ? readArenaEvidence(options.arena!, { ...criteria, [field]: value }) : null).recommendation;
      if (other !== recommendation) {
        wouldChange.push({ criterion: field, value, recommendation: other, text: `If ${field} were ${JSON.stringify(value)} (now ${JSON.stringify(criteria[field])}), the advice would be ${other}.` });
        break;
      }
    }
  }
  if (!evidence?.winner) {
    wouldChange.push({ text: `Measured evidence outranks these priors: run \`tailor arena\` on your own questions with arms for ${d.eligible.slice(0, 3).join(', ')}; an arm that beats ${recommendation} beyond its 95% interval would change the advice.` });
  } else if (!evidence.decisive && evidence.runnerUp) {
    wouldChange.push({ text: `The measured lead of ${evidence.winner.arm.name} over ${evidence.runnerUp.arm.name} is within the noise; an arena run with more questions that separates them would decide.`, recommendation: evidence.winner.kind });
  } else if (evidence.decisive && evidence.runnerUp) {
    wouldChange.push({ text: `A run on other questions where ${evidence.runnerUp.arm.name} (${evidence.runnerUp.kind}) matches ${evidence.winner.arm.name} would hand the decision back to the priors (${d.priorOrder[0]}).`, recommendation: evidence.runnerUp.kind });
  }

  return {
    recommendation,
    confidence: d.confidence,
    confidenceLabel: d.confidence >= 0.75 ? 'high' : d.confidence >= 0.5 ? 'medium' : 'low',
    basis: d.basis,
    reasons,
    wouldChange,
    criteria,
    scores: Object.fromEntries(APPROACHES.map((a) => [a, round(d.scores[a])])) as Record<Approach, number>,
    ...(evidence ? { arena: { run: evidence.run, metric: evidence.metric, winner: evidence.winner?.arm.name ?? null, decisive: evidence.decisive, excluded: [...evidence.excluded.keys()] } } : {}),
  };
}
