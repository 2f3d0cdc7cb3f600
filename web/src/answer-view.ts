/** Renders an answer: text with clickable [n] citation markers, refusal notice, sources list. */
import type { PassageTarget } from './context.js';
import { h } from './dom.js';
import type { AnswerConflict, AnswerWithTrace, Citation } from './types.js';

const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

export function citationTarget(citation: Citation): PassageTarget {
  return {
    documentId: citation.documentId,
    start: citation.start,
    end: citation.end,
    page: citation.page,
    label: `Citation [${citation.n}]`,
    title: citation.title,
  };
}

/** Answer text as nodes, each known [n] (or [n, m]) turned into buttons that open the cited passage. */
export function renderAnswerText(text: string, citations: Citation[], onCite: (citation: Citation) => void): Node[] {
  const byNumber = new Map(citations.map((c) => [c.n, c]));
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const numbers = match[1].split(',').map((n) => Number(n.trim()));
    if (!numbers.every((n) => byNumber.has(n))) continue;
    nodes.push(document.createTextNode(text.slice(last, match.index)));
    for (const n of numbers) {
      const citation = byNumber.get(n)!;
      const where = citation.page !== undefined ? `, page ${citation.page}` : '';
      nodes.push(
        h(
          'button',
          { type: 'button', class: 'cite', 'data-n': n, 'aria-label': `Show source ${n}: ${citation.title}${where}`, title: `${citation.title}${where}`, onclick: () => onCite(citation) },
          `[${n}]`,
        ),
      );
    }
    last = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

export function renderAnswer(answer: AnswerWithTrace, onCite: (citation: Citation) => void): HTMLElement {
  const container = h('div', { class: 'answer' });
  if (answer.refused) {
    container.append(
      h(
        'div',
        { class: 'refusal', role: 'note' },
        h('strong', {}, 'No answer from your documents. '),
        answer.refusalReason ?? 'The retrieved passages did not support an answer.',
      ),
    );
  }
  for (const conflict of answer.conflicts ?? []) container.append(renderConflict(conflict, answer.citations, onCite));
  container.append(h('div', { class: 'answer-text' }, ...renderAnswerText(answer.text, answer.citations, onCite)));
  if (answer.citations.length > 0) {
    const list = h('ol', { class: 'sources', 'aria-label': 'Sources' });
    for (const citation of answer.citations) {
      list.append(
        h(
          'li',
          { value: citation.n },
          h('button', { type: 'button', class: 'source-link', onclick: () => onCite(citation) }, citation.title || citation.source),
          citation.page !== undefined ? h('span', { class: 'page-label' }, ` page ${citation.page}`) : null,
          h('q', { class: 'quote' }, truncate(citation.quote, 220)),
        ),
      );
    }
    container.append(h('details', { class: 'sources-box' }, h('summary', {}, `Sources (${answer.citations.length})`), list));
  }
  return container;
}

/** Sources that disagree: each value with the citations that state it, none picked over the other. */
function renderConflict(conflict: AnswerConflict, citations: Citation[], onCite: (citation: Citation) => void): HTMLElement {
  const list = h('ul', { class: 'conflict-values' });
  for (const value of conflict.values) {
    const markers = value.citations.map((n) => `[${n}]`).join('');
    list.append(h('li', {}, h('strong', {}, value.value), ' ', ...renderAnswerText(markers, citations, onCite)));
  }
  return h('div', { class: 'conflict', role: 'note' }, h('strong', {}, 'Your sources disagree. '), `They give different ${conflict.kind === 'name' ? 'names' : conflict.kind + 's'} for what you asked; check each source:`, list);
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}
