import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveFollowUp } from '../src/answer/follow-up.js';
import { fitParts, estimateUsage, ESTIMATE_TOKENIZER } from '../src/answer/budget.js';
import type { ChatMessage, Citation } from '../src/core/types.js';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

test('a pronoun in a follow-up is replaced by the subject the conversation was about', () => {
  assert.deepEqual(resolveFollowUp([user('What is Rc<T>?'), assistant('A reference-counted pointer. [1]'), user('What does it stand for?')]), {
    question: 'What does Rc<T> stand for?',
    resolvedFrom: 'What is Rc<T>?',
  });
  assert.equal(resolveFollowUp([user('Tell me about the ownership rules'), assistant('…'), user('Why do they matter?')]).question, 'Why do the ownership rules matter?');
});

test('a long earlier question goes alongside the follow-up rather than into it', () => {
  const { question } = resolveFollowUp([user('How many days of paid vacation do new employees get?'), assistant('28 days. [1]'), user('Do they accrue monthly?')]);
  assert.equal(question, 'Do they accrue monthly? (about: days of paid vacation do new employees get)');
});

test('questions that stand alone are left as they are', () => {
  assert.deepEqual(resolveFollowUp([user('What does Rc stand for?')]), { question: 'What does Rc stand for?' });
  assert.deepEqual(resolveFollowUp([user('What is Rc<T>?'), assistant('…'), user('How do I use Arc when it is shared?')]), { question: 'How do I use Arc when it is shared?' });
  assert.deepEqual(resolveFollowUp([user('What is Rc<T>?'), assistant('…'), user('How long must passwords be?')]), { question: 'How long must passwords be?' });
});

const citation = (n: number): Citation => ({ n, chunkId: 'c', documentId: 'd', source: 's', title: 't', start: 0, end: 1, quote: 'q', headingPath: [] });

test('fitParts keeps whole parts while they fit, cuts the next at a word and drops citations cut away', () => {
  const parts = ['28 days.', 'New employees get 28 days of paid vacation per calendar year. [1]', 'Vacation days accrue monthly. [2]'];
  const all = fitParts(parts, [citation(1), citation(2)], undefined);
  assert.equal(all.truncated, false);
  const cut = fitParts(parts, [citation(1), citation(2)], 8);
  assert.equal(cut.truncated, true);
  assert.equal(cut.parts[0], '28 days.');
  assert.ok(cut.parts.join(' ').length < parts.join(' ').length);
  assert.ok(parts.join(' ').startsWith(cut.parts.join(' ')));
  assert.deepEqual(cut.citations, []);
  assert.ok(estimateUsage([], cut.parts.join(' ')).outputTokens! <= 8);
});

test('estimated usage names its tokenizer and adds up', () => {
  const usage = estimateUsage([{ role: 'user', content: 'How many days?' }], '28 days. [1]');
  assert.equal(usage.tokenizer, ESTIMATE_TOKENIZER);
  assert.equal(usage.totalTokens, usage.inputTokens! + usage.outputTokens!);
  assert.ok(usage.inputTokens! > 0 && usage.outputTokens! > 0);
});
