import type { AdviceCriteria, Approach } from './criteria.js';

/** One prior: points for and against each approach, and why, tied to the criterion it reads. */
export interface PriorRule {
  criterion: keyof AdviceCriteria;
  text: string;
  weights: Partial<Record<Approach, number>>;
}

const FINE_TUNED: Approach[] = ['ft', 'rag+ft', 'raft'];
const RETRIEVING: Approach[] = ['rag', 'rag+ft', 'raft'];

function each(approaches: Approach[], points: number): Partial<Record<Approach, number>> {
  return Object.fromEntries(approaches.map((a) => [a, points]));
}

const FAST_CHANGING = new Set(['weekly', 'daily', 'realtime']);

/**
 * The priors, one function per criterion. Weights are small integers or halves so a reader can add
 * them up; docs/advisor.md gives the table and the published results each one rests on.
 */
export function priorRules(c: AdviceCriteria): PriorRule[] {
  const rules: PriorRule[] = [];
  const add = (criterion: keyof AdviceCriteria, text: string, weights: Partial<Record<Approach, number>>) => rules.push({ criterion, text, weights });

  if (c.externalKnowledge === 'none') {
    add('externalKnowledge', 'The model needs no knowledge beyond what it already has, so retrieval adds latency and cost for nothing.', { prompt: 2, ft: 1, ...each(RETRIEVING, -1) });
  } else {
    add(
      'externalKnowledge',
      'The model must know your documents: injected by retrieval, knowledge lands far better than by fine-tuning (Ovadia et al. 2023, Mistral-7B current events: base 48.1, RAG 87.5, fine-tuned 50.4, both 81.0; Soudani et al. 2024: fine-tuning barely helps on less-popular facts).',
      { rag: 3, 'rag+ft': 2, raft: 2.5, ft: -1, prompt: -2 },
    );
  }
  // How often knowledge changes matters only when the model needs that knowledge.
  if (c.externalKnowledge !== 'none' && (c.externalKnowledge === 'dynamic' || FAST_CHANGING.has(c.updateFrequency))) {
    add('updateFrequency', `The knowledge changes ${c.updateFrequency === 'never' ? 'over time' : c.updateFrequency}: with retrieval a change is live after one \`tailor sync\`; knowledge trained into weights is stale until the next training run.`, { rag: 2, 'rag+ft': 0.5, raft: 0.5, ft: -3, prompt: -1 });
  } else if (c.externalKnowledge !== 'none' && (c.updateFrequency === 'never' || c.updateFrequency === 'yearly')) {
    add('updateFrequency', `The knowledge changes ${c.updateFrequency === 'never' ? 'never' : 'about once a year'}, so retraining to keep a fine-tuned model current is affordable.`, { ft: 1, 'rag+ft': 0.5, raft: 0.5 });
  }

  if (c.behaviourChange === 'strong') {
    add('behaviourChange', 'The model\'s behaviour, style or format must change a lot: that is what fine-tuning does well and prompts and retrieval do poorly.', { ft: 2.5, 'rag+ft': 2.5, raft: 1.5, prompt: -1, rag: -1 });
  } else if (c.behaviourChange === 'some') {
    add('behaviourChange', 'Some change of tone or format is wanted: a system prompt often suffices, fine-tuning makes it reliable.', { prompt: 0.5, ft: 1, 'rag+ft': 1, raft: 0.5 });
  } else {
    add('behaviourChange', 'No change of behaviour or style is needed, so nothing calls for training.', { prompt: 0.5, rag: 0.5 });
  }

  if (c.labelledExamples < 50) {
    add('labelledExamples', `Only ${c.labelledExamples} labelled examples: too few to fine-tune reliably (start at ~50–100; \`tailor dataset generate\` can make RAFT examples from your documents).`, { ft: -3, 'rag+ft': -2.5, raft: -1.5 });
  } else if (c.labelledExamples >= 1000) {
    add('labelledExamples', `${c.labelledExamples} labelled examples are plenty to fine-tune on.`, { ft: 1, 'rag+ft': 1, raft: 1 });
  } else {
    add('labelledExamples', `${c.labelledExamples} labelled examples are enough for a LoRA fine-tune.`, { ft: 0.5, 'rag+ft': 0.5, raft: 0.5 });
  }

  if (c.citationsRequired) {
    add('citationsRequired', 'Answers must show their sources: only retrieval can cite the passage an answer rests on; RAFT trains the model to quote it.', { rag: 2, raft: 2, 'rag+ft': 1.5, ft: -3, prompt: -2 });
  }

  if (c.hallucinationTolerance === 'low') {
    add('hallucinationTolerance', 'Wrong answers are costly: grounding in retrieved passages (with refusal when the evidence is missing) lowers invented answers; RAFT trains the model to ignore distracting passages (Zhang et al. 2024).', { rag: 1.5, raft: 2, 'rag+ft': 1, ft: -1.5, prompt: -1.5 });
  } else if (c.hallucinationTolerance === 'high') {
    add('hallucinationTolerance', 'An occasional invented answer is acceptable, so ungrounded generation is an option.', { prompt: 1, ft: 0.5 });
  }

  if (c.latencyBudgetMs !== null && c.latencyBudgetMs < 1500) {
    add('latencyBudgetMs', `A p95 budget of ${c.latencyBudgetMs} ms leaves little room for retrieval and a long prompt full of passages; a fine-tuned model answers from a short prompt.`, { ft: 1, prompt: 0.5, ...each(RETRIEVING, -1) });
  }

  if (c.costBudget === 'low') {
    add('costBudget', 'The budget is tight: training runs and serving a custom model cost money up front, a prompt or an index cost little.', { prompt: 1, rag: 0.5, ...each(FINE_TUNED, -1.5) });
  } else if (c.costBudget === 'high') {
    add('costBudget', 'The budget allows training and serving a custom model.', { 'rag+ft': 0.5, raft: 0.5 });
  }

  if (c.dataResidency === 'on-premises') {
    add('dataResidency', 'Data must stay on your machines: documents in a local index can be erased on request (`tailor forget`); facts trained into weights cannot be removed without retraining, and training must run locally.', { rag: 1, prompt: 0.5, ...each(FINE_TUNED, -0.5) });
  } else if (c.dataResidency === 'region') {
    add('dataResidency', 'Data must stay in its region: pick a training provider in that region, or train locally; an index stays where you run it.', { rag: 0.5 });
  }

  if (c.modelSize === 'small') {
    add('modelSize', 'A small model follows long prompts poorly and knows little, so training helps it most; RAFT made Llama2-7B beat GPT-3.5 + RAG on domain QA (Zhang et al. 2024).', { prompt: -1, ft: 1, 'rag+ft': 1, raft: 1.5 });
  } else if (c.modelSize === 'large') {
    add('modelSize', 'A large model already follows instructions and reads retrieved passages well; fine-tuning it is expensive and gains little.', { prompt: 1, rag: 1, ...each(FINE_TUNED, -0.5) });
  }
  return rules;
}
