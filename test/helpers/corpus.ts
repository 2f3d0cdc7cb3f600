import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createRandom } from '../../src/core/random.js';

/**
 * Corpora for the chunking, dedup and dataset suites: the real SciFact abstracts and Alpaca rows where
 * ../shared has them, otherwise text the tests generate themselves (seeded, so every run is the same).
 * TAILOR_TEST_FIXTURES=generated forces the generated ones, to check a fresh clone without moving ../shared.
 */
const useShared = (url: URL): boolean => process.env.TAILOR_TEST_FIXTURES !== 'generated' && existsSync(fileURLToPath(url));

const SCIFACT = new URL('../../../shared/data/scifact/corpus.jsonl.gz', import.meta.url);
const ALPACA = new URL('../../../shared/data/alpaca/alpaca_5000.json', import.meta.url);

export interface AbstractRecord { _id: string; title: string; text: string }
export interface AlpacaRow { instruction: string; input: string; output: string }

const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'ha', 'je', 'ki', 'lo', 'mu', 'na', 'pe', 'ri', 'so', 'tu', 'va', 'xe', 'zo', 'bri', 'cla', 'dro', 'fle', 'gra', 'ple', 'stro', 'tha', 'quin', 'mor', 'sel', 'tan'];
const FUNCTION_WORDS = ['the', 'of', 'in', 'and', 'a', 'to', 'with', 'was', 'for', 'that', 'by', 'is', 'were', 'on', 'as', 'we'];

/** A lexicon of distinct made-up content words: documents drawn from it share few 3-word shingles. */
function lexicon(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

function sentence(random: () => number, words: string[], length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    out.push(random() < 0.3 ? FUNCTION_WORDS[Math.floor(random() * FUNCTION_WORDS.length)]! : words[Math.floor(random() * words.length)]!);
  }
  if (random() < 0.3) out.splice(1 + Math.floor(random() * (length - 1)), 0, `${Math.floor(random() * 900) + 10}`);
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** Abstract-like records: a title and 6–12 sentences (about 100–250 words) each. */
export function generatedAbstracts(count: number, seed = 7): AbstractRecord[] {
  const random = createRandom(seed);
  const words = lexicon(3000, random);
  return Array.from({ length: count }, (_, i) => {
    const sentences = Array.from({ length: 6 + Math.floor(random() * 7) }, () => sentence(random, words, 12 + Math.floor(random() * 14)));
    return { _id: `gen${i}`, title: sentence(random, words, 6).slice(0, -1), text: sentences.join(' ') };
  });
}

/** Records [start, start + count) of SciFact, or of the generated stand-in. */
export function abstractRecords(start: number, count: number): AbstractRecord[] {
  if (useShared(SCIFACT)) {
    return gunzipSync(readFileSync(SCIFACT)).toString('utf8').split('\n').filter(Boolean).slice(start, start + count)
      .map((line) => JSON.parse(line) as AbstractRecord);
  }
  return generatedAbstracts(start + count).slice(start);
}

export const ABSTRACTS_NAME = useShared(SCIFACT) ? 'SciFact' : 'generated abstracts';

const INSTRUCTIONS = ['Explain', 'Describe', 'Summarise', 'List three facts about', 'Give an example of', 'Compare', 'Define', 'Name the parts of'];

/** The first n Alpaca rows with an answer, or generated instruction/input/output rows. */
export function alpacaRows(n: number): AlpacaRow[] {
  if (useShared(ALPACA)) {
    return (JSON.parse(readFileSync(ALPACA, 'utf8')) as AlpacaRow[]).filter((r) => r.output.trim() !== '').slice(0, n);
  }
  const random = createRandom(11);
  const words = lexicon(1500, random);
  return Array.from({ length: n }, (_, i) => {
    const topic = `${words[(i * 7) % words.length]} ${words[(i * 13 + 5) % words.length]}`;
    const instruction = `${INSTRUCTIONS[i % INSTRUCTIONS.length]} the ${topic}.`;
    const input = random() < 0.4 ? sentence(random, words, 8 + Math.floor(random() * 10)) : '';
    const output = Array.from({ length: 1 + Math.floor(random() * 4) }, () => sentence(random, words, 8 + Math.floor(random() * 16))).join(' ');
    return { instruction, input, output };
  });
}
