import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import { model2vecTestDir } from './helpers/model2vec-fixture.js';
import { STORIES_MODEL } from './helpers/stories-model.js';
import { TailorError } from '../src/core/errors.js';
import { createChatModelFromSpec, createEmbedderFromSpec, parseChatSpec, parseEmbedderSpec } from '../src/providers/spec.js';

const MODEL2VEC = model2vecTestDir();

function invalidListingForms(...forms: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof TailorError, String(e));
    assert.equal(e.code, 'INVALID_ARGUMENT');
    for (const f of forms) assert.ok(e.message.includes(f), `"${e.message}" should list ${f}`);
    return true;
  };
}

describe('chat spec parser', () => {
  test('parses every valid form', () => {
    assert.deepEqual(parseChatSpec('extractive'), { kind: 'extractive' });
    assert.deepEqual(parseChatSpec(' openai:gpt-4o-mini '), { kind: 'openai', model: 'gpt-4o-mini' });
    assert.deepEqual(parseChatSpec('openai-compatible:qwen2.5:7b@http://localhost:11434/v1'), {
      kind: 'openai-compatible',
      model: 'qwen2.5:7b',
      baseURL: 'http://localhost:11434/v1',
    });
    assert.deepEqual(parseChatSpec('gguf:./models/m.gguf'), { kind: 'gguf', path: './models/m.gguf' });
    assert.deepEqual(parseChatSpec('gguf:C:\\models\\m.gguf'), { kind: 'gguf', path: 'C:\\models\\m.gguf' });
  });

  test('rejects bad specs with INVALID_ARGUMENT listing the valid forms', () => {
    const forms = ['extractive', 'openai:<model>', 'openai-compatible:<model>@<baseURL>', 'gguf:<path>'];
    for (const bad of ['', 'gpt4', 'openai:', 'openai-compatible:llama', 'openai-compatible:m@ftp://x', 'gguf:', 'extractive:x']) {
      assert.throws(() => parseChatSpec(bad), invalidListingForms(...forms), bad);
    }
  });
});

describe('embedder spec parser', () => {
  test('parses every valid form', () => {
    assert.deepEqual(parseEmbedderSpec('words'), { kind: 'words' });
    assert.deepEqual(parseEmbedderSpec('none'), { kind: 'none' });
    assert.deepEqual(parseEmbedderSpec('openai:text-embedding-3-small'), { kind: 'openai', model: 'text-embedding-3-small' });
    assert.deepEqual(parseEmbedderSpec('openai-compatible:nomic-embed-text@http://127.0.0.1:8080/v1'), {
      kind: 'openai-compatible',
      model: 'nomic-embed-text',
      baseURL: 'http://127.0.0.1:8080/v1',
    });
    assert.deepEqual(parseEmbedderSpec('gguf:/m/e.gguf'), { kind: 'gguf', path: '/m/e.gguf' });
    assert.deepEqual(parseEmbedderSpec('model2vec:./potion'), { kind: 'model2vec', dir: './potion' });
    assert.deepEqual(parseEmbedderSpec('onnx:Xenova/all-MiniLM-L6-v2'), { kind: 'onnx', target: 'Xenova/all-MiniLM-L6-v2' });
  });

  test('rejects bad specs listing the valid forms', () => {
    for (const bad of ['', 'bert', 'words:big', 'model2vec:', 'onnx:', 'openai-compatible:x']) {
      assert.throws(() => parseEmbedderSpec(bad), invalidListingForms('words', 'model2vec:<dir>', 'onnx:<dir-or-hub-id>', 'none'), bad);
    }
  });
});

describe('creating providers from specs', () => {
  const base = { env: {}, cacheDir: '/nonexistent-cache' };

  test('extractive and none give undefined', async () => {
    assert.equal(await createChatModelFromSpec('extractive', base), undefined);
    assert.equal(await createEmbedderFromSpec('none', base), undefined);
  });

  test('openai: uses the env passed in, and needs a key for api.openai.com', async () => {
    await assert.rejects(createChatModelFromSpec('openai:gpt-4o-mini', base), invalidListingForms('OPENAI_API_KEY'));
    const requests: { url: string; auth?: string }[] = [];
    const server = createServer((req, res) => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const model = await createChatModelFromSpec('openai:gpt-4o-mini', {
        ...base,
        env: { OPENAI_API_KEY: 'sk-from-env', OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` },
      });
      assert.equal(model?.provider, 'openai');
      assert.equal(model?.modelId, 'gpt-4o-mini');
      const { result } = await model!.doGenerate({ messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(result.text, 'ok');
      assert.deepEqual(requests, [{ url: '/v1/chat/completions', auth: 'Bearer sk-from-env' }]);
      const embedder = await createEmbedderFromSpec('openai:text-embedding-3-small', { ...base, env: { OPENAI_API_KEY: 'k' } });
      assert.equal(embedder?.dimensions, 1536);
    } finally {
      server.close();
    }
  });

  test('openai-compatible and local specs build the right providers', async () => {
    const compatible = await createChatModelFromSpec('openai-compatible:llama3@http://localhost:11434/v1', base);
    assert.equal(compatible?.provider, 'openai-compatible');
    assert.equal(compatible?.modelId, 'llama3');
    const gguf = await createChatModelFromSpec(`gguf:${basename(STORIES_MODEL)}`, { ...base, cwd: dirname(STORIES_MODEL) });
    assert.equal(gguf?.provider, 'llama-cpp');
    assert.equal(gguf?.modelId, basename(STORIES_MODEL));
    const words = await createEmbedderFromSpec('words', base);
    assert.equal(words?.modelId, 'wink-sg-100d-sif');
    assert.equal(words?.dimensions, 100);
    const m2v = await createEmbedderFromSpec(`model2vec:${MODEL2VEC}`, base);
    assert.equal(m2v?.provider, 'model2vec');
    assert.equal(m2v?.dimensions, 64);
  });

  test('onnx: a hub id stays offline unless remote models are allowed (or the backend names its install)', async () => {
    // transformers.js is an optional backend: CI installs it, the default install does not.
    const installed = await import('@huggingface/transformers' as string).then(() => true, () => false);
    await assert.rejects(createEmbedderFromSpec('onnx:Xenova/all-MiniLM-L6-v2', { ...base, cacheDir: '/tmp/tailor-no-such-cache' }), (e: unknown) => {
      assert.ok(e instanceof TailorError);
      assert.equal(e.code, installed ? 'MODEL_LOAD_FAILED' : 'BACKEND_NOT_INSTALLED');
      if (!installed) assert.match(e.message, /npm install @huggingface\/transformers@3\.8\.1/);
      return true;
    });
  });
});
