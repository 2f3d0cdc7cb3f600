import type { Command } from 'commander';
import { TailorError } from '../../core/errors.js';
import { createStoreFromSpec, resolveStoreSpec } from '../../home/store-spec.js';
import { parsePiiKinds } from '../../ingest/redact.js';
import { createChatModelFromSpec } from '../../providers/spec.js';
import { resolveCacheDir, resolveHome } from '../../workspace.js';
import {
  assertDatasetFormat,
  buildFromCollection,
  createGgufTokenCounter,
  describeDataset,
  exportDataset,
  importDataset,
  parseCsvColumns,
  parseRatios,
  saveBuiltDataset,
  splitDataset,
  type DatasetDescription,
  type SplitName,
  type TokenCounter,
} from '../../finetune/index.js';
import { nameFrom } from '../../finetune/names.js';
import { finetuneStoresFor } from '../../finetune/stores.js';
import { withFinetuneStores } from '../finetune-stores.js';
import { globalFlags, loggerFor, printJson, progressFor, type CliIo } from '../context.js';
import { decimalFlag, integerFlag } from '../numbers.js';


/** Runs with the GGUF model's tokenizer when --tokenizer is given, else with the estimate. */
async function withTokenCounter<T>(path: string | undefined, run: (count: TokenCounter | undefined) => Promise<T>): Promise<T> {
  if (!path) return run(undefined);
  const counter = await createGgufTokenCounter(path);
  try {
    return await run(counter.count);
  } finally {
    await counter.release();
  }
}

export function registerDataset(program: Command, io: CliIo): void {
  const dataset = program.command('dataset').description('fine-tuning datasets: import, build from documents, split, export, show');
  const homeOf = (command: Command) => resolveHome(globalFlags(command).home, io.env, io.cwd);

  dataset
    .command('import')
    .description('import labelled data (chat JSONL, Alpaca, ShareGPT or CSV), validating every record')
    .argument('<file>', 'the file to import')
    .requiredOption('--format <format>', 'chat | alpaca | sharegpt | csv')
    .option('--name <name>', 'dataset name (default: the file name)')
    .option('--columns <mapping>', 'CSV columns, e.g. q=question,a=answer[,s=system][,i=input]')
    .option('--max-tokens <n>', 'reject examples longer than this many tokens', integerFlag('--max-tokens', 1))
    .option('--tokenizer <gguf>', 'count tokens with this GGUF model (default: an estimate)')
    .option('--redact <kinds>', 'replace personal data: email,phone,iban,card,ip,ssn or all')
    .option('--no-dedupe', 'keep exact and near duplicates')
    .option('--skip-invalid', 'import the valid records even if some are invalid')
    .option('--append', 'add to an existing dataset')
    .option('--replace', 'replace an existing dataset')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags, command: Command) => {
      const result = await withFinetuneStores(io, command, (stores, home) => withTokenCounter(flags.tokenizer, (countTokens) =>
        importDataset({
          home,
          stores,
          file: file.startsWith('/') ? file : `${io.cwd}/${file}`,
          format: assertDatasetFormat(flags.format),
          name: flags.name,
          columns: flags.columns ? parseCsvColumns(flags.columns) : undefined,
          maxTokens: flags.maxTokens,
          countTokens,
          redact: flags.redact ? parsePiiKinds(flags.redact) : undefined,
          dedupe: flags.dedupe,
          skipInvalid: flags.skipInvalid,
          mode: flags.replace ? 'replace' : flags.append ? 'append' : 'create',
        }),
      ));
      if (flags.json) return printJson(io, result);
      const c = result.clean;
      io.stdout.write(`dataset "${result.manifest.name}": ${result.imported} example(s) imported from ${result.records} record(s); ${result.manifest.count} in total\n`);
      if (result.issues.length > 0) io.stdout.write(`${result.issues.length} invalid record(s) skipped:\n${result.issues.slice(0, 20).map((i) => `  ${i.message}`).join('\n')}\n`);
      if (c.exactDuplicates + c.nearDuplicates.length > 0) io.stdout.write(`removed ${c.exactDuplicates} exact and ${c.nearDuplicates.length} near duplicate(s)\n`);
      const redacted = Object.entries(c.redactions);
      if (redacted.length > 0) io.stdout.write(`redacted ${redacted.map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
    });

  dataset
    .command('build')
    .description('build question/answer or RAFT examples from the documents of a collection')
    .requiredOption('-c, --collection <name>', 'collection to read')
    .option('--kind <kind>', 'qa | raft | text (raw chunk text, for continued pretraining)', 'qa')
    .option('--llm <spec>', 'generate questions with this model (default: the offline generator)')
    .option('--name <name>', 'dataset name (default: <collection>-<kind>)')
    .option('--per-chunk <n>', 'questions per chunk', integerFlag('--per-chunk', 1), 2)
    .option('--max-chunks <n>', 'use at most this many chunks', integerFlag('--max-chunks', 1))
    .option('--distractors <k>', 'RAFT: distractor chunks per example', integerFlag('--distractors'), 3)
    .option('--without-oracle <share>', 'RAFT: share of examples whose documents lack the answer', decimalFlag('--without-oracle', 0, 1), 0.2)
    .option('--ratios <r>', 'RAFT: keep distractors within the train,validation,test document pools of these ratios', '0.8,0.1,0.1')
    .option('--seed <n>', 'seed for sampling', integerFlag('--seed'), 42)
    .option('--system <prompt>', 'system prompt for every example')
    .option('--redact <kinds>', 'replace personal data: email,phone,iban,card,ip,ssn or all')
    .option('--no-dedupe', 'keep exact and near duplicates')
    .option('--append', 'add to an existing dataset')
    .option('--replace', 'replace an existing dataset')
    .option('--json', 'print the result as JSON')
    .action(async (flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      if (!['qa', 'raft', 'text'].includes(flags.kind)) throw new TailorError('INVALID_ARGUMENT', `--kind must be qa, raft or text (got "${flags.kind}").`);
      const home = homeOf(command);
      const logger = loggerFor(io, all);
      const chatModel = flags.llm ? await createChatModelFromSpec(flags.llm, { env: io.env, cacheDir: resolveCacheDir(io.env), logger, cwd: io.cwd }) : undefined;
      if (flags.llm && !chatModel) throw new TailorError('INVALID_ARGUMENT', `--llm ${flags.llm} cannot write questions; give a model (openai:<model>, openai-compatible:<model>@<url>, gguf:<path>) or leave --llm out for the offline generator.`);
      const store = await createStoreFromSpec(await resolveStoreSpec(home, all.store, io.env), { home, logger });
      try {
        const progress = progressFor(io, all);
        const built = await buildFromCollection({
          store,
          collection: flags.collection,
          kind: flags.kind,
          chatModel,
          questionsPerChunk: flags.perChunk,
          maxChunks: flags.maxChunks,
          distractors: flags.distractors,
          noOracleShare: flags.withoutOracle,
          ratios: parseRatios(flags.ratios),
          seed: flags.seed,
          systemPrompt: flags.system,
          logger,
          onProgress: progress.listener,
        });
        progress.stop();
        const name = flags.name ?? nameFrom(`${flags.collection}-${flags.kind}`);
        const saved = await saveBuiltDataset({
          home,
          stores: finetuneStoresFor(home, store),
          name,
          examples: built.examples,
          details: { collection: flags.collection, kind: flags.kind, generator: built.report.generator, chunks: built.report.chunks, documents: built.report.documents, seed: flags.seed },
          redact: flags.redact ? parsePiiKinds(flags.redact) : undefined,
          dedupe: flags.dedupe,
          mode: flags.replace ? 'replace' : flags.append ? 'append' : 'create',
        });
        if (flags.json) return printJson(io, { manifest: saved.manifest, build: built.report, clean: saved.clean });
        io.stdout.write(`dataset "${name}": ${saved.manifest.count} ${flags.kind} example(s) from ${built.report.documents} document(s), ${built.report.chunks} chunk(s) (generator: ${built.report.generator})\n`);
        if (built.report.raft) io.stdout.write(`RAFT: ${built.report.raft.withOracle} with the oracle chunk, ${built.report.raft.withoutOracle} without\n`);
        for (const w of built.report.warnings) io.stderr.write(`warning: ${w}\n`);
      } finally {
        await store.close();
        // Local models hold native memory and threads until disposed.
        await (chatModel as { dispose?: () => Promise<void> } | undefined)?.dispose?.();
      }
    });

  dataset
    .command('split')
    .description('assign train/validation/test by source document (no document in two splits)')
    .argument('<name>', 'dataset name')
    .option('--by <what>', 'what to split by (document)', 'document')
    .option('--ratios <r>', 'train,validation,test', '0.8,0.1,0.1')
    .option('--seed <n>', 'seed', integerFlag('--seed'), 42)
    .option('--json', 'print the report as JSON')
    .action(async (name: string, flags, command: Command) => {
      if (flags.by !== 'document') throw new TailorError('INVALID_ARGUMENT', `--by ${flags.by} is not supported: splits are made by source document (--by document) so no document leaks across them.`);
      const { manifest, report } = await withFinetuneStores(io, command, (stores, home) => splitDataset({ home, stores, name, ratios: parseRatios(flags.ratios), seed: flags.seed }));
      if (flags.json) return printJson(io, { manifest, report });
      io.stdout.write(`dataset "${manifest.name}" split by document (seed ${report.seed}, ${report.groups} document group(s)):\n`);
      for (const [split, s] of Object.entries(report.splits)) io.stdout.write(`  ${split.padEnd(10)} ${s.examples} example(s), ${s.documents} document(s)\n`);
    });

  dataset
    .command('export')
    .description('write a dataset (or one split) as chat JSONL, Alpaca, ShareGPT or CSV')
    .argument('<name>', 'dataset name')
    .requiredOption('--format <format>', 'chat | alpaca | sharegpt | csv')
    .requiredOption('--out <file>', 'output file')
    .option('--split <split>', 'only train, validation or test')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, flags, command: Command) => {
      if (flags.split && !['train', 'validation', 'test'].includes(flags.split)) throw new TailorError('INVALID_ARGUMENT', `--split must be train, validation or test (got "${flags.split}").`);
      const result = await withFinetuneStores(io, command, (stores, home) => exportDataset({
        home,
        stores,
        name,
        format: assertDatasetFormat(flags.format),
        out: flags.out.startsWith('/') ? flags.out : `${io.cwd}/${flags.out}`,
        split: flags.split as SplitName | undefined,
      }));
      if (flags.json) return printJson(io, result);
      io.stdout.write(`wrote ${result.count} example(s) to ${result.path}\n`);
      for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
    });

  dataset
    .command('show')
    .description('counts, token lengths and sources of a dataset')
    .argument('<name>', 'dataset name')
    .option('--tokenizer <gguf>', 'count tokens with this GGUF model (default: an estimate)')
    .option('--json', 'as JSON')
    .action(async (name: string, flags, command: Command) => {
      const description = await withFinetuneStores(io, command, (stores, home) => withTokenCounter(flags.tokenizer, (countTokens) => describeDataset({ home, stores, name, countTokens })));
      if (flags.json) return printJson(io, description);
      io.stdout.write(formatDescription(description));
    });

  dataset
    .command('list')
    .description('list datasets')
    .option('--json', 'as JSON')
    .action(async (flags, command: Command) => {
      const manifests = await withFinetuneStores(io, command, (stores) => stores.datasets.list());
      if (flags.json) return printJson(io, manifests);
      for (const m of manifests) io.stdout.write(`${m.name.padEnd(24)} ${String(m.count).padStart(7)} examples  ${m.documents} documents  updated ${m.updatedAt}\n`);
      io.stdout.write(`${manifests.length} dataset(s)\n`);
    });

  dataset
    .command('delete')
    .description('delete a dataset')
    .argument('<name>', 'dataset name')
    .option('--json', 'as JSON')
    .action(async (name: string, flags, command: Command) => {
      const deleted = await withFinetuneStores(io, command, (stores) => stores.datasets.delete(name));
      if (!deleted) throw new TailorError('NOT_FOUND', `There is no dataset "${name}".`);
      if (flags.json) return printJson(io, { deleted: name });
      io.stdout.write(`deleted dataset "${name}"\n`);
    });
}

function formatDescription(d: DatasetDescription): string {
  const m = d.manifest;
  const lines = [
    `dataset "${m.name}" — ${m.count} example(s), ${m.documents} source document(s), hash ${m.hash.slice(0, 16)}`,
    `splits: train ${m.splits.train}, validation ${m.splits.validation}, test ${m.splits.test}, unassigned ${m.splits.unassigned}`,
    `kinds: ${Object.entries(d.kinds).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    `tokens per example (${d.tokenizer}): min ${d.tokens.min}, median ${d.tokens.median}, p95 ${d.tokens.p95}, max ${d.tokens.max}, total ${d.tokens.total}`,
  ];
  if (d.raft) lines.push(`RAFT: ${d.raft.withOracle} with the oracle chunk, ${d.raft.withoutOracle} without`);
  lines.push('sources:', ...m.sources.map((s) => `  ${s.kind.padEnd(7)} ${s.from} (${s.examples})`));
  lines.push('history:', ...m.history.map((h) => `  ${h.at} ${h.operation}`));
  return lines.join('\n') + '\n';
}
