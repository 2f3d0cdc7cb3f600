/**
 * The upload drop zone: files go up through XMLHttpRequest (byte progress), then
 * the ingest job is polled until it finishes (file progress and outcomes).
 */
import type { AppContext } from './context.js';
import { baseName, h } from './dom.js';
import type { FileOutcome, Job } from './types.js';
import { estimate } from './estimate.js';

const POLL_MS = 300;
const STORAGE = 'tailor.uploads';
const KEEP = 10;

/** An upload job remembered in this browser, so its progress is still shown after a reload. */
interface UploadRecord {
  jobId: string;
  names: string;
  collection: string;
  startedAt: number;
}

function readRecords(): UploadRecord[] {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(STORAGE) ?? '[]') as UploadRecord[];
    return Array.isArray(parsed) ? parsed.filter((r) => typeof r?.jobId === 'string') : [];
  } catch {
    return [];
  }
}

function writeRecords(records: UploadRecord[]): void {
  try {
    window.localStorage.setItem(STORAGE, JSON.stringify(records.slice(0, KEEP)));
  } catch {
    // Storage full or disabled: progress still shows until the page is left.
  }
}

export function createUploadZone(ctx: AppContext, options: { collection: () => string; onFinished: () => void }): HTMLElement {
  const input = h('input', { type: 'file', id: 'upload-input', multiple: true, class: 'visually-hidden' });
  const zone = h(
    'div',
    { class: 'dropzone', id: 'dropzone' },
    h('p', {}, h('strong', {}, 'Drop files here'), ' or ', h('label', { for: 'upload-input', class: 'link-button' }, 'choose files'), '.'),
    h('p', { class: 'muted' }, 'PDF, Word, Markdown, HTML, text, CSV, JSON.'),
    input,
  );
  const uploads = h('ul', { class: 'uploads', 'aria-live': 'polite' });

  input.addEventListener('change', () => {
    if (input.files && input.files.length > 0) void upload([...input.files]);
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) void upload(files);
  });

  async function upload(files: File[]): Promise<void> {
    const collection = options.collection();
    if (!collection) {
      ctx.notify('Create a collection first: uploads go into one.', 'error');
      return;
    }
    const names = files.length === 1 ? files[0].name : `${files.length} files`;
    const view = uploadItem(names);
    try {
      const { jobId } = await ctx.api.upload(collection, files, (loaded, total) => {
        if (total > 0) {
          view.progress.value = Math.round((loaded / total) * 100);
          view.status.textContent = `Uploading… ${view.progress.value}%`;
        }
      });
      const record = { jobId, names, collection, startedAt: Date.now() };
      writeRecords([record, ...readRecords()]);
      await track(record, view);
    } catch (error) {
      view.fail(error);
      options.onFinished();
    }
  }

  function uploadItem(names: string) {
    const progress = h('progress', { max: 100, value: 0, 'aria-label': `Progress of ${names}` });
    const status = h('span', { class: 'upload-status' }, 'Uploading…');
    const outcomes = h('ul', { class: 'outcomes' });
    const item = h('li', { class: 'upload' }, h('div', { class: 'upload-head' }, h('span', { class: 'upload-name' }, names), status), progress, outcomes);
    uploads.prepend(item);
    return {
      item, progress, status, outcomes,
      fail(error: unknown) {
        status.textContent = 'Failed';
        item.classList.add('has-failures');
        outcomes.replaceChildren(h('li', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
      },
    };
  }

  /** Follows a job to its end: files done of total, with an estimate of the time left. */
  async function track(record: UploadRecord, view: ReturnType<typeof uploadItem>): Promise<void> {
    const { progress, status, outcomes, item } = view;
    try {
      status.textContent = 'Indexing…';
      progress.removeAttribute('value'); // indeterminate until the job reports a total
      let paceStart: { at: number; done: number } | undefined;
      const job = await watchJob(record.jobId, (update) => {
        if (update.total > 0) {
          progress.max = update.total;
          progress.value = update.done;
        }
        if (update.state === 'running' && !paceStart) paceStart = { at: Date.now(), done: update.done };
        const eta = paceStart ? estimate(update.done - paceStart.done, update.total - paceStart.done, Date.now() - paceStart.at) : '';
        status.textContent = update.state === 'queued' ? 'Waiting to index…' : `Indexing… ${update.done}/${update.total || '?'}${eta}`;
      });
      outcomes.replaceChildren(...job.files.map(renderOutcome));
      if (job.error) outcomes.append(h('li', { class: 'error', role: 'alert' }, job.error.message));
      const failed = job.files.filter((f) => f.status === 'failed').length;
      status.textContent = job.state === 'failed' ? 'Failed' : failed > 0 ? `Done, ${failed} failed` : 'Done';
      item.classList.add(job.state === 'failed' || failed > 0 ? 'has-failures' : 'ok');
      progress.max = 1;
      progress.value = 1;
    } catch (error) {
      // The server forgets finished jobs after a while; an old record then just goes.
      if ((error as { status?: number }).status === 404) {
        writeRecords(readRecords().filter((r) => r.jobId !== record.jobId));
        item.remove();
      } else view.fail(error);
    } finally {
      options.onFinished();
    }
  }

  async function watchJob(id: string, onUpdate: (job: Job) => void): Promise<Job> {
    for (;;) {
      const job = await ctx.api.job(id);
      onUpdate(job);
      if (job.state === 'done' || job.state === 'failed') return job;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  // Jobs started before a reload (or in another tab) show their progress again.
  for (const record of readRecords().reverse()) void track(record, uploadItem(`${record.names} → ${record.collection}`));

  return h('div', { class: 'upload-area' }, zone, uploads);
}

function renderOutcome(file: FileOutcome): HTMLElement {
  const name = baseName(file.source);
  switch (file.status) {
    case 'failed':
      return h('li', { class: 'status-failed' }, h('span', { class: 'status failed' }, 'failed'), ` ${name}: ${file.error?.message ?? 'unknown error'}`);
    case 'duplicate':
      return h('li', {}, h('span', { class: 'status duplicate' }, 'duplicate'), ` ${name}${file.duplicateOf ? ` (same as ${baseName(file.duplicateOf)})` : ''}`);
    case 'unchanged':
      return h('li', {}, h('span', { class: 'status indexed' }, 'unchanged'), ` ${name}`);
    default:
      return h('li', {}, h('span', { class: 'status indexed' }, 'indexed'), ` ${name}${file.chunks !== undefined ? ` · ${file.chunks} chunks` : ''}`);
  }
}
