import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS_FILE } from '../../server/keys.js';
import { openWorkspace, resolveCacheDir, resolveHome } from '../../workspace.js';
import { createServer } from '../../server/index.js';
import { resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import { collect, globalFlags, loggerFor, type CliIo } from '../context.js';
import { decimalFlag, integerFlag } from '../numbers.js';

interface ServeFlags {
  port: number;
  host: string;
  insecureOpen?: boolean;
  llm?: string;
  maxUploadMb: number;
  maxFileMb: number;
  rate: number;
  burst: number;
  traceFile?: boolean;
  allowedHosts?: string;
  requestTimeoutS: number;
  maxQueuedUploads: number;
  maxQueuedPerKey: number;
  baseModel?: string[];
  jobLeaseS: number;
  maxSeconds: number;
  maxMemoryMb: number;
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('HTTP server: OpenAI-compatible /v1 API, Tailor REST API under /api, and the web UI')
    .option('--port <n>', 'port (0 picks a free one)', integerFlag('--port', 0), 8080)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--insecure-open', 'allow binding a non-loopback address with no API keys (anyone can do anything)')
    .option('--llm <spec>', 'chat model for answers and plain /v1 chat (default: the home\'s configured one)')
    .option('--max-upload-mb <n>', 'largest upload request', decimalFlag('--max-upload-mb'), 200)
    .option('--max-file-mb <n>', 'largest single uploaded file', decimalFlag('--max-file-mb'), 50)
    .option('--rate <n>', 'requests per second per key (0 = unlimited)', decimalFlag('--rate'), 20)
    .option('--burst <n>', 'burst size per key', integerFlag('--burst', 1), 60)
    .option('--trace-file', 'also append every answer to <home>/traces.jsonl (History reads the last ones back after a restart)')
    .option('--allowed-hosts <list>', 'comma-separated Host names (name or name:port) that reach this server besides its bound address, e.g. a reverse proxy\'s')
    .option('--request-timeout-s <n>', 'seconds a client has to send a whole request (uploads included)', decimalFlag('--request-timeout-s', 0.001), 30)
    .option('--max-queued-uploads <n>', 'upload jobs waiting or running before new ones get 429', integerFlag('--max-queued-uploads', 1), 64)
    .option('--max-seconds <n>', 'longest one uploaded file may take to parse', decimalFlag('--max-seconds', 0.001), 60)
    .option('--max-memory-mb <n>', 'most memory (MB of JavaScript heap) one uploaded file may take to parse', integerFlag('--max-memory-mb', 16), 512)
    .option('--max-queued-per-key <n>', 'upload jobs waiting or running for one key before its new ones get 429', integerFlag('--max-queued-per-key', 1), 16)
    .option('--base-model <gguf>', 'a GGUF the HTTP API may fine-tune and run, besides those in <home>/models/ (repeatable)', collect)
    .option('--job-lease-s <n>', 'with a PostgreSQL store: seconds a replica\'s claim on an upload job holds without a heartbeat before another replica takes the job over', decimalFlag('--job-lease-s', 0.1), 15)
    .action(async (flags: ServeFlags, command: Command) => {
      const global = globalFlags(command);
      const logger = loggerFor(io, { ...global, verbose: global.verbose });
      const home = resolveHome(global.home, io.env, io.cwd);
      const baseModels = (flags.baseModel ?? []).map((path) => resolve(io.cwd, path));
      const absent = baseModels.find((path) => !existsSync(path));
      if (absent) throw new TailorError('NOT_FOUND', `--base-model ${absent} does not exist. Give the path of a .gguf file, or put the model in ${home}/models/.`, { details: { path: absent } });
      const workspace = await openWorkspace({ home, env: io.env, store: global.store, llm: flags.llm, logger, cacheDir: resolveCacheDir(io.env), traceFile: flags.traceFile });
      const { tailor } = workspace;
      const { store, embedder, chatModel } = tailor;
      const server = createServer({
        home: workspace.owner, embedder, chatModel, logger, insecureOpen: flags.insecureOpen,
        requestLog: global.quiet ? undefined : (line) => io.stderr.write(`${new Date().toISOString()} ${line}\n`),
        limits: {
          maxUploadBytes: flags.maxUploadMb * 1048576, maxFileBytes: flags.maxFileMb * 1048576, ratePerSecond: flags.rate, rateBurst: flags.burst,
          requestTimeoutMs: flags.requestTimeoutS * 1000,
          maxLoadMillis: flags.maxSeconds * 1000, maxLoadMemoryMb: flags.maxMemoryMb,
        },
        allowedHosts: (flags.allowedHosts ?? '').split(',').map((h) => h.trim()).filter(Boolean),
        queue: { maxQueued: flags.maxQueuedUploads, maxQueuedPerKey: flags.maxQueuedPerKey },
        baseModels, env: io.env,
        replicas: { leaseMs: flags.jobLeaseS * 1000 },
      });
      let running;
      try {
        // Load the search indexes now, so /health means ready and the first users do not wait for it.
        await store.doQuery({ text: 'warm up', k: 1 });
        running = await server.listen(flags.port, flags.host);
      } catch (error) {
        await workspace.owner.close();
        throw error;
      }
      const keyCount = (await server.deps.keys.list()).length;
      io.stdout.write(`Tailor server listening on ${running.url}\n`);
      io.stdout.write(`Web UI: ${running.url}/   OpenAI-compatible API: ${running.url}/v1   REST API: ${running.url}/api   API reference: ${running.url}/docs/api\n`);
      if (keyCount > 0) io.stdout.write(`API keys required (${keyCount} in ${server.deps.keys.path}); send "Authorization: Bearer <key>".\n`);
      else io.stderr.write(`WARNING: no API keys configured: the server runs OPEN (every request acts as admin)${flags.insecureOpen ? ` on ${flags.host}` : ', on 127.0.0.1 only'}. Create one with: tailor keys create --role admin --collections "*" --name admin\n`);
      // A home moved to PostgreSQL by hand (not by `store migrate`) still has its old keys file, which the database does not read.
      if (keyCount === 0 && store.sharedDatabase && existsSync(join(home, KEYS_FILE))) {
        io.stderr.write(`WARNING: ${join(home, KEYS_FILE)} is not used: this home's keys live in the database (${server.deps.keys.path}). Copy them with \`tailor store migrate\`, or create keys again with \`tailor keys create\`.\n`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stderr.write('Shutting down…\n');
      // Stop within seconds: the running upload is interrupted at a file boundary and, with
      // everything still queued, resumes at the next start (the queue is kept in the home).
      await running.close();
      await server.deps.jobs.stop(5000);
      await workspace.owner.close();
    });
}
