import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { advise, type Advice } from '../../advise/advise.js';
import { allowedValues, CRITERIA_FIELDS, DEFAULT_CRITERIA, parseCriterion, type AdviceCriteria } from '../../advise/criteria.js';
import { loadCriteriaFile } from '../../advise/criteria-file.js';
import { ADVICE_PRESETS, findPreset } from '../../advise/presets.js';
import { resolveArenaRun } from '../../advise/arena-source.js';
import { resolveHome } from '../../workspace.js';
import { globalFlags, printJson, type CliIo } from '../context.js';
import { resolve } from 'node:path';

/** `--labelled-examples` for `labelledExamples`, and so on. */
const flagName = (field: string) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const QUESTIONS: Record<keyof AdviceCriteria, string> = {
  externalKnowledge: 'Does the model need knowledge from your documents?',
  updateFrequency: 'How often does that knowledge change?',
  behaviourChange: 'Must the model change its behaviour, style or format?',
  labelledExamples: 'How many labelled examples do you have?',
  citationsRequired: 'Must answers cite their sources?',
  hallucinationTolerance: 'How tolerable is an invented answer?',
  latencyBudgetMs: 'Largest acceptable p95 latency in ms?',
  costBudget: 'Budget for training and serving?',
  dataResidency: 'Where may the data go?',
  modelSize: 'What size of model can you run?',
};

/**
 * Asks each criterion on a terminal, offering the current value as the default; a bad answer is asked
 * again. Lines are read through the interface's iterator, which buffers them, so answers typed (or
 * pasted) ahead of their question are not lost; the terminal's own line editing is used.
 */
async function askCriteria(io: CliIo, start: AdviceCriteria): Promise<AdviceCriteria> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const out = { ...start };
  try {
    for (const field of CRITERIA_FIELDS) {
      for (;;) {
        io.stderr.write(`${QUESTIONS[field]} (${allowedValues(field)}) [${String(out[field])}] `);
        const next = await lines.next();
        if (next.done) return out;
        const answer = String(next.value).trim();
        if (answer === '') break;
        try {
          (out as Record<string, unknown>)[field] = parseCriterion(field, answer, 'answer');
          break;
        } catch (error) {
          io.stderr.write(`${(error as Error).message}\n`);
        }
      }
    }
  } finally {
    rl.close();
  }
  return out;
}

function printAdvice(io: CliIo, advice: Advice, source: string): void {
  const lines = [`Recommendation: ${advice.recommendation}  (confidence ${advice.confidence.toFixed(2)}, ${advice.confidenceLabel}; based on ${advice.basis})`, `Criteria: ${source}`, '', 'Why:'];
  for (const r of advice.reasons) {
    const tag = r.effect === 'for' ? '+' : r.effect === 'against' ? '−' : '•';
    const about = r.criterion ? `[${r.criterion}] ` : r.evidence ? '[measured] ' : '';
    lines.push(`  ${tag} ${about}${r.text}`);
  }
  lines.push('', 'What would change it:');
  for (const w of advice.wouldChange) lines.push(`  • ${w.text}`);
  lines.push('', `Prior scores: ${Object.entries(advice.scores).map(([a, s]) => `${a} ${s}`).join(', ')}`);
  io.stdout.write(lines.join('\n') + '\n');
}

export function registerAdvise(program: Command, io: CliIo): void {
  const command = program
    .command('advise')
    .description('recommend prompt, RAG, fine-tuning, RAG+FT or RAFT from your criteria and, if given, an arena run\'s measurements')
    .option('--preset <name>', `start from a use case: ${ADVICE_PRESETS.map((p) => p.name).join(', ')}`)
    .option('--criteria <file>', 'a JSON or YAML file of criteria (may name a "preset")')
    .option('--arena <run>', 'an arena run id, "latest", or a path to run.json: measured evidence outranks the priors')
    .option('--list-presets', 'list the presets and their criteria')
    .option('--no-interactive', 'never prompt, even on a terminal')
    .option('--json', 'as JSON');
  for (const field of CRITERIA_FIELDS) command.option(`--${flagName(field)} <value>`, `${QUESTIONS[field]} (${allowedValues(field)})`);
  command.action(async (flags: Record<string, unknown>, cmd: Command) => {
    const all = { ...globalFlags(cmd), ...flags } as Record<string, unknown> & { home?: string; json?: boolean };
    if (flags.listPresets) {
      if (all.json) return printJson(io, ADVICE_PRESETS);
      io.stdout.write(ADVICE_PRESETS.map((p) => `${p.name}\n  ${p.description}\n  ${JSON.stringify(p.criteria)}`).join('\n') + '\n');
      return;
    }
    const sources: string[] = [];
    let criteria: Partial<AdviceCriteria> = {};
    if (typeof flags.preset === 'string') {
      criteria = { ...findPreset(flags.preset).criteria };
      sources.push(`preset ${findPreset(flags.preset).name}`);
    }
    if (typeof flags.criteria === 'string') {
      criteria = { ...criteria, ...(await loadCriteriaFile(resolve(io.cwd, flags.criteria))) };
      sources.push(`file ${flags.criteria}`);
    }
    const fromFlags: Partial<Record<keyof AdviceCriteria, unknown>> = {};
    for (const field of CRITERIA_FIELDS) {
      if (flags[field] !== undefined) fromFlags[field] = parseCriterion(field, flags[field], `--${flagName(field)}`);
    }
    if (Object.keys(fromFlags).length > 0) sources.push(`flags ${Object.keys(fromFlags).map(flagName).map((f) => `--${f}`).join(' ')}`);
    criteria = { ...criteria, ...(fromFlags as Partial<AdviceCriteria>) };
    if (sources.length === 0 && flags.interactive !== false && !all.json && process.stdin.isTTY && io.stdout.isTTY) {
      criteria = await askCriteria(io, { ...DEFAULT_CRITERIA });
      sources.push('answers');
    }
    if (sources.length === 0) sources.push('defaults (give --preset, --criteria FILE or flags for advice about your case)');
    const arena = typeof flags.arena === 'string' ? await resolveArenaRun(resolveHome(all.home, io.env, io.cwd), flags.arena, io.cwd) : undefined;
    const advice = advise({ criteria, arena });
    if (all.json) return printJson(io, { ...advice, criteriaSource: sources });
    printAdvice(io, advice, sources.join(' + '));
  });
}
