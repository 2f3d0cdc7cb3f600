import type { CollectionsModel } from './context.js';
import { h } from './dom.js';

/** Which collection a picker shows; by default the selection shared by Chat and Documents. */
export interface CollectionSelection {
  get(): string;
  set(name: string): void;
}

/** A selection of a page's own, remembered in this browser, so one page never silently narrows another. */
export function storedSelection(storage: Storage, key: string): CollectionSelection {
  return { get: () => storage.getItem(key) ?? '', set: (name) => storage.setItem(key, name) };
}

/** Fills a form's own collection <select> with the collections, keeping its choice (else the shared selection). */
export function fillCollectionSelect(select: HTMLSelectElement, model: CollectionsModel): void {
  const keep = select.value || model.selected();
  select.replaceChildren(...model.list().map((c) => h('option', { value: c.name, selected: c.name === keep }, c.name)));
}

/** A labelled <select> bound to a collection selection. */
export function createCollectionPicker(model: CollectionsModel, options: { id: string; allowAll: boolean; selection?: CollectionSelection }): HTMLElement {
  const selection = options.selection ?? { get: model.selected, set: model.select };
  const select = h('select', { id: options.id, name: 'collection' });
  select.addEventListener('change', () => {
    selection.set(select.value);
    if (options.selection) render();
  });

  function render(): void {
    const options_ = model.list().map((c) =>
      h('option', { value: c.name }, `${c.name} (${c.documents} doc${c.documents === 1 ? '' : 's'})`),
    );
    const all = options.allowAll ? [h('option', { value: '' }, 'All collections')] : [];
    if (!options.allowAll && options_.length === 0) all.push(h('option', { value: '', disabled: true }, 'No collections yet'));
    select.replaceChildren(...all, ...options_);
    const chosen = selection.get();
    const known = model.list().some((c) => c.name === chosen);
    select.value = known ? chosen : options.allowAll ? '' : (model.list()[0]?.name ?? '');
  }
  model.subscribe(render);
  render();
  return h('div', { class: 'field field-inline' }, h('label', { for: options.id }, 'Collection'), select);
}
