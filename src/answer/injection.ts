/**
 * Documents are data. These patterns catch text that addresses the model rather
 * than the reader; such passages are flagged in the trace and never quoted as an
 * answer by the extractive answerer. The generative prompt is the main guard
 * (sources are fenced and declared as data); this is defence in depth.
 */
const INSTRUCTION_PATTERNS: RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|all|any|the)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules?|directions?|context)\b/i,
  /\byou are now\b|\bact as\b[^.!?\n]{0,30}\b(?:assistant|ai|model|system)\b/i,
  /\b(?:system prompt|developer message|jailbreak)\b/i,
  /\b(?:respond|reply|answer|say)\s+(?:only\s+)?(?:with\s+)?["'“][^"'”]{1,40}["'”]\s+(?:to|for)\s+(?:every|all|any)\b/i,
  /<\/?\s*(?:system|assistant|instructions?|source)\s*>/i,
];

export function looksLikeInstruction(text: string): boolean {
  return INSTRUCTION_PATTERNS.some((pattern) => pattern.test(text));
}
