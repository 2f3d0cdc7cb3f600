import { join } from 'node:path';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { TailorError } from '../core/errors.js';
import { packageVersion } from '../core/version.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ChatModel, Embedder } from '../providers/types.js';
import type { Tailor } from '../tailor.js';
import type { Workspace } from '../workspace.js';
import { DEFAULT_LIMITS, principalOf, type AppEnv, type ServerDeps, type ServerLimits } from './context.js';
import { createKeyStore, type KeyStore } from './keys.js';
import { authenticate } from './auth.js';
import { createErrorHandler } from './errors.js';
import { createRateLimiter, rateLimit } from './limits.js';
import { guardBodies, guardOrigin, securityHeaders, type BoundAddress } from './guard.js';
import { lingerOnClose } from './linger.js';
import { createMetrics, measure } from './metrics.js';
import { createJobQueue, type JobQueueLimits, type JobRun, type JobRunner, type JobSpec } from './jobs.js';
import { createRoutedJobQueue } from './routed-jobs.js';
import { createPostgresJobQueue } from './jobs-postgres.js';
import { createPostgresKeyStore } from './keys-postgres.js';
import { uploadRunner } from './uploads.js';
import { scopedTraceLog } from './traces.js';
import type { Home } from '../home/home.js';
import { homeFromTailor } from '../home/open-home.js';
import { createCollectionCatalog } from './collections.js';
import { defaultWebRoot, mountWebUi } from './static.js';
import { queryRoutes } from './routes/query.js';
import { chatRoutes } from './routes/openai-chat.js';
import { modelRoutes } from './routes/openai-models.js';
import { collectionRoutes } from './routes/collections.js';
import { documentRoutes } from './routes/documents.js';
import { jobRoutes } from './routes/jobs.js';
import { traceRoutes } from './routes/traces.js';
import { keyRoutes } from './routes/keys.js';
import { arenaRoutes } from './routes/arena.js';
import { requestId } from './request-id.js';
import { settingsRoutes } from './routes/settings.js';
import { openApiRoutes } from './routes/openapi.js';
import { datasetRoutes } from './routes/datasets.js';
import { trainingRoutes } from './routes/training.js';
import { adapterRoutes } from './routes/adapters.js';
import { arenaRunRoutes } from './routes/arena-runs.js';
import { statsRoutes } from './routes/stats.js';
import { createTrainingRuns } from './finetune/training-runs.js';
import { datasetBuildRunner, trainRunner } from './finetune/runners.js';
import { arenaRunner } from './finetune/arena-runner.js';
import { createAdapterModels } from './finetune/adapter-models.js';

export interface CreateServerOptions {
  /** An opened home (openHome), or a workspace, or a tailor plus its home directory. */
  workspace?: Workspace;
  tailor?: Tailor;
  home?: string | Home;
  keys?: KeyStore;
  embedder?: Embedder;
  chatModel?: ChatModel;
  logger?: Logger;
  limits?: Partial<ServerLimits>;
  /** Run open (no keys) even on a non-loopback address. Dangerous; for trusted networks only. */
  insecureOpen?: boolean;
  /** Answers kept for /api/traces (default 200); `traceFile: true` also appends them to <home>/traces.jsonl.
   *  Both apply only when the server is given a tailor: an opened Home brings its own traces. */
  traceCapacity?: number;
  traceFile?: boolean;
  /** Folder with the built web UI; default dist/web when it exists, `false` for none. */
  webRoot?: string | false;
  version?: string;
  /** `Host` names besides the bound address that reach this server (a reverse proxy's name), `name` or `name:port`. */
  allowedHosts?: string[];
  /** Upload queue bounds and how long finished jobs stay visible. */
  queue?: Partial<JobQueueLimits>;
  /** On a shared (PostgreSQL) store: how long a replica's claim on a job holds without a heartbeat, and how often idle replicas look for jobs. */
  replicas?: { leaseMs?: number; pollMs?: number };
  /** Called once per finished request with one line (method, path, status, milliseconds), e.g. to print it. */
  requestLog?: (line: string) => void;
  /** GGUF files the HTTP API may train on and run, besides the .gguf files in <home>/models/. */
  baseModels?: string[];
  /** Environment for remote trainers' API keys (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface TailorServer {
  app: Hono<AppEnv>;
  deps: ServerDeps;
  listen(port?: number, host?: string): Promise<RunningServer>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function createServer(options: CreateServerOptions): TailorServer {
  const logger = options.logger ?? silentLogger;
  const owner = openedHome(options, logger);
  const tailor = owner.rag;
  const home = owner.dir;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = createMetrics();
  // Persisted in the home, so job status outlives a restart; the runner reads `deps` only when a job runs.
  // Fine-tuning's runners; training and arena runs wait in lines of their own, not before uploads.
  const localRunners = {
    'dataset-build': (spec: JobSpec, run: JobRun) => datasetBuildRunner(deps)(spec, run),
    train: (spec: JobSpec, run: JobRun) => trainRunner(deps)(spec, run),
    arena: (spec: JobSpec, run: JobRun) => arenaRunner(deps)(spec, run),
  };
  const lanes = { train: 'train', arena: 'arena' };
  const upload = (spec: JobSpec, run: JobRun) => uploadRunner(deps)(spec, run);
  // On a shared database (PostgreSQL) uploads, dataset builds and keys live there, so replicas act as
  // one service; training and arena runs stay on the replica that took them (routed-jobs.ts, docs/replicas.md).
  const shared = tailor.store.sharedDatabase;
  const sharedQueue = (kinds: Record<string, JobRunner>) =>
    createPostgresJobQueue({ database: shared!, home, logger, limits: options.queue, runners: kinds, kinds: Object.keys(kinds), leaseMs: options.replicas?.leaseMs, pollMs: options.replicas?.pollMs });
  const jobs = shared
    ? (() => {
        const builds = sharedQueue({ 'dataset-build': localRunners['dataset-build'] });
        const own = createJobQueue({ logger, dir: join(home, 'jobs'), limits: options.queue, runners: { train: localRunners.train, arena: localRunners.arena }, lanes });
        return createRoutedJobQueue(sharedQueue({ upload }), new Map([['dataset-build', builds], ['train', own], ['arena', own]]));
      })()
    : createJobQueue({ logger, dir: join(home, 'jobs'), limits: options.queue, runners: { upload, ...localRunners }, lanes });
  const deps: ServerDeps = {
    tailor, home, owner, logger, limits, metrics,
    keys: options.keys ?? (shared ? createPostgresKeyStore({ database: shared }) : createKeyStore(home)),
    embedder: options.embedder, chatModel: options.chatModel,
    allowOpen: false,
    version: options.version ?? packageVersion(),
    jobs,
    traces: scopedTraceLog(owner.traces),
    catalog: createCollectionCatalog(home, tailor.store),
    rateLimiter: createRateLimiter(limits.ratePerSecond, limits.rateBurst),
    trainingRuns: createTrainingRuns(home, logger),
    baseModels: options.baseModels ?? [],
    env: options.env ?? process.env,
    adapterModels: createAdapterModels({ home, owner, logger, get env() { return deps.env; } }),
  };

  // Uploads left queued by the last run (or cut short by its shutdown) start again.
  void jobs.resume().catch((error: unknown) => logger.log('error', `could not resume queued jobs: ${(error as Error).message}`));

  let bound: BoundAddress | undefined;
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(logger));
  app.use('*', securityHeaders());
  app.use('*', measure(metrics));
  if (options.requestLog) {
    const log = options.requestLog;
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms`);
    });
  }
  // Every response, refusals included, carries an x-request-id that the logs name too.
  app.use('*', requestId());
  // Before anything reads a body or a key: the right host, no other site's page, the right kind and size of body.
  app.use('*', guardOrigin(() => bound, logger));
  app.use('*', guardBodies(limits));
  app.get('/health', (c) => c.json({ ok: true, version: deps.version }));
  app.get('/metrics', (c) => c.text(deps.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }));
  app.route('/', openApiRoutes(deps));

  for (const prefix of ['/api/*', '/v1/*']) {
    app.use(prefix, authenticate(deps), rateLimit(deps.rateLimiter));
  }

  app.get('/api/me', async (c) => {
    const { name, role, collections } = principalOf(c);
    return c.json({ name, role, collections, open: await deps.keys.isEmpty() });
  });
  app.route('/api', queryRoutes(deps));
  app.route('/api/collections', collectionRoutes(deps));
  app.route('/api/documents', documentRoutes(deps));
  app.route('/api/jobs', jobRoutes(deps));
  app.route('/api/traces', traceRoutes(deps));
  app.route('/api/keys', keyRoutes(deps));
  app.route('/api/arena', arenaRoutes(deps));
  app.route('/api/settings', settingsRoutes(deps));
  app.route('/api/arena', arenaRunRoutes(deps));
  app.route('/api/datasets', datasetRoutes(deps));
  app.route('/api/training', trainingRoutes(deps));
  app.route('/api/adapters', adapterRoutes(deps));
  app.route('/api/stats', statsRoutes(deps));
  app.route('/v1', modelRoutes(deps));
  app.route('/v1', chatRoutes(deps));
  app.all('/api/*', () => {
    throw new TailorError('NOT_FOUND', 'No such API route; see the API reference.');
  });
  app.all('/v1/*', () => {
    throw new TailorError('NOT_FOUND', 'No such API route; see the API reference.');
  });

  const webRoot = options.webRoot === false ? undefined : options.webRoot ?? defaultWebRoot();
  if (webRoot) mountWebUi(app, webRoot);

  return {
    app,
    deps,
    async listen(port = 8080, host = '127.0.0.1') {
      if (!(limits.requestTimeoutMs > 0) || !(limits.headersTimeoutMs > 0)) {
        throw new TailorError('INVALID_ARGUMENT', `Request timeouts must be positive (got ${limits.requestTimeoutMs} ms); pass --request-timeout-s a number of seconds above 0.`);
      }
      const open = await deps.keys.isEmpty();
      if (open && !LOOPBACK.has(host) && !options.insecureOpen) {
        throw new TailorError('INVALID_ARGUMENT', `No API keys exist, so the server would be open to anyone on ${host}. Create one first (\`tailor keys create --role admin --collections "*" --name admin\`), bind to 127.0.0.1, or pass --insecure-open.`);
      }
      deps.allowOpen = LOOPBACK.has(host) || options.insecureOpen === true;
      const server = serve({
        fetch: app.fetch, port, hostname: host,
        // Well under Node's defaults, so slow or stalled clients cannot hold sockets; responses
        // (streamed answers, job events) are not bounded by these, only receiving the request is.
        serverOptions: {
          headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), // Node requires headers ≤ request
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs, limits.requestTimeoutMs),
        },
      });
      lingerOnClose(server as Server);
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', (cause) => reject((cause as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? new TailorError('PORT_IN_USE', `Port ${port} on ${host} is already in use by another program. Stop it, or pick another port with --port <n> (--port 0 picks a free one).`, { cause, details: { host, port } })
          : new TailorError('INVALID_ARGUMENT', `Cannot listen on ${host}:${port}: ${(cause as Error).message}`, { cause })));
      });
      const address = server.address() as AddressInfo;
      bound = { host, port: address.port, allowedHosts: options.allowedHosts ?? [] };
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return {
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        close: async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          });
          await deps.adapterModels.close();
        },
      };
    },
  };
}

/** Every erasure the server makes goes through a Home; a bare tailor is wrapped in one. */
function openedHome(options: CreateServerOptions, logger: Logger): Home {
  if (typeof options.home === 'object') return options.home;
  if (options.workspace) return options.workspace.owner;
  if (!options.tailor || !options.home) throw new TailorError('INVALID_ARGUMENT', 'createServer needs an opened home (openHome), a workspace, or both a tailor and its home directory.');
  return homeFromTailor(options.home, options.tailor, { logger, traceCapacity: options.traceCapacity, traceFile: options.traceFile });
}
