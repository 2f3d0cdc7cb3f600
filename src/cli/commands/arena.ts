import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.js';
import { listArenaRuns, loadArenaRun, arenaRunDir, parseArms, runArena, PROTOCOLS, type ArenaRun, type MetricName, type PriceTable, type Protocol } from '../../eval/arena/index.js';
import type { TrainHyperparameters } from '../../finetune/train.js';
import { resolveCacheDir, resolveHome } from '../../workspace.js';
import { collect, globalFlags, loggerFor, printJson, withWorkspace, type CliIo } from '../context.js';
import { createProgress } from '../progress.js';

const number = (v: string) => Number(v);
const METRICS: MetricName[] = ['exactMatch', 'f1', 'containment', 'refusalAccuracy', 'falseRefusalRate', 'groundedness', 'citationPrecision', 'citationRecall', 'latencyP50Ms', 'latencyP95Ms', 'tokensIn', 'tokensOut', 'cost', 'judge'];

/** `--fail-under [arm.]metric=value`: without an arm, every arm must reach the value. */
export function parseFailUnder(text: string): { arm?: string; metric: MetricName; value: number } {
  const match = /^(?:([^.=]+)\.)?([A-Za-z0-9]+)=(-?[\d.]+)$/.exec(text.trim());
  if (!match || !METRICS.includes(match[2] as MetricName) || !Number.isFinite(Number(match[3]))) {
    throw new TailorError('INVALID_ARGUMENT', `--fail-under "${text}": write [arm.]metric=value, e.g. rag.f1=0.5 or containment=0.3; metrics: ${METRICS.join(', ')}.`);
  }
  return { arm: match[1], metric: match[2] as MetricName, value: Number(match[3]) };
}

function failures(run: ArenaRun, rules: Array<{ arm?: string; metric: MetricName; value: number }>): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const arms = rule.arm ? run.arms.filter((a) => a.name === rule.arm) : run.arms;
    if (rule.arm && arms.length === 0) out.push(`--fail-under names arm "${rule.arm}", which is not in this run`);
    for (const arm of arms) {
      const value = arm.metrics[rule.metric];
      if (value === null || value === undefined || value < rule.value) out.push(`${arm.name}.${rule.metric} = ${value ?? 'n/a'} < ${rule.value}`);
    }
  }
  return out;
}

function summary(run: ArenaRun): string {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '   —  ' : v.toFixed(3).padStart(6));
  const lines = [
    `Arena run ${run.id} (${run.status}) — protocol ${run.protocol}, ${run.questions.test} test question(s) of ${run.questions.total}, collections ${run.collections.join(', ')}`,
    `${'arm'.padEnd(12)} ${'EM'.padStart(6)} ${'F1'.padStart(6)} ${'contains'.padStart(8)} ${'grounded'.padStart(8)} ${'citeR'.padStart(6)} ${'p50 ms'.padStart(8)}  model`,
  ];
  for (const a of run.arms) {
    const m = a.metrics;
    lines.push(`${a.name.padEnd(12)} ${pct(m.exactMatch)} ${pct(m.f1)} ${pct(m.containment).padStart(8)} ${pct(m.groundedness).padStart(8)} ${pct(m.citationRecall)} ${(m.latencyP50Ms ?? 0).toFixed(1).padStart(8)}  ${a.model}${a.adapter ? ` + ${a.adapter}` : ''}${a.retrieval.enabled ? ` (k=${a.retrieval.k})` : ''}`);
  }
  if (run.freshness) {
    lines.push(`Freshness (${run.freshness.facts} changed fact(s)): ` + run.freshness.arms.map((f) => `${f.name} new ${(f.fresh * 100).toFixed(0)}% / old ${(f.stale * 100).toFixed(0)}%${f.secondsToFresh === null ? '' : ` (${f.how} ${f.secondsToFresh < 1 ? `${(f.secondsToFresh * 1000).toFixed(0)} ms` : `${f.secondsToFresh.toFixed(1)} s`})`}`).join('; '));
  }
  return lines.join('\n');
}

async function readPrices(path: string | undefined, cwd: string): Promise<PriceTable | undefined> {
  if (!path) return undefined;
  try {
    return JSON.parse(await readFile(resolve(cwd, path), 'utf8')) as PriceTable;
  } catch (cause) {
    throw new TailorError('INVALID_ARGUMENT', `--prices ${path} must be a JSON file like {"openai:gpt-4o-mini": {"input": 0.15, "output": 0.6}} (USD per million tokens).`, { cause });
  }
}

export function registerArena(program: Command, io: CliIo): void {
  const arena = program
    .command('arena')
    .description('put the same questions through base, prompt, RAG, fine-tuned, RAG+FT and RAFT arms and measure which works on your data')
    .option('--questions <file>', 'JSONL: {"question", "answer", "evidence"?: {source, start, end} | {source, quote}, "answerable"?: false, "split"?: "train"|"test"} (default: generated from the collection)')
    .option('--arms <list>', 'name[=model[+adapter:NAME][+k:N]],… e.g. base=gguf:m.gguf,rag=extractive,ft=gguf:m.gguf+adapter:NAME')
    .option('--collection <name>', 'collection the questions are about (repeatable; default "default")', collect)
    .option('--llm <spec>', 'model for arms given without one (default: the home\'s model)')
    .option('--k <n>', 'passages retrieved by rag, rag+ft and raft arms', number)
    .option('--protocol <name>', `${PROTOCOLS.join(' | ')}`, 'knowledge-injection')
    .option('--test-share <x>', 'share held out for test (questions, or documents under generalisation)', number)
    .option('--max-questions <n>', 'most questions generated from the collection', number)
    .option('--train', 'train the adapters that ft, rag+ft and raft arms lack (local LoRA)')
    .option('--epochs <n>', 'training epochs', number)
    .option('--rank <n>', 'LoRA rank', number)
    .option('--lr <rate>', 'learning rate', number)
    .option('--no-generated', 'train only on the questions file\'s train questions, not also on generated ones')
    .option('--freshness <n>', 'change n facts in copies of their documents, sync, ask again', number)
    .option('--judge <spec>', 'a chat model that grades each answer against the gold answer')
    .option('--judge-timeout <seconds>', 'longest wait for one verdict', number, 60)
    .option('--prices <file>', 'JSON price table, USD per million tokens per model spec')
    .option('--max-tokens <n>', 'longest answer asked of generative arms', number)
    .option('--report <file>', 'also write the HTML report here')
    .option('--fail-under <rule>', '[arm.]metric=value: exit 1 when a metric is below (repeatable)', collect)
    .option('--resume <id>', 'continue an interrupted run')
    .option('--seed <n>', 'seed for splits', number)
    .option('--json', 'print the run as JSON (the same as its run.json)')
    .action(async (flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      const rules = ((flags.failUnder as string[] | undefined) ?? []).map(parseFailUnder);
      if (!flags.resume && !flags.arms) throw new TailorError('INVALID_ARGUMENT', 'tailor arena needs --arms, e.g. --arms base=gguf:m.gguf,rag=extractive (or --resume ID).');
      if (!(PROTOCOLS as readonly string[]).includes(flags.protocol)) throw new TailorError('INVALID_ARGUMENT', `--protocol must be ${PROTOCOLS.join(' or ')} (got "${flags.protocol}").`);
      const prices = await readPrices(flags.prices, io.cwd);
      const hyperparameters: TrainHyperparameters = Object.fromEntries(Object.entries({ epochs: flags.epochs, rank: flags.rank, learningRate: flags.lr }).filter(([, v]) => v !== undefined));
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      const progress = createProgress(io.stderr as NodeJS.WriteStream, !all.quiet, 10);
      try {
        await withWorkspace(io, { home: all.home, verbose: all.verbose, quiet: all.quiet }, async (workspace) => {
          const { tailor, config, home } = workspace;
          const arms = flags.arms ? parseArms(flags.arms, { defaultModel: flags.llm ?? config.llm, k: flags.k }) : [];
          const collections = (flags.collection as string[] | undefined) ?? ['default'];
          const run = await runArena({
            home, stores: workspace.owner, store: tailor.store, retriever: tailor.retriever, embedder: tailor.embedder, fusion: config.fusion ? { ...config.fusion } : undefined, chunking: config.chunking,
            collections, arms, questionsFile: flags.questions ? resolve(io.cwd, flags.questions) : undefined, maxQuestions: flags.maxQuestions,
            protocol: flags.protocol as Protocol, testShare: flags.testShare, seed: flags.seed,
            train: flags.train, trainHyperparameters: hyperparameters, trainOnGenerated: flags.generated,
            freshness: flags.freshness, judge: flags.judge, judgeTimeoutMs: flags.judgeTimeout * 1000, prices, maxTokens: flags.maxTokens,
            resume: flags.resume, env: io.env, cacheDir: resolveCacheDir(io.env), cwd: io.cwd, logger: loggerFor(io, all), onProgress: progress.listener, abortSignal: controller.signal,
          });
          progress.stop();
          if (flags.report) await writeFile(resolve(io.cwd, flags.report), await readFile(join(arenaRunDir(home, run.id), 'report.html')));
          if (flags.json) printJson(io, run);
          else io.stdout.write(`${summary(run)}\nreport: ${flags.report ? resolve(io.cwd, flags.report) : join(arenaRunDir(home, run.id), 'report.html')}\n`);
          const failed = failures(run, rules);
          if (failed.length > 0) {
            io.stderr.write(`arena: below --fail-under: ${failed.join('; ')}\n`);
            process.exitCode = 1;
          }
        });
      } finally {
        progress.stop();
        process.removeListener('SIGINT', onSigint);
      }
    });

  arena
    .command('list')
    .description('stored arena runs, newest first')
    .option('--json', 'as JSON')
    .action(async (flags, command: Command) => {
      const home = resolveHome(globalFlags(command).home, io.env, io.cwd);
      const runs = await listArenaRuns(home);
      if (flags.json || command.parent?.opts().json) return printJson(io, runs);
      if (runs.length === 0) return void io.stdout.write('No arena runs yet. Start one with `tailor arena --arms …`.\n');
      for (const r of runs) io.stdout.write(`${r.id}  ${r.status.padEnd(8)}  ${r.protocol.padEnd(19)}  ${String(r.questions).padStart(4)} q  ${r.arms.join(',')}  [${r.collections.join(',')}]\n`);
    });

  arena
    .command('show')
    .description('one stored run: its summary, or its JSON, or the path of its HTML report')
    .argument('<id>', 'run id (see `tailor arena list`)')
    .option('--json', 'the run as JSON')
    .action(async (id: string, flags, command: Command) => {
      const home = resolveHome(globalFlags(command).home, io.env, io.cwd);
      const run = await loadArenaRun(home, id);
      if (flags.json || command.parent?.opts().json) return printJson(io, run);
      io.stdout.write(`${summary(run)}\nreport: ${join(arenaRunDir(home, id), 'report.html')}\n`);
    });
}
