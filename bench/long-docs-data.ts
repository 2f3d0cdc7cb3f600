/**
 * The long-document question sets of bench/long-docs.ts, read from ../shared/data.
 *
 * - legal: LegalBench-RAG's contracts (knowledge-base/*.txt) and its 200 questions. The CSVs give no
 *   evidence spans; the model-written answers quote the source in “…”, so a question's gold evidence is
 *   every quoted fragment (15+ characters, split at ellipses) found verbatim in its source file after
 *   whitespace/case normalisation. Questions with no such fragment count for document hit only.
 * - pubmedqa: the 1,000 expert-labelled abstracts, each stored as one Markdown document (its labelled
 *   sections plus the long answer as CONCLUSIONS, which is where it sits in the real abstract); the gold
 *   text is the long answer.
 * - sec: the three SEC filings in pdfs/, with questions written by this project (not from any dataset)
 *   whose answer text sits on a known page.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LongDocQuestion {
  question: string;
  /** The source (file path, or synthetic source) of the document that answers it. */
  source: string;
  /** Normalised gold texts; the question counts as answered at k when any lies inside a top-k passage. */
  gold: string[];
  /** 1-based page of the evidence, for PDFs. */
  page?: number;
}

export interface LongDocSet {
  name: string;
  /** Files to ingest, or texts (Markdown) for corpora that are not files. */
  files?: string[];
  texts?: Array<{ source: string; title: string; text: string }>;
  questions: LongDocQuestion[];
}

export const SHARED = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/data');

/** Lowercase, one space for any whitespace run, straight quotes and hyphens: how gold and passages are compared. */
export function normaliseForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201f]/g, '"')
    .replace(/[\u2010-\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** RFC 4180 CSV (quoted fields with newlines and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function quotedFragments(answer: string): string[] {
  const quotes = [...answer.matchAll(/[“"]([^”"]{15,})[”"]/g)].map((m) => m[1]!);
  return quotes.flatMap((q) => q.split(/…|\.\.\.|\[[^\]]*\]/)).map((part) => normaliseForMatch(part).replace(/^[\s.,;:]+|[\s.,;:]+$/g, '')).filter((part) => part.length >= 15);
}

export function legalSet(limit = Infinity): LongDocSet | string {
  const base = path.join(SHARED, 'legalbench-rag-qa');
  if (!fs.existsSync(base)) return `${base} is missing`;
  const questions: LongDocQuestion[] = [];
  const files = new Set<string>();
  const sourceText = new Map<string, string>();
  for (const name of ['contractnli', 'cuad', 'maud', 'privacy_qa']) {
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(base, `${name}.csv`), 'utf8'));
    const at = (key: string) => header!.indexOf(key);
    for (const row of rows) {
      if (row.length < 3) continue;
      const file = path.join(base, 'knowledge-base', row[at('source_file')]!);
      if (!fs.existsSync(file)) continue;
      files.add(file);
      if (!sourceText.has(file)) sourceText.set(file, normaliseForMatch(fs.readFileSync(file, 'utf8')));
      const gold = quotedFragments(row[at('expected completion')]!).filter((q) => sourceText.get(file)!.includes(q));
      questions.push({ question: row[at('prompt')]!, source: file, gold });
    }
  }
  return { name: 'legal', files: [...files].sort(), questions: questions.slice(0, limit) };
}

interface PubmedRow {
  QUESTION: string;
  CONTEXTS: string[];
  LABELS: string[];
  LONG_ANSWER: string;
  YEAR?: string;
}

export function pubmedSet(limit = Infinity): LongDocSet | string {
  const file = path.join(SHARED, 'pubmedqa', 'ori_pqal.json');
  if (!fs.existsSync(file)) return `${file} is missing`;
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, PubmedRow>;
  const texts: LongDocSet['texts'] = [];
  const questions: LongDocQuestion[] = [];
  for (const [pmid, row] of Object.entries(data)) {
    const sections = row.CONTEXTS.map((context, i) => `## ${row.LABELS[i] ?? 'TEXT'}\n\n${context}`);
    sections.push(`## CONCLUSIONS\n\n${row.LONG_ANSWER}`);
    const source = `pubmed:${pmid}`;
    // PubMedQA gives no article titles; the PMID is all a user's file name would carry.
    texts.push({ source, title: `PMID ${pmid}`, text: sections.join('\n\n') });
    questions.push({ question: row.QUESTION, source, gold: [normaliseForMatch(row.LONG_ANSWER)] });
  }
  return { name: 'pubmedqa', texts, questions: questions.slice(0, limit) };
}

/**
 * Written for this benchmark from the filings themselves; each answer string appears on the page named.
 * Where a filing states the figure twice (in prose and in a table row), both wordings count.
 */
const SEC_QUESTIONS: Array<{ file: string; question: string; gold: string | string[]; page: number }> = [
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty fiscal 2022 capital expenditures', gold: '(312,126)', page: 8 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'What capital expenditures does Ulta Beauty plan for fiscal 2023?', gold: '$400 million to $475 million', page: 3 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty cash and cash equivalents at the end of fiscal 2022', gold: '$737.9 million', page: 3 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'How many stores did Ulta Beauty operate at the end of fiscal 2022?', gold: ['1,355 stores', '4th quarter 1,343 12 0 1,355'], page: 3 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty total assets January 28, 2023', gold: '$ 5,370,411', page: 7 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'What share of Ulta Beauty net sales came from skincare in the fourth quarter of 2022?', gold: 'skincare 16%', page: 9 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty diluted earnings per share fourth quarter fiscal 2022', gold: ['$6.68', 'diluted earnings per share $ 6.68'], page: 1 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'How many shares did Ulta repurchase in the fourth quarter of fiscal 2022 and at what cost?', gold: '722,457 shares', page: 3 },
  // Figures found by their row label and a period that only the table's column header states.
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty net sales for the 52 weeks ended January 29, 2022', gold: 'net sales $ 10,208,580 100.0% $ 8,630,889', page: 6 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty merchandise inventories at January 29, 2022', gold: 'merchandise inventories, net 1,603,451 1,499,218', page: 7 },
  { file: 'ULTABEAUTY_2023Q4_EARNINGS.pdf', question: 'Ulta Beauty depreciation and amortization in the 52 weeks ended January 28, 2023', gold: 'depreciation and amortization 241,372 268,460', page: 8 },
  { file: 'FOOTLOCKER_2022_8K_dated-2022-05-20.pdf', question: 'How many Foot Locker shares were represented at the 2022 annual meeting?', gold: '77,551,206 shares', page: 2 },
  { file: 'FOOTLOCKER_2022_8K_dated-2022-05-20.pdf', question: 'Foot Locker votes for Virginia C. Drosos', gold: 'virginia c. drosos 59,657,810', page: 2 },
  { file: 'FOOTLOCKER_2022_8K_dated-2022-05-20.pdf', question: 'Who did the Foot Locker board designate as audit committee financial expert in 2022?', gold: 'designated ms. nicosia', page: 3 },
  { file: 'FOOTLOCKER_2022_8K_dated-2022-05-20.pdf', question: 'Foot Locker record date for the 2022 annual meeting', gold: 'march 21, 2022', page: 2 },
  { file: 'AMCOR_2022_8K_dated-2022-07-01.pdf', question: 'Which company became the substitute issuer of the Amcor notes in 2022?', gold: 'amcor flexibles north america, inc. (the "substitute issuer")', page: 2 },
  { file: 'AMCOR_2022_8K_dated-2022-07-01.pdf', question: 'Who is the trustee of the Amcor 2016 indenture?', gold: 'deutsche bank trust company americas, as trustee', page: 2 },
  { file: 'AMCOR_2022_8K_dated-2022-07-01.pdf', question: 'Amcor agent for service of process in New York', gold: 'c t corporation', page: 5 },
  { file: 'AMCOR_2022_8K_dated-2022-07-01.pdf', question: 'Who signed the Amcor 8-K of July 2022 and in what role?', gold: 'title: company secretary', page: 3 },
];

export function secSet(): LongDocSet | string {
  const base = path.join(SHARED, 'pdfs');
  if (!fs.existsSync(base)) return `${base} is missing`;
  const files = fs.readdirSync(base).filter((f) => f.endsWith('.pdf')).sort().map((f) => path.join(base, f));
  const questions = SEC_QUESTIONS.map((q) => ({ question: q.question, source: path.join(base, q.file), gold: [q.gold].flat().map(normaliseForMatch), page: q.page }));
  return { name: 'sec', files, questions };
}
