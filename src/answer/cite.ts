import type { Citation, RetrievedChunk } from '../core/types.js';
import { analyze } from '../index/analyzer.js';
import { chunkSentences, type SentenceSpan } from './sentences.js';

export function citationFor(n: number, hit: RetrievedChunk, span: SentenceSpan): Citation {
  return {
    n,
    chunkId: hit.chunk.id,
    documentId: hit.document.id,
    source: hit.document.source,
    title: hit.document.title,
    page: hit.chunk.page,
    start: span.start,
    end: span.end,
    quote: span.text,
    headingPath: hit.chunk.headingPath,
  };
}

const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/**
 * Turns a model's [n] markers into citations that quote the exact sentence of
 * source n that best matches the answer sentence carrying the marker.
 */
export function citationsFromMarkers(answer: string, retrieved: RetrievedChunk[]): { citations: Citation[]; unknownMarkers: number[] } {
  const citations = new Map<number, Citation>();
  const unknownMarkers: number[] = [];
  for (const match of answer.matchAll(MARKER)) {
    const claim = sentenceAround(answer, match.index);
    for (const n of match[1]!.split(',').map((s) => Number(s.trim()))) {
      if (citations.has(n)) continue;
      const hit = retrieved[n - 1];
      if (!hit) {
        unknownMarkers.push(n);
        continue;
      }
      citations.set(n, citationFor(n, hit, bestMatchingSentence(hit, claim)));
    }
  }
  return { citations: [...citations.values()].sort((a, b) => a.n - b.n), unknownMarkers };
}

function sentenceAround(text: string, index: number): string {
  const before = text.lastIndexOf('.', index - 1);
  const after = text.indexOf('.', index);
  return text.slice(before + 1, after === -1 ? text.length : after);
}

function bestMatchingSentence(hit: RetrievedChunk, claim: string): SentenceSpan {
  const claimTerms = new Set(analyze(claim));
  const spans = chunkSentences(hit.chunk);
  let best: SentenceSpan | undefined;
  let bestOverlap = -1;
  for (const span of spans) {
    const overlap = analyze(span.text).filter((t) => claimTerms.has(t)).length;
    if (overlap > bestOverlap) {
      best = span;
      bestOverlap = overlap;
    }
  }
  return best ?? { start: hit.chunk.start, end: hit.chunk.end, text: hit.chunk.text };
}
