/**
 * The Datasets screen: build a dataset from a collection (a job, with progress), upload a labelled
 * file with its line-level validation errors, preview examples page by page, split, delete.
 */
import type { AppContext } from './context.js';
import { formatDate, h } from './dom.js';
import { message, type DatasetIssue, type DatasetSummary, type FinetuneApi } from './finetune-api.js';
import { createJobProgress } from './job-progress.js';
import { fillCollectionSelect } from './collection-picker.js';

const PAGE = 5;

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function options(values: string[], selected?: string): HTMLOptionElement[] {
  return values.map((v) => h('option', { value: v, selected: v === selected }, v));
}

export function createDatasetsScreen(ctx: AppContext, api: FinetuneApi): { element: HTMLElement; onShow: () => void } {
  const collectionSelect = h('select', { name: 'collection' });
  const kindSelect = h('select', { name: 'kind' }, ...options(['qa', 'raft', 'text'], 'qa'));
  const buildName = h('input', { name: 'name', placeholder: 'default: <collection>-<kind>', autocomplete: 'off' });
  const buildProgress = h('progress', { id: 'build-progress', max: 1, value: 0, hidden: true });
  const buildStatus = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  // A build keeps going on the server across reloads; its progress is shown again until it ends.
  const buildJob = createJobProgress({
    api, storageKey: 'tailor.datasetBuild', progress: buildProgress, status: buildStatus, unit: 'chunks',
    onEnd: async (job, last) => {
      buildStatus.textContent = last.state === 'done' ? `Built “${job.subject}”.` : `The build failed: ${last.error?.message ?? 'unknown error'}`;
      await refresh();
    },
  });
  const buildForm = h('form', { class: 'dataset-build', 'aria-labelledby': 'build-title' },
    h('h2', { id: 'build-title' }, 'Build from a collection'),
    field('build-collection', 'Collection', collectionSelect), field('build-kind', 'Kind', kindSelect), field('build-name', 'Dataset name', buildName),
    h('button', { type: 'submit' }, 'Build dataset'), h('label', { for: 'build-progress', class: 'visually-hidden' }, 'Build progress'), buildProgress, buildStatus);

  const fileInput = h('input', { type: 'file', name: 'file', accept: '.jsonl,.json,.csv,.txt' });
  const formatSelect = h('select', { name: 'format' }, ...options(['chat', 'alpaca', 'sharegpt', 'csv']));
  const uploadCollection = h('select', { name: 'collection' });
  const uploadName = h('input', { name: 'name', placeholder: 'default: the file name', autocomplete: 'off' });
  const skipInvalid = h('input', { type: 'checkbox', name: 'skipInvalid', id: 'upload-skip' });
  const issuesBox = h('div', { class: 'dataset-issues', 'aria-live': 'polite' });
  const validateButton = h('button', { type: 'button' }, 'Validate');
  const uploadForm = h('form', { class: 'dataset-upload', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload a labelled file'),
    field('upload-file', 'File', fileInput), field('upload-format', 'Format', formatSelect), field('upload-collection', 'Collection', uploadCollection), field('upload-name', 'Dataset name', uploadName),
    h('div', { class: 'field field-inline' }, skipInvalid, h('label', { for: 'upload-skip' }, 'Import the valid lines and skip invalid ones')),
    h('div', { class: 'actions' }, validateButton, ' ', h('button', { type: 'submit' }, 'Upload')), issuesBox);

  const list = h('div', { class: 'dataset-list', 'aria-live': 'polite' });
  const ratiosInput = h('input', { id: 'split-ratios', name: 'ratios', value: '0.8,0.1,0.1', pattern: '[0-9.]+,[0-9.]+,[0-9.]+', autocomplete: 'off' });
  const ratiosField = h('div', { class: 'field field-inline' }, h('label', { for: 'split-ratios' }, 'Split ratios (train, validation, test)'), ratiosInput);
  const preview = h('section', { class: 'dataset-preview', 'aria-label': 'Dataset preview' });

  function formData(): FormData | undefined {
    const file = fileInput.files?.[0];
    if (!file) {
      issuesBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'Choose a file first.'));
      return undefined;
    }
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('format', formatSelect.value);
    if (uploadCollection.value) form.append('collection', uploadCollection.value);
    if (uploadName.value.trim()) form.append('name', uploadName.value.trim());
    if (skipInvalid.checked) form.append('skipInvalid', 'true');
    return form;
  }

  function showIssues(issues: DatasetIssue[], heading: string): void {
    issuesBox.replaceChildren(
      h('p', { class: issues.length ? 'error' : 'ok', role: issues.length ? 'alert' : 'status' }, heading),
      issues.length ? h('ul', { class: 'issue-list' }, ...issues.slice(0, 50).map((i) => h('li', { 'data-line': i.line }, h('strong', {}, `Line ${i.line}`), ` (${i.problem}): ${i.message}`))) : '',
    );
  }

  validateButton.addEventListener('click', async () => {
    const form = formData();
    if (!form) return;
    try {
      const result = await api.validateDataset(form);
      showIssues(result.issues, result.valid ? `Valid: ${result.examples} example(s) in ${result.records} record(s).` : `${result.issues.length} invalid line(s) of ${result.records} record(s).`);
    } catch (error) {
      issuesBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  });

  uploadForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = formData();
    if (!form) return;
    try {
      const result = await api.uploadDataset(form);
      showIssues(result.issues, `Imported ${result.imported} example(s) into “${result.dataset.name}”${result.issues.length ? `; ${result.issues.length} invalid line(s) skipped` : ''}.`);
      await refresh();
    } catch (error) {
      const issues = (error as { issues?: DatasetIssue[] }).issues;
      if (issues?.length) showIssues(issues, `Nothing was imported: ${issues.length} invalid line(s). Fix them, or tick “skip invalid”.`);
      else issuesBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  });

  buildForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const { jobId, dataset } = await api.buildDataset({ collection: collectionSelect.value, kind: kindSelect.value, ...(buildName.value.trim() ? { name: buildName.value.trim() } : {}) });
      await buildJob.follow({ jobId, subject: dataset, label: `Building “${dataset}”` });
    } catch (error) {
      buildStatus.textContent = message(error);
    }
  });

  async function showExamples(name: string, offset: number): Promise<void> {
    try {
      const page = await api.examples(name, offset, PAGE);
      const prev = h('button', { type: 'button', disabled: offset === 0 }, 'Previous');
      const next = h('button', { type: 'button', disabled: offset + PAGE >= page.total }, 'Next');
      prev.addEventListener('click', () => void showExamples(name, Math.max(0, offset - PAGE)));
      next.addEventListener('click', () => void showExamples(name, offset + PAGE));
      preview.replaceChildren(
        h('h2', {}, `Examples in ${name}`),
        h('p', { class: 'muted small' }, `${offset + 1}–${Math.min(page.total, offset + PAGE)} of ${page.total}`),
        h('ol', { class: 'examples', start: offset + 1 }, ...page.examples.map((e) => h('li', { class: 'example' },
          e.split ? h('span', { class: 'badge' }, e.split) : '',
          ...e.messages.map((m) => h('p', { class: `message ${m.role}` }, h('strong', {}, `${m.role}: `), m.content))))),
        h('div', { class: 'actions' }, prev, ' ', next),
      );
    } catch (error) {
      preview.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  }

  function row(d: DatasetSummary): HTMLTableRowElement {
    const previewButton = h('button', { type: 'button', 'aria-label': `Preview ${d.name}` }, 'Preview');
    const splitButton = h('button', { type: 'button', 'aria-label': `Split ${d.name} by document` }, 'Split');
    const deleteButton = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${d.name}` }, 'Delete');
    previewButton.addEventListener('click', () => void showExamples(d.name, 0));
    splitButton.addEventListener('click', async () => {
      try {
        const ratios = ratiosInput.value.split(',').map(Number);
        if (ratios.length !== 3 || ratios.some((r) => !Number.isFinite(r) || r < 0)) throw new Error('Split ratios are three numbers such as 0.8,0.1,0.1.');
        const { dataset } = await api.splitDataset(d.name, ratios as [number, number, number]);
        ctx.notify(`Split “${d.name}”: ${dataset.splits.train} train, ${dataset.splits.validation} validation, ${dataset.splits.test} test.`);
        await refresh();
      } catch (error) {
        ctx.notify(message(error), 'error');
      }
    });
    deleteButton.addEventListener('click', async () => {
      if (!window.confirm(`Delete the dataset “${d.name}”?`)) return;
      try {
        await api.deleteDataset(d.name);
        await refresh();
      } catch (error) {
        ctx.notify(message(error), 'error');
      }
    });
    const s = d.splits;
    return h('tr', { 'data-dataset': d.name }, h('th', { scope: 'row' }, d.name), h('td', { class: 'num' }, String(d.count)), h('td', { class: 'num' }, String(d.documents)),
      h('td', {}, `${s.train} / ${s.validation} / ${s.test}${s.unassigned ? ` (${s.unassigned} unassigned)` : ''}`), h('td', {}, d.collections.join(', ')), h('td', {}, formatDate(d.updatedAt)),
      h('td', { class: 'actions' }, previewButton, ' ', splitButton, ' ', deleteButton));
  }

  async function refresh(): Promise<void> {
    try {
      const { datasets } = await api.datasets();
      list.replaceChildren(datasets.length === 0
        ? h('p', { class: 'muted' }, 'No datasets yet: build one from a collection or upload a labelled file.')
        : h('div', { class: 'table-wrap' }, h('table', { class: 'datasets' }, h('caption', {}, 'Datasets'),
          h('thead', {}, h('tr', {}, ...['Name', 'Examples', 'Documents', 'Train / val. / test', 'Collections', 'Updated', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, ...datasets.map(row)))));
    } catch (error) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, message(error)));
    }
  }

  function fillCollections(): void {
    for (const select of [collectionSelect, uploadCollection]) fillCollectionSelect(select, ctx.collections);
  }
  ctx.collections.subscribe(fillCollections);

  const element = h('section', { class: 'screen datasets', 'aria-labelledby': 'datasets-title' },
    h('div', { class: 'screen-header' }, h('h1', { id: 'datasets-title' }, 'Datasets')),
    h('div', { class: 'two-columns' }, buildForm, uploadForm), ratiosField, list, preview);
  void buildJob.resume();
  return { element, onShow: () => { fillCollections(); void refresh(); } };
}
