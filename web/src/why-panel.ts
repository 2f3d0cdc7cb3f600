/** "Why this answer": what was retrieved (with every score) and the exact prompt messages. */
import type { PassageTarget } from './context.js';
import { formatScore, h } from './dom.js';
import { truncate } from './answer-view.js';
import type { AnswerWithTrace, RetrievedChunk } from './types.js';

export function chunkTarget(item: RetrievedChunk, label: string): PassageTarget {
  return { documentId: item.chunk.documentId, start: item.chunk.start, end: item.chunk.end, page: item.chunk.page, label, title: item.document.title };
}

export function renderScoresTable(items: RetrievedChunk[], onOpen: (item: RetrievedChunk) => void, options: { caption: string; renderText?: (item: RetrievedChunk) => Node }): HTMLElement {
  const reranked = items.some((item) => item.scores.rerank !== undefined);
  const rows = items.map((item) =>
    h(
      'tr',
      {},
      h('td', { class: 'num' }, item.rank),
      h(
        'td',
        { class: 'passage-cell' },
        h('button', { type: 'button', class: 'source-link', onclick: () => onOpen(item) }, item.document.title || item.document.source),
        item.chunk.page !== undefined ? h('span', { class: 'page-label' }, ` page ${item.chunk.page}`) : null,
        item.chunk.headingPath.length > 0 ? h('div', { class: 'heading-path' }, item.chunk.headingPath.join(' › ')) : null,
        h('div', { class: 'chunk-text' }, options.renderText ? options.renderText(item) : truncate(item.chunk.text, 300)),
      ),
      h('td', { class: 'num' }, formatScore(item.scores.bm25)),
      h('td', { class: 'num' }, formatScore(item.scores.vector)),
      h('td', { class: 'num' }, formatScore(item.scores.fused)),
      reranked ? h('td', { class: 'num' }, formatScore(item.scores.rerank)) : null,
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'scores' },
      h('caption', { class: 'visually-hidden' }, options.caption),
      h('thead', {}, h('tr', {}, ...['#', 'Passage', 'BM25', 'Vector', 'Fused', ...(reranked ? ['Rerank'] : [])].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
    ),
  );
}

export function renderWhyPanel(answer: AnswerWithTrace, onOpen: (target: PassageTarget) => void): HTMLElement {
  const trace = answer.trace;
  const facts = [
    `generator: ${trace.generator}`,
    ...Object.entries(trace.timingsMs).map(([k, v]) => `${k}: ${Math.round(v)} ms`),
    trace.usage.totalTokens !== undefined ? `tokens: ${trace.usage.totalTokens}` : '',
    answer.traceId ? `trace: ${answer.traceId}` : '',
  ].filter(Boolean);

  const retrieved =
    trace.retrieved.length > 0
      ? renderScoresTable(trace.retrieved, (item) => onOpen(chunkTarget(item, `Retrieved #${item.rank}`)), { caption: 'Retrieved passages and their scores' })
      : h('p', { class: 'muted' }, 'Nothing was retrieved.');

  const prompt = h(
    'ol',
    { class: 'prompt' },
    ...trace.prompt.map((message) => h('li', {}, h('div', { class: `role role-${message.role}` }, message.role), h('pre', {}, message.content))),
  );

  return h(
    'details',
    { class: 'why' },
    h('summary', {}, 'Why this answer'),
    h('p', { class: 'facts' }, facts.join(' · ')),
    trace.warnings.length > 0 ? h('ul', { class: 'warnings' }, ...trace.warnings.map((w) => h('li', {}, w))) : null,
    h('h3', {}, `Retrieved passages (${trace.retrieved.length})`),
    retrieved,
    h('h3', {}, 'Prompt sent to the model'),
    trace.prompt.length > 0 ? prompt : h('p', { class: 'muted' }, 'No prompt (the answer was not generated).'),
  );
}
