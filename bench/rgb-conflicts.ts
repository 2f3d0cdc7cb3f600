/**
 * Conflicting evidence on RGB's counterfactual set (../shared/data/rgb/en_fact.json).
 *
 *   node --import tsx bench/rgb-conflicts.ts [--limit 50]
 *
 * Each query gets its own corpus: its true passages, the same passages with the
 * planted (fake) value, and its noise passages. The extractive answer is then
 * sorted into: conflict flagged (both values in `conflicts`), planted fact wins,
 * true fact wins, both values strung together unflagged, neither. A control run
 * without the planted passages counts conflicts flagged where none was planted.
 */
import fs from 'node:fs';
import { arg, table } from './lib.js';
import { goldSpellings, loadRgbFact, mentions, RGB_FACT, withPassages, type RgbFact } from './answer-corpus.js';
import type { Answer } from '../src/core/types.js';

type Outcome = 'flagged' | 'planted wins' | 'true wins' | 'both, unflagged' | 'neither' | 'refused';

function classify(row: RgbFact, answer: Answer): Outcome {
  if (answer.refused) return 'refused';
  const isTrue = (text: string) => goldSpellings(row.answer).some((g) => mentions(text, g));
  const isFake = (text: string) => mentions(text, row.fakeanswer);
  const conflictValues = (answer.conflicts ?? []).flatMap((c) => c.values.map((v) => v.value)).join(' | ');
  if (conflictValues && isTrue(answer.text) && isFake(answer.text)) return 'flagged';
  const t = isTrue(answer.text);
  const f = isFake(answer.text);
  if (t && f) return 'both, unflagged';
  if (f) return 'planted wins';
  if (t) return 'true wins';
  return 'neither';
}

async function main(): Promise<void> {
  if (!fs.existsSync(RGB_FACT)) {
    console.log(`skipped: ${RGB_FACT.pathname} is missing`);
    return;
  }
  const limit = Number(arg('--limit', '50'));
  const rows = loadRgbFact().slice(0, limit);
  const counts = new Map<Outcome, number>();
  let controlFlags = 0;
  let controlTrue = 0;
  for (const row of rows) {
    const planted = [...row.positive, ...row.positive_wrong, ...row.negative].map((text, i) => ({ source: `rgb:${row.id}:${i}`, text }));
    const outcome = await withPassages(planted, async (tailor) => classify(row, await tailor.ask(row.query)));
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    const clean = [...row.positive, ...row.negative].map((text, i) => ({ source: `rgb:${row.id}:${i}`, text }));
    const control = await withPassages(clean, (tailor) => tailor.ask(row.query));
    if ((control.conflicts ?? []).length > 0) controlFlags++;
    if (!control.refused && goldSpellings(row.answer).some((g) => mentions(control.text, g))) controlTrue++;
  }
  const order: Outcome[] = ['flagged', 'planted wins', 'true wins', 'both, unflagged', 'neither', 'refused'];
  console.log(`RGB en_fact, first ${rows.length} queries, true + planted + noise passages per query:`);
  console.log(table(['outcome', 'answers'], order.map((o) => [o, `${counts.get(o) ?? 0}/${rows.length}`])));
  console.log(`control (true + noise passages only): conflict flagged in ${controlFlags}/${rows.length}; true value in the answer in ${controlTrue}/${rows.length}`);
}

await main();
