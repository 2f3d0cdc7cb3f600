import { createRandom, shuffled } from '../../core/random.js';
import { sameSource, type Span } from './scoring.js';
import type { ArenaQuestion, Protocol } from './types.js';

export interface StoredDocument {
  id: string;
  source: string;
  text: string;
}

/** The stored document a question's evidence names, else the first whose text holds its answer. */
export function documentOf(question: ArenaQuestion, documents: StoredDocument[]): StoredDocument | undefined {
  for (const e of question.evidence ?? []) {
    const found = documents.find((d) => sameSource(d.source, e.source));
    if (found) return found;
  }
  if (!question.answer) return undefined;
  return documents.find((d) => d.text.includes(question.answer));
}

/** Gold evidence as character spans in the stored text; quotes are looked up (whitespace-tolerant). */
export function goldSpans(question: ArenaQuestion, documents: StoredDocument[]): { spans: Span[]; unresolved: string[] } {
  const spans: Span[] = [];
  const unresolved: string[] = [];
  for (const e of question.evidence ?? []) {
    const doc = documents.find((d) => sameSource(d.source, e.source));
    if (!doc) {
      unresolved.push(`${question.id}: no stored document matches evidence source "${e.source}"`);
      continue;
    }
    if ('quote' in e) {
      const at = findQuote(doc.text, e.quote);
      if (!at) unresolved.push(`${question.id}: the evidence quote is not in ${e.source}`);
      else spans.push({ source: doc.source, ...at });
    } else spans.push({ source: doc.source, start: e.start, end: e.end });
  }
  return { spans, unresolved };
}

function findQuote(text: string, quote: string): { start: number; end: number } | undefined {
  const exact = text.indexOf(quote);
  if (exact >= 0) return { start: exact, end: exact + quote.length };
  const pattern = quote.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
  const match = new RegExp(pattern).exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : undefined;
}

/**
 * Assigns each question to train or test.
 * - knowledge-injection: every document is known to every arm (ingested, and trained on);
 *   the questions are split, so the test questions are different questions about the same
 *   documents. A file's own `split` fields are kept.
 * - generalisation: documents are dealt into train and test, and each question follows its
 *   document, so the test asks about documents no adapter was trained on.
 * Unanswerable questions are always test questions.
 */
export function assignSplits(questions: ArenaQuestion[], protocol: Protocol, documents: StoredDocument[], options: { testShare?: number; seed?: number } = {}): ArenaQuestion[] {
  const share = options.testShare ?? 0.5;
  const seed = options.seed ?? 42;
  if (protocol === 'knowledge-injection') {
    const open = questions.filter((q) => !q.split && q.answerable);
    const testIds = new Set(shuffled(open.map((q) => q.id), createRandom(`ki:${seed}`)).slice(0, Math.round(open.length * share)));
    return questions.map((q) => ({ ...q, split: !q.answerable ? 'test' : (q.split ?? (testIds.has(q.id) ? 'test' : 'train')) }));
  }
  const ids = [...new Set(documents.map((d) => d.id))].sort();
  const testDocs = new Set(shuffled(ids, createRandom(`gen:${seed}`)).slice(0, Math.max(1, Math.round(ids.length * share))));
  return questions.map((q) => {
    if (!q.answerable) return { ...q, split: 'test' as const };
    const doc = documentOf(q, documents);
    return { ...q, split: doc && !testDocs.has(doc.id) ? ('train' as const) : ('test' as const) };
  });
}

/** Generalisation trains only on the documents of training questions. */
export function trainingDocumentIds(questions: ArenaQuestion[], protocol: Protocol, documents: StoredDocument[]): Set<string> {
  if (protocol === 'knowledge-injection') return new Set(documents.map((d) => d.id));
  const ids = new Set<string>();
  for (const q of questions) {
    if (q.split !== 'train') continue;
    const doc = documentOf(q, documents);
    if (doc) ids.add(doc.id);
  }
  return ids;
}
