import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TailorError } from '../src/core/errors.js';
import { createLlamaCppChatModel, createLlamaCppEmbedder, createLlamaCppRuntime, type LlamaCppChatModel } from '../src/providers/llama-cpp/index.js';
import { missingGpuBuild } from '../src/providers/llama-cpp/runtime.js';
import type { ChatStreamPart } from '../src/providers/types.js';
import { STORIES_MODEL as MODEL } from './helpers/stories-model.js';

const story = [{ role: 'user' as const, content: 'Once upon a time' }];
// One llama.cpp runtime for the whole file: starting one costs seconds.
const runtime = createLlamaCppRuntime({ gpu: false });
after(() => runtime.dispose());

async function collect(stream: AsyncIterable<ChatStreamPart>) {
  const parts: ChatStreamPart[] = [];
  for await (const p of stream) parts.push(p);
  const text = parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
  return { parts, text, finish: parts.at(-1) };
}

function isCode(code: string, pathPart?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof TailorError, String(e));
    assert.equal(e.code, code);
    if (pathPart) assert.ok(e.message.includes(pathPart), e.message);
    return true;
  };
}

describe('llama.cpp chat model on stories260K (no chat template → plain completion)', () => {
  let model: LlamaCppChatModel;
  before(() => {
    model = createLlamaCppChatModel({ modelPath: MODEL, runtime, contextSize: 256 });
  });
  after(() => model.dispose());

  test('loads lazily and generates at most maxTokens tokens', async () => {
    assert.equal(model.provider, 'llama-cpp');
    assert.equal(model.modelId, basename(MODEL));
    assert.equal(model.promptFormat, undefined, 'nothing loaded before the first call');
    const { result, usage } = await model.doGenerate({ messages: story, maxTokens: 24, temperature: 0 });
    assert.equal(model.hasChatTemplate, false);
    assert.equal(model.promptFormat, 'completion');
    assert.ok(result.text.trim().length > 0);
    assert.equal(result.finishReason, 'length');
    assert.equal(usage.outputTokens, 24);
    assert.ok((usage.inputTokens ?? 0) > 0);
  });

  test('stream deltas concatenate to the same text doGenerate gives', async () => {
    const options = { messages: story, maxTokens: 30, temperature: 0 };
    const { result } = await model.doGenerate(options);
    const { stream } = await model.doStream(options);
    const { parts, text, finish } = await collect(stream);
    assert.ok(parts.filter((p) => p.type === 'text-delta').length > 3, 'arrives in several deltas');
    assert.equal(text, result.text);
    assert.equal(finish?.type, 'finish');
    assert.equal(finish?.type === 'finish' && finish.finishReason, 'length');
  });

  test('a stop sequence ends the text just before it', async () => {
    const { result: full } = await model.doGenerate({ messages: story, maxTokens: 40, temperature: 0 });
    // Runs of letters, not whitespace-split words: the generated tiny llama's text has few clean words.
    const words = full.text.match(/[a-z]{4,}/g) ?? [];
    const stopWord = words[Math.floor(words.length / 2)];
    assert.ok(stopWord, `need a word to stop on in ${JSON.stringify(full.text)}`);
    const { result } = await model.doGenerate({ messages: story, maxTokens: 40, temperature: 0, stop: [stopWord] });
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.text, full.text.slice(0, full.text.indexOf(stopWord)));
  });

  test('the same seed reproduces a sampled text; another seed changes it', async () => {
    const sample = (seed: number) => model.doGenerate({ messages: story, maxTokens: 40, temperature: 1, seed }).then((r) => r.result.text);
    const a = await sample(7);
    const b = await sample(7);
    const c = await sample(8);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  test('aborting mid-stream rejects with ABORTED, and the model still works afterwards', async () => {
    const controller = new AbortController();
    const { stream } = await model.doStream({ messages: story, maxTokens: 200, temperature: 0, abortSignal: controller.signal });
    let deltas = 0;
    await assert.rejects(
      (async () => {
        for await (const part of stream) {
          if (part.type === 'text-delta' && ++deltas === 2) controller.abort();
        }
      })(),
      isCode('ABORTED'),
    );
    assert.ok(deltas >= 2 && deltas < 50, `stopped soon after the abort (${deltas} deltas)`);
    const { result } = await model.doGenerate({ messages: story, maxTokens: 5, temperature: 0 });
    assert.ok(result.text.length > 0);
  });

  test('breaking out of a stream early frees the model for the next call', async () => {
    const { stream } = await model.doStream({ messages: story, maxTokens: 200, temperature: 0 });
    for await (const part of stream) if (part.type === 'text-delta') break;
    const { result } = await model.doGenerate({ messages: story, maxTokens: 5, temperature: 0 });
    assert.equal(result.finishReason, 'length');
  });

  test('an already-aborted signal rejects doGenerate with ABORTED', async () => {
    await assert.rejects(model.doGenerate({ messages: story, abortSignal: AbortSignal.abort() }), isCode('ABORTED'));
  });
});

describe('llama.cpp chat-session path (forced on stories260K)', () => {
  test('history and system prompt go through a chat session; the stream matches doGenerate', async () => {
    const model = createLlamaCppChatModel({ modelPath: MODEL, runtime, contextSize: 512, promptFormat: 'chat' });
    try {
      const messages = [
        { role: 'system' as const, content: 'You tell stories.' },
        { role: 'user' as const, content: 'Tell me about a cat.' },
        { role: 'assistant' as const, content: 'The cat was happy.' },
        { role: 'user' as const, content: 'And then?' },
      ];
      const { result, usage } = await model.doGenerate({ messages, maxTokens: 16, temperature: 0 });
      assert.equal(model.promptFormat, 'chat');
      assert.ok(result.text.length > 0);
      assert.ok((usage.outputTokens ?? 0) <= 16);
      const { stream } = await model.doStream({ messages, maxTokens: 16, temperature: 0 });
      const { text } = await collect(stream);
      assert.equal(text, result.text);
      await assert.rejects(
        model.doGenerate({ messages: [{ role: 'assistant', content: 'x' }] }),
        isCode('INVALID_ARGUMENT'),
      );
    } finally {
      await model.dispose();
    }
  });
});

describe('llama.cpp embedder on stories260K', () => {
  test('vectors have the model dimension, are normalised and deterministic', async () => {
    const embedder = createLlamaCppEmbedder({ modelPath: MODEL, runtime });
    try {
      assert.equal(embedder.dimensions, 0);
      const { result, usage } = await embedder.doEmbed({ values: ['The cat sat.', 'The cat sat.', 'A dog ran far away.'] });
      assert.equal(embedder.dimensions, 64);
      const [a, b, c] = result.embeddings;
      assert.equal(a.length, 64);
      assert.deepEqual(Array.from(a), Array.from(b));
      assert.notDeepEqual(Array.from(a), Array.from(c));
      assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-4);
      assert.ok((usage.inputTokens ?? 0) > 6);
    } finally {
      await embedder.dispose();
    }
  });
});

describe('llama.cpp load failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-gguf-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing file gives MODEL_LOAD_FAILED naming the path', async () => {
    const missing = join(dir, 'nope.gguf');
    await assert.rejects(createLlamaCppChatModel({ modelPath: missing, gpu: false }).doGenerate({ messages: story }), isCode('MODEL_LOAD_FAILED', missing));
    await assert.rejects(createLlamaCppEmbedder({ modelPath: missing, gpu: false }).doEmbed({ values: ['x'] }), isCode('MODEL_LOAD_FAILED', missing));
  });

  test('a file that is not GGUF gives MODEL_LOAD_FAILED naming the path', async () => {
    const fake = join(dir, 'fake.gguf');
    writeFileSync(fake, 'this is not a model');
    await assert.rejects(createLlamaCppChatModel({ modelPath: fake, gpu: false }).load(), isCode('MODEL_LOAD_FAILED', fake));
  });

  test('a missing LoRA adapter gives MODEL_LOAD_FAILED naming the adapter', async () => {
    const adapter = join(dir, 'adapter.gguf');
    const model = createLlamaCppChatModel({ modelPath: MODEL, runtime, loraAdapters: [adapter] });
    await assert.rejects(model.load(), isCode('MODEL_LOAD_FAILED', adapter));
  });

  test('a GPU build left out of the install names the command that adds it', async (t) => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return t.skip('the skipped builds are linux-x64 and win-x64 ones');
    const absent = missingGpuBuild('cuda');
    if (!absent) return t.skip('@node-llama-cpp/linux-x64-cuda is installed here');
    assert.equal(absent, '@node-llama-cpp/linux-x64-cuda');
    await assert.rejects(
      createLlamaCppRuntime({ gpu: 'cuda' }).getLlama(),
      isCode('BACKEND_NOT_INSTALLED', 'npm pkg delete "overrides.@node-llama-cpp/linux-x64-cuda" && npm install'),
    );
    assert.equal(missingGpuBuild('auto'), undefined, 'auto falls back to the CPU build');
    assert.equal(missingGpuBuild('cuda', 'darwin', 'arm64'), undefined, 'macOS has no CUDA build to add');
  });
});

