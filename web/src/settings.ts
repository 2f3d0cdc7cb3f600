/** The API key screen: a key kept in this browser's localStorage and sent with every request. */
import type { AppContext } from './context.js';
import { h } from './dom.js';

export function createSettingsScreen(ctx: AppContext): HTMLElement {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'tlr_…' });
  input.value = ctx.apiKey.get() ?? '';
  const show = h('input', { id: 'show-key', type: 'checkbox' });
  show.addEventListener('change', () => (input.type = show.checked ? 'text' : 'password'));
  const result = h('p', { class: 'key-status', role: 'status' });

  async function check(): Promise<void> {
    result.textContent = 'Checking…';
    try {
      // Asked directly, so a rejected key shows here rather than only as a toast.
      const collections = await ctx.api.collections();
      void ctx.collections.refresh();
      const visible = `${collections.length} collection${collections.length === 1 ? '' : 's'} visible`;
      result.textContent = ctx.apiKey.get() ? `Connected: ${visible} with this key.` : `Connected without a key (the server runs open): ${visible}.`;
      result.className = 'key-status ok';
    } catch (error) {
      result.textContent = error instanceof Error ? error.message : String(error);
      result.className = 'key-status error';
    }
  }

  const form = h(
    'form',
    { class: 'settings-form' },
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input),
    h('div', { class: 'field field-inline' }, show, h('label', { for: 'show-key' }, 'Show key')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: () => { input.value = ''; ctx.apiKey.set(null); void check(); } }, 'Forget key'),
    ),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.apiKey.set(input.value.trim() || null);
    void check();
  });

  return h(
    'section',
    { class: 'screen settings', 'aria-labelledby': 'settings-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'settings-title' }, 'API key')),
    h(
      'p',
      { class: 'muted' },
      'If this server asks for a key, paste the one you were given here; it stays in this browser. A server running on your own computer without keys needs none. Administrators create keys with the command “tailor keys create”.',
    ),
    form,
  );
}
