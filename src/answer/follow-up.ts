import type { ChatMessage } from '../core/types.js';
import { questionTerms, subjectTerms } from './question-terms.js';
import { analyze } from '../index/analyzer.js';

const PRONOUN = /\b(it|its|it's|they|them|their|this|that|these|those|he|she|him|her|his)\b/i;
const LEADING_QUESTION = /^\s*(?:(?:what|who|how|why|when|where|which)(?:'s|\s+(?:is|are|was|were|does|do|did|can|could|should|would|about|many|much|long|often))?|tell me about|explain|describe|and)\s+/i;
const AUXILIARY = /\b(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had)\b/i;

/**
 * The question a conversation's last user turn asks, made to stand alone so
 * retrieval can find it: "What does it stand for?" after "What is Rc<T>?" becomes
 * "What does Rc<T> stand for?". Without a model this is a rule, not a paraphrase:
 * a pronoun in a short follow-up is replaced by the subject of the previous
 * question. A question that names its own subject is left as it is.
 */
export function resolveFollowUp(messages: ChatMessage[]): { question: string; resolvedFrom?: string } {
  const users = messages.filter((m) => m.role === 'user' && m.content.trim() !== '');
  const question = users[users.length - 1]?.content.trim() ?? '';
  if (users.length < 2) return { question };
  const pronoun = PRONOUN.exec(question);
  if (!pronoun || subjectTerms(question).length > 0) return { question };
  // Walk back to the latest earlier question that names something.
  for (let i = users.length - 2; i >= 0; i--) {
    const earlier = users[i]!.content.trim();
    const subject = subjectPhrase(earlier);
    if (!subject) continue;
    // A follow-up that already shares the earlier subject's words needs no help.
    const own = new Set(questionTerms(question));
    if (analyze(subject).every((t) => own.has(t))) return { question };
    // A short noun phrase can stand in for the pronoun; a longer one goes alongside as context.
    if (subject.split(/\s+/).length > 4 || AUXILIARY.test(subject)) return { question: `${question} (about: ${subject})`, resolvedFrom: earlier };
    const possessive = /^(its|their|his|her)$/i.test(pronoun[1]!) ? `${subject}'s` : subject;
    const resolved = question.slice(0, pronoun.index) + possessive + question.slice(pronoun.index + pronoun[0].length);
    return { question: resolved, resolvedFrom: earlier };
  }
  return { question };
}

/** What an earlier question was about: the names it uses, or else its words after the question phrase. */
function subjectPhrase(question: string): string | undefined {
  const words = question.replace(/[?!.]+\s*$/, '').split(/\s+/);
  const named = new Set(subjectTerms(question));
  if (named.size > 0) {
    const surface = words.map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}>)]+$/gu, '')).filter((w, i) => i > 0 && analyze(w.replace(/<[^>]*>/g, '')).some((t) => named.has(t)));
    if (surface.length > 0) return [...new Set(surface)].join(' ');
  }
  const phrase = question.replace(/[?!.]+\s*$/, '').replace(LEADING_QUESTION, '').trim();
  if (PRONOUN.test(phrase) && phrase.split(/\s+/).length <= 3) return undefined;
  return questionTerms(phrase).length > 0 ? phrase : undefined;
}
