import { chunkSentences } from '../../answer/sentences.js';
import type { GeneratedQuestion, SourceChunk } from './questions.js';

const STOPWORDS = new Set(
  'about above after again against because before being below between could doesn during other their there these those through under until which while would should might must shall also into from with that this have been were what when where your yours ours them they then than very just only some such each more most many much over same both here'.split(' '),
);

const BLANK = '_____';

/** Sentences worth asking about: whole statements of moderate length, not headings or table debris. */
function usableSentences(source: SourceChunk): string[] {
  const heading = source.chunk.headingPath.at(-1)?.trim();
  return chunkSentences(source.chunk)
    .map((s) => s.text.trim())
    .filter((text) => {
      const words = text.split(/\s+/).length;
      return words >= 6 && words <= 60 && text !== heading && /[.!?;:)"']$|[\p{L}\p{N}]$/u.test(text);
    });
}

/** The most specific term of a sentence: a number, else a name, else its longest uncommon word. */
export function salientTerm(sentence: string): string | undefined {
  const number = /(?<![\p{L}\p{N}])\d[\d,.]*(?:\s?(?:%|percent|million|billion|thousand|years?|days?|months?|mg|kg|km|m|USD|EUR))?(?![\p{L}\p{N}])/u.exec(sentence);
  if (number && number[0].replace(/[,.]$/, '').length > 0) return number[0].replace(/[,.]$/, '');
  const words = [...sentence.matchAll(/[\p{L}][\p{L}\p{N}'-]*/gu)];
  // Capitalised words after the first word are usually names.
  for (let i = 1; i < words.length; i++) {
    const w = words[i][0];
    if (/^\p{Lu}/u.test(w) && w.length > 2 && !STOPWORDS.has(w.toLowerCase())) {
      // A name runs on over capitalised words separated by single spaces ("New York City").
      let end = words[i].index! + w.length;
      for (let j = i + 1; j < words.length && /^\p{Lu}/u.test(words[j][0]) && words[j].index === end + 1 && sentence[end] === ' '; j++) {
        end = words[j].index! + words[j][0].length;
      }
      return sentence.slice(words[i].index!, end);
    }
  }
  const candidates = words.map((m) => m[0]).filter((w) => w.length >= 7 && !STOPWORDS.has(w.toLowerCase()));
  return candidates.sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
}

function titleOf(source: SourceChunk): string {
  return source.document.title || source.document.source;
}

/**
 * Deterministic questions without a model: a heading question ("What does X say about <section>?"
 * answered by the section's first sentences) and a cloze question (a sentence with its most
 * specific term blanked). The same chunk always yields the same questions.
 */
export function offlineQuestions(source: SourceChunk, perChunk = 2): GeneratedQuestion[] {
  const sentences = usableSentences(source);
  if (sentences.length === 0) return [];
  const out: GeneratedQuestion[] = [];
  const title = titleOf(source);
  const heading = source.chunk.headingPath.at(-1)?.trim();
  if (heading && heading !== title) {
    const evidence = sentences.slice(0, 2).join(' ');
    out.push({ question: `What does "${title}" say about ${heading}?`, answer: evidence, evidence, style: 'heading', source });
  }
  for (const sentence of sentences) {
    if (out.length >= perChunk) break;
    const term = salientTerm(sentence);
    if (!term) continue;
    const at = sentence.indexOf(term);
    const blanked = sentence.slice(0, at) + BLANK + sentence.slice(at + term.length);
    out.push({
      question: `According to "${title}", what fills the blank: "${blanked}"`,
      answer: `${term}. The document says: "${sentence}"`,
      evidence: sentence,
      style: 'cloze',
      source,
    });
  }
  return out.slice(0, perChunk);
}
