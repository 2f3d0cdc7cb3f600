/** Shared set-up for test/server-*.test.ts: a real store, a real server on port 0, real keys. */
import { after } from 'node:test';
import { join } from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor, type Tailor } from '../src/tailor.js';
import { createServer, createKeyStore, type CreateServerOptions, type TailorServer } from '../src/server/index.js';
import type { FileKeyStore } from '../src/server/keys.js';
import type { TextItem } from '../src/ingest/texts.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

/** Response whose json() is loosely typed, as test assertions read arbitrary shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export interface Fixture {
  url: string;
  home: string;
  tailor: Tailor;
  keys: FileKeyStore;
  server: TailorServer;
  close(): Promise<void>;
  /** fetch against the server with an optional key; JSON bodies are serialised. */
  call(path: string, init?: { key?: string; method?: string; json?: unknown; body?: RequestInit['body']; headers?: Record<string, string> }): Promise<LooseResponse>;
}

export async function startServer(options: {
  collections?: Record<string, TextItem[]>;
  server?: Omit<CreateServerOptions, 'tailor' | 'home' | 'keys'>;
  tailor?: Omit<Parameters<typeof createTailor>[0], 'store'>;
  host?: string;
  /** Call `close` yourself (e.g. from a file-level after()) instead of when the current test ends. */
  manualClose?: boolean;
}): Promise<Fixture> {
  // Not tempDir(): its after() would fire at the end of a before() hook, deleting the home under a live server.
  const dir = await mkdtemp(join(tmpdir(), 'tailor-server-'));
  const home = join(dir, 'home');
  const store = await createSqliteStore({ home });
  const tailor = createTailor({ ...options.tailor, store });
  for (const [collection, items] of Object.entries(options.collections ?? {})) await tailor.ingestTexts({ collection, items });
  const keys = createKeyStore(home);
  const server = createServer({ webRoot: false, ...options.server, tailor, home, keys });
  const running = await server.listen(0, options.host ?? '127.0.0.1');
  const close = async () => {
    await running.close();
    await server.deps.jobs.idle();
    await tailor.close();
    await rm(dir, { recursive: true, force: true });
  };
  if (!options.manualClose) after(close);
  return {
    url: running.url,
    home,
    tailor,
    keys,
    server,
    close,
    call(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.key) headers.authorization = `Bearer ${init.key}`;
      let body = init.body;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      return fetch(running.url + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
    },
  };
}

/** Parses an SSE response into its events (event name + data), reading to the end. */
export async function readSse(response: Response): Promise<Array<{ event: string; data: string }>> {
  const text = await response.text();
  return text
    .split(/\n\n+/)
    .filter((block) => block.trim())
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      return { event, data: data.join('\n') };
    });
}
