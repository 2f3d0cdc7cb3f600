import type { Answer, Filter, Usage } from '../core/types.js';
import type { ChatModel } from '../providers/types.js';
import { generateText } from '../providers/generate.js';
import type { Retriever } from '../retrieval/retriever.js';
import { buildRagPrompt, REFUSAL_TEXT } from './prompt.js';
import { selectAnswerSentences } from './extractive.js';
import { citationsFromMarkers } from './cite.js';
import { looksLikeInstruction } from './injection.js';
import { createAnswerSanitizer, sanitizeAnswerText } from './sanitize.js';
import { composeExtractive } from './compose.js';
import { estimateUsage, fitParts } from './budget.js';

export interface AskOptions {
  question: string;
  retriever: Retriever;
  /** Without a chat model the built-in extractive answerer composes the answer. */
  chatModel?: ChatModel;
  k?: number;
  filter?: Filter;
  /**
   * Least weighted share of the question's terms the evidence must contain (0..1);
   * below it Tailor refuses instead of guessing.
   */
  minSupport?: number;
  maxTokens?: number;
  temperature?: number;
  systemPrompt?: string;
  /** Receives answer text as it is generated (streaming). */
  onText?: (delta: string) => void;
  abortSignal?: AbortSignal;
}

export const DEFAULT_MIN_SUPPORT = 0.35;

export async function ask(options: AskOptions): Promise<Answer> {
  const started = performance.now();
  const minSupport = options.minSupport ?? DEFAULT_MIN_SUPPORT;
  const retrieval = await options.retriever.retrieve({
    query: options.question,
    k: options.k ?? 6,
    filter: options.filter,
    abortSignal: options.abortSignal,
  });
  const retrieved = retrieval.results;
  const prompt = buildRagPrompt(options.question, retrieved, options.systemPrompt);
  const extractive = selectAnswerSentences(options.question, retrieved);
  const warnings = [...retrieval.warnings];
  if (extractive.flaggedSkipped > 0) {
    warnings.push(`${extractive.flaggedSkipped} retrieved sentence(s) read like instructions to a model; they were treated as data and not used as an answer.`);
  }
  const timingsMs: Record<string, number> = { retrieve: retrieval.timingsMs.total };
  const trace = (generator: string, usage: Usage = {}) => ({
    query: options.question,
    retrieved,
    prompt,
    generator,
    support: extractive.support,
    timingsMs: { ...timingsMs, total: performance.now() - started },
    usage,
    warnings,
  });
  const generator = options.chatModel ? `${options.chatModel.provider}:${options.chatModel.modelId}` : 'extractive';

  if (retrieved.length === 0 || extractive.support < minSupport) {
    const reason =
      retrieved.length === 0
        ? 'No passage matched the question.'
        : extractive.unknownSubjects.length > 0
          ? `No passage mentions ${extractive.unknownSubjects.map((t) => `"${t}"`).join(' or ')}, which the question asks about.`
          : `The best evidence covers ${(extractive.support * 100).toFixed(0)}% of the question's terms; Tailor needs at least ${(minSupport * 100).toFixed(0)}% to answer.`;
    options.onText?.(REFUSAL_TEXT);
    const usage = options.chatModel ? {} : estimateUsage(prompt, REFUSAL_TEXT);
    return { text: REFUSAL_TEXT, citations: [], refused: true, refusalReason: reason, finishReason: 'stop', trace: trace(generator, usage) };
  }

  if (!options.chatModel) {
    const composed = composeExtractive(extractive, retrieved);
    const fitted = fitParts(composed.parts, composed.citations, options.maxTokens);
    // Each part goes out as soon as it is composed, so a stream shows the answer sentence by sentence.
    fitted.parts.forEach((part, i) => options.onText?.(i === 0 ? part : ' ' + part));
    const text = fitted.parts.join(' ');
    timingsMs.generate = 0;
    if (composed.conflicts) warnings.push('The sources disagree about the value asked for; the answer shows each value with its source.');
    if (fitted.truncated) warnings.push(`The answer was cut at maxTokens (${options.maxTokens}).`);
    return {
      text, citations: fitted.citations, refused: false,
      ...(composed.shortAnswer ? { shortAnswer: composed.shortAnswer } : {}),
      ...(composed.conflicts ? { conflicts: composed.conflicts } : {}),
      finishReason: fitted.truncated ? 'length' : 'stop',
      trace: trace(generator, estimateUsage(prompt, text)),
    };
  }

  const generateStarted = performance.now();
  const call = { messages: prompt, maxTokens: options.maxTokens ?? 512, temperature: options.temperature ?? 0, abortSignal: options.abortSignal };
  // A flagged passage may not be cited; every other marker, tag or control token is cleaned as it streams.
  const citable = new Set(retrieved.flatMap((hit, i) => (looksLikeInstruction(hit.chunk.text) ? [] : [i + 1])));
  let clean: string;
  let generated;
  if (options.onText) {
    const sanitizer = createAnswerSanitizer({ allowedMarkers: citable });
    const parts: string[] = [];
    const emit = (piece: string) => {
      if (!piece) return;
      parts.push(piece);
      options.onText!(piece);
    };
    generated = await generateText(options.chatModel, call, (delta) => emit(sanitizer.push(delta)));
    emit(sanitizer.flush());
    clean = parts.join('');
  } else {
    generated = await generateText(options.chatModel, call);
    clean = sanitizeAnswerText(generated.text, { allowedMarkers: citable });
  }
  const text = clean.trim();
  const usage = generated.usage;
  timingsMs.generate = performance.now() - generateStarted;
  const refused = isRefusal(text);
  const { citations } = citationsFromMarkers(text, retrieved);
  // Markers to missing sources were neutralised in the text; the warning still names them.
  const { unknownMarkers } = citationsFromMarkers(generated.text, retrieved);
  if (unknownMarkers.length > 0) warnings.push(`The model cited sources that do not exist: [${unknownMarkers.join('], [')}].`);
  if (!refused && citations.length === 0) warnings.push('The model gave no [n] citations; its answer is not grounded in a checked source.');
  return {
    text,
    citations: refused ? [] : citations,
    refused,
    finishReason: generated.finishReason === 'length' ? 'length' : 'stop',
    refusalReason: refused ? 'The model said the sources do not contain the answer.' : undefined,
    trace: trace(generator, usage),
  };
}

function isRefusal(text: string): boolean {
  const head = text.slice(0, 120).toLowerCase();
  return head.startsWith("i don't know") || head.startsWith('i do not know') || head.includes('do not contain the answer');
}
