import type { Command } from 'commander';
import { globalFlags, printJson, withWorkspace, type CliIo } from '../context.js';
import { forgetEverywhere } from '../../workspace.js';
import { formatReceipt } from '../../home/receipt.js';

export function registerForget(program: Command, io: CliIo): void {
  program
    .command('forget')
    .description('erase a document and everything derived from it (chunks, vectors, index entries, dataset examples, exported training data, traces; adapters trained on it are flagged)')
    .argument('<target>', 'document id or source path')
    .option('-c, --collection <name>', 'only in this collection')
    .option('--json', 'print what was removed as JSON')
    .action(async (target: string, flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async (workspace) => {
        const report = await forgetEverywhere(workspace, target, { collection: flags.collection });
        if (flags.json) return printJson(io, report);
        for (const doc of report.documents) io.stdout.write(`forgot ${doc.source} (id ${doc.documentId}, collection ${doc.collection})\n`);
        io.stdout.write(formatReceipt(report.erasure) + '\n');
      }, { mustExist: true });
    });
}
