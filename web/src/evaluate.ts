/**
 * The Evaluate screen: arena runs (which approach wins on your data) — the list, then one run's per-arm
 * metrics with 95% intervals, the best arm, the freshness probe and the HTML report. Every value is
 * rendered as text; the report, which holds model output, is shown only in a sandboxed frame.
 */
import type { AppContext } from './context.js';
import { formatDate, h } from './dom.js';
import type { ArenaArm, ArenaMetricName, ArenaRun, ArenaRunSummary } from './types.js';
import { createArenaStartForm } from './arena-start.js';
import type { FinetuneApi } from './finetune-api.js';

const QUALITY: ArenaMetricName[] = ['f1', 'containment', 'exactMatch'];
const COLUMNS: Array<{ metric: ArenaMetricName; label: string; title: string; kind: 'score' | 'ms' | 'count' | 'cost' }> = [
  { metric: 'exactMatch', label: 'EM', title: 'exact match', kind: 'score' },
  { metric: 'f1', label: 'F1', title: 'token F1 (SQuAD normalisation)', kind: 'score' },
  { metric: 'containment', label: 'Contains', title: 'gold answer contained in the answer', kind: 'score' },
  { metric: 'refusalAccuracy', label: 'Refusal acc.', title: 'refusal accuracy on unanswerable questions', kind: 'score' },
  { metric: 'falseRefusalRate', label: 'False refusals', title: 'false-refusal rate on answerable questions', kind: 'score' },
  { metric: 'groundedness', label: 'Grounded', title: 'share of answer sentences supported by a cited passage', kind: 'score' },
  { metric: 'citationPrecision', label: 'Cite P', title: 'citation precision against gold evidence', kind: 'score' },
  { metric: 'citationRecall', label: 'Cite R', title: 'citation recall against gold evidence', kind: 'score' },
  { metric: 'latencyP50Ms', label: 'p50 ms', title: 'median latency', kind: 'ms' },
  { metric: 'latencyP95Ms', label: 'p95 ms', title: '95th percentile latency', kind: 'ms' },
  { metric: 'tokensIn', label: 'Tokens in', title: 'prompt tokens', kind: 'count' },
  { metric: 'tokensOut', label: 'Tokens out', title: 'generated tokens', kind: 'count' },
  { metric: 'cost', label: 'Cost', title: 'cost from the price table', kind: 'cost' },
];

function format(value: number | null | undefined, kind: 'score' | 'ms' | 'count' | 'cost'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (kind === 'score') return value.toFixed(3);
  if (kind === 'ms') return String(Math.round(value));
  if (kind === 'count') return value.toLocaleString();
  return value.toFixed(4);
}

/** The quality metric the run has, and the arm that leads on it (with whether its lead is beyond the noise). */
export function bestArm(run: ArenaRun): { arm: ArenaArm; metric: ArenaMetricName; separated: boolean } | null {
  const metric = QUALITY.find((m) => (run.arms ?? []).some((a) => typeof a.metrics[m] === 'number'));
  if (!metric) return null;
  const ranked = (run.arms ?? []).filter((a) => typeof a.metrics[metric] === 'number').sort((a, b) => (b.metrics[metric] as number) - (a.metrics[metric] as number));
  const [first, ...rest] = ranked;
  if (!first) return null;
  const separated = rest.length > 0 && rest.every((other) => {
    const test = run.comparisons?.find((c) => c.metric === metric && ((c.a === first.name && c.b === other.name) || (c.a === other.name && c.b === first.name)));
    if (test) return test.pValue < 0.05 && (test.a === first.name ? test.difference > 0 : test.difference < 0);
    const a = first.intervals?.[metric];
    const b = other.intervals?.[metric];
    return Boolean(a && b && a[0] > b[1]);
  });
  return { arm: first, metric, separated };
}

function metricCell(arm: ArenaArm, column: (typeof COLUMNS)[number], best: boolean): HTMLTableCellElement {
  const value = arm.metrics?.[column.metric];
  const interval = arm.intervals?.[column.metric];
  return h(
    'td',
    { class: best ? 'num best' : 'num', 'data-metric': column.metric },
    format(value, column.kind),
    interval ? h('span', { class: 'interval' }, ` [${format(interval[0], column.kind)}, ${format(interval[1], column.kind)}]`) : null,
  );
}

function armsTable(run: ArenaRun, best: ReturnType<typeof bestArm>): HTMLElement {
  const columns = COLUMNS.filter((c) => (run.arms ?? []).some((a) => a.metrics?.[c.metric] != null));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'arena-arms' },
      h('caption', {}, 'Per-arm metrics with bootstrap 95% intervals'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Arm'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Model'), h('th', { scope: 'col' }, 'Retrieval'), ...columns.map((c) => h('th', { scope: 'col', title: c.title }, c.label)))),
      h(
        'tbody',
        {},
        ...(run.arms ?? []).map((arm) =>
          h(
            'tr',
            { 'data-arm': arm.name, class: best?.arm.name === arm.name ? 'best-arm' : null },
            h('th', { scope: 'row' }, arm.name),
            h('td', {}, arm.kind),
            h('td', { class: 'model' }, arm.model, arm.adapter ? h('span', { class: 'muted small' }, ` + adapter ${arm.adapter}`) : null),
            h('td', {}, arm.retrieval?.enabled ? `on${arm.retrieval.k ? `, k=${arm.retrieval.k}` : ''}` : 'off'),
            ...columns.map((c) => metricCell(arm, c, best?.arm.name === arm.name && c.metric === best.metric)),
          ),
        ),
      ),
    ),
  );
}

/** Freshness is stored as the share of changed facts answered with the new (or old) value. */
function share(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function freshnessTable(run: ArenaRun): HTMLElement | null {
  if (!run.freshness?.arms?.length) return null;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'arena-freshness' },
      h('caption', {}, `Freshness: ${run.freshness.facts} facts changed, then asked again`),
      h('thead', {}, h('tr', {}, ...['Arm', 'New value', 'Old value', 'Time to fresh', 'How'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...run.freshness.arms.map((f) =>
          h('tr', { 'data-arm': f.name }, h('th', { scope: 'row' }, f.name), h('td', { class: 'num' }, share(f.fresh)), h('td', { class: 'num' }, share(f.stale)), h('td', { class: 'num' }, f.secondsToFresh === null ? '–' : `${f.secondsToFresh.toFixed(1)} s`), h('td', {}, f.how)),
        ),
      ),
    ),
  );
}

/** The advisor's verdict on this run for a chosen use case: recommendation, reasons, what would change it. */
function advicePanel(ctx: AppContext, runId: string): HTMLElement {
  const select = h('select', { id: 'advice-preset', name: 'preset' }, h('option', { value: '' }, 'default criteria'));
  const result = h('div', { class: 'advice-result', 'aria-live': 'polite' });
  void ctx.api.advicePresets().then(({ presets }) => select.append(...presets.map((p) => h('option', { value: p.name, title: p.description }, p.name))), () => undefined);
  const button = h('button', { type: 'button' }, 'Advise');
  button.addEventListener('click', async () => {
    try {
      const advice = await ctx.api.arenaAdvice(runId, select.value || undefined);
      result.replaceChildren(
        h('p', { class: 'advice-verdict' }, h('strong', {}, `Recommendation: ${advice.recommendation}`), ` — confidence ${advice.confidence.toFixed(2)} (${advice.confidenceLabel}), based on ${advice.basis}`),
        h('ul', { class: 'advice-reasons' }, ...advice.reasons.map((r) => h('li', { class: r.effect }, r.criterion ? `[${r.criterion}] ` : r.evidence ? '[measured] ' : '', r.text))),
        h('p', { class: 'muted small' }, 'What would change it:'),
        h('ul', { class: 'advice-would-change' }, ...advice.wouldChange.map((w) => h('li', {}, w.text))),
      );
    } catch (error) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    }
  });
  return h('section', { class: 'advice', 'aria-label': 'Advice' }, h('h3', {}, 'Which approach should you use?'), h('div', { class: 'advice-form' }, h('label', { for: 'advice-preset' }, 'Use case '), select, ' ', button), result);
}

export function createEvaluateScreen(ctx: AppContext, finetuneApi: FinetuneApi): { element: HTMLElement; onShow: () => void } {
  const list = h('div', { class: 'arena-list', 'aria-live': 'polite' });
  const detail = h('div', { class: 'arena-run' });

  async function showRun(id: string): Promise<void> {
    detail.setAttribute('aria-busy', 'true');
    try {
      const run = await ctx.api.arenaRun(id);
      const best = bestArm(run);
      const report = h('div', { class: 'arena-report' });
      const viewReport = h('button', { type: 'button' }, 'View report here');
      viewReport.addEventListener('click', async () => {
        try {
          const html = await ctx.api.arenaReport(run.id);
          // An empty sandbox: the report's own content (model answers) can run nothing and reach nothing.
          const frame = h('iframe', { class: 'report-frame', title: `Arena report ${run.id}`, sandbox: '' });
          frame.srcdoc = html;
          report.replaceChildren(frame);
        } catch (error) {
          report.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
        }
      });
      detail.replaceChildren(
        h('h2', {}, `Run ${run.id}`),
        h('p', { class: 'facts' }, `${formatDate(run.createdAt)} · ${run.protocol} protocol · ${run.status} · ${run.questions?.test ?? '?'} test of ${run.questions?.total ?? '?'} questions (${run.questions?.unanswerable ?? 0} unanswerable) · collections ${(run.collections ?? []).join(', ') || '–'}`),
        best
          ? h('p', { class: 'best-summary' }, h('strong', {}, `Best arm: ${best.arm.name} (${best.arm.kind})`), ` — ${best.metric} ${format(best.arm.metrics[best.metric], 'score')}`, best.separated ? ', ahead of every other arm beyond the 95% interval.' : ', but its lead is within the noise.')
          : h('p', { class: 'muted' }, 'This run has no answer-quality metric yet.'),
        armsTable(run, best),
        freshnessTable(run) ?? "",
        h('p', { class: 'report-links' }, h('a', { href: ctx.api.arenaReportUrl(run.id), target: '_blank', rel: 'noopener noreferrer' }, 'Open the HTML report'), ' ', viewReport),
        report,
        advicePanel(ctx, run.id),
      );
    } catch (error) {
      detail.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    } finally {
      detail.removeAttribute('aria-busy');
    }
  }

  function row(run: ArenaRunSummary): HTMLTableRowElement {
    const open = h('button', { type: 'button', class: 'link-button' }, run.id);
    open.addEventListener('click', () => void showRun(run.id));
    return h('tr', { 'data-run': run.id }, h('td', {}, open), h('td', {}, formatDate(run.createdAt)), h('td', {}, run.protocol), h('td', {}, run.arms.join(', ')), h('td', { class: 'num' }, String(run.questions)), h('td', {}, run.collections.join(', ')), h('td', {}, h('span', { class: `status ${run.status}` }, run.status)));
  }

  async function refresh(): Promise<void> {
    list.setAttribute('aria-busy', 'true');
    try {
      const { runs } = await ctx.api.arenaRuns();
      list.replaceChildren(
        runs.length === 0
          ? h('p', { class: 'muted' }, 'No arena runs yet. Start one below, or run `tailor arena --questions FILE --arms …`, to compare base, RAG, fine-tuned and RAFT on your data.')
          : h('div', { class: 'table-wrap' }, h('table', { class: 'arena-runs' }, h('caption', {}, 'Arena runs'), h('thead', {}, h('tr', {}, ...['Run', 'Date', 'Protocol', 'Arms', 'Questions', 'Collections', 'Status'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...runs.map(row)))),
      );
    } catch (error) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  const startForm = createArenaStartForm(ctx, finetuneApi, async (runId) => {
    await refresh();
    await showRun(runId);
  });
  const element = h('section', { class: 'screen evaluate', 'aria-labelledby': 'evaluate-title' }, h('div', { class: 'screen-header' }, h('h1', { id: 'evaluate-title' }, 'Evaluate')), list, startForm.element, detail);
  return {
    element,
    onShow: () => {
      startForm.refresh();
      void refresh();
    },
  };
}
