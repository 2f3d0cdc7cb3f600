/**
 * The Adapters screen: every adapter the key may see, and for one its lineage — the documents its
 * examples came from, the dataset, the adapter — with erased-data flags and delete.
 */
import type { AppContext } from './context.js';
import { baseName, formatDate, h } from './dom.js';
import { message, type AdapterSummary, type FinetuneApi } from './finetune-api.js';

const loss = (values: number[]) => (values.length ? values.map((v) => v.toFixed(3)).join(' → ') : '–');

export function createAdaptersScreen(ctx: AppContext, api: FinetuneApi): { element: HTMLElement; onShow: () => void } {
  const list = h('div', { class: 'adapter-list', 'aria-live': 'polite' });
  const detail = h('section', { class: 'adapter-detail', 'aria-labelledby': 'adapter-title', hidden: true });

  async function show(name: string): Promise<void> {
    try {
      const a = await api.adapter(name);
      const deleteButton = h('button', { type: 'button', class: 'danger' }, `Delete ${a.name}`);
      deleteButton.addEventListener('click', async () => {
        if (!window.confirm(`Delete the adapter “${a.name}” and its files?`)) return;
        try {
          await api.deleteAdapter(a.name);
          detail.hidden = true;
          await refresh();
        } catch (error) {
          ctx.notify(message(error), 'error');
        }
      });
      const docs = a.lineage.documents;
      detail.hidden = false;
      detail.replaceChildren(
        h('h2', { id: 'adapter-title' }, `Adapter ${a.name}`),
        a.containsErasedData ? h('p', { class: 'error erased-flag', role: 'alert' }, 'Contains erased data: a document it was trained on has been erased, so it is refused for use. Retrain it: ', h('code', {}, a.retrainCommand ?? '')) : '',
        h('div', { class: 'lineage', role: 'group', 'aria-label': 'Lineage' },
          h('div', { class: 'lineage-step' }, h('h3', {}, `Documents (${docs.length})`),
            docs.length === 0 ? h('p', { class: 'muted small' }, 'The examples came from an uploaded file, not from stored documents.') : '',
            h('ul', { class: 'lineage-documents' }, ...docs.slice(0, 100).map((d) => h('li', { 'data-document': d.id, class: d.erased ? 'erased' : '' },
              d.erased ? h('span', { class: 'badge erased-badge' }, 'erased') : '', ' ', d.title ?? (d.source ? baseName(d.source) : d.id), d.collection ? h('span', { class: 'muted small' }, ` (${d.collection})`) : '')))),
          h('div', { class: 'lineage-arrow', 'aria-hidden': 'true' }, '→'),
          h('div', { class: 'lineage-step' }, h('h3', {}, 'Dataset'), h('p', {}, a.lineage.dataset.name ?? '–'),
            h('p', { class: 'muted small' }, `${a.dataset.examples} examples${a.lineage.dataset.exists ? (a.lineage.dataset.hashMatches ? ', unchanged since training' : ', changed since training') : ', since deleted'}`)),
          h('div', { class: 'lineage-arrow', 'aria-hidden': 'true' }, '→'),
          h('div', { class: 'lineage-step' }, h('h3', {}, 'Adapter'), h('p', {}, a.name), h('p', { class: 'muted small' }, `${a.backend}, ${a.format}, on ${a.baseModel.ref}`))),
        h('dl', { class: 'training-facts' },
          h('dt', {}, 'Train loss'), h('dd', {}, loss(a.metrics.trainLoss)),
          h('dt', {}, 'Validation loss'), h('dd', {}, loss(a.metrics.validationLoss)),
          h('dt', {}, 'Perplexity before → after'), h('dd', {}, a.perplexity.before !== null && a.perplexity.after !== null ? `${a.perplexity.before.toFixed(3)} → ${a.perplexity.after.toFixed(3)}` : '–'),
          h('dt', {}, 'Collections'), h('dd', {}, a.collections.join(', '))),
        deleteButton,
      );
    } catch (error) {
      detail.hidden = false;
      detail.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  }

  function row(a: AdapterSummary): HTMLTableRowElement {
    const open = h('button', { type: 'button', class: 'link-button' }, a.name);
    open.addEventListener('click', () => void show(a.name));
    return h('tr', { 'data-adapter': a.name }, h('td', {}, open), h('td', {}, a.dataset.name ?? '–'), h('td', {}, a.backend), h('td', {}, loss(a.metrics.validationLoss.length ? a.metrics.validationLoss : a.metrics.trainLoss)),
      h('td', {}, a.containsErasedData ? h('span', { class: 'badge erased-badge' }, 'contains erased data') : 'ok'), h('td', {}, formatDate(a.createdAt)));
  }

  async function refresh(): Promise<void> {
    try {
      const { adapters } = await api.adapters();
      list.replaceChildren(adapters.length === 0 ? h('p', { class: 'muted' }, 'No adapters yet: train one on the Fine-tune page.') : h('div', { class: 'table-wrap' }, h('table', { class: 'adapters' }, h('caption', {}, 'Adapters'),
        h('thead', {}, h('tr', {}, ...['Name', 'Dataset', 'Backend', 'Loss', 'Erased data', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...adapters.map(row)))));
    } catch (error) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  }

  const element = h('section', { class: 'screen adapters', 'aria-labelledby': 'adapters-title' }, h('div', { class: 'screen-header' }, h('h1', { id: 'adapters-title' }, 'Adapters')), list, detail);
  return { element, onShow: () => void refresh() };
}
