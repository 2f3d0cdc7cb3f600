import type { Command } from 'commander';
import { collect, globalFlags, printJson, withWorkspace, type CliIo } from '../context.js';
import { addFilterFlags, filterFrom } from '../filters.js';
import { formatAnswer } from '../output.js';
import { DEFAULT_MIN_SUPPORT } from '../../answer/ask.js';
import { decimalFlag, integerFlag } from '../numbers.js';

export function registerAsk(program: Command, io: CliIo): void {
  addFilterFlags(
    program
      .command('ask')
      .description('answer a question from the documents, with numbered citations to exact passages')
      .argument('<question...>', 'the question'),
    collect,
  )
    .option('--llm <spec>', 'extractive (default, no model), openai:<model>, openai-compatible:<model>@<url>, gguf:<path>')
    .option('--adapter <name>', 'a fine-tuned LoRA adapter from `tailor adapters list` (with --llm gguf:<base>)')
    .option('--allow-erased', 'use the adapter even if it was trained on documents since forgotten')
    .option('-k, --k <n>', 'passages to retrieve', integerFlag('--k', 1), 6)
    .option('--min-support <share>', `refuse when the evidence covers less of the question's meaning-bearing terms than this (0..1, default ${DEFAULT_MIN_SUPPORT})`, decimalFlag('--min-support', 0, 1))
    .option('--max-tokens <n>', 'longest generated answer', integerFlag('--max-tokens', 1))
    .option('--json', 'answer, citations and trace (retrieved chunks with scores, prompt, timings) as JSON')
    .action(async (words: string[], flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      await withWorkspace(io, all, async ({ tailor }) => {
        const streaming = !flags.json && flags.llm !== undefined && flags.llm !== 'extractive';
        const answer = await tailor.ask(words.join(' '), {
          k: flags.k,
          filter: filterFrom(flags),
          minSupport: flags.minSupport,
          maxTokens: flags.maxTokens,
          onText: streaming ? (delta) => io.stdout.write(delta) : undefined,
        });
        if (flags.json) return printJson(io, answer);
        if (streaming) io.stdout.write('\n');
        const printed = formatAnswer(answer);
        io.stdout.write((streaming ? printed.slice(answer.text.length).replace(/^\n/, '') : printed) + '\n');
      }, { mustExist: true });
    });
}
