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
// The arena's SQuAD scoring, so a figure here means what it means in an arena report.
import { tokenF1 } from '../src/eval/arena/scoring.js';


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
