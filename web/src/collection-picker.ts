import type { CollectionsModel } from './context.js';
import { h } from './dom.js';

/** A labelled <select> bound to the shared collection selection. */
export function createCollectionPicker(model: CollectionsModel, options: { id: string; allowAll: boolean }): HTMLElement {
  const select = h('select', { id: options.id, name: 'collection' });
  select.addEventListener('change', () => model.select(select.value));

  function render(): void {
    const options_ = model.list().map((c) =>
      h('option', { value: c.name }, `${c.name} (${c.documents} doc${c.documents === 1 ? '' : 's'})`),
    );
    const all = options.allowAll ? [h('option', { value: '' }, 'All collections')] : [];
    if (!options.allowAll && options_.length === 0) all.push(h('option', { value: '', disabled: true }, 'No collections yet'));
    select.replaceChildren(...all, ...options_);
    const wanted = model.selected() || (options.allowAll ? '' : (model.list()[0]?.name ?? ''));
    select.value = wanted;
  }
  model.subscribe(render);
  render();
  return h('div', { class: 'field field-inline' }, h('label', { for: options.id }, 'Collection'), select);
}
