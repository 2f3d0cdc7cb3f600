export { advise, type Advice, type AdviceReason, type AdviseOptions, type WouldChange } from './advise.js';
export { APPROACHES, CRITERIA_FIELDS, DEFAULT_CRITERIA, allowedValues, parseCriteria, parseCriterion, type AdviceCriteria, type Approach } from './criteria.js';
export { loadCriteriaFile, parseFlatYaml } from './criteria-file.js';
export { ADVICE_PRESETS, findPreset, type AdvicePreset } from './presets.js';
export { readArenaEvidence, type MeasuredEvidence } from './evidence.js';
export { priorRules, type PriorRule } from './rules.js';
export { resolveArenaRun } from './arena-source.js';
