import type { Command } from 'commander';
import { collect, globalFlags, printJson, withWorkspace, type CliIo } from '../context.js';
import { addFilterFlags, filterFrom } from '../filters.js';

export function registerDocuments(program: Command, io: CliIo): void {
  addFilterFlags(program.command('documents').description('list stored documents'), collect)
    .option('--json', 'as JSON')
    .action(async (flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async ({ tailor }) => {
        const docs = await tailor.store.doListDocuments({ filter: filterFrom(flags) });
        if (flags.json) return printJson(io, docs.map(({ signature: _signature, ...rest }) => rest));
        for (const d of docs) io.stdout.write(`${d.id}  ${d.collection.padEnd(12)} ${d.format.padEnd(8)} ${d.source}\n`);
        io.stdout.write(`${docs.length} document(s)\n`);
      }, { mustExist: true });
    });

  program
    .command('stats')
    .description('documents, chunks and vectors per collection')
    .option('--json', 'as JSON')
    .action(async (flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async ({ tailor, home, config }) => {
        const stats = await tailor.store.doStats();
        if (flags.json) return printJson(io, { home, config, ...stats });
        io.stdout.write(`home ${home} (embedder ${config.embedder}, llm ${config.llm})\n`);
        for (const c of stats.collections) io.stdout.write(`  ${c.name.padEnd(16)} ${c.documents} documents, ${c.chunks} chunks\n`);
        io.stdout.write(`total: ${stats.documents} documents, ${stats.chunks} chunks, ${stats.vectors} vectors\n`);
      }, { mustExist: true });
    });
}
