/**
 * Short answers: token F1 and containment of the extractive answer against RGB's short gold answers.
 *
 *   node --import tsx bench/short-answers.ts [--limit 100]
 *
 * Each query gets its own corpus (its true passages and its noise passages, no
 * planted ones). SQuAD-style scoring: lowercase, punctuation and articles removed,
 * best over the accepted spellings. "lead" is the answer's short value when it has
 * one (answer.shortAnswer), else its whole text; "text" is the whole answer.
 * PubMedQA's gold is yes/no/maybe and LegalBench-RAG's is a paragraph, so neither
 * has short spans to score against.
 */
import fs from 'node:fs';
import { arg, table } from './lib.js';
import { goldSpellings, loadRgbFact, mentions, RGB_FACT, withPassages } from './answer-corpus.js';

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((t) => t !== '' && !['a', 'an', 'the'].includes(t));
}

export function tokenF1(prediction: string, gold: string): number {
  const p = tokens(prediction);
  const g = tokens(gold);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      same++;
      counts.set(t, n - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

async function main(): Promise<void> {
  if (!fs.existsSync(RGB_FACT)) {
    console.log(`skipped: ${RGB_FACT.pathname} is missing`);
    return;
  }
  const rows = loadRgbFact().slice(0, Number(arg('--limit', '100')));
  const sums = { leadF1: 0, textF1: 0, leadContains: 0, textContains: 0, words: 0, withShort: 0, refused: 0 };
  for (const row of rows) {
    const passages = [...row.positive, ...row.negative].map((text, i) => ({ source: `rgb:${row.id}:${i}`, text }));
    const answer = await withPassages(passages, (tailor) => tailor.ask(row.query));
    const golds = goldSpellings(row.answer);
    const short = (answer as { shortAnswer?: { text: string } }).shortAnswer?.text;
    const lead = answer.refused ? '' : short ?? answer.text;
    const text = answer.refused ? '' : answer.text;
    if (answer.refused) sums.refused++;
    if (short) sums.withShort++;
    sums.leadF1 += Math.max(...golds.map((g) => tokenF1(lead, g)));
    sums.textF1 += Math.max(...golds.map((g) => tokenF1(text, g)));
    sums.leadContains += golds.some((g) => mentions(lead, g)) ? 1 : 0;
    sums.textContains += golds.some((g) => mentions(text, g)) ? 1 : 0;
    sums.words += text.split(/\s+/).filter(Boolean).length;
  }
  const n = rows.length;
  console.log(`RGB en_fact, first ${n} queries, true + noise passages, default --min-support:`);
  console.log(
    table(
      ['measure', 'lead (short value or whole answer)', 'whole answer'],
      [
        ['token F1', (sums.leadF1 / n).toFixed(2), (sums.textF1 / n).toFixed(2)],
        ['contains gold', `${sums.leadContains}/${n}`, `${sums.textContains}/${n}`],
      ],
    ),
  );
  console.log(`answers with a short value: ${sums.withShort}/${n}; refused: ${sums.refused}/${n}; mean words per answer: ${(sums.words / n).toFixed(1)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
