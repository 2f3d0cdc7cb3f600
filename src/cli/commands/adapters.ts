import type { Command } from 'commander';
import { TailorError } from '../../core/errors.js';
import { retrainCommand, type AdapterManifest, type AdapterRegistry } from '../../finetune/index.js';
import { printJson, type CliIo } from '../context.js';
import { withFinetuneStores } from '../finetune-stores.js';

export function registerAdapters(program: Command, io: CliIo): void {
  const adapters = program.command('adapters').description('fine-tuned adapters: list, show, delete');
  const withRegistry = <T>(command: Command, use: (registry: AdapterRegistry) => Promise<T>) => withFinetuneStores(io, command, (stores) => use(stores.adapters));

  adapters
    .command('list')
    .description('list adapters with their base model, dataset and erasure status')
    .option('--json', 'as JSON (without the example id lists)')
    .action(async (flags, command: Command) => {
      const list = await withRegistry(command, (r) => r.list());
      if (flags.json) return printJson(io, list.map(summary));
      for (const a of list) {
        const erased = a.containsErasedData ? '  CONTAINS ERASED DATA' : '';
        const loss = a.metrics.trainLoss.at(-1);
        io.stdout.write(`${a.name.padEnd(32)} ${a.backend.padEnd(13)} dataset ${a.dataset.name ?? a.dataset.file ?? '?'} (${a.dataset.exampleIds.length} ex.)${loss !== undefined ? `  loss ${loss.toFixed(3)}` : ''}${erased}\n`);
      }
      io.stdout.write(`${list.length} adapter(s)\n`);
    });

  adapters
    .command('show')
    .description('everything recorded about an adapter')
    .argument('<name>', 'adapter name')
    .option('--json', 'as JSON')
    .action(async (name: string, flags, command: Command) => {
      const a = await withRegistry(command, (r) => r.get(name));
      if (flags.json) return printJson(io, { ...a, retrainCommand: a.containsErasedData ? retrainCommand(a) : undefined });
      const lines = [
        `adapter "${a.name}" (${a.backend}, ${a.format}), created ${a.createdAt}`,
        `path: ${a.path}`,
        `base model: ${a.baseModel.ref}${a.baseModel.sha256 ? ` (sha256 ${a.baseModel.sha256})` : ''}`,
        `dataset: ${a.dataset.name ?? a.dataset.file} (hash ${a.dataset.hash.slice(0, 16)}, ${a.dataset.exampleIds.length} examples from ${a.dataset.documentIds.length} documents)`,
        `hyperparameters: ${Object.entries(a.hyperparameters).map(([k, v]) => `${k}=${v}`).join(' ')}`,
        `train loss: ${a.metrics.trainLoss.map((l) => l.toFixed(3)).join(' → ') || 'n/a'}`,
        `validation loss: ${a.metrics.validationLoss.map((l) => l.toFixed(3)).join(' → ') || 'n/a'}`,
        `steps ${a.metrics.steps}, tokens ${a.metrics.tokens}, ${a.metrics.seconds.toFixed(1)} s`,
      ];
      if (a.extra?.command) lines.push(`run on the cluster: (cd ${a.extra.directory ?? a.path} && ${a.extra.command})`);
      if (a.containsErasedData) {
        lines.push(`CONTAINS ERASED DATA: trained on ${(a.erasures ?? []).reduce((n, e) => n + e.documentIds.length, 0)} erased document(s); refused for use unless allowed.`);
        lines.push(`retrain on the cleaned dataset: ${retrainCommand(a)}`);
      }
      io.stdout.write(lines.join('\n') + '\n');
    });

  adapters
    .command('delete')
    .description('delete an adapter and its files')
    .argument('<name>', 'adapter name')
    .option('--json', 'as JSON')
    .action(async (name: string, flags, command: Command) => {
      const deleted = await withRegistry(command, (r) => r.delete(name));
      if (!deleted) throw new TailorError('NOT_FOUND', `There is no adapter "${name}". List them with \`tailor adapters list\`.`);
      if (flags.json) return printJson(io, { deleted: name });
      io.stdout.write(`deleted adapter "${name}"\n`);
    });
}

/** A list entry: the manifest without its (long) example and document id lists. */
function summary(a: AdapterManifest) {
  const { exampleIds, documentIds, ...dataset } = a.dataset;
  return { ...a, dataset: { ...dataset, examples: exampleIds.length, documents: documentIds.length } };
}
