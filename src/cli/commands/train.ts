import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.js';
import { assertDatasetFormat, TRAIN_BACKENDS, trainAdapter, type TrainBackend, type TrainHyperparameters, type TrainOptions } from '../../finetune/index.js';
import { globalFlags, loggerFor, printJson, progressFor, type CliIo } from '../context.js';
import { decimalFlag, integerFlag } from '../numbers.js';
import { withFinetuneStores } from '../finetune-stores.js';

const TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];

function parseTargets(text: string): NonNullable<TrainOptions['targetModules']> {
  const names = text.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = names.filter((n) => !TARGETS.includes(n));
  if (bad.length > 0 || names.length === 0) throw new TailorError('INVALID_ARGUMENT', `--targets takes a comma list of ${TARGETS.join(', ')} (got "${text}").`);
  return names as NonNullable<TrainOptions['targetModules']>;
}

/** A relative path that exists under the CLI's working directory becomes absolute; anything else (names, model ids) stays. */
function inCwd(cwd: string, value: string): string {
  if (isAbsolute(value)) return value;
  const path = join(cwd, value);
  return existsSync(path) ? path : value;
}

export function registerTrain(program: Command, io: CliIo): void {
  program
    .command('train')
    .description('fine-tune an adapter on a dataset: in-process LoRA, a remote jobs API, or a cluster export')
    .requiredOption('--base <model>', 'base model: a GGUF path (local), a model id (openai), or a Hugging Face id/folder (axolotl, llama-factory)')
    .requiredOption('--dataset <name|file>', 'a dataset name, or a file to import first')
    .option('--format <format>', 'format of a dataset file: chat | alpaca | sharegpt | csv')
    .option('--backend <backend>', `${TRAIN_BACKENDS.join(' | ')}`, 'local')
    .option('--name <name>', 'adapter name (default: <dataset>-<backend>-<time>)')
    .option('--method <method>', 'lora | full', 'lora')
    .option('--rank <n>', 'LoRA rank', integerFlag('--rank', 1))
    .option('--alpha <n>', 'LoRA alpha', decimalFlag('--alpha'))
    .option('--targets <list>', 'LoRA target projections, e.g. q,k,v,o[,gate,up,down]', parseTargets)
    .option('--epochs <n>', 'epochs', integerFlag('--epochs', 1))
    .option('--lr <rate>', 'learning rate', decimalFlag('--lr'))
    .option('--batch-size <n>', 'examples per step', integerFlag('--batch-size', 1))
    .option('--grad-accum <n>', 'gradient accumulation steps', integerFlag('--grad-accum', 1))
    .option('--max-seq-len <n>', 'longest sequence in tokens', integerFlag('--max-seq-len', 8))
    .option('--patience <n>', 'early stopping: epochs without validation improvement', integerFlag('--patience', 1))
    .option('--seed <n>', 'seed', integerFlag('--seed'))
    .option('--resume', 'continue an interrupted run from its last checkpoint')
    .option('--out <dir>', 'where to write (default: the adapter folder in the home)')
    .option('--distributed <how>', 'cluster exports: none | deepspeed | fsdp', 'none')
    .option('--gpus <n>', 'cluster exports: GPUs per node', integerFlag('--gpus', 1))
    .option('--qlora', 'cluster exports: 4-bit base model (QLoRA)')
    .option('--zero <stage>', 'cluster exports: DeepSpeed ZeRO stage 2 or 3', integerFlag('--zero', 2))
    .option('--template <name>', 'llama-factory: prompt template of the model family (e.g. llama3, qwen)')
    .option('--json', 'print the adapter, its losses and metrics as JSON')
    .action(async (flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      if (!(TRAIN_BACKENDS as readonly string[]).includes(flags.backend)) throw new TailorError('INVALID_ARGUMENT', `--backend must be one of ${TRAIN_BACKENDS.join(', ')} (got "${flags.backend}").`);
      if (flags.method !== 'lora' && flags.method !== 'full') throw new TailorError('INVALID_ARGUMENT', `--method must be lora or full (got "${flags.method}").`);
      if (!['none', 'deepspeed', 'fsdp'].includes(flags.distributed)) throw new TailorError('INVALID_ARGUMENT', `--distributed must be none, deepspeed or fsdp (got "${flags.distributed}").`);
      if (flags.zero !== undefined && flags.zero !== 2 && flags.zero !== 3) throw new TailorError('INVALID_ARGUMENT', `--zero must be 2 or 3 (got ${flags.zero}).`);
      const hyperparameters: TrainHyperparameters = {
        method: flags.method,
        rank: flags.rank,
        alpha: flags.alpha,
        targetModules: flags.targets,
        epochs: flags.epochs,
        learningRate: flags.lr,
        batchSize: flags.batchSize,
        gradientAccumulation: flags.gradAccum,
        maxSeqLen: flags.maxSeqLen,
        earlyStoppingPatience: flags.patience,
        seed: flags.seed,
      };
      const progress = progressFor(io, all);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const { adapter, result, warnings } = await withFinetuneStores(io, command, (stores, home) => trainAdapter({
          home,
          stores,
          base: inCwd(io.cwd, flags.base),
          dataset: inCwd(io.cwd, flags.dataset),
          datasetFormat: flags.format ? assertDatasetFormat(flags.format) : undefined,
          backend: flags.backend as TrainBackend,
          name: flags.name,
          hyperparameters,
          resume: flags.resume,
          outputDir: flags.out ? (flags.out.startsWith('/') ? flags.out : `${io.cwd}/${flags.out}`) : undefined,
          env: io.env,
          cluster: { distributed: flags.distributed, gpus: flags.gpus, quantize4bit: flags.qlora, zeroStage: flags.zero, template: flags.template },
          logger: loggerFor(io, all),
          abortSignal: abort.signal,
          onProgress: (e) => {
            const eta = Number.isFinite(e.etaSeconds) ? `ETA ${Math.round(e.etaSeconds)}s` : '';
            progress.listener({ phase: 'train', done: e.step, total: e.totalSteps, item: `epoch ${e.epoch} loss ${e.loss.toFixed(4)} ${Math.round(e.tokensPerSecond)} tok/s ${eta}` });
          },
        }));
        progress.stop();
        const extra = result.extra ?? {};
        if (flags.json) {
          return printJson(io, {
            adapter: adapter.name,
            backend: adapter.backend,
            format: result.format,
            modelId: result.modelId,
            steps: result.steps,
            tokens: result.tokens,
            seconds: result.seconds,
            warnings,
            extra,
            path: result.adapterPath,
            trainLoss: result.trainLoss,
            validationLoss: result.validationLoss,
            perplexity: { before: extra.perplexityBefore ?? null, after: extra.perplexityAfter ?? null },
          });
        }
        for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
        if (result.format === 'export') {
          io.stdout.write(`wrote a ${adapter.backend} project to ${String(extra.directory)} (${(extra.files as string[]).length} files)\n`);
          io.stdout.write(`run it on the cluster: cd ${String(extra.directory)} && ${String(extra.command)}\n`);
        } else {
          io.stdout.write(`adapter "${adapter.name}" → ${result.adapterPath}\n`);
          io.stdout.write(`train loss ${result.trainLoss.map((l) => l.toFixed(4)).join(' → ') || 'n/a'}; validation loss ${result.validationLoss.map((l) => l.toFixed(4)).join(' → ') || 'n/a'}\n`);
          if (extra.perplexityBefore !== undefined) io.stdout.write(`perplexity (llama.cpp): ${Number(extra.perplexityBefore).toFixed(3)} before, ${Number(extra.perplexityAfter).toFixed(3)} after\n`);
          io.stdout.write(`${result.steps} steps, ${result.tokens} tokens in ${result.seconds.toFixed(1)} s\n`);
          if (extra.chartPath) io.stdout.write(`loss curves: ${String(extra.chartPath)}\n`);
        }
      } finally {
        process.removeListener('SIGINT', onSigint);
        progress.stop();
      }
    });
}
