import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { globalFlags, printJson, progressFor, withWorkspace, type CliIo } from '../context.js';
import { formatAnswer, formatIngestReport } from '../output.js';

export const QUICKSTART_QUESTIONS = [
  'How many days of paid vacation do new employees get?',
  'How long is the warranty of the R2 robotic arm?',
];

/** The sample corpus ships with the package: samples/handbook beside dist/ (or src/). */
export function sampleCorpusPath(): string {
  const path = fileURLToPath(new URL('../../../samples/handbook', import.meta.url));
  return path;
}

export function registerQuickstart(program: Command, io: CliIo): void {
  program
    .command('quickstart')
    .description('ingest the bundled sample handbook and answer two questions with citations')
    .option('--json', 'print the ingest report and answers as JSON')
    .action(async (flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      const corpus = sampleCorpusPath();
      if (!existsSync(corpus)) throw new Error(`The sample corpus is missing at ${corpus}; reinstall the package.`);
      await withWorkspace(io, all, async ({ tailor, home }) => {
        const progress = progressFor(io, all);
        const report = await tailor.ingest({ paths: [corpus], collection: 'quickstart', onProgress: progress.listener });
        progress.stop();
        const answers = [];
        for (const question of QUICKSTART_QUESTIONS) answers.push(await tailor.ask(question, { filter: { collections: ['quickstart'] } }));
        if (flags.json) return printJson(io, { home, report, answers });
        io.stdout.write(`Indexed the sample handbook into ${home}\n${formatIngestReport(report)}\n`);
        answers.forEach((answer, i) => io.stdout.write(`\nQ: ${QUICKSTART_QUESTIONS[i]}\nA: ${formatAnswer(answer)}\n`));
        io.stdout.write(`\nNext: tailor ingest <your folder>, then tailor ask "<question>" (add --json for the full trace).\n`);
      });
    });
}
