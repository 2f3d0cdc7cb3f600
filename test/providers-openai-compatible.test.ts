import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TailorError } from '../src/core/errors.js';
import {
  createOpenAICompatibleChatModel,
  createOpenAICompatibleEmbedder,
  createOpenAICompatibleReranker,
} from '../src/providers/openai-compatible/index.js';
import type { ChatStreamPart } from '../src/providers/types.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/** A small server speaking the documented OpenAI shapes, so the client's parsing is tested for real. */
function startFakeOpenAI(): Promise<{ server: Server; baseURL: string; requests: Recorded[]; streamClosed: Promise<void> }> {
  const requests: Recorded[] = [];
  let markStreamClosed: () => void = () => {};
  const streamClosed = new Promise<void>((resolve) => (markStreamClosed = resolve));

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const body = raw ? JSON.parse(raw) : undefined;
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };

    if (req.url === '/v1/chat/completions' && body.model === 'broken') {
      return json(400, { error: { message: 'model "broken" does not exist', type: 'invalid_request_error' } });
    }
    if (req.url === '/v1/chat/completions' && !body.stream) {
      const last = body.messages[body.messages.length - 1].content;
      return json(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${last}` }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
      });
    }
    if (req.url === '/v1/chat/completions' && body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const pieces = ['Hel', 'lo', ', wor', 'ld'];
      const chunks: unknown[] = [
        { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        ...pieces.map((p) => ({ choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
        { choices: [{ index: 0, delta: {}, finish_reason: 'length' }] },
        { choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } },
      ];
      if (body.model === 'slow') {
        // Sends one chunk, then stalls: the client must be able to abort mid-stream.
        res.write(`data: ${JSON.stringify(chunks[1])}\n\n`);
        res.on('close', () => markStreamClosed());
        return;
      }
      let i = 0;
      const timer = setInterval(() => {
        if (i < chunks.length) {
          // Split one event across two writes to exercise the line buffering.
          const event = `data: ${JSON.stringify(chunks[i++])}\n\n`;
          res.write(event.slice(0, 7));
          res.write(event.slice(7));
        } else {
          clearInterval(timer);
          res.end('data: [DONE]\n\n');
        }
      }, 2);
      return;
    }
    if (req.url === '/v1/embeddings') {
      const inputs: string[] = body.input;
      // Deliberately out of order: the client must use `index`.
      const data = inputs
        .map((text, index) => ({ object: 'embedding', index, embedding: [text.length, index, 1] }))
        .reverse();
      return json(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 } });
    }
    if (req.url === '/v1/rerank') {
      const results = (body.documents as string[])
        .map((doc, index) => ({ index, relevance_score: doc.includes(body.query) ? 0.9 : 0.1 }))
        .sort((a, b) => b.relevance_score - a.relevance_score);
      return json(200, { model: body.model, results });
    }
    json(404, { error: { message: `no route ${req.url}` } });
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => handle(req, res, raw));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, baseURL: `http://127.0.0.1:${port}/v1`, requests, streamClosed });
    }),
  );
}

async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('OpenAI-compatible providers against a real local HTTP server', () => {
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(() => {
    fake.server.closeAllConnections();
    fake.server.close();
  });

  test('doGenerate sends the documented request and parses text, finish reason and usage', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: fake.baseURL + '/', apiKey: 'sk-test', model: 'gpt-x', headers: { 'x-extra': '1' } });
    const { result, usage, warnings } = await model.doGenerate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'ping' },
      ],
      maxTokens: 7,
      temperature: 0.2,
      stop: ['\n\n'],
      seed: 3,
    });
    assert.equal(result.text, 'echo: ping');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(usage, { inputTokens: 11, outputTokens: 3, totalTokens: 14 });
    assert.deepEqual(warnings, []);
    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test');
    assert.equal(req.headers['x-extra'], '1');
    assert.deepEqual(req.body, {
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'ping' },
      ],
      max_tokens: 7,
      temperature: 0.2,
      stop: ['\n\n'],
      seed: 3,
    });
  });

  test('doStream yields the deltas in order, then the finish reason and usage from the final chunk', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: fake.baseURL, model: 'gpt-x' });
    const { stream } = await model.doStream({ messages: [{ role: 'user', content: 'hi' }] });
    const parts = await collect(stream);
    const deltas = parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text);
    assert.deepEqual(deltas, ['Hel', 'lo', ', wor', 'ld']);
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'length', usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 } });
    const req = fake.requests.at(-1)!;
    assert.equal(req.body.stream, true);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.equal(req.headers.authorization, undefined);
  });

  test('aborting mid-stream ends the iteration with ABORTED and closes the connection', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: fake.baseURL, model: 'slow' });
    const controller = new AbortController();
    const { stream } = await model.doStream({ messages: [{ role: 'user', content: 'hi' }], abortSignal: controller.signal });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const part of stream) {
          if (part.type === 'text-delta') {
            seen.push(part.text);
            controller.abort();
          }
        }
      })(),
      (error: unknown) => error instanceof TailorError && error.code === 'ABORTED',
    );
    assert.deepEqual(seen, ['Hel']);
    await fake.streamClosed;
  });

  test('an already-aborted signal fails before any request', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: fake.baseURL, model: 'gpt-x' });
    const before = fake.requests.length;
    await assert.rejects(
      model.doGenerate({ messages: [{ role: 'user', content: 'x' }], abortSignal: AbortSignal.abort() }),
      (e: unknown) => e instanceof TailorError && e.code === 'ABORTED',
    );
    assert.equal(fake.requests.length, before);
  });

  test('an HTTP error becomes PROVIDER_ERROR with the status and the server message', async () => {
    const model = createOpenAICompatibleChatModel({ baseURL: fake.baseURL, model: 'broken' });
    await assert.rejects(model.doGenerate({ messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof TailorError);
      assert.equal(e.code, 'PROVIDER_ERROR');
      assert.equal(e.details.status, 400);
      assert.match(e.message, /400/);
      assert.match(e.message, /model "broken" does not exist/);
      return true;
    });
  });

  test('a refused connection becomes PROVIDER_UNAVAILABLE naming the URL', async () => {
    // Listen then close to get a port nobody serves.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const model = createOpenAICompatibleChatModel({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm' });
    await assert.rejects(model.doGenerate({ messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof TailorError);
      assert.equal(e.code, 'PROVIDER_UNAVAILABLE');
      assert.match(e.message, new RegExp(`http://127\\.0\\.0\\.1:${port}/v1/chat/completions`));
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
  });

  test('embedder batches, keeps input order by index and discovers dimensions', async () => {
    const embedder = createOpenAICompatibleEmbedder({ baseURL: fake.baseURL, model: 'emb', batchSize: 2, prefixes: { query: 'q: ' } });
    assert.equal(embedder.dimensions, 0);
    const before = fake.requests.length;
    const values = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const { result, usage } = await embedder.doEmbed({ values });
    assert.equal(fake.requests.length - before, 3);
    assert.deepEqual(fake.requests.slice(before).map((r) => r.body.input), [['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    assert.equal(result.embeddings.length, 5);
    result.embeddings.forEach((v, i) => {
      assert.ok(v instanceof Float32Array);
      assert.deepEqual(Array.from(v), [values[i].length, i % 2, 1]);
    });
    assert.equal(embedder.dimensions, 3);
    assert.deepEqual(usage, { inputTokens: 10 });

    await embedder.doEmbed({ values: ['x'], kind: 'query' });
    assert.deepEqual(fake.requests.at(-1)!.body.input, ['q: x']);
  });

  test('embedder with a wrong configured dimension fails loudly', async () => {
    const embedder = createOpenAICompatibleEmbedder({ baseURL: fake.baseURL, model: 'emb', dimensions: 8 });
    assert.equal(embedder.dimensions, 8);
    await assert.rejects(embedder.doEmbed({ values: ['a'] }), (e: unknown) => e instanceof TailorError && e.code === 'PROVIDER_ERROR' && /expected 8/.test(e.message));
  });

  test('reranker posts the common /rerank shape and returns scores in input order', async () => {
    const reranker = createOpenAICompatibleReranker({ baseURL: fake.baseURL, model: 'rr', apiKey: 'k' });
    const documents = ['nothing here', 'all about cats', 'dogs', 'cats again'];
    const { result, warnings } = await reranker.doRerank({ query: 'cats', documents });
    assert.deepEqual(result.scores, [0.1, 0.9, 0.1, 0.9]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(fake.requests.at(-1)!.body, { model: 'rr', query: 'cats', documents, top_n: 4 });
  });
});
