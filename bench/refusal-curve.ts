/**
 * Refusal calibration of the extractive answerer across --min-support values.
 *
 *   node --import tsx bench/refusal-curve.ts [--limit 100] [--out bench/refusal-curve.svg]
 *
 * In-domain questions the corpus cannot answer (the hard case, not off-topic ones):
 *  - RGB (en_fact): each query over only its noise passages, which share its topic
 *    but not its answer; answerable twin: the same query with its true passages added.
 *  - LegalBench-RAG QA: questions whose expected completion says the document holds
 *    no such information; answerable: the rest. Corpus: the question's source document.
 * Each question is asked once; Tailor reports the support of its best evidence
 * (trace.support), and a threshold t refuses when support < t, so one run gives the curve.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { arg, table } from './lib.js';
import { goldSpellings, loadRgbFact, mentions, RGB_FACT, withPassages, type Passage } from './answer-corpus.js';
import { lineChartSvg } from '../src/report/line-chart.js';
import { DEFAULT_MIN_SUPPORT } from '../src/answer/ask.js';

const LEGAL = new URL('../../shared/data/legalbench-rag-qa/', import.meta.url);
const NO_ANSWER = /no information|does not (?:contain|address|mention|specify|say|include|provide)|not (?:mentioned|addressed|specified)|cannot determine/i;

interface Case { set: string; answerable: boolean; support: number }

async function supportOf(passages: Passage[], question: string): Promise<number> {
  return withPassages(passages, async (tailor) => {
    const answer = await tailor.ask(question, { minSupport: 0 });
    return answer.trace.retrieved.length === 0 ? -1 : answer.trace.support ?? 0;
  });
}

async function rgbCases(limit: number): Promise<Case[]> {
  if (!fs.existsSync(RGB_FACT)) return [];
  const cases: Case[] = [];
  for (const row of loadRgbFact().slice(0, limit)) {
    // Some of RGB's "noise" passages state the answer after all (or most of it: "April 29" for
    // "April 29 2015"); those queries are not unanswerable.
    const leaky = row.negative.some((text) => goldSpellings(row.answer).some((g) => statesMostOf(text, g)));
    const noise = row.negative.map((text, i) => ({ source: `rgb:${row.id}:n${i}`, text }));
    const truth = row.positive.map((text, i) => ({ source: `rgb:${row.id}:p${i}`, text }));
    if (!leaky) cases.push({ set: 'rgb', answerable: false, support: await supportOf(noise, row.query) });
    cases.push({ set: 'rgb', answerable: true, support: await supportOf([...truth, ...noise], row.query) });
  }
  return cases;
}

async function legalCases(): Promise<Case[]> {
  if (!fs.existsSync(LEGAL)) return [];
  const cases: Case[] = [];
  for (const name of ['privacy_qa', 'cuad', 'contractnli', 'maud']) {
    const rows = parse(fs.readFileSync(new URL(`${name}.csv`, LEGAL)), { columns: true }) as Array<Record<string, string>>;
    const bySource = new Map<string, Array<Record<string, string>>>();
    for (const row of rows) bySource.set(row.source_file!, [...(bySource.get(row.source_file!) ?? []), row]);
    for (const [source, questions] of bySource) {
      const file = new URL(`knowledge-base/${source}`, LEGAL);
      if (!fs.existsSync(file)) continue; // the QA sample ships only some of its source documents
      const text = fs.readFileSync(file, 'utf8');
      await withPassages([{ source, text }], async (tailor) => {
        for (const q of questions) {
          const answer = await tailor.ask(q.prompt!, { minSupport: 0 });
          cases.push({ set: 'legalbench', answerable: !NO_ANSWER.test(q['expected completion']!.slice(0, 400)), support: answer.trace.support ?? 0 });
        }
      });
    }
  }
  return cases;
}

function statesMostOf(text: string, gold: string): boolean {
  if (mentions(text, gold)) return true;
  const words = gold.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
  const found = words.filter((w) => mentions(text, w)).length;
  return words.length >= 2 && found / words.length >= 2 / 3;
}

function rates(cases: Case[], t: number): { correctRefusals: number; falseRefusals: number } {
  const neg = cases.filter((c) => !c.answerable);
  const pos = cases.filter((c) => c.answerable);
  const refused = (c: Case) => c.support < 0 || c.support < t;
  return {
    correctRefusals: neg.length ? neg.filter(refused).length / neg.length : NaN,
    falseRefusals: pos.length ? pos.filter(refused).length / pos.length : NaN,
  };
}

async function main(): Promise<void> {
  const limit = Number(arg('--limit', '100'));
  const out = arg('--out', 'bench/refusal-curve.svg');
  const cases = [...(await rgbCases(limit)), ...(await legalCases())];
  if (cases.length === 0) {
    console.log('skipped: ../shared/data/rgb and ../shared/data/legalbench-rag-qa are missing');
    return;
  }
  const thresholds = Array.from({ length: 21 }, (_, i) => i / 20);
  const sets = [...new Set(cases.map((c) => c.set))];
  const rows: Array<Array<string | number>> = [];
  for (const t of thresholds) {
    const row: Array<string | number> = [t.toFixed(2)];
    for (const set of sets) {
      const r = rates(cases.filter((c) => c.set === set), t);
      row.push(pct(r.correctRefusals), pct(r.falseRefusals));
    }
    rows.push(row);
  }
  for (const set of sets) {
    const n = cases.filter((c) => c.set === set);
    console.log(`${set}: ${n.filter((c) => !c.answerable).length} unanswerable, ${n.filter((c) => c.answerable).length} answerable`);
  }
  console.log(table(['min-support', ...sets.flatMap((s) => [`${s} correct refusals`, `${s} false refusals`])], rows));
  const series = sets.flatMap((set) => [
    { name: `${set}: unanswerable`, points: thresholds.map((t) => [t, 100 * rates(cases.filter((c) => c.set === set), t).correctRefusals] as [number, number]) },
    { name: `${set}: answerable`, points: thresholds.map((t) => [t, 100 * rates(cases.filter((c) => c.set === set), t).falseRefusals] as [number, number]) },
  ]);
  fs.writeFileSync(out, lineChartSvg({ title: 'Refused by --min-support (unanswerable: higher is better; answerable: lower)', series, xLabel: '--min-support', yLabel: '% of questions refused' }));
  const d = rates(cases.filter((c) => c.set === 'rgb'), DEFAULT_MIN_SUPPORT);
  console.log(`default --min-support ${DEFAULT_MIN_SUPPORT}: rgb correct refusals ${pct(d.correctRefusals)}, false refusals ${pct(d.falseRefusals)}; chart: ${out}`);
}

function pct(x: number): string {
  return Number.isNaN(x) ? '-' : `${(100 * x).toFixed(0)}%`;
}

await main();
