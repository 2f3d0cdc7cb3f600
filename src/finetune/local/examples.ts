import { formatTranscript } from '../../providers/llama-cpp/transcript.js';
import type { TrainingExample } from '../trainer.js';

/** The model's tokenizer, as node-llama-cpp exposes it (no BOS added by `tokenize`). */
export interface TextTokenizer {
  tokenize(text: string): number[];
  bos: number;
  eos: number;
}

/** Tokens of one training sequence; `trained[i]` says whether token i is predicted with loss. */
export interface EncodedSequence {
  id: string;
  tokens: number[];
  trained: boolean[];
}

const ROLE_LABEL = { system: 'System', user: 'User', assistant: 'Assistant' } as const;

/**
 * The plain chat format used both to train and at inference (stories260K and other base models
 * have no chat template): one "Role: content" line per message. The model learns to write the
 * text after "Assistant:", its newline, and, after the last answer, EOS. Base models whose EOS
 * embedding was never trained (stories260K: llama2.c separates stories with BOS) cannot learn to
 * emit EOS, so generation with them should also stop at "\n".
 */
export function formatChatPrompt(messages: TrainingExample['messages']): string {
  return formatTranscript(messages);
}

/**
 * An example with exactly one message, an assistant one, is raw text for continued pretraining:
 * every token is trained and no role labels are added.
 */
export function isRawTextExample(example: TrainingExample): boolean {
  return example.messages.length === 1 && example.messages[0]!.role === 'assistant';
}

export function rawTextExample(id: string, text: string): TrainingExample {
  return { id, messages: [{ role: 'assistant', content: text }] };
}

function commonPrefix(a: number[], b: number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Tokenises a chat example as one text so token boundaries match what the model sees at
 * inference, then marks the tokens that belong to answers: the answer segment starts where
 * the tokens of the text before it stop being a prefix of the whole.
 */
function encodeChat(example: TrainingExample, tokenizer: TextTokenizer): EncodedSequence {
  const segments: Array<{ text: string; trained: boolean }> = [];
  example.messages.forEach((m) => {
    if (m.role === 'assistant') {
      segments.push({ text: 'Assistant:', trained: false });
      segments.push({ text: ` ${m.content}\n`, trained: true });
    } else {
      segments.push({ text: `${ROLE_LABEL[m.role]}: ${m.content}\n`, trained: false });
    }
  });
  const full = segments.map((s) => s.text).join('');
  const tokens = [tokenizer.bos, ...tokenizer.tokenize(full)];
  const trained = new Array<boolean>(tokens.length).fill(false);
  let text = '';
  let start = 1;
  for (const segment of segments) {
    text += segment.text;
    const end = segment === segments[segments.length - 1] ? tokens.length : commonPrefix(tokens, [tokenizer.bos, ...tokenizer.tokenize(text)]);
    if (segment.trained) for (let i = start; i < end; i++) trained[i] = true;
    start = Math.max(start, end);
  }
  if (example.messages[example.messages.length - 1]!.role === 'assistant') {
    tokens.push(tokenizer.eos);
    trained.push(true);
  }
  return { id: example.id, tokens, trained };
}

/**
 * Raw text becomes BOS + text + EOS split into windows of `maxSeqLen + 1` tokens (each window
 * predicts maxSeqLen tokens); later windows start with the previous window's last token.
 */
function encodeRaw(example: TrainingExample, tokenizer: TextTokenizer, maxSeqLen: number): EncodedSequence[] {
  const all = [tokenizer.bos, ...tokenizer.tokenize(example.messages[0]!.content), tokenizer.eos];
  const out: EncodedSequence[] = [];
  for (let start = 0, part = 0; start < all.length - 1; start += maxSeqLen, part++) {
    const tokens = all.slice(start, start + maxSeqLen + 1);
    const trained = tokens.map((_, i) => i > 0);
    out.push({ id: part === 0 ? example.id : `${example.id}#${part}`, tokens, trained });
  }
  return out;
}

export interface EncodeReport {
  sequences: EncodedSequence[];
  warnings: string[];
}

/** Tokens the longest chat example needs as maxSeqLen (its length less the first, unpredicted token); 0 when all are raw text. */
export function longestChatSequence(examples: TrainingExample[], tokenizer: TextTokenizer): number {
  let longest = 0;
  for (const example of examples) {
    if (!isRawTextExample(example)) longest = Math.max(longest, encodeChat(example, tokenizer).tokens.length - 1);
  }
  return longest;
}

/** Turns examples into trainable sequences of at most maxSeqLen + 1 tokens. */
export function encodeExamples(examples: TrainingExample[], tokenizer: TextTokenizer, maxSeqLen: number): EncodeReport {
  const sequences: EncodedSequence[] = [];
  const warnings: string[] = [];
  for (const example of examples) {
    if (isRawTextExample(example)) {
      sequences.push(...encodeRaw(example, tokenizer, maxSeqLen));
      continue;
    }
    const seq = encodeChat(example, tokenizer);
    if (seq.tokens.length > maxSeqLen + 1) {
      warnings.push(`Example ${example.id} has ${seq.tokens.length} tokens; truncated to ${maxSeqLen + 1} (maxSeqLen).`);
      seq.tokens = seq.tokens.slice(0, maxSeqLen + 1);
      seq.trained = seq.trained.slice(0, maxSeqLen + 1);
    }
    if (!seq.trained.some(Boolean)) {
      warnings.push(`Example ${example.id} has no answer tokens within maxSeqLen; skipped.`);
      continue;
    }
    sequences.push(seq);
  }
  return { sequences, warnings };
}

export function trainedTokenCount(seq: EncodedSequence): number {
  let n = 0;
  for (let i = 1; i < seq.tokens.length; i++) if (seq.trained[i]) n++;
  return n;
}
