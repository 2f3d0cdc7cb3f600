/**
 * The Fine-tune screen: start a run, follow its loss curves live (train per step, validation per
 * epoch, the best epoch), perplexity before and after, cancel. Runs live on the server, so a reload
 * finds the latest one and follows it again.
 */
import type { AppContext } from './context.js';
import { formatDate, h } from './dom.js';
import { message, type FinetuneApi, type TrainingRun } from './finetune-api.js';
import { lossChart } from './loss-chart.js';

const FINAL = new Set(['done', 'failed', 'cancelled', 'interrupted']);

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

const number = (name: string, value: string, min: string, step = '1') => h('input', { type: 'number', name, value, min, step });

export function createFinetuneScreen(ctx: AppContext, api: FinetuneApi): { element: HTMLElement; onShow: () => void } {
  const datasetSelect = h('select', { name: 'dataset', required: true });
  const baseSelect = h('select', { name: 'base', required: true });
  const backendSelect = h('select', { name: 'backend' });
  const adapterName = h('input', { name: 'adapter', placeholder: 'default: <dataset>-<backend>-<time>', autocomplete: 'off' });
  const epochs = number('epochs', '3', '1');
  const rank = number('rank', '8', '1');
  const lr = number('learningRate', '0.001', '0', 'any');
  const batch = number('batchSize', '8', '1');
  const maxSeqLen = number('maxSeqLen', '256', '8');
  const patience = number('patience', '1', '1');
  const form = h('form', { class: 'training-form', 'aria-labelledby': 'train-title' },
    h('h2', { id: 'train-title' }, 'Start a run'),
    h('div', { class: 'form-grid' },
      field('train-dataset', 'Dataset', datasetSelect), field('train-base', 'Base model', baseSelect), field('train-backend', 'Backend', backendSelect), field('train-adapter', 'Adapter name', adapterName),
      field('train-epochs', 'Epochs', epochs), field('train-rank', 'LoRA rank', rank), field('train-lr', 'Learning rate', lr), field('train-batch', 'Batch size', batch),
      field('train-seq', 'Max sequence length', maxSeqLen), field('train-patience', 'Early-stopping patience (epochs)', patience)),
    h('button', { type: 'submit' }, 'Start training'));

  const runsList = h('div', { class: 'training-runs' });
  const status = h('p', { class: 'training-status', role: 'status', 'aria-live': 'polite' });
  const progress = h('progress', { id: 'training-progress', max: 1, value: 0 });
  const chart = h('figure', { class: 'loss-figure' });
  const facts = h('dl', { class: 'training-facts' });
  const cancelButton = h('button', { type: 'button', class: 'danger', hidden: true }, 'Cancel run');
  const detail = h('section', { class: 'training-run', 'aria-labelledby': 'run-title', hidden: true },
    h('h2', { id: 'run-title' }, 'Run'), status, h('label', { for: 'training-progress' }, 'Training progress'), progress, chart, facts, cancelButton);

  let following: AbortController | undefined;
  let shown: TrainingRun | undefined;

  function render(run: TrainingRun): void {
    shown = run;
    detail.hidden = false;
    (detail.querySelector('#run-title') as HTMLElement).textContent = `Run ${run.adapter}`;
    detail.dataset.status = run.status;
    const last = run.steps.at(-1);
    progress.max = Math.max(1, run.totalSteps);
    progress.value = last?.step ?? 0;
    const eta = run.status === 'running' && run.etaSeconds !== undefined ? `, about ${Math.max(0, Math.round(run.etaSeconds))} s left` : '';
    status.textContent = `${run.status}${last ? ` — step ${last.step} of ${run.totalSteps || '?'}, loss ${last.loss.toFixed(4)}` : ''}${eta}${run.error ? `: ${run.error.message}` : ''}`;
    chart.replaceChildren(lossChart(run), h('figcaption', { class: 'muted small' }, 'Train loss per step and validation loss per epoch (nats per trained token); the dashed line marks the best epoch, whose weights are kept.'));
    const ppl = run.perplexity;
    const rows: Array<[string, string]> = [
      ['Dataset', run.dataset], ['Base model', run.base], ['Backend', run.backend], ['Started', formatDate(run.createdAt)],
      ['Validation loss', run.epochs.map((e) => (e.validationLoss === undefined ? '–' : e.validationLoss.toFixed(4))).join(' → ') || '–'],
      ['Best epoch', run.bestEpoch ? `${run.bestEpoch}${run.stoppedEarly ? ' (stopped early)' : ''}` : '–'],
      ['Perplexity before → after', ppl && ppl.before !== null && ppl.after !== null ? `${ppl.before.toFixed(3)} → ${ppl.after.toFixed(3)}` : '–'],
    ];
    if (run.notes.length) rows.push(['Notes', run.notes.join('; ')]);
    facts.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v)]));
    cancelButton.hidden = FINAL.has(run.status);
  }

  async function follow(run: TrainingRun): Promise<void> {
    following?.abort();
    const controller = new AbortController();
    following = controller;
    render(run);
    if (FINAL.has(run.status)) return;
    let current = run;
    try {
      await api.events(`/api/training/${encodeURIComponent(run.id)}/events`, (event) => {
        const data = JSON.parse(event.data);
        if (event.event === 'run' || event.event === 'state') current = data as TrainingRun;
        else if (event.event === 'step') current = { ...current, steps: [...current.steps, data.step], totalSteps: data.totalSteps, etaSeconds: data.etaSeconds };
        else if (event.event === 'epoch') current = { ...current, epochs: [...current.epochs, data.epoch], bestEpoch: data.bestEpoch };
        render(current);
      }, controller.signal);
      if (FINAL.has(current.status)) void refreshRuns(false);
    } catch (error) {
      if (!controller.signal.aborted) status.textContent = message(error);
    }
  }

  cancelButton.addEventListener('click', async () => {
    if (!shown) return;
    try {
      await api.cancelTraining(shown.id);
      ctx.notify(`Cancelling ${shown.adapter}…`);
    } catch (error) {
      ctx.notify(message(error), 'error');
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const hyperparameters: Record<string, number> = {
      epochs: Number(epochs.value), rank: Number(rank.value), learningRate: Number(lr.value), batchSize: Number(batch.value), maxSeqLen: Number(maxSeqLen.value), earlyStoppingPatience: Number(patience.value),
    };
    try {
      const started = await api.startTraining({ dataset: datasetSelect.value, base: baseSelect.value, backend: backendSelect.value, ...(adapterName.value.trim() ? { adapter: adapterName.value.trim() } : {}), hyperparameters });
      ctx.notify(`Training ${started.adapter} started.`);
      await refreshRuns(true);
    } catch (error) {
      ctx.notify(message(error), 'error');
    }
  });

  async function refreshRuns(followLatest: boolean): Promise<void> {
    try {
      const { runs } = await api.runs();
      runsList.replaceChildren(runs.length === 0 ? h('p', { class: 'muted' }, 'No training runs yet.') : h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Training runs'),
        h('thead', {}, h('tr', {}, ...['Adapter', 'Dataset', 'Status', 'Steps', 'Started'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...runs.map((run) => {
          const open = h('button', { type: 'button', class: 'link-button' }, run.adapter);
          open.addEventListener('click', () => void follow(run));
          return h('tr', { 'data-run': run.id }, h('td', {}, open), h('td', {}, run.dataset), h('td', {}, h('span', { class: `status ${run.status}` }, run.status)), h('td', { class: 'num' }, String(run.steps.length)), h('td', {}, formatDate(run.createdAt)));
        })))));
      // After a reload the newest run is followed again, so its progress is still in view.
      if (followLatest && runs[0]) void follow(runs[0]);
    } catch (error) {
      runsList.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  }

  async function onShow(): Promise<void> {
    try {
      const [{ datasets }, models] = await Promise.all([api.datasets(), api.models()]);
      const keep = datasetSelect.value;
      datasetSelect.replaceChildren(...datasets.map((d) => h('option', { value: d.name, selected: d.name === keep }, `${d.name} (${d.count} examples)`)));
      baseSelect.replaceChildren(...models.models.map((m) => h('option', { value: m.name }, m.name)));
      backendSelect.replaceChildren(...models.backends.map((b) => h('option', { value: b, selected: b === 'local' }, b)));
    } catch (error) {
      ctx.notify(message(error), 'error');
    }
    await refreshRuns(!shown);
  }

  const element = h('section', { class: 'screen finetune', 'aria-labelledby': 'finetune-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'finetune-title' }, 'Fine-tune')), form, detail, runsList);
  return { element, onShow: () => void onShow() };
}
