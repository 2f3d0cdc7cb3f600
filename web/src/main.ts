/** Tailor's web UI: builds the app context, the shell and the hash router. */
import './styles.css';
import { ApiError, createApiClient } from './api.js';
import { createChatScreen } from './chat.js';
import { createCollectionsModel, type AppContext } from './context.js';
import { createDocumentsScreen } from './documents.js';
import { createEvaluateScreen } from './evaluate.js';
import { h } from './dom.js';
import { createSearchScreen } from './search.js';
import { createSettingsScreen } from './settings.js';
import { createDocumentViewer } from './viewer.js';
import { createHistoryScreen } from './history.js';
import { createKeysScreen } from './keys.js';
import { createHomeSettingsScreen } from './home-settings.js';
import { createFinetuneApi } from './finetune-api.js';
import { createDatasetsScreen } from './datasets.js';
import { createFinetuneScreen } from './finetune.js';
import { createAdaptersScreen } from './adapters.js';

const KEY_STORAGE = 'tailor.apiKey';

function start(root: HTMLElement): void {
  const storage = window.localStorage;
  const apiKey = {
    get: () => storage.getItem(KEY_STORAGE),
    set: (key: string | null) => (key ? storage.setItem(KEY_STORAGE, key) : storage.removeItem(KEY_STORAGE)),
  };
  const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  // An error that a later request proved stale (the server is back, the key now works) should not linger.
  const clearErrors = () => toasts.querySelectorAll('.toast.error').forEach((toast) => toast.remove());
  const api = createApiClient({ getKey: apiKey.get, onSuccess: clearErrors });

  function notify(message: string, kind: 'info' | 'error' = 'info'): void {
    const toast = h('div', { class: `toast ${kind}` }, message);
    toasts.append(toast);
    setTimeout(() => toast.remove(), kind === 'error' ? 8000 : 4000);
  }
  function reportError(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) location.hash = '#/settings';
    notify(error instanceof Error ? error.message : String(error), 'error');
  }

  const viewerPanel = h('aside', { class: 'viewer', id: 'viewer', hidden: true });
  const ctx: AppContext = {
    api,
    apiKey,
    notify,
    collections: createCollectionsModel(api, storage, reportError),
    viewer: createDocumentViewer(api, viewerPanel, reportError),
  };

  const documents = createDocumentsScreen(ctx);
  const history = createHistoryScreen(ctx);
  const keys = createKeysScreen(ctx);
  const homeSettings = createHomeSettingsScreen(ctx);
  const finetuneApi = createFinetuneApi(apiKey.get);
  const evaluate = createEvaluateScreen(ctx, finetuneApi);
  const datasets = createDatasetsScreen(ctx, finetuneApi);
  const finetune = createFinetuneScreen(ctx, finetuneApi);
  const adapters = createAdaptersScreen(ctx, finetuneApi);
  const screens: Record<string, { label: string; element: HTMLElement; onShow?: () => void }> = {
    chat: { label: 'Chat', element: createChatScreen(ctx) },
    documents: { label: 'Documents', element: documents.element, onShow: documents.onShow },
    search: { label: 'Search', element: createSearchScreen(ctx) },
    evaluate: { label: 'Evaluate', element: evaluate.element, onShow: evaluate.onShow },
    history: { label: 'History', element: history.element, onShow: history.onShow },
    keys: { label: 'Keys', element: keys.element, onShow: keys.onShow },
    home: { label: 'Settings', element: homeSettings.element, onShow: homeSettings.onShow },
    datasets: { label: 'Datasets', element: datasets.element, onShow: datasets.onShow },
    'fine-tune': { label: 'Fine-tune', element: finetune.element, onShow: finetune.onShow },
    adapters: { label: 'Adapters', element: adapters.element, onShow: adapters.onShow },
    settings: { label: 'API key', element: createSettingsScreen(ctx) },
  };

  const links = Object.entries(screens).map(([id, screen]) => h('a', { href: `#/${id}`, 'data-screen': id }, screen.label));
  const version = h('span', { class: 'version muted small' });
  const main = h('main', { id: 'main', tabindex: '-1' }, ...Object.values(screens).map((s) => s.element));

  root.replaceChildren(
    h('a', { href: '#main', class: 'skip-link' }, 'Skip to content'),
    h('header', { class: 'app-header' }, h('div', { class: 'brand' }, 'Tailor', version), h('nav', { 'aria-label': 'Main' }, ...links)),
    h('div', { class: 'layout' }, main, viewerPanel),
    toasts,
  );

  let shown = '';
  function route(): void {
    const id = location.hash.replace(/^#\/?/, '');
    const active = id in screens ? id : 'chat';
    // The viewer belongs to the page that opened it; on a phone it would otherwise cover the next page.
    if (shown && shown !== active) ctx.viewer.close();
    shown = active;
    for (const [name, screen] of Object.entries(screens)) screen.element.hidden = name !== active;
    for (const link of links) {
      if (link.dataset.screen === active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${screens[active].label} · Tailor`;
    screens[active].onShow?.();
  }
  window.addEventListener('hashchange', route);
  route();

  void api.health().then((health) => (version.textContent = health.version ? `v${health.version}` : ''), () => notify('The Tailor server is not reachable.', 'error'));
  void ctx.collections.refresh();
}

start(document.getElementById('app')!);
