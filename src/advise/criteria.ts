import { TailorError } from '../core/errors.js';

/** What the advisor can recommend (the arena's arm kinds, less the untouched `base`). */
export const APPROACHES = ['prompt', 'rag', 'ft', 'rag+ft', 'raft'] as const;
export type Approach = (typeof APPROACHES)[number];

export const EXTERNAL_KNOWLEDGE = ['none', 'static', 'dynamic'] as const;
export const UPDATE_FREQUENCY = ['never', 'yearly', 'monthly', 'weekly', 'daily', 'realtime'] as const;
export const LEVELS = ['low', 'medium', 'high'] as const;
export const BEHAVIOUR_CHANGE = ['none', 'some', 'strong'] as const;
export const DATA_RESIDENCY = ['any', 'region', 'on-premises'] as const;
export const MODEL_SIZE = ['small', 'medium', 'large'] as const;

/**
 * The questions the advisor weighs. Each maps to one or more rules in `rules.ts`;
 * docs/advisor.md lists the rules and the published evidence behind them.
 */
export interface AdviceCriteria {
  /** Does the model need knowledge it was not trained on (your documents), and does it change? */
  externalKnowledge: (typeof EXTERNAL_KNOWLEDGE)[number];
  /** How often that knowledge changes. */
  updateFrequency: (typeof UPDATE_FREQUENCY)[number];
  /** Need to change the model's behaviour, style or output format. */
  behaviourChange: (typeof BEHAVIOUR_CHANGE)[number];
  /** Labelled examples (question → answer, or input → output) you have or can write. */
  labelledExamples: number;
  /** Answers must show their sources (transparency, audit). */
  citationsRequired: boolean;
  /** How much an invented answer costs you: low tolerance = a wrong answer is expensive. */
  hallucinationTolerance: (typeof LEVELS)[number];
  /** Largest acceptable p95 answer latency in milliseconds (null = no budget). */
  latencyBudgetMs: number | null;
  /** Money available for training and serving: low = as cheap as possible. */
  costBudget: (typeof LEVELS)[number];
  /** Where data may go: anywhere, within a region, or never off your machines. */
  dataResidency: (typeof DATA_RESIDENCY)[number];
  /** The generator you can run: small (≤3B), medium (7–13B), large (≥30B or a hosted frontier model). */
  modelSize: (typeof MODEL_SIZE)[number];
}

export const DEFAULT_CRITERIA: AdviceCriteria = {
  externalKnowledge: 'static',
  updateFrequency: 'monthly',
  behaviourChange: 'none',
  labelledExamples: 0,
  citationsRequired: false,
  hallucinationTolerance: 'medium',
  latencyBudgetMs: null,
  costBudget: 'medium',
  dataResidency: 'any',
  modelSize: 'medium',
};

const ENUMS: Partial<Record<keyof AdviceCriteria, readonly string[]>> = {
  externalKnowledge: EXTERNAL_KNOWLEDGE,
  updateFrequency: UPDATE_FREQUENCY,
  behaviourChange: BEHAVIOUR_CHANGE,
  hallucinationTolerance: LEVELS,
  costBudget: LEVELS,
  dataResidency: DATA_RESIDENCY,
  modelSize: MODEL_SIZE,
};

export const CRITERIA_FIELDS = Object.keys(DEFAULT_CRITERIA) as Array<keyof AdviceCriteria>;

/** The allowed values of one field, in words (for errors, help and the interactive prompt). */
export function allowedValues(field: keyof AdviceCriteria): string {
  const values = ENUMS[field];
  if (values) return values.join(', ');
  if (field === 'labelledExamples') return 'a whole number ≥ 0';
  if (field === 'latencyBudgetMs') return 'milliseconds > 0, or null for no budget';
  return 'true or false';
}

function invalid(field: string, value: unknown, where: string): TailorError {
  const allowed = CRITERIA_FIELDS.includes(field as keyof AdviceCriteria) ? allowedValues(field as keyof AdviceCriteria) : `one of the fields ${CRITERIA_FIELDS.join(', ')}`;
  return new TailorError('INVALID_ARGUMENT', `${where}: "${field}" cannot be ${JSON.stringify(value)}; use ${allowed}.`, { details: { field, value } });
}

/** Checks one value, accepting the string forms flags and YAML give (e.g. "500", "yes", "none"). */
export function parseCriterion<K extends keyof AdviceCriteria>(field: K, value: unknown, where = 'criteria'): AdviceCriteria[K] {
  const enumValues = ENUMS[field];
  if (enumValues) {
    const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (typeof text === 'string' && enumValues.includes(text)) return text as AdviceCriteria[K];
    throw invalid(field, value, where);
  }
  if (field === 'labelledExamples') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n as AdviceCriteria[K];
    throw invalid(field, value, where);
  }
  if (field === 'latencyBudgetMs') {
    if (value === null || value === 'null' || value === 'none' || value === '') return null as AdviceCriteria[K];
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n) && n > 0) return n as AdviceCriteria[K];
    throw invalid(field, value, where);
  }
  if (field === 'citationsRequired') {
    if (value === true || value === false) return value as AdviceCriteria[K];
    const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (['true', 'yes', 'y'].includes(text)) return true as AdviceCriteria[K];
    if (['false', 'no', 'n'].includes(text)) return false as AdviceCriteria[K];
    throw invalid(field, value, where);
  }
  throw invalid(field, value, where);
}

/** Validates a partial criteria object (from a file, flags or a request); unknown fields are errors. */
export function parseCriteria(input: unknown, where = 'criteria'): Partial<AdviceCriteria> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TailorError('INVALID_ARGUMENT', `${where} must be an object of criteria (${CRITERIA_FIELDS.join(', ')}).`);
  }
  const out: Partial<Record<keyof AdviceCriteria, unknown>> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!CRITERIA_FIELDS.includes(field as keyof AdviceCriteria)) {
      throw new TailorError('INVALID_ARGUMENT', `${where}: unknown field "${field}"; the criteria are ${CRITERIA_FIELDS.join(', ')}.`, { details: { field } });
    }
    out[field as keyof AdviceCriteria] = parseCriterion(field as keyof AdviceCriteria, value, where);
  }
  return out as Partial<AdviceCriteria>;
}
