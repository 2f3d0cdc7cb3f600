import type { Command } from 'commander';
import { formatReceipt } from '../../home/receipt.js';
import { parsePiiKinds } from '../../ingest/redact.js';
import { collect, globalFlags, printJson, progressFor, withWorkspace, type CliIo } from '../context.js';
import { formatIngestReport } from '../output.js';
import { decimalFlag, integerFlag } from '../numbers.js';

export function registerIngest(program: Command, io: CliIo): void {
  program
    .command('ingest')
    .description('index files and folders (Markdown, text, HTML, PDF, DOCX, PPTX, XLSX, ODT, EPUB, EML, CSV, JSON/JSONL; other text files by content)')
    .argument('<paths...>', 'files or folders (folders are read recursively)')
    .option('-c, --collection <name>', 'collection to add to', 'default')
    .option('--redact <kinds>', 'replace personal data before storing: email,phone,iban,card,ip,ssn or all')
    .option('--include <glob>', 'only files matching this glob (repeatable)', collect)
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect)
    .option('--embedder <spec>', 'embedder for a new store: words (default), none, openai:<model>, openai-compatible:<model>@<url>, gguf:<path>, model2vec:<dir>, onnx:<dir>')
    .option('--max-bytes <n>', 'largest file to read', integerFlag('--max-bytes', 1))
    .option('--max-decompressed-bytes <n>', 'most bytes a DOCX/XLSX/PPTX/ODT/EPUB may inflate to (default 64 MB)', integerFlag('--max-decompressed-bytes', 1))
    .option('--max-depth <n>', 'deepest HTML/XML/JSON nesting accepted (default 256)', integerFlag('--max-depth', 1))
    .option('--max-seconds <n>', 'longest one file may take to load (default 60)', decimalFlag('--max-seconds', 0.001))
    .option('--max-memory-mb <n>', 'most memory (MB of JavaScript heap) one file may take to load (default 512)', integerFlag('--max-memory-mb', 16))
    .option('--json', 'print the full report as JSON')
    .action(async (paths: string[], flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      const redact = flags.redact ? parsePiiKinds(flags.redact) : undefined;
      await withWorkspace(io, all, async ({ owner }) => {
        const progress = progressFor(io, all);
        const report = await owner.ingest({
          paths: paths.map((p) => (p.startsWith('/') ? p : `${io.cwd}/${p}`)),
          collection: flags.collection,
          redact,
          include: flags.include,
          exclude: flags.exclude,
          maxBytes: flags.maxBytes,
          limits: {
            maxDecompressedBytes: flags.maxDecompressedBytes,
            maxDepth: flags.maxDepth,
            maxMillis: flags.maxSeconds === undefined ? undefined : flags.maxSeconds * 1000,
            maxMemoryMb: flags.maxMemoryMb,
          },
          onProgress: progress.listener,
        });
        progress.stop();
        if (flags.json) printJson(io, report);
        else io.stdout.write(formatIngestReport(report) + '\n');
        if (!flags.json && report.erasure.documents.length > 0) io.stdout.write(formatReceipt(report.erasure) + '\n');
        if (report.counts.failed > 0 && report.files.length === report.counts.failed) process.exitCode = 4;
      });
    });
}
