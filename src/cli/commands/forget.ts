import type { Command } from 'commander';
import { globalFlags, printJson, withWorkspace, type CliIo } from '../context.js';
import { forgetEverywhere } from '../../workspace.js';

export function registerForget(program: Command, io: CliIo): void {
  program
    .command('forget')
    .description('erase a document and everything derived from it (chunks, vectors, index entries)')
    .argument('<target>', 'document id or source path')
    .option('-c, --collection <name>', 'only in this collection')
    .option('--json', 'print what was removed as JSON')
    .action(async (target: string, flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async (workspace) => {
        const report = await forgetEverywhere(workspace, target, { collection: flags.collection });
        if (flags.json) return printJson(io, report);
        for (const doc of report.documents) io.stdout.write(`forgot ${doc.source} (id ${doc.documentId}, collection ${doc.collection})\n`);
        io.stdout.write(`removed ${report.documents.length} document(s), ${report.chunksRemoved} chunk(s) with their vectors and index entries\n`);
        for (const dataset of report.lineage.datasets) io.stdout.write(`removed ${dataset.removedExampleIds.length} example(s) from dataset ${dataset.name}\n`);
        for (const adapter of report.lineage.adapters) {
          io.stdout.write(`adapter ${adapter.name} was trained on erased data: it is refused until retrained (${adapter.retrainCommand})\n`);
        }
      }, { mustExist: true });
    });
}
