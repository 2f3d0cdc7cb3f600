import { TailorError } from '../core/errors.js';
import type { AdviceCriteria } from './criteria.js';

export interface AdvicePreset {
  name: string;
  description: string;
  criteria: AdviceCriteria;
}

/** The use cases of the project's seed material, plus healthcare and finance. */
export const ADVICE_PRESETS: readonly AdvicePreset[] = [
  {
    name: 'customer-support',
    description: 'A customer-support chatbot: product facts and policies change often, answers keep a house tone, past tickets give many labelled examples.',
    criteria: {
      externalKnowledge: 'dynamic',
      updateFrequency: 'weekly',
      behaviourChange: 'some',
      labelledExamples: 2000,
      citationsRequired: false,
      hallucinationTolerance: 'low',
      latencyBudgetMs: 3000,
      costBudget: 'low',
      dataResidency: 'any',
      modelSize: 'medium',
    },
  },
  {
    name: 'legal-document-analysis',
    description: 'Legal document analysis: a fixed but growing set of contracts, every answer must point to its clause, data stays in-house.',
    criteria: {
      externalKnowledge: 'static',
      updateFrequency: 'monthly',
      behaviourChange: 'none',
      labelledExamples: 200,
      citationsRequired: true,
      hallucinationTolerance: 'low',
      latencyBudgetMs: 20000,
      costBudget: 'high',
      dataResidency: 'on-premises',
      modelSize: 'large',
    },
  },
  {
    name: 'media-content-recommendation',
    description: 'Media content recommendation: learn users\' tastes and a house style from lots of interaction data; the catalogue changes daily; no citations.',
    criteria: {
      externalKnowledge: 'dynamic',
      updateFrequency: 'daily',
      behaviourChange: 'strong',
      labelledExamples: 50000,
      citationsRequired: false,
      hallucinationTolerance: 'high',
      latencyBudgetMs: 1000,
      costBudget: 'medium',
      dataResidency: 'any',
      modelSize: 'small',
    },
  },
  {
    name: 'healthcare',
    description: 'Healthcare question answering: specialised vocabulary, guidelines that change, answers that must cite, patient data kept on premises.',
    criteria: {
      externalKnowledge: 'static',
      updateFrequency: 'monthly',
      behaviourChange: 'some',
      labelledExamples: 1000,
      citationsRequired: true,
      hallucinationTolerance: 'low',
      latencyBudgetMs: 10000,
      costBudget: 'high',
      dataResidency: 'on-premises',
      modelSize: 'medium',
    },
  },
  {
    name: 'finance',
    description: 'Finance: filings, prices and rates change daily, answers must be auditable, data stays in its region.',
    criteria: {
      externalKnowledge: 'dynamic',
      updateFrequency: 'daily',
      behaviourChange: 'some',
      labelledExamples: 500,
      citationsRequired: true,
      hallucinationTolerance: 'low',
      latencyBudgetMs: 5000,
      costBudget: 'high',
      dataResidency: 'region',
      modelSize: 'large',
    },
  },
];

export function findPreset(name: string): AdvicePreset {
  const key = name.trim().toLowerCase();
  const preset = ADVICE_PRESETS.find((p) => p.name === key || p.name.startsWith(`${key}-`) || p.name.replace(/-/g, '') === key.replace(/[-_ ]/g, ''));
  if (!preset) {
    throw new TailorError('INVALID_ARGUMENT', `No advice preset "${name}": use one of ${ADVICE_PRESETS.map((p) => p.name).join(', ')} (see \`tailor advise --list-presets\`).`, { details: { preset: name } });
  }
  return preset;
}
