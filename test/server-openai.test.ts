import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { model2vecTestDir } from './helpers/model2vec-fixture.js';
import OpenAI from 'openai';
import { ChatOpenAI } from '@langchain/openai';
import { createModel2VecEmbedder } from '../src/providers/local-dir/index.js';
import { startServer, type Fixture } from './server-fixture.js';

/** Real OpenAI clients nobody here wrote, unmodified, against a real Tailor server. */
const MODEL_DIR = model2vecTestDir();
const HANDBOOK = [
  { source: 'mem://vacation', title: 'Vacation', format: 'markdown' as const, text: '# Vacation\n\nNew employees get 28 days of paid vacation per calendar year. Vacation days accrue monthly in the first year.' },
  { source: 'mem://security', title: 'Security', format: 'markdown' as const, text: '# Security\n\nPasswords must be at least 14 characters long. Report a lost badge within one hour.' },
];
const QUESTION = 'How many days of paid vacation do new employees get?';

let f: Fixture;
let key: string;
let baseURL: string;
const embedder = createModel2VecEmbedder({ modelDir: MODEL_DIR });

interface TailorExtension {
  citations: Array<{ n: number; quote: string; source: string }>;
  refused: boolean;
  trace_id: string;
}

before(async () => {
  f = await startServer({ collections: { handbook: HANDBOOK }, server: { embedder }, manualClose: true });
  key = f.keys.create({ name: 'sdk', role: 'reader', collections: ['handbook'] }).key;
  baseURL = `${f.url}/v1`;
});

after(() => f.close());

describe('the official openai SDK', () => {
  test('chat.completions.create answers rag:<collection> with [n] citations in the text and the tailor extension', async () => {
    const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'rag:handbook', messages: [{ role: 'user', content: QUESTION }] });
    const text = completion.choices[0]!.message.content ?? '';
    assert.match(text, /28 days of paid vacation/);
    assert.match(text, /\[1\]/);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    const ext = (completion as unknown as { tailor: TailorExtension }).tailor;
    assert.equal(ext.refused, false);
    assert.equal(ext.citations[0]!.source, 'mem://vacation');
    assert.ok(text.includes(ext.citations[0]!.quote));
    const trace = await (await f.call(`/api/traces/${ext.trace_id}`, { key })).json();
    assert.equal(trace.question, QUESTION);
  });

  test('streaming yields the same text in deltas and the citations on the final chunk', async () => {
    const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'rag:handbook', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: QUESTION }] });
    let text = '';
    let ext: TailorExtension | undefined;
    let finish: string | null | undefined;
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      ext ??= (chunk as unknown as { tailor?: TailorExtension }).tailor;
      if (chunk.usage) sawUsage = true;
    }
    assert.match(text, /28 days of paid vacation.*\[1\]/);
    assert.equal(finish, 'stop');
    assert.ok(sawUsage);
    assert.ok(ext && ext.citations.length > 0 && text.includes(ext.citations[0]!.quote));
  });

  test('models.list shows the granted rag model and embeddings.create matches the embedder', async () => {
    const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ['extractive', 'rag:handbook']);

    const inputs = ['paid vacation days', 'lost badge'];
    const direct = (await embedder.doEmbed({ values: inputs, kind: 'document' })).result.embeddings;
    // The SDK asks for base64 by default and decodes it; float is the other format.
    for (const encoding_format of [undefined, 'float'] as const) {
      const res = await client.embeddings.create({ model: embedder.modelId, input: inputs, ...(encoding_format ? { encoding_format } : {}) });
      assert.equal(res.data.length, 2);
      res.data.forEach((d, i) => {
        assert.equal(d.embedding.length, embedder.dimensions);
        d.embedding.forEach((v, j) => assert.ok(Math.abs(v - direct[i]![j]!) < 1e-6));
      });
    }
  });

  test('errors arrive as the SDK\'s typed errors', async () => {
    const bad = new OpenAI({ baseURL, apiKey: 'tlr_nope', maxRetries: 0 });
    await assert.rejects(bad.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'rag:elsewhere', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(client.chat.completions.create({ model: 'rag:handbook', messages: [] }), (e: unknown) => e instanceof OpenAI.BadRequestError && /messages/.test(e.message));
  });
});

describe('LangChain.js ChatOpenAI', () => {
  test('invoke and stream answer from the collection with citations', async () => {
    const llm = new ChatOpenAI({ model: 'rag:handbook', apiKey: key, configuration: { baseURL }, maxRetries: 0, temperature: 0 });
    const message = await llm.invoke(QUESTION);
    assert.match(String(message.content), /28 days of paid vacation.*\[1\]/);

    let streamed = '';
    for await (const chunk of await llm.stream('How long must passwords be?')) streamed += String(chunk.content);
    assert.match(streamed, /14 characters.*\[\d\]/);
  });
});
