import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, citationScores, containment, exactMatch, groundedness, looksLikeRefusal, mcnemar, normalizeAnswer, pairedBootstrap, parseArms, parseQuestions, tokenF1 } from '../src/eval/arena/index.js';
import { parseFailUnder } from '../src/cli/commands/arena.js';
import { assignSplits } from '../src/eval/arena/protocols.js';
import { changedValue } from '../src/eval/arena/freshness.js';
import { parseVerdict } from '../src/eval/arena/judge.js';
import { isTailorError } from '../src/core/errors.js';

describe('answer scores (SQuAD normalisation)', () => {
  test('normalisation drops case, punctuation, articles and citation markers', () => {
    assert.equal(normalizeAnswer('The  Kestrel, [1] an instrument!'), 'kestrel instrument');
  });
  test('exact match, token F1 and containment', () => {
    assert.equal(exactMatch('Oskar Thrandell.', 'oskar thrandell'), 1);
    assert.equal(exactMatch('Oskar', 'Oskar Thrandell'), 0);
    // prediction "oskar" vs gold "oskar thrandell": P = 1, R = 0.5, F1 = 2/3
    assert.ok(Math.abs(tokenF1('Oskar', 'Oskar Thrandell') - 2 / 3) < 1e-12);
    assert.equal(tokenF1('nothing alike', 'Oskar Thrandell'), 0);
    assert.equal(containment('It was founded by Oskar Thrandell in 2011. [1]', 'Oskar Thrandell'), 1);
    assert.equal(containment('7420 people', '742'), 0, 'containment is on word boundaries');
  });
  test('refusals are recognised in free text', () => {
    assert.ok(looksLikeRefusal("I don't know: the documents do not contain the answer."));
    assert.ok(!looksLikeRefusal('Oskar Thrandell founded it.'));
  });
  test('groundedness counts answer sentences supported by the cited passages', () => {
    const passage = 'Vellmora Instruments was founded in 2011 by Oskar Thrandell. The company employs 742 people.';
    assert.equal(groundedness('Vellmora was founded in 2011 by Oskar Thrandell. [1]', [passage]), 1);
    assert.equal(groundedness('Vellmora was founded by Oskar Thrandell. It sells purple submarines to penguins.', [passage]), 0.5);
    assert.equal(groundedness('Oskar Thrandell.', []), 0, 'no citation supports nothing');
  });
  test('citation precision and recall by character-span overlap in the same document', () => {
    const gold = [{ source: 'about.md', start: 10, end: 50 }];
    const cites = [
      { source: '/x/docs/about.md', start: 40, end: 90 },
      { source: '/x/docs/about.md', start: 60, end: 90 },
      { source: '/x/docs/other.md', start: 10, end: 50 },
    ];
    assert.deepEqual(citationScores(cites, gold), { precision: 1 / 3, recall: 1 });
    assert.deepEqual(citationScores([], gold), { precision: null, recall: 0 });
    assert.deepEqual(citationScores(cites, []), { precision: null, recall: null });
  });
});

describe('statistics', () => {
  test('bootstrap interval brackets the mean and repeats with its seed', () => {
    const values = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1];
    const a = bootstrapInterval(values, { seed: 's' })!;
    assert.ok(a[0] <= 0.7 && 0.7 <= a[1] && a[0] >= 0 && a[1] <= 1);
    assert.deepEqual(bootstrapInterval(values, { seed: 's' }), a);
    assert.deepEqual(bootstrapInterval([0.5, 0.5, 0.5]), [0.5, 0.5]);
  });
  test("McNemar's exact test: 10 discordant pairs all one way give p = 2 × 0.5^10", () => {
    const a = Array.from({ length: 12 }, () => true);
    const b = [...Array.from({ length: 10 }, () => false), true, true];
    const m = mcnemar(a, b);
    assert.equal(m.onlyA, 10);
    assert.equal(m.onlyB, 0);
    assert.ok(Math.abs(m.pValue - 2 * 0.5 ** 10) < 1e-12);
    assert.equal(mcnemar([true, false], [true, false]).pValue, 1);
  });
  test('paired bootstrap: a clear difference has a small p and an interval above zero', () => {
    const a = Array.from({ length: 30 }, (_, i) => (i % 10 === 0 ? 0 : 1));
    const b = Array.from({ length: 30 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const r = pairedBootstrap(a, b);
    assert.ok(Math.abs(r.difference - 0.8) < 1e-12);
    assert.ok(r.interval[0] > 0 && r.pValue < 0.01);
    assert.equal(pairedBootstrap([1, 0], [1, 0]).pValue, 1);
  });
});

describe('arms and questions are checked before any work', () => {
  test('arm specs: kinds from names, model, adapter and k', () => {
    const arms = parseArms('base=gguf:m.gguf,rag=extractive+k:3,ft=gguf:m.gguf+adapter:facts,rag+ft=gguf:m.gguf+adapter:facts,prompt', { defaultModel: 'openai:gpt-4o-mini', k: 5 });
    assert.deepEqual(arms.map((a) => [a.name, a.kind, a.model, a.adapter ?? null, a.k]), [
      ['base', 'base', 'gguf:m.gguf', null, 5],
      ['rag', 'rag', 'extractive', null, 3],
      ['ft', 'ft', 'gguf:m.gguf', 'facts', 5],
      ['rag+ft', 'rag+ft', 'gguf:m.gguf', 'facts', 5],
      ['prompt', 'prompt', 'openai:gpt-4o-mini', null, 5],
    ]);
    assert.equal(parseArms('rag-k8=extractive+k:8')[0]!.kind, 'rag');
  });
  test('bad arm specs name the arm', () => {
    const cases: Array<[string, RegExp]> = [
      ['oracle=extractive', /Arm "oracle": the name must be one of the kinds/],
      ['base=extractive', /Arm "base": the extractive answerer only quotes/],
      ['rag=gguf:', /Arm "rag": Invalid chat model/],
      ['ft=openai:gpt+adapter:x', /Arm "ft": adapters apply to local GGUF/],
      ['rag=extractive+k:0', /Arm "rag": k must be/],
      ['base', /Arm "base": no model/],
    ];
    for (const [spec, message] of cases) assert.throws(() => parseArms(spec), (e: unknown) => isTailorError(e) && e.code === 'INVALID_ARGUMENT' && message.test(e.message), spec);
  });
  test('a questions file with bad lines names every bad line', () => {
    const text = ['{"question":"Who?","answer":"Ann"}', 'not json', '{"question":"Where?"}', '', '{"question":"Why?","answerable":false}', '{"question":"When?","answer":"1999","evidence":{"source":"a.md"}}'].join('\n');
    assert.throws(() => parseQuestions(text, 'q.jsonl'), (e: unknown) => {
      assert.ok(isTailorError(e) && e.code === 'INVALID_ARGUMENT');
      assert.match(e.message, /q\.jsonl has 3 bad line\(s\) — line 2: not valid JSON; line 3: "answer" must be a non-empty string.*; line 6: "evidence" needs/);
      assert.deepEqual((e.details.problems as Array<{ line: number }>).map((p) => p.line), [2, 3, 6]);
      return true;
    });
    const ok = parseQuestions('{"question":"Who?","answer":"Ann","evidence":{"source":"a.md","start":0,"end":3}}\n{"question":"Why?","answerable":false}\n');
    assert.equal(ok.length, 2);
    assert.equal(ok[1]!.answerable, false);
  });
  test('--fail-under rules', () => {
    assert.deepEqual(parseFailUnder('rag.f1=0.5'), { arm: 'rag', metric: 'f1', value: 0.5 });
    assert.deepEqual(parseFailUnder('containment=0.3'), { arm: undefined, metric: 'containment', value: 0.3 });
    assert.throws(() => parseFailUnder('rag.accuracy=1'), /metric=value/);
  });
});

describe('protocols, freshness changes and judge verdicts', () => {
  const documents = [
    { id: 'd1', source: '/c/a.md', text: 'Ann founded it in 2011.' },
    { id: 'd2', source: '/c/b.md', text: 'It has 742 staff.' },
  ];
  const questions = [
    { id: 'q1', question: 'Who?', answer: 'Ann', answerable: true, origin: 'x', evidence: [{ source: 'a.md', quote: 'Ann' }] },
    { id: 'q2', question: 'How many?', answer: '742', answerable: true, origin: 'x', evidence: [{ source: 'b.md', quote: '742' }] },
    { id: 'q3', question: 'Never?', answer: '', answerable: false, origin: 'x' },
  ];
  test('generalisation splits by document; unanswerable questions are always test', () => {
    const split = assignSplits(questions, 'generalisation', documents, { testShare: 0.5, seed: 1 });
    assert.notEqual(split[0]!.split, split[1]!.split, 'the two documents land in different splits');
    assert.equal(split[2]!.split, 'test');
  });
  test('knowledge-injection splits questions and keeps given splits', () => {
    const split = assignSplits([{ ...questions[0]!, split: 'test' as const }, questions[1]!], 'knowledge-injection', documents, { testShare: 0 });
    assert.deepEqual(split.map((q) => q.split), ['test', 'train']);
  });
  test('changed facts: numbers and years move, names become invented ones', () => {
    assert.equal(changedValue('742', 0, ''), '1017');
    assert.equal(changedValue('2011', 0, ''), '2014');
    assert.equal(changedValue('38,500 euros', 0, ''), '52,745 euros');
    const name = changedValue('Oskar Thrandell', 0, 'text');
    assert.ok(name !== 'Oskar Thrandell' && /^[A-Z]/.test(name));
  });
  test('judge verdicts', () => {
    assert.equal(parseVerdict('CORRECT'), 1);
    assert.equal(parseVerdict(' incorrect.'), 0);
    assert.equal(parseVerdict('maybe'), undefined);
  });
});
