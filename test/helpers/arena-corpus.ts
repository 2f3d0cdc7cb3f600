import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A fictional company's documents: names, numbers and dates no model was trained on, so a
 * right answer can only come from retrieval or from fine-tuning on these very facts.
 */
export const VELLMORA_DOCS: Record<string, string> = {
  'about.md': `# About Vellmora Instruments

Vellmora Instruments was founded in 2011 by Oskar Thrandell in the harbour town of Brisk Haven.
The company employs 742 people across its three workshops.
Its chief engineer is Marisol Quenby, who designed the first tidal gauge.
`,
  'products.md': `# Products

The flagship Kestrel spectrometer weighs 14 kilograms and ships in a walnut case.
Every Kestrel spectrometer is calibrated against the Ostrander reference lamp.
The smaller Wren photometer runs for 96 hours on one battery charge.
`,
  'policies.md': `# Staff policies

New staff at Vellmora receive 31 days of paid leave per year.
The annual staff outing always goes to the island of Tervane in late August.
Repairs under warranty are handled by the Gullford service centre.
`,
};

export interface ArenaFixtureQuestion {
  id: string;
  question: string;
  answer: string;
  split?: 'train' | 'test';
  answerable?: boolean;
  evidence?: { source: string; quote: string };
}

/** Short gold answers (so EM/F1 mean something), with quotes as gold evidence. */
export const VELLMORA_QUESTIONS: ArenaFixtureQuestion[] = [
  { id: 'founder', question: 'Who founded Vellmora Instruments?', answer: 'Oskar Thrandell', split: 'train', evidence: { source: 'about.md', quote: 'Vellmora Instruments was founded in 2011 by Oskar Thrandell' } },
  { id: 'staff', question: 'How many people does the company Vellmora employ in its workshops?', answer: '742', split: 'train', evidence: { source: 'about.md', quote: 'The company employs 742 people across its three workshops.' } },
  { id: 'weight', question: 'How many kilograms does the Kestrel spectrometer weigh?', answer: '14', split: 'train', evidence: { source: 'products.md', quote: 'The flagship Kestrel spectrometer weighs 14 kilograms' } },
  { id: 'leave', question: 'How many days of paid leave do new staff at Vellmora receive?', answer: '31', split: 'train', evidence: { source: 'policies.md', quote: 'New staff at Vellmora receive 31 days of paid leave per year.' } },
  { id: 'engineer', question: 'Who is the chief engineer of Vellmora?', answer: 'Marisol Quenby', split: 'test', evidence: { source: 'about.md', quote: 'Its chief engineer is Marisol Quenby' } },
  { id: 'battery', question: 'How many hours does the Wren photometer run on one battery charge?', answer: '96', split: 'test', evidence: { source: 'products.md', quote: 'The smaller Wren photometer runs for 96 hours on one battery charge.' } },
  { id: 'outing', question: 'Which island does the annual staff outing go to?', answer: 'Tervane', split: 'test', evidence: { source: 'policies.md', quote: 'The annual staff outing always goes to the island of Tervane' } },
  { id: 'pension', question: 'What is the pension contribution rate of the submarine division?', answer: '', answerable: false, split: 'test' },
];

/** Writes the documents into `dir/docs` and the questions into `dir/questions.jsonl`. */
export async function writeArenaCorpus(dir: string): Promise<{ docs: string; questions: string }> {
  const docs = join(dir, 'docs');
  await mkdir(docs, { recursive: true });
  for (const [name, text] of Object.entries(VELLMORA_DOCS)) await writeFile(join(docs, name), text);
  const questions = join(dir, 'questions.jsonl');
  await writeFile(questions, VELLMORA_QUESTIONS.map((q) => JSON.stringify(q)).join('\n') + '\n');
  return { docs, questions };
}
