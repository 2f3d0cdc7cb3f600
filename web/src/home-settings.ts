/** Settings: the home, read-only — models, embedder, thresholds, store kind and size, collections. */
import type { AppContext } from './context.js';
import { formatBytes, h } from './dom.js';
import type { ApiSettings } from './types.js';

export function createHomeSettingsScreen(ctx: AppContext): { element: HTMLElement; onShow: () => void } {
  const content = h('div', { class: 'settings-view' }, h('p', { class: 'muted' }, 'Loading…'));

  const list = (rows: Array<[string, string | number | null | undefined]>) =>
    h('dl', { class: 'facts-list' }, ...rows.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null ? '–' : String(v))]));

  function render(s: ApiSettings): void {
    const sections = [
      h('h2', {}, 'Models'),
      list([['Chat model', s.models.chat], ['Embedder', s.models.embedder], ['Models this key can use', s.models.list.join(', ')]]),
      h('h2', {}, 'Answering'),
      list([['Passages retrieved (k)', s.answering.k], ['Minimum support to answer', s.answering.minSupport]]),
      h('h2', {}, 'Store'),
      list([['Kind', s.store.kind === 'sqlite' ? 'SQLite (in the home)' : 'PostgreSQL'], ['Size', s.store.sizeBytes === null ? null : formatBytes(s.store.sizeBytes)], ['Documents', s.store.documents], ['Chunks', s.store.chunks]]),
      h(
        'table',
        { class: 'collections-table' },
        h('caption', {}, 'Collections this key can read'),
        h('thead', {}, h('tr', {}, ...['Collection', 'Documents', 'Chunks'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...s.collections.map((c) => h('tr', {}, h('td', {}, c.name), h('td', { class: 'num' }, c.documents), h('td', { class: 'num' }, c.chunks)))),
      ),
      h('h2', {}, 'This key'),
      list([['Role', s.role], ['Server', `v${s.version}${s.open ? ' · running open (no keys)' : ''}`], ['Keys in reach', s.keys]]),
    ];
    if (s.limits) {
      sections.push(
        h('h2', {}, 'Server limits'),
        list([
          ['Largest upload', formatBytes(s.limits.maxUploadBytes)], ['Largest file', formatBytes(s.limits.maxFileBytes)],
          ['Rate per key', s.limits.ratePerSecond > 0 ? `${s.limits.ratePerSecond}/s, burst ${s.limits.rateBurst}` : 'off'], ['Request timeout', `${s.limits.requestTimeoutMs / 1000} s`],
        ]),
      );
    }
    content.replaceChildren(...sections);
  }

  async function load(): Promise<void> {
    try {
      render(await ctx.api.settings());
    } catch (error) {
      content.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    }
  }

  const element = h(
    'section',
    { class: 'screen home-settings', 'aria-labelledby': 'home-settings-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'home-settings-title' }, 'Settings')),
    h('p', { class: 'muted' }, 'How this server’s home is set up (read-only; change it with the tailor command).'),
    content,
  );
  return { element, onShow: () => void load() };
}
