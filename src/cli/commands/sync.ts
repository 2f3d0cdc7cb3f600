import type { Command } from 'commander';
import { globalFlags, printJson, progressFor, withWorkspace, type CliIo } from '../context.js';
import { formatIngestReport } from '../output.js';
import { formatReceipt } from '../../home/receipt.js';

export function registerSync(program: Command, io: CliIo): void {
  program
    .command('sync')
    .description('re-check stored files: re-index changed ones, remove deleted ones, add new ones under [paths]')
    .argument('[paths...]', 'folders to scan for new files as well')
    .option('-c, --collection <name>', 'collection to sync', 'default')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async ({ owner }) => {
        const progress = progressFor(io, all);
        const report = await owner.sync({ collection: flags.collection, paths: paths.map((p) => (p.startsWith('/') ? p : `${io.cwd}/${p}`)), onProgress: progress.listener });
        progress.stop();
        if (flags.json) return printJson(io, report);
        for (const gone of report.removed) io.stdout.write(`removed    ${gone.source} (file deleted)\n`);
        io.stdout.write(formatIngestReport(report.ingest) + '\n');
        if (report.erasure.documents.length > 0) io.stdout.write(formatReceipt(report.erasure) + '\n');
      }, { mustExist: true });
    });
}
