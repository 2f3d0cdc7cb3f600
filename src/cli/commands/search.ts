import type { Command } from 'commander';
import { collect, globalFlags, printJson, withWorkspace, type CliIo } from '../context.js';
import { addFilterFlags, filterFrom } from '../filters.js';
import { formatHits } from '../output.js';
import { integerFlag } from '../numbers.js';

export function registerSearch(program: Command, io: CliIo): void {
  addFilterFlags(
    program
      .command('search')
      .description('hybrid search (BM25 + vectors): the passages a question would be answered from')
      .argument('<query...>', 'what to look for'),
    collect,
  )
    .option('-k, --k <n>', 'how many passages', integerFlag('--k', 1), 5)
    .option('--json', 'full chunk text, source, page, offsets and scores as JSON')
    .action(async (words: string[], flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async ({ tailor }) => {
        const result = await tailor.search(words.join(' '), { k: flags.k, filter: filterFrom(flags) });
        if (flags.json) return printJson(io, result);
        io.stdout.write((result.results.length ? formatHits(result.results) : 'No passage matched.') + '\n');
      }, { mustExist: true });
    });
}
