/** History: past answers from the server's traces (those this key may see), filterable, each with its "why". */
import { citationTarget, renderAnswer } from './answer-view.js';
import type { AppContext } from './context.js';
import { formatDate, h } from './dom.js';
import type { ApiTraceRecord } from './types.js';
import { renderWhyPanel } from './why-panel.js';

export function createHistoryScreen(ctx: AppContext): { element: HTMLElement; onShow: () => void } {
  const text = h('input', { id: 'history-text', type: 'search', placeholder: 'Words in the question or answer' });
  const collection = h('select', { id: 'history-collection' });
  const from = h('input', { id: 'history-from', type: 'date' });
  const to = h('input', { id: 'history-to', type: 'date' });
  const outcome = h('select', { id: 'history-outcome' }, h('option', { value: '' }, 'All'), h('option', { value: 'answered' }, 'Answered'), h('option', { value: 'refused' }, 'Refused'));
  const count = h('p', { class: 'muted small', role: 'status' });
  const list = h('ol', { class: 'history-list' });
  let traces: ApiTraceRecord[] = [];

  const field = (id: string, label: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const filters = h(
    'form',
    { class: 'history-filters', 'aria-label': 'Find past answers' },
    field('history-text', 'Contains', text),
    field('history-collection', 'Collection', collection),
    field('history-from', 'From', from),
    field('history-to', 'To', to),
    field('history-outcome', 'Outcome', outcome),
  );
  filters.addEventListener('submit', (event) => event.preventDefault());
  for (const input of [text, collection, from, to, outcome]) input.addEventListener('input', render);

  function matches(trace: ApiTraceRecord): boolean {
    const words = text.value.trim().toLowerCase();
    if (words && !`${trace.question} ${trace.answer.text}`.toLowerCase().includes(words)) return false;
    if (collection.value && !trace.collections.includes(collection.value) && !trace.collections.includes('*')) return false;
    const day = trace.createdAt.slice(0, 10);
    if (from.value && day < from.value) return false;
    if (to.value && day > to.value) return false;
    if (outcome.value === 'refused' && !trace.answer.refused) return false;
    if (outcome.value === 'answered' && trace.answer.refused) return false;
    return true;
  }

  function render(): void {
    const shown = traces.filter(matches);
    count.textContent = traces.length === 0 ? 'No answers yet: ask something in Chat.' : `${shown.length} of ${traces.length} answers`;
    list.replaceChildren(
      ...shown.map((trace) => {
        const details = h(
          'details',
          { class: 'history-item', 'data-trace': trace.id },
          h(
            'summary',
            {},
            h('span', { class: 'history-question' }, trace.question),
            ' ',
            h('span', { class: trace.answer.refused ? 'status failed' : 'status indexed' }, trace.answer.refused ? 'refused' : 'answered'),
            h('span', { class: 'muted small' }, ` ${formatDate(trace.createdAt)} · ${trace.collections.includes('*') ? 'all collections' : trace.collections.join(', ')}`),
          ),
        );
        details.addEventListener('toggle', () => {
          if (!details.open || details.querySelector('.answer')) return;
          const answer = { ...trace.answer, traceId: trace.id };
          const view = renderAnswer(answer, (citation) => void ctx.viewer.open(citationTarget(citation)));
          view.append(renderWhyPanel(answer, (target) => void ctx.viewer.open(target)));
          details.append(view);
        });
        return h('li', {}, details);
      }),
    );
  }

  async function load(): Promise<void> {
    try {
      traces = await ctx.api.traces(500);
      const names = [...new Set([...ctx.collections.list().map((c) => c.name), ...traces.flatMap((t) => t.collections.filter((c) => c !== '*'))])].sort();
      const chosen = collection.value;
      collection.replaceChildren(h('option', { value: '' }, 'All collections'), ...names.map((n) => h('option', { value: n }, n)));
      collection.value = names.includes(chosen) ? chosen : '';
      render();
    } catch (error) {
      count.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  const element = h(
    'section',
    { class: 'screen history', 'aria-labelledby': 'history-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'history-title' }, 'History'), h('button', { type: 'button', onclick: () => void load() }, 'Refresh')),
    h('p', { class: 'muted' }, 'Past answers asked with this key (admins also see those of keys within their grants). Open one to see why it was given.'),
    filters,
    count,
    list,
  );
  return { element, onShow: () => void load() };
}
