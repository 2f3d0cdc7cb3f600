/**
 * The source panel: a document's stored text with one passage highlighted and
 * scrolled into view. For PDFs it also offers a page view (the page's extracted
 * text, the passage highlighted) and the original file when the server has it.
 */
import type { ApiClient } from './api.js';
import type { DocumentViewer, PassageTarget } from './context.js';
import { append, h } from './dom.js';
import { pageOf, splitAround } from './passage.js';
import type { DocumentDetail, PageSpan } from './types.js';

export function createDocumentViewer(api: ApiClient, panel: HTMLElement, onError: (error: unknown) => void): DocumentViewer {
  let mode: 'text' | 'page' = 'text';
  let current: { target: PassageTarget; detail: DocumentDetail; page?: PageSpan } | undefined;
  let openedFrom: Element | null = null;

  const heading = h('h2', { id: 'viewer-title', tabindex: '-1' }, 'Source');
  const meta = h('p', { class: 'viewer-meta' });
  const toolbar = h('div', { class: 'viewer-toolbar', role: 'toolbar', 'aria-label': 'Source view' });
  const body = h('div', { class: 'doc-text', tabindex: '0', 'aria-label': 'Document text' });
  const closeButton = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close source', onclick: () => close() }, '×');
  panel.replaceChildren(h('header', { class: 'viewer-header' }, heading, closeButton), meta, toolbar, body);
  panel.setAttribute('aria-labelledby', 'viewer-title');
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  // Only the open document is reused: others may have been deleted or re-ingested since.
  function load(id: string): Promise<DocumentDetail> {
    return current?.detail.document.id === id ? Promise.resolve(current.detail) : api.document(id);
  }

  function render(): void {
    if (!current) return;
    const { target, detail } = current;
    const page = current.page;
    const isPdf = detail.document.format === 'pdf';
    const pageNumber = target.page ?? pageOf(detail.pages, target.start)?.page;

    heading.textContent = target.title ?? detail.document.title ?? 'Source';
    meta.replaceChildren();
    append(
      meta,
      h('span', { class: 'badge' }, target.label),
      pageNumber !== undefined ? h('span', { class: 'page-label' }, `page ${pageNumber}`) : null,
      h('span', { class: 'viewer-source', title: detail.document.source }, detail.document.source),
    );

    toolbar.replaceChildren();
    if (isPdf && detail.pages && detail.pages.length > 0) {
      toolbar.append(
        h('button', { type: 'button', 'aria-pressed': String(mode === 'text'), onclick: () => setMode('text') }, 'Full text'),
        h('button', { type: 'button', 'aria-pressed': String(mode === 'page'), onclick: () => setMode('page') }, pageNumber !== undefined ? `Page ${pageNumber} view` : 'Page view'),
      );
      if (mode === 'page' && page) {
        const index = detail.pages.indexOf(page);
        toolbar.append(
          h('button', { type: 'button', disabled: index <= 0, 'aria-label': 'Previous page', onclick: () => showPage(detail.pages![index - 1]) }, '‹'),
          h('span', { class: 'page-label', 'aria-live': 'polite' }, `page ${page.page} of ${detail.pages.length}`),
          h('button', { type: 'button', disabled: index >= detail.pages.length - 1, 'aria-label': 'Next page', onclick: () => showPage(detail.pages![index + 1]) }, '›'),
        );
      }
    }
    if (isPdf && detail.fileAvailable !== false) {
      toolbar.append(h('button', { type: 'button', class: 'link-button', onclick: () => void openOriginal(detail.document.id, page?.page ?? pageNumber) }, 'Open original PDF'));
    }

    const [textOffset, text] = mode === 'page' && page ? [page.start, detail.text.slice(page.start, page.end)] : [0, detail.text];
    const [before, inside, after] = splitAround(text, textOffset, target.start, target.end);
    const mark = h('mark', { class: 'passage', id: 'passage', tabindex: '-1' }, inside);
    body.replaceChildren(before, inside ? mark : '', after);
    if (inside) {
      // Scroll inside the panel only; the page around it stays where the reader left it.
      body.scrollTop = Math.max(0, mark.offsetTop - body.offsetTop - body.clientHeight / 3);
    } else {
      body.scrollTop = 0;
    }
  }

  function setMode(next: 'text' | 'page'): void {
    mode = next;
    if (current && next === 'page') current.page = pageOf(current.detail.pages, current.target.start);
    render();
  }

  function showPage(page: PageSpan | undefined): void {
    if (!current || !page) return;
    current.page = page;
    render();
  }

  async function openOriginal(id: string, page: number | undefined): Promise<void> {
    // Fetched with the API key, then handed to the browser's own PDF viewer at the page.
    const tab = window.open('', '_blank');
    try {
      const blob = await api.documentFile(id);
      const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
      const href = page !== undefined ? `${url}#page=${page}` : url;
      if (tab) tab.location.href = href;
      else window.location.assign(href);
    } catch (error) {
      tab?.close();
      onError(error);
    }
  }

  function close(): void {
    panel.hidden = true;
    document.body.classList.remove('viewer-open');
    current = undefined;
    if (openedFrom instanceof HTMLElement) openedFrom.focus();
  }

  return {
    async open(target) {
      openedFrom = document.activeElement;
      panel.hidden = false;
      document.body.classList.add('viewer-open');
      heading.textContent = target.title ?? 'Source';
      meta.replaceChildren(h('span', { class: 'badge' }, target.label));
      toolbar.replaceChildren();
      body.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
      panel.setAttribute('aria-busy', 'true');
      try {
        const detail = await load(target.documentId);
        mode = 'text';
        current = { target, detail, page: pageOf(detail.pages, target.start) };
        render();
        heading.focus({ preventScroll: true });
      } catch (error) {
        body.replaceChildren(h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
        onError(error);
      } finally {
        panel.removeAttribute('aria-busy');
      }
    },
    close,
  };
}
