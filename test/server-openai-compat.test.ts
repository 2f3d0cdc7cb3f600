import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, readSse, type Fixture } from './server-fixture.js';
import { ESTIMATE_TOKENIZER } from '../src/answer/budget.js';

/** What OpenAI clients notice (issue 13 §7), against a real server; no ../shared needed. */
const DOCS = {
  book: [
    {
      source: 'book/ch15-04-rc.md', title: 'Rc<T>, the Reference Counted Smart Pointer', format: 'markdown' as const,
      text: '# Rc<T>, the Reference Counted Smart Pointer\n\nTo enable multiple ownership explicitly, Rust has a type called Rc<T>, which is an abbreviation for reference counting. The Rc<T> type keeps track of the number of references to a value. When there are zero references, the value can be cleaned up.',
    },
    {
      source: 'book/ch10-00-generics.md', title: 'Generic Types', format: 'markdown' as const,
      text: '# Generic Types\n\nGenerics are abstract stand-ins for concrete types or other properties.',
    },
    {
      source: 'book/leave.md', title: 'Leave', format: 'markdown' as const,
      text: '# Leave\n\nNew employees get 28 days of paid vacation per calendar year. Vacation days accrue monthly in the first year. Unused days expire at the end of March of the following year.',
    },
  ],
};

let f: Fixture;
let key: string;
let client: OpenAI;

before(async () => {
  f = await startServer({ collections: DOCS, manualClose: true });
  key = f.keys.create({ name: 'sdk', role: 'reader', collections: ['book'] }).key;
  client = new OpenAI({ baseURL: `${f.url}/v1`, apiKey: key, maxRetries: 0 });
});
after(() => f.close());

const chat = (json: Record<string, unknown>, headers: Record<string, string> = {}) => f.call('/v1/chat/completions', { key, json, headers });

describe('OpenAI-compatible chat as clients expect', () => {
  test('every model /v1/models lists is accepted by chat', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ['extractive', 'rag:book']);
    for (const model of ids) {
      const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'How many days of paid vacation do new employees get?' }] });
      assert.match(completion.choices[0]!.message.content ?? '', /28 days/, model);
    }
  });

  test('usage counts tokens with a named estimate', async () => {
    const completion = await client.chat.completions.create({ model: 'rag:book', messages: [{ role: 'user', content: 'How many days of paid vacation do new employees get?' }] });
    const usage = completion.usage!;
    assert.ok(usage.prompt_tokens > 10 && usage.completion_tokens > 3, JSON.stringify(usage));
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal((completion as unknown as { tailor: { usage_tokenizer: string } }).tailor.usage_tokenizer, ESTIMATE_TOKENIZER);
  });

  test('max_tokens cuts the answer and says finish_reason "length"', async () => {
    const full = await client.chat.completions.create({ model: 'rag:book', messages: [{ role: 'user', content: 'What is Rc<T>?' }] });
    assert.equal(full.choices[0]!.finish_reason, 'stop');
    const cut = await client.chat.completions.create({ model: 'rag:book', max_tokens: 6, messages: [{ role: 'user', content: 'What is Rc<T>?' }] });
    assert.equal(cut.choices[0]!.finish_reason, 'length');
    assert.ok(cut.usage!.completion_tokens <= 6, JSON.stringify(cut.usage));
    assert.ok((cut.choices[0]!.message.content ?? '').length < (full.choices[0]!.message.content ?? '').length);
    assert.ok(full.choices[0]!.message.content!.startsWith(cut.choices[0]!.message.content!));
  });

  test('tools and other unsupported fields are refused with a 400 naming the field', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    await assert.rejects(
      client.chat.completions.create({ model: 'rag:book', tools, messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'tools' && /"tools" is not supported/.test(e.message),
    );
    for (const [field, value] of [['response_format', { type: 'json_object' }], ['logprobs', true], ['top_p', 0.5], ['stop', ['\n']]] as const) {
      const res = await chat({ model: 'rag:book', [field]: value, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(res.status, 400, field);
      const body = await res.json();
      assert.equal(body.error.param, field);
      assert.match(body.error.message, new RegExp(`"${field}"`));
    }
    const unknown = await chat({ model: 'rag:book', reasoning_effort: 'high', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(unknown.status, 400);
    assert.equal((await unknown.json()).error.param, 'reasoning_effort');
    // Fields at their no-op values change nothing and pass.
    const ok = await chat({ model: 'rag:book', tools: [], top_p: 1, logprobs: false, response_format: { type: 'text' }, messages: [{ role: 'user', content: 'How many days of paid vacation do new employees get?' }] });
    assert.equal(ok.status, 200);
  });

  test('a follow-up is resolved against the conversation before retrieving', async () => {
    const completion = await client.chat.completions.create({
      model: 'rag:book',
      messages: [
        { role: 'user', content: 'What is Rc<T>?' },
        { role: 'assistant', content: 'Rc<T> keeps track of the number of references to a value. [1]' },
        { role: 'user', content: 'What does it stand for?' },
      ],
    });
    const text = completion.choices[0]!.message.content ?? '';
    assert.match(text, /abbreviation for reference counting/);
    assert.doesNotMatch(text, /stand-ins/);
    const ext = (completion as unknown as { tailor: { question: string; refused: boolean } }).tailor;
    assert.equal(ext.refused, false);
    assert.equal(ext.question, 'What does Rc<T> stand for?');
  });

  test('the stream carries the answer sentence by sentence, and responses carry x-request-id', async () => {
    const res = await chat({ model: 'rag:book', stream: true, messages: [{ role: 'user', content: 'What is Rc<T>?' }] }, { 'x-request-id': 'trace-abc.123' });
    assert.equal(res.headers.get('x-request-id'), 'trace-abc.123');
    const events = await readSse(res as unknown as Response);
    const deltas = events
      .filter((e) => e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .filter((text) => text !== '');
    assert.ok(deltas.length >= 2, `deltas: ${JSON.stringify(deltas)}`);
    for (const delta of deltas) assert.match(delta, /\[\d\]$|\.$/);

    const plain = await f.call('/v1/models', { key });
    assert.match(plain.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const failed = await f.call('/v1/models', { key: 'tlr_nope' });
    assert.equal(failed.status, 401);
    assert.ok(failed.headers.get('x-request-id'));
  });
});
