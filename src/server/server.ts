import { join } from 'node:path';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { TailorError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ChatModel, Embedder } from '../providers/types.js';
import type { Tailor } from '../tailor.js';
import type { Workspace } from '../workspace.js';
import { DEFAULT_LIMITS, principalOf, type AppEnv, type ServerDeps, type ServerLimits } from './context.js';
import { createKeyStore, type KeyStore } from './keys.js';
import { authenticate } from './auth.js';
import { createErrorHandler } from './errors.js';
import { createRateLimiter, limitBody, rateLimit } from './limits.js';
import { createMetrics, measure } from './metrics.js';
import { createJobQueue } from './jobs.js';
import { createTraceLog } from './traces.js';
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

export interface CreateServerOptions {
  /** Either a workspace, or a tailor plus its home directory. */
  workspace?: Workspace;
  tailor?: Tailor;
  home?: string;
  keys?: KeyStore;
  embedder?: Embedder;
  chatModel?: ChatModel;
  logger?: Logger;
  limits?: Partial<ServerLimits>;
  /** Run open (no keys) even on a non-loopback address. Dangerous; for trusted networks only. */
  insecureOpen?: boolean;
  /** Answers kept for /api/traces (default 200); `traceFile: true` also appends them to <home>/traces.jsonl. */
  traceCapacity?: number;
  traceFile?: boolean;
  /** Folder with the built web UI; default dist/web when it exists, `false` for none. */
  webRoot?: string | false;
  version?: string;
  /** Called once per finished request with one line (method, path, status, milliseconds), e.g. to print it. */
  requestLog?: (line: string) => void;
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
  const tailor = options.workspace?.tailor ?? options.tailor;
  const home = options.workspace?.home ?? options.home;
  if (!tailor || !home) throw new TailorError('INVALID_ARGUMENT', 'createServer needs a workspace, or both a tailor and its home directory.');
  const logger = options.logger ?? silentLogger;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = createMetrics();
  const deps: ServerDeps = {
    tailor, home, logger, limits, metrics,
    keys: options.keys ?? createKeyStore(home),
    embedder: options.embedder, chatModel: options.chatModel,
    allowOpen: false,
    version: options.version ?? '0.1.0',
    jobs: createJobQueue({ logger }),
    traces: createTraceLog({ capacity: options.traceCapacity, file: options.traceFile ? join(home, 'traces.jsonl') : undefined, logger }),
    catalog: createCollectionCatalog(home, tailor.store),
    rateLimiter: createRateLimiter(limits.ratePerSecond, limits.rateBurst),
  };

  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(logger));
  app.use('*', measure(metrics));
  if (options.requestLog) {
    const log = options.requestLog;
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms`);
    });
  }
  app.get('/health', (c) => c.json({ ok: true, version: deps.version }));
  app.get('/metrics', (c) => c.text(deps.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }));

  for (const prefix of ['/api/*', '/v1/*']) {
    app.use(prefix, authenticate(deps), rateLimit(deps.rateLimiter));
  }
  // JSON bodies are small; only multipart uploads may be large.
  const jsonLimit = limitBody(limits.maxJsonBytes, 'request body');
  const uploadLimit = limitBody(limits.maxUploadBytes, 'upload');
  app.use('*', (c, next) => (c.req.header('content-type')?.toLowerCase().startsWith('multipart/') ? uploadLimit(c, next) : jsonLimit(c, next)));

  app.get('/api/me', (c) => {
    const { name, role, collections } = principalOf(c);
    return c.json({ name, role, collections, open: deps.keys.isEmpty() });
  });
  app.route('/api', queryRoutes(deps));
  app.route('/api/collections', collectionRoutes(deps));
  app.route('/api/documents', documentRoutes(deps));
  app.route('/api/jobs', jobRoutes(deps));
  app.route('/api/traces', traceRoutes(deps));
  app.route('/api/keys', keyRoutes(deps));
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
      const open = deps.keys.isEmpty();
      if (open && !LOOPBACK.has(host) && !options.insecureOpen) {
        throw new TailorError('INVALID_ARGUMENT', `No API keys exist, so the server would be open to anyone on ${host}. Create one first (\`tailor keys create --role admin --collections "*" --name admin\`), bind to 127.0.0.1, or pass --insecure-open.`);
      }
      deps.allowOpen = LOOPBACK.has(host) || options.insecureOpen === true;
      const server = serve({ fetch: app.fetch, port, hostname: host });
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', (cause) => reject((cause as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? new TailorError('PORT_IN_USE', `Port ${port} on ${host} is already in use by another program. Stop it, or pick another port with --port <n> (--port 0 picks a free one).`, { cause, details: { host, port } })
          : new TailorError('INVALID_ARGUMENT', `Cannot listen on ${host}:${port}: ${(cause as Error).message}`, { cause })));
      });
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return {
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      };
    },
  };
}
