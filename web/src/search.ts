/** The search playground: raw retrieval with every score and the query terms highlighted. */
import { createCollectionPicker, storedSelection } from './collection-picker.js';
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { queryTerms, termRanges } from './passage.js';
import type { RetrievedChunk } from './types.js';
import { chunkTarget, renderScoresTable } from './why-panel.js';

export function createSearchScreen(ctx: AppContext): HTMLElement {
  const query = h('input', { id: 'search-query', name: 'query', type: 'search', required: true, placeholder: 'Search your documents…', autocomplete: 'off' });
  const k = h('input', { id: 'search-k', name: 'k', type: 'number', min: 1, max: 100, value: 8 });
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  // Search keeps its own collection (default: all), so a choice made in Chat never narrows it unseen.
  const selection = storedSelection(window.localStorage, 'tailor.searchCollection');
  const picker = createCollectionPicker(ctx.collections, { id: 'search-collection', allowAll: true, selection });

  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('div', { class: 'field grow' }, h('label', { for: 'search-query' }, 'Query'), query),
    h('div', { class: 'field narrow' }, h('label', { for: 'search-k' }, 'k'), k),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = query.value.trim();
    if (!text) return;
    results.setAttribute('aria-busy', 'true');
    try {
      const collection = picker.querySelector('select')!.value;
      const result = await ctx.api.search({ query: text, k: Number(k.value) || undefined, collections: collection ? [collection] : undefined });
      const terms = queryTerms(text);
      results.replaceChildren(
        h('p', { class: 'facts' }, `${result.results.length} result${result.results.length === 1 ? '' : 's'} · ${Math.round(result.timingsMs.total ?? 0)} ms`),
        ...result.warnings.map((w) => h('p', { class: 'warning' }, w)),
        result.results.length > 0
          ? renderScoresTable(result.results, (item) => void ctx.viewer.open(chunkTarget(item, `Search result ${item.rank}`)), {
              caption: 'Search results and their scores',
              renderText: (item) => highlightTerms(item, terms),
            })
          : h('p', { class: 'muted' }, 'Nothing matched.'),
      );
    } catch (error) {
      results.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    } finally {
      results.removeAttribute('aria-busy');
    }
  });

  return h(
    'section',
    { class: 'screen search', 'aria-labelledby': 'search-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'search-title' }, 'Search'), picker),
    form,
    results,
  );
}

function highlightTerms(item: RetrievedChunk, terms: string[]): Node {
  const text = item.chunk.text;
  const span = h('span', {});
  let last = 0;
  for (const [from, to] of termRanges(text, terms)) {
    span.append(text.slice(last, from), h('mark', { class: 'term' }, text.slice(from, to)));
    last = to;
  }
  span.append(text.slice(last));
  return span;
}
