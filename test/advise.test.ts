import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADVICE_PRESETS, advise, findPreset, loadCriteriaFile, type AdviceCriteria } from '../src/advise/index.js';
import { TailorError } from '../src/core/errors.js';
import { cli } from './helpers/cli.js';
import { builtCli, ensureBuilt } from './helpers/built-cli.js';
import { arenaRun, saveArenaRun } from './helpers/arena-run.js';
import { tempDir } from './helpers/temp.js';

const preset = (name: string) => findPreset(name).criteria;

describe('advise: priors', () => {
  test('each preset gives a sensible recommendation, with reasons tied to criteria', () => {
    const sensible: Record<string, string[]> = {
      'customer-support': ['rag', 'rag+ft'],
      'legal-document-analysis': ['rag', 'raft'],
      'media-content-recommendation': ['ft', 'rag+ft'],
      healthcare: ['rag', 'raft'],
      finance: ['rag'],
    };
    assert.deepEqual(ADVICE_PRESETS.map((p) => p.name).sort(), Object.keys(sensible).sort());
    for (const p of ADVICE_PRESETS) {
      const advice = advise({ criteria: p.criteria });
      assert.ok(sensible[p.name]!.includes(advice.recommendation), `${p.name} → ${advice.recommendation}`);
      assert.equal(advice.basis, 'priors');
      assert.ok(advice.reasons.length >= 3 && advice.reasons.every((r) => r.criterion), `${p.name}: every prior reason names its criterion`);
      assert.ok(advice.confidence > 0 && advice.confidence < 0.75, 'priors alone never claim high confidence');
      assert.ok(advice.wouldChange.some((w) => /tailor arena/.test(w.text)));
    }
  });

  test('the criteria move the advice the way the evidence says', () => {
    const none = advise({ criteria: { externalKnowledge: 'none', behaviourChange: 'strong', labelledExamples: 5000, hallucinationTolerance: 'high' } });
    assert.equal(none.recommendation, 'ft', 'style change without new knowledge is fine-tuning');
    const tiny = advise({ criteria: { externalKnowledge: 'none', behaviourChange: 'some', labelledExamples: 0, costBudget: 'low' } });
    assert.equal(tiny.recommendation, 'prompt', 'no knowledge, no data, no budget: prompt engineering first');
    const daily = advise({ criteria: { externalKnowledge: 'dynamic', updateFrequency: 'daily', labelledExamples: 5000 } });
    assert.equal(daily.recommendation, 'rag');
    assert.ok(daily.reasons.some((r) => r.criterion === 'externalKnowledge' && /87\.5/.test(r.text)), 'the Ovadia numbers are cited');
  });

  test('every "would change" entry is true when tried', () => {
    for (const p of ADVICE_PRESETS) {
      const advice = advise({ criteria: p.criteria });
      for (const w of advice.wouldChange.filter((x) => x.criterion)) {
        const changed = advise({ criteria: { ...p.criteria, [w.criterion!]: w.value } as AdviceCriteria });
        assert.equal(changed.recommendation, w.recommendation, `${p.name}: ${w.text}`);
        assert.notEqual(changed.recommendation, advice.recommendation);
      }
    }
  });

  test('deterministic: the same input gives the same advice', () => {
    assert.deepEqual(advise({ criteria: preset('healthcare') }), advise({ criteria: preset('healthcare') }));
  });
});

describe('advise: measured evidence', () => {
  test('a separated measured winner outranks the prior', () => {
    const prior = advise({ criteria: preset('finance') });
    assert.equal(prior.recommendation, 'rag');
    const run = arenaRun('flip', [
      { name: 'rag', kind: 'rag', f1: 0.52, interval: [0.45, 0.58] },
      { name: 'raft', kind: 'raft', f1: 0.71, interval: [0.65, 0.77] },
      { name: 'base', kind: 'base', f1: 0.08, interval: [0.04, 0.12] },
    ]);
    const advice = advise({ criteria: preset('finance'), arena: run });
    assert.equal(advice.recommendation, 'raft');
    assert.equal(advice.basis, 'measured');
    assert.ok(advice.confidence >= 0.75);
    const measured = advice.reasons.find((r) => r.evidence?.metric === 'f1' && r.evidence.other === 'rag');
    assert.ok(measured && /0\.710/.test(measured.text) && /do not overlap/.test(measured.text), measured?.text);
    assert.ok(advice.reasons.some((r) => /outranks the priors, which favoured rag/.test(r.text)));
    assert.ok(advice.reasons.some((r) => r.evidence?.other === 'base' && /beats/.test(r.text)));
  });

  test('a paired test decides when the run has one; a lead within the noise does not flip the prior', () => {
    const arms = [
      { name: 'rag', kind: 'rag' as const, f1: 0.6, interval: [0.5, 0.7] as [number, number] },
      { name: 'raft', kind: 'raft' as const, f1: 0.64, interval: [0.55, 0.73] as [number, number] },
    ];
    const noisy = advise({ criteria: preset('finance'), arena: arenaRun('noisy', arms) });
    assert.equal(noisy.recommendation, 'rag', 'overlapping intervals leave the prior in charge');
    assert.equal(noisy.basis, 'priors+measured');
    assert.ok(noisy.reasons.some((r) => /within the noise/.test(r.text)));
    const paired = arenaRun('paired', arms, { comparisons: [{ a: 'raft', b: 'rag', metric: 'f1', difference: 0.04, interval: [0.01, 0.07], pValue: 0.01, test: 'paired-bootstrap' }] });
    const decided = advise({ criteria: preset('finance'), arena: paired });
    assert.equal(decided.recommendation, 'raft');
    assert.ok(decided.reasons.some((r) => /paired-bootstrap p = 0\.01/.test(r.text)));
  });

  test('hard constraints rule measured arms out: freshness, latency budget, citations', () => {
    const arms = [
      { name: 'ft', kind: 'ft' as const, f1: 0.8, interval: [0.75, 0.85] as [number, number] },
      { name: 'rag', kind: 'rag' as const, f1: 0.6, interval: [0.55, 0.65] as [number, number] },
    ];
    const styleOnly: Partial<AdviceCriteria> = { externalKnowledge: 'static', updateFrequency: 'yearly', labelledExamples: 5000 };
    assert.equal(advise({ criteria: styleOnly, arena: arenaRun('ft-wins', arms) }).recommendation, 'ft');
    const stale = arenaRun('stale', arms, { freshness: { facts: 5, syncSeconds: 0.4, details: [], arms: [{ name: 'ft', fresh: 0, stale: 1, secondsToFresh: 240, how: 'retrain-estimated' }, { name: 'rag', fresh: 1, stale: 0, secondsToFresh: 0.4, how: 'sync' }] } });
    const daily = advise({ criteria: { ...styleOnly, updateFrequency: 'daily' }, arena: stale });
    assert.equal(daily.recommendation, 'rag');
    assert.ok(daily.reasons.some((r) => r.criterion === 'updateFrequency' && /old value for 100% of them/.test(r.text) && /240 s/.test(r.text)));
    assert.deepEqual(daily.arena?.excluded, ['ft']);
    const slowRag = arenaRun('slow', [{ ...arms[0]!, f1: 0.5, interval: [0.45, 0.55] }, { ...arms[1]!, p95: 4000 }]);
    const fast = advise({ criteria: { ...styleOnly, latencyBudgetMs: 1000 }, arena: slowRag });
    assert.equal(fast.recommendation, 'ft');
    assert.ok(fast.reasons.some((r) => r.criterion === 'latencyBudgetMs' && /4000 ms/.test(r.text)));
    const cite = advise({ criteria: { ...styleOnly, citationsRequired: true }, arena: arenaRun('cite', arms) });
    assert.notEqual(cite.recommendation, 'ft');
    assert.ok(cite.reasons.some((r) => r.criterion === 'citationsRequired' && /cannot cite/.test(r.text)));
  });
});

describe('advise: criteria input', () => {
  test('a bad criteria file gives an error naming the field, the value and the allowed values', async () => {
    const dir = await tempDir();
    const json = join(dir, 'c.json');
    await writeFile(json, JSON.stringify({ updateFrequency: 'hourly', labelledExamples: 10 }));
    await assert.rejects(loadCriteriaFile(json), (e: TailorError) => e.code === 'INVALID_ARGUMENT' && /"updateFrequency" cannot be "hourly"/.test(e.message) && /never, yearly, monthly/.test(e.message) && e.details.field === 'updateFrequency');
    await writeFile(json, JSON.stringify({ labeledExamples: 10 }));
    await assert.rejects(loadCriteriaFile(json), (e: TailorError) => /unknown field "labeledExamples"/.test(e.message) && /labelledExamples/.test(e.message));
    await writeFile(json, '{ "labelledExamples": ');
    await assert.rejects(loadCriteriaFile(json), (e: TailorError) => /not valid JSON/.test(e.message));
    const yaml = join(dir, 'c.yaml');
    await writeFile(yaml, '# my case\npreset: legal\nlabelledExamples: -3\n');
    await assert.rejects(loadCriteriaFile(yaml), (e: TailorError) => /"labelledExamples" cannot be -3/.test(e.message));
    await writeFile(yaml, 'modelSize: small\nlatency:\n  p95: 300\n');
    await assert.rejects(loadCriteriaFile(yaml), (e: TailorError) => /line 3/.test(e.message));
    await writeFile(yaml, 'preset: legal-document-analysis\nmodelSize: small   # we run a 3B model\nlatencyBudgetMs: null\ncitationsRequired: "yes"\n');
    const loaded = await loadCriteriaFile(yaml);
    assert.equal(loaded.modelSize, 'small');
    assert.equal(loaded.latencyBudgetMs, null);
    assert.equal(loaded.citationsRequired, true);
    assert.equal(loaded.dataResidency, 'on-premises', 'the preset fills the rest');
  });

  test('CLI in-process: presets, flags over file over preset, arena by id, JSON shape', async () => {
    const home = await tempDir();
    const env = { TAILOR_HOME: home };
    const list = await cli(['advise', '--list-presets', '--json'], env);
    assert.equal(list.code, 0);
    assert.equal(JSON.parse(list.stdout).length, 5);
    const file = join(home, 'criteria.yaml');
    await writeFile(file, 'preset: finance\nmodelSize: medium\n');
    const out = await cli(['advise', '--criteria', file, '--model-size', 'small', '--json'], env);
    assert.equal(out.code, 0, out.stderr);
    const advice = JSON.parse(out.stdout);
    assert.equal(advice.criteria.modelSize, 'small');
    assert.equal(advice.criteria.updateFrequency, 'daily');
    for (const key of ['recommendation', 'confidence', 'reasons', 'wouldChange', 'criteria']) assert.ok(key in advice, key);
    await saveArenaRun(home, arenaRun('20261201-100000-aa01', [
      { name: 'rag', kind: 'rag', f1: 0.52, interval: [0.45, 0.58] },
      { name: 'raft', kind: 'raft', f1: 0.71, interval: [0.65, 0.77] },
    ]));
    const measured = JSON.parse((await cli(['advise', '--preset', 'finance', '--arena', '20261201-100000-aa01', '--json'], env)).stdout);
    assert.equal(measured.recommendation, 'raft');
    assert.equal(measured.arena.run, '20261201-100000-aa01');
    assert.equal(JSON.parse((await cli(['advise', '--preset', 'finance', '--arena', 'latest', '--json'], env)).stdout).arena.run, '20261201-100000-aa01');
    const missing = await cli(['advise', '--arena', 'nope'], env);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /No arena run "nope"/);
    const bad = await cli(['advise', '--hallucination-tolerance', 'none'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--hallucination-tolerance: "hallucinationTolerance" cannot be "none"; use low, medium, high/);
    const badPreset = await cli(['advise', '--preset', 'retail'], env);
    assert.match(badPreset.stderr, /No advice preset "retail": use one of customer-support/);
  });

  test('the built tailor binary advises, reads a run.json path, and reports bad input', async () => {
    const home = await tempDir();
    const dir = await saveArenaRun(home, arenaRun('20261201-100000-aa02', [
      { name: 'rag', kind: 'rag', f1: 0.62, interval: [0.55, 0.69] },
      { name: 'raft', kind: 'raft', f1: 0.2, interval: [0.15, 0.25] },
    ]));
    const env = { TAILOR_HOME: home };
    const text = builtCli(['advise', '--preset', 'customer-support'], { env, marker: 'dist/cli/commands/advise.js' });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Recommendation: rag/);
    assert.match(text.stdout, /\[updateFrequency\]/);
    const json = builtCli(['advise', '--preset', 'healthcare', '--arena', join(dir, 'run.json'), '--json'], { env });
    assert.equal(json.code, 0, json.stderr);
    const advice = JSON.parse(json.stdout);
    assert.equal(advise({ criteria: preset('healthcare') }).recommendation, 'raft', 'the prior');
    assert.equal(advice.recommendation, 'rag', 'the measurement');
    assert.equal(advice.basis, 'measured');
    const file = join(home, 'bad.json');
    await writeFile(file, JSON.stringify({ dataResidency: 'moon' }));
    const bad = builtCli(['advise', '--criteria', file], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"dataResidency" cannot be "moon"; use any, region, on-premises/);
  });
});

const SCRIPT = '/usr/bin/script';
test('on a terminal, advise asks each criterion, re-asks a bad answer, and keeps answers typed ahead', { skip: existsSync(SCRIPT) ? false : `${SCRIPT} (util-linux) is missing: it provides the pseudo-terminal this test types into` }, async () => {
  ensureBuilt('dist/cli/commands/advise.js');
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const home = await tempDir();
  // script(1) gives the binary a real pseudo-terminal, so stdin.isTTY is true as for a person typing.
  const child = spawn(SCRIPT, ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(main)} advise`, '/dev/null'], { env: { ...process.env, TAILOR_HOME: home } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // externalKnowledge, updateFrequency, a bad then a good behaviourChange, labelledExamples, citations, tolerance, then defaults.
  child.stdin.write('none\nnever\nlots\nstrong\n5000\nno\nhigh\n\n\n\n\n');
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  assert.equal(code, 0, out);
  assert.match(out, /Does the model need knowledge from your documents\? \(none, static, dynamic\) \[static\]/);
  assert.match(out, /answer: "behaviourChange" cannot be "lots"; use none, some, strong\./);
  assert.match(out, /Recommendation: ft /);
  assert.match(out, /Criteria: answers/);
});
