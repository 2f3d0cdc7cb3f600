/**
 * Starting an arena run from the Evaluate screen: the collection, the arms (as `tailor arena --arms`)
 * and how many questions. The run is a job on the server; its progress (with an estimate, also after a
 * reload) shows here, and the run opens when the job ends.
 */
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { message, type FinetuneApi } from './finetune-api.js';
import { createJobProgress } from './job-progress.js';
import { fillCollectionSelect } from './collection-picker.js';
import type { StartArenaBody } from './types.js';

const DEFAULT_ARMS = 'rag=extractive,rag-k1=extractive+k:1';

export function createArenaStartForm(ctx: AppContext, api: FinetuneApi, onFinished: (runId: string) => Promise<void>): { element: HTMLElement; refresh(): void } {
  const collection = h('select', { id: 'arena-collection', name: 'collection', required: true });
  const arms = h('input', { id: 'arena-arms', name: 'arms', value: DEFAULT_ARMS, required: true, spellcheck: false, 'aria-describedby': 'arena-arms-help' });
  const questions = h('input', { id: 'arena-questions', name: 'questions', type: 'number', min: '1', max: '1000', value: '20', required: true });
  const progress = h('progress', { id: 'arena-progress', max: 1, value: 0, hidden: true });
  const status = h('p', { class: 'arena-start-status', role: 'status', 'aria-live': 'polite' });
  const start = h('button', { type: 'submit' }, 'Start run');
  const form = h(
    'form',
    { class: 'arena-start', 'aria-label': 'Start an arena run' },
    h('h2', {}, 'Start a run'),
    h('div', { class: 'field' }, h('label', { for: 'arena-collection' }, 'Collection'), collection),
    h('div', { class: 'field wide' }, h('label', { for: 'arena-arms' }, 'Arms'), arms,
      h('p', { id: 'arena-arms-help', class: 'muted small' }, 'name=model[+adapter:NAME][+k:N], comma-separated. Models: extractive, gguf:<a model the server offers> (Fine-tune lists them), or an adapter (Adapters). Questions are generated from the collection.')),
    h('div', { class: 'field' }, h('label', { for: 'arena-questions' }, 'Questions'), questions),
    h('div', { class: 'actions' }, start),
    h('label', { for: 'arena-progress', class: 'visually-hidden' }, 'Run progress'),
    progress,
    status,
  );

  // A run keeps going on the server across reloads; its progress is shown again until it ends.
  const runJob = createJobProgress({
    api, storageKey: 'tailor.arenaRun', progress, status, unit: 'answers',
    onEnd: async (job, last) => {
      status.textContent = last.state === 'done' ? `Run ${job.subject} finished.` : `Run ${job.subject} failed: ${last.error?.message ?? 'unknown error'}`;
      await onFinished(job.subject);
    },
  });
  void runJob.resume();

  const refresh = () => fillCollectionSelect(collection, ctx.collections);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    start.disabled = true;
    try {
      const body: StartArenaBody = { collections: [collection.value], arms: arms.value.trim(), maxQuestions: Number(questions.value) };
      const { jobId, runId } = await ctx.api.startArena(body);
      await runJob.follow({ jobId, subject: runId, label: `Run ${runId}` });
    } catch (error) {
      status.textContent = message(error);
    } finally {
      start.disabled = false;
    }
  });

  ctx.collections.subscribe(refresh);
  return { element: form, refresh };
}
