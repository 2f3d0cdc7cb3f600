import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../src/index/analyzer.js';
import { proximityScore } from '../bench/proximity.js';

// The proximity score used by bench/scifact-rerank-probes.ts and bench/long-docs.ts --proximity.
const idf = (term: string) => ({ vitamin: 2, deficiency: 3, fracture: 4 })[term as 'vitamin'] ?? 1;
const score = (query: string, ...segments: string[]) => proximityScore(analyze(query), segments.map(analyze), idf);

test('query terms stated together score above the same terms far apart', () => {
  const together = score('vitamin deficiency fracture', 'Vitamin deficiency raises fracture risk in the elderly cohort studied here.');
  const apart = score(
    'vitamin deficiency fracture',
    'Vitamin intake was recorded at baseline for every participant enrolled. Later, many months on, deficiency appeared in some groups; fracture counts were taken from registers.',
  );
  assert.ok(together > 0);
  assert.ok(together > apart, `${together} should exceed ${apart}`);
});

test('a pair beyond the window, a repeated single term, or a one-term query earns nothing', () => {
  assert.equal(score('vitamin fracture', 'vitamin one two three four five six seven fracture'), 0);
  assert.equal(score('vitamin', 'vitamin vitamin vitamin'), 0);
  assert.equal(proximityScore(analyze('vitamin fracture'), [analyze('vitamin fracture')], idf, { window: 0 }), 0);
});

test('a pair never spans the title/body boundary', () => {
  assert.equal(score('vitamin fracture', 'A study of vitamin', 'fracture rates'), 0);
  assert.ok(score('vitamin fracture', 'A study of vitamin fracture', 'rates') > 0);
});

test('the credit saturates and weighs terms by idf', () => {
  const once = score('vitamin fracture', 'vitamin fracture');
  const many = score('vitamin fracture', Array.from({ length: 50 }, () => 'vitamin fracture').join(' '));
  // k1 = 1.2 bounds each term's saturated credit by min(1, idf) × 2.2.
  assert.ok(many > once && many < 2 * 2.2);
  const rare = proximityScore(['a', 'b'], [['a', 'b']], (t) => (t === 'a' ? 5 : 0.5));
  const common = proximityScore(['a', 'b'], [['a', 'b']], () => 0.5);
  assert.ok(rare > common);
});
