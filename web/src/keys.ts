/** Keys (admins): list, create with a role and collections (the secret is shown once), revoke. */
import type { AppContext } from './context.js';
import { formatDate, h } from './dom.js';
import type { ApiKeySummary } from './types.js';

export function createKeysScreen(ctx: AppContext): { element: HTMLElement; onShow: () => void } {
  const status = h('p', { class: 'muted', role: 'status' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'keys-table' },
    h('caption', { class: 'visually-hidden' }, 'API keys'),
    h('thead', {}, h('tr', {}, ...['Name', 'Id', 'Role', 'Collections', 'Created', ''].map((t, i) => h('th', { scope: 'col' }, i === 5 ? h('span', { class: 'visually-hidden' }, 'Actions') : t)))),
    body,
  );
  const name = h('input', { id: 'key-name', required: true, maxlength: 100, autocomplete: 'off' });
  const role = h('select', { id: 'key-role' }, h('option', { value: 'reader' }, 'reader'), h('option', { value: 'editor' }, 'editor'), h('option', { value: 'admin' }, 'admin'));
  const collections = h('input', { id: 'key-collections', required: true, placeholder: 'hr, sales — or * for all', autocomplete: 'off' });
  const secret = h('div', { class: 'key-secret', hidden: true, role: 'alert' });
  const form = h(
    'form',
    { class: 'key-form', 'aria-label': 'Create a key' },
    h('div', { class: 'field' }, h('label', { for: 'key-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'key-role' }, 'Role'), role),
    h('div', { class: 'field' }, h('label', { for: 'key-collections' }, 'Collections'), collections),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create key')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const granted = collections.value.split(',').map((c) => c.trim()).filter(Boolean);
    try {
      const created = await ctx.api.createKey({ name: name.value.trim(), role: role.value as ApiKeySummary['role'], collections: granted });
      const value = h('code', { class: 'secret-value' }, created.key);
      const copy = h('button', { type: 'button', onclick: () => void navigator.clipboard?.writeText(created.key).then(() => ctx.notify('Key copied.')) }, 'Copy');
      secret.replaceChildren(h('p', {}, h('strong', {}, `Key “${created.name}” created. `), 'Copy it now: it is shown only this once.'), h('p', {}, value, ' ', copy));
      secret.hidden = false;
      name.value = '';
      collections.value = '';
      await load();
    } catch (error) {
      ctx.notify(error instanceof Error ? error.message : String(error), 'error');
    }
  });

  async function revoke(key: ApiKeySummary): Promise<void> {
    if (!window.confirm(`Revoke the key “${key.name}” (${key.keyId})? Programs using it stop working at once.`)) return;
    try {
      await ctx.api.revokeKey(key.keyId);
      ctx.notify(`Key “${key.name}” revoked.`);
      await load();
    } catch (error) {
      ctx.notify(error instanceof Error ? error.message : String(error), 'error');
    }
  }

  const admin = h('div', { class: 'keys-admin' }, table, h('h2', {}, 'Create a key'), form, secret);

  async function load(): Promise<void> {
    try {
      const me = await ctx.api.me();
      if (me.role !== 'admin') {
        admin.hidden = true;
        status.textContent = `Only administrators manage keys; this key (“${me.name}”) is a ${me.role}.`;
        return;
      }
      admin.hidden = false;
      if (me.open) status.textContent = 'The server runs open (no keys yet): create the first admin key with “tailor keys create”, then keys can be managed here.';
      const keys = await ctx.api.keys();
      if (!me.open) status.textContent = `${keys.length} key${keys.length === 1 ? '' : 's'} within your grants.`;
      body.replaceChildren(
        ...keys.map((key) =>
          h(
            'tr',
            { 'data-key': key.keyId },
            h('td', {}, key.name),
            h('td', {}, h('code', {}, key.keyId)),
            h('td', {}, key.role),
            h('td', {}, key.collections.join(', ')),
            h('td', {}, formatDate(key.createdAt)),
            h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${key.name}`, onclick: () => void revoke(key) }, 'Revoke')),
          ),
        ),
      );
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  const element = h(
    'section',
    { class: 'screen keys', 'aria-labelledby': 'keys-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'keys-title' }, 'Keys')),
    status,
    admin,
  );
  return { element, onShow: () => void load() };
}
