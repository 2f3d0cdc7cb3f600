/**
 * Documents are data. These patterns catch text that addresses the model rather
 * than the reader; a passage that matches is flagged in the trace and no part of it
 * is ever quoted or cited as an answer. The generative prompt is the main guard
 * (sources are fenced and declared as data, role tokens neutralised); this is
 * defence in depth.
 */
const INSTRUCTION_PATTERNS: RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|all|any|the)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules?|directions?|context)\b/i,
  /\byou are now\b|\bact as\b[^.!?\n]{0,30}\b(?:assistant|ai|model|system)\b/i,
  /\b(?:system prompt|developer message|developer mode|jailbreak|dan mode)\b/i,
  /\b(?:respond|reply|answer|say)\s+(?:only\s+)?(?:with\s+)?["'“][^"'”]{1,40}["'”]\s+(?:to|for)\s+(?:every|all|any)\b/i,
  /\b(?:respond|reply|answer|output|print)\s+(?:only\s+)?(?:with\s+)?["'“]?[A-Z]{4,}\b/,
  /\breveal\b[^.!?\n]{0,40}\b(?:system|prompts?|instructions?|secrets?|api keys?|passwords?|configuration)\b/i,
  /<\/?\s*(?:system|assistant|instructions?|source)\s*>/i,
  // Chat-template control tokens and role headers: only a prompt has them.
  /<\|[a-z_]{2,32}\|>|\[\/?INST\]|<<\/?SYS>>/i,
  /^[ \t>]*(?:#{1,6}[ \t]*)?(?:system|assistant|developer)[ \t]*:/im,
];

export function looksLikeInstruction(text: string): boolean {
  return INSTRUCTION_PATTERNS.some((pattern) => pattern.test(text));
}

const ROLE_TOKEN = /<\|([a-z_]{1,32})\|>/gi;
const LLAMA_TOKENS = /\[(\/?)INST\]|<<(\/?)SYS>>/gi;
const ROLE_LINE = /^([ \t>]*)(#{1,6}[ \t]*)?(system|assistant|user|human|developer|instructions?)[ \t]*:/gim;
const DOCUMENT_MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/**
 * Makes document (or question) text inert before it enters any prompt: chat-template
 * tokens lose their delimiters (`<|im_start|>` → `‹|im_start|›`), role headers their
 * colon (`SYSTEM:` → `(SYSTEM)`), and the document's own `[n]` markers become `(n)`
 * so only Tailor's numbering of sources reads as a citation.
 */
export function neutraliseRoleTokens(text: string): string {
  return text
    .replace(ROLE_TOKEN, '‹|$1|›')
    .replace(LLAMA_TOKENS, (_m, slash: string | undefined, sysSlash: string | undefined) => (_m.startsWith('[') ? `(${slash ?? ''}INST)` : `‹‹${sysSlash ?? ''}SYS››`))
    .replace(ROLE_LINE, (_m, lead: string, hashes: string | undefined, role: string) => `${lead}${hashes ?? ''}(${role})`)
    .replace(DOCUMENT_MARKER, '($1)');
}
