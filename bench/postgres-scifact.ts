/**
 * SciFact nDCG@10 with the store on PostgreSQL vs embedded: the built CLI's `eval beir`, once with
 * `--store postgres://…` (a throwaway local cluster, Debian postgresql-15) and once embedded.
 *
 *   npm run build && node --import tsx bench/postgres-scifact.ts [--embedder none]
 */
import { spawnSync } from 'node:child_process';
import { startPostgresCluster } from '../test/helpers/postgres.js';

const extra = process.argv.slice(2);
const run = (args: string[]) => {
  const out = spawnSync(process.execPath, ['dist/cli/main.js', 'eval', 'beir', '../shared/data/scifact', '--no-chart', ...extra, ...args], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return out.stdout.trim();
};
const server = await startPostgresCluster();
try {
  console.log(`postgres:\n${run(['--store', `${server.url}?schema=scifact`])}`);
  console.log(`embedded:\n${run([])}`);
} finally {
  await server.stop();
}
