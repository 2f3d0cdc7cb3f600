/** The documents screen: collections, uploads and the per-collection document list. */
import { createCollectionPicker } from './collection-picker.js';
import type { AppContext } from './context.js';
import { formatBytes, formatDate, h } from './dom.js';
import type { DocumentListItem } from './types.js';
import { createUploadZone } from './upload.js';

export function createDocumentsScreen(ctx: AppContext): { element: HTMLElement; onShow: () => void } {
  const current = () => ctx.collections.selected() || ctx.collections.list()[0]?.name || '';
  const listBody = h('div', { class: 'doc-list', 'aria-live': 'polite' });
  const listTitle = h('h2', { id: 'doc-list-title' }, 'Documents');
  const filter = h('input', { id: 'doc-filter', name: 'filter', type: 'search', placeholder: 'Title, file or status', autocomplete: 'off' });
  const filterField = h('div', { class: 'field field-inline doc-filter', hidden: true }, h('label', { for: 'doc-filter' }, 'Filter'), filter);
  let documents: DocumentListItem[] = [];
  let page = 0;
  filter.addEventListener('input', () => {
    page = 0;
    renderList();
  });

  const nameInput = h('input', { id: 'new-collection', name: 'name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9._-]{0,63}', placeholder: 'e.g. handbook', autocomplete: 'off' });
  const createForm = h(
    'form',
    { class: 'field field-inline create-collection' },
    h('label', { for: 'new-collection' }, 'New collection'),
    nameInput,
    h('button', { type: 'submit' }, 'Create'),
  );
  nameInput.title = 'Letters, digits, dot, dash and underscore';
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) return;
    try {
      await ctx.api.createCollection(name);
      nameInput.value = '';
      await ctx.collections.refresh();
      ctx.collections.select(name);
      ctx.notify(`Collection “${name}” created.`);
    } catch (error) {
      ctx.notify(error instanceof Error ? error.message : String(error), 'error');
    }
  });

  let loading = 0;
  async function refreshList(): Promise<void> {
    const collection = current();
    const ticket = ++loading;
    listTitle.textContent = collection ? `Documents in ${collection}` : 'Documents';
    if (!collection) {
      listBody.replaceChildren(h('p', { class: 'muted' }, 'No collection yet: create one to upload documents into.'));
      return;
    }
    try {
      const listed = await ctx.api.documents(collection);
      if (ticket !== loading) return; // a newer refresh is on its way
      documents = listed;
      renderList();
    } catch (error) {
      if (ticket === loading) listBody.replaceChildren(h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
  }

  function renderList(): void {
    filterField.hidden = documents.length === 0;
    if (documents.length === 0) {
      listBody.replaceChildren(h('p', { class: 'muted' }, 'No documents yet: drop some above.'));
      return;
    }
    const shown = filterDocuments(documents, filter.value);
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    const first = page * PAGE_SIZE;
    const slice = shown.slice(first, first + PAGE_SIZE);
    const go = (to: number) => () => {
      page = to;
      renderList();
    };
    const pager = h(
      'nav',
      { class: 'pager', 'aria-label': 'Document pages' },
      h('button', { type: 'button', disabled: page === 0, onclick: go(page - 1) }, 'Previous'),
      h('span', { class: 'muted small', role: 'status' }, shown.length === 0 ? `No match among ${documents.length}` : `${first + 1}–${first + slice.length} of ${shown.length}${shown.length < documents.length ? ` (filtered from ${documents.length})` : ''}`),
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: go(page + 1) }, 'Next'),
    );
    listBody.replaceChildren(slice.length > 0 ? renderTable(slice) : h('p', { class: 'muted' }, 'No document matches the filter.'), pager);
  }

  function renderTable(documents: DocumentListItem[]): HTMLElement {
    const rows = documents.map((doc) =>
      h(
        'tr',
        { 'data-status': doc.status },
        h('td', {}, h('div', { class: 'doc-title' }, doc.title || doc.source), h('div', { class: 'muted small', title: doc.source }, doc.source)),
        h('td', {}, doc.format ?? '–'),
        h('td', {}, h('span', { class: `status ${doc.status}` }, doc.status), doc.reason ? h('div', { class: 'reason' }, doc.reason) : null),
        h('td', { class: 'num' }, formatBytes(doc.sizeBytes)),
        h('td', { class: 'small' }, formatDate(doc.ingestedAt)),
        h(
          'td',
          {},
          doc.status === 'indexed' && doc.id
            ? h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${doc.title || doc.source}`, onclick: () => void remove(doc) }, 'Delete')
            : null,
        ),
      ),
    );
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'documents' },
        h('caption', { class: 'visually-hidden' }, 'Documents and their indexing status'),
        h('thead', {}, h('tr', {}, ...['Document', 'Format', 'Status', 'Size', 'Indexed', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...rows),
      ),
    );
  }

  async function remove(doc: DocumentListItem): Promise<void> {
    if (!window.confirm(`Delete “${doc.title || doc.source}” and everything indexed from it?`)) return;
    try {
      await ctx.api.deleteDocument(doc.id!);
      ctx.notify(`Deleted “${doc.title || doc.source}”.`);
    } catch (error) {
      ctx.notify(error instanceof Error ? error.message : String(error), 'error');
    }
    await ctx.collections.refresh();
  }

  ctx.collections.subscribe(() => void refreshList());

  const element = h(
    'section',
    { class: 'screen documents', 'aria-labelledby': 'documents-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'documents-title' }, 'Documents'), createCollectionPicker(ctx.collections, { id: 'documents-collection', allowAll: false }), createForm),
    createUploadZone(ctx, { collection: current, onFinished: () => void ctx.collections.refresh() }),
    h('div', { class: 'list-section', 'aria-labelledby': 'doc-list-title' }, listTitle, filterField, listBody),
  );
  return { element, onShow: () => void refreshList() };
}

const PAGE_SIZE = 25;

/** Documents whose title, source, format or status contain every word of the filter (case-insensitive). */
export function filterDocuments(documents: DocumentListItem[], text: string): DocumentListItem[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return documents;
  return documents.filter((doc) => {
    const haystack = [doc.title, doc.source, doc.format, doc.status].filter(Boolean).join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
