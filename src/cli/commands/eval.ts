import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { beirChartSvg } from '../../eval/beir-chart.js';
import type { Command } from 'commander';
import { evaluateBeir } from '../../eval/beir.js';
import { globalFlags, printJson, progressFor, withWorkspace, type CliIo } from '../context.js';

export function registerEval(program: Command, io: CliIo): void {
  const evalCommand = program.command('eval').description('measure retrieval and answers on benchmark data');
  evalCommand
    .command('beir')
    .description('nDCG@10, Recall@100 and MRR@10 on a BEIR-format folder (corpus.jsonl[.gz], queries.jsonl, qrels/)')
    .argument('<dir>', 'the BEIR dataset folder')
    .option('--split <name>', 'qrels split', 'test')
    .option('--embedder <spec>', 'embedder for the evaluation store (default words; none = BM25 only)')
    .option('--keep', 'index into --home (or TAILOR_HOME) and keep it, instead of a temporary store')
    .option('--chart <file>', 'where to write the metrics chart (SVG)', '')
    .option('--no-chart', 'do not write a chart')
    .option('--json', 'as JSON')
    .action(async (dir: string, flags, command: Command) => {
      const all = { ...globalFlags(command), ...flags };
      const temporary = all.keep ? undefined : await mkdtemp(join(tmpdir(), 'tailor-beir-'));
      try {
        await withWorkspace(io, { ...all, home: temporary ?? all.home }, async ({ tailor }) => {
          const progress = progressFor(io, all);
          const result = await evaluateBeir({
            dir: resolve(io.cwd, dir),
            split: flags.split,
            store: tailor.store,
            retriever: tailor.retriever,
            ingestTexts: tailor.ingestTexts,
            onProgress: progress.listener,
          });
          progress.stop();
          const chartPath = flags.chart === false ? undefined : resolve(io.cwd, flags.chart || `tailor-eval-${basename(resolve(io.cwd, dir))}-${result.split}.svg`);
          if (chartPath) await writeFile(chartPath, beirChartSvg(result));
          if (flags.json) return printJson(io, { ...result, chartPath });
          const m = result.metrics;
          io.stdout.write(
            `${result.dataset} (${result.split}: ${result.queries} queries, ${result.documents} documents)\n` +
              `nDCG@10 ${m['nDCG@10'].toFixed(4)}  Recall@100 ${m['Recall@100'].toFixed(4)}  MRR@10 ${m['MRR@10'].toFixed(4)}\n` +
              `ingest ${(result.ingest.ms / 1000).toFixed(1)} s (${result.ingest.docsPerSecond.toFixed(0)} docs/s); query p50 ${result.query.p50Ms.toFixed(2)} ms, p99 ${result.query.p99Ms.toFixed(2)} ms, ${result.query.qps.toFixed(0)} QPS\n` +
              (chartPath ? `chart: ${chartPath}\n` : ''),
          );
        });
      } finally {
        if (temporary) await rm(temporary, { recursive: true, force: true });
      }
    });
}
