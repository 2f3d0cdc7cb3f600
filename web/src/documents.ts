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
      const documents = await ctx.api.documents(collection);
      if (ticket !== loading) return; // a newer refresh is on its way
      listBody.replaceChildren(documents.length > 0 ? renderTable(documents) : h('p', { class: 'muted' }, 'No documents yet: drop some above.'));
    } catch (error) {
      if (ticket === loading) listBody.replaceChildren(h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
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
    h('div', { class: 'list-section', 'aria-labelledby': 'doc-list-title' }, listTitle, listBody),
  );
  return { element, onShow: () => void refreshList() };
}
