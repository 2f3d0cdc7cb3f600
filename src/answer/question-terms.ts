import { analyze } from '../index/analyzer.js';

/**
 * Words that shape a question but say nothing about its subject ("how many …
 * do … get"), in the analyser's stemmed form. BM25 keeps them (Lucene's short stop
 * list scores best on retrieval benchmarks); evidence support must not count them,
 * or any sentence with "do" would look like an answer.
 */
const QUESTION_WORDS = new Set([
  'how', 'mani', 'much', 'what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'whether',
  'do', 'doe', 'did', 'done', 'get', 'got', 'can', 'could', 'should', 'would', 'mai', 'might', 'must', 'shall',
  'i', 'me', 'my', 'we', 'our', 'us', 'you', 'your', 'he', 'she', 'him', 'her', 'his', 'its', 'them',
  'tell', 'explain', 'describ', 'know', 'ha', 'have', 'had', 'ani', 'some', 'so', 'from', 'about', 'than', 'also',
  'pleas', 'give', 'list', 'name', 'long', 'kind', 'type',
]);

/** The content terms of a question, de-duplicated, in order. */
export function questionTerms(question: string): string[] {
  const terms = [...new Set(analyze(question))];
  const content = terms.filter((t) => !QUESTION_WORDS.has(t));
  // A question made only of such words ("how long?") keeps them rather than becoming empty.
  return content.length > 0 ? content : terms;
}

/**
 * The named things a question is about: words capitalised mid-sentence ("Rc",
 * "Kubernetes") or written like code ("Rc<T>", "fs.readFile"). A
 * passage that never mentions them cannot answer, however many other words it shares.
 */
export function subjectTerms(question: string): string[] {
  const words = question.trim().split(/\s+/);
  const named: string[] = [];
  words.forEach((word, i) => {
    const bare = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}>)]+$/gu, '');
    if (bare === '' || bare === 'I') return;
    const capitalised = i > 0 && /^\p{Lu}/u.test(bare);
    const codeLike = /[<>()_]|\.\p{L}|::|\p{Ll}\p{Lu}/u.test(bare);
    if (!capitalised && !codeLike) return;
    const terms = analyze(bare.replace(/<[^>]*>|\(\)$/g, ''));
    for (const t of terms) if (!QUESTION_WORDS.has(t) && !/^\d+$/.test(t)) named.push(t);
  });
  return [...new Set(named)];
}
