import { intervalBarChartSvg, scatterChartSvg } from '../../report/index.js';
import { escapeXml } from '../../report/svg.js';
import type { ArenaRun, ArmMetrics, MetricName } from './types.js';

const QUALITY: Array<[MetricName, string]> = [
  ['exactMatch', 'EM'],
  ['f1', 'F1'],
  ['containment', 'contains'],
  ['refusalAccuracy', 'refusal acc.'],
  ['falseRefusalRate', 'false refusals'],
  ['groundedness', 'grounded'],
  ['citationPrecision', 'cite P'],
  ['citationRecall', 'cite R'],
  ['judge', 'judge'],
];

const esc = (s: string) => escapeXml(s);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toFixed(digits)).toString());

function metricTable(run: ArenaRun): string {
  const present = QUALITY.filter(([m]) => run.arms.some((a) => a.metrics[m] !== null && a.metrics[m] !== undefined));
  const head = ['arm', 'kind', 'model', 'adapter', 'retrieval', ...present.map(([, l]) => l), 'p50 ms', 'p95 ms', 'tokens in/out', 'cost'];
  const rows = run.arms.map((a) => {
    const cells = present.map(([m]) => {
      const i = a.intervals[m];
      return `<td>${num(a.metrics[m])}${i ? `<br><small>[${num(i[0], 2)}, ${num(i[1], 2)}]</small>` : ''}</td>`;
    });
    return `<tr><th>${esc(a.name)}</th><td>${esc(a.kind)}</td><td><code>${esc(a.model)}</code></td><td>${a.adapter ? `<code>${esc(a.adapter)}</code>` : '—'}</td><td>${a.retrieval.enabled ? `k=${a.retrieval.k}` : 'off'}</td>${cells.join('')}<td>${num(a.metrics.latencyP50Ms, 1)}</td><td>${num(a.metrics.latencyP95Ms, 1)}</td><td>${num(a.metrics.tokensIn, 0)} / ${num(a.metrics.tokensOut, 0)}</td><td>${a.metrics.cost === null ? 'unknown' : `$${num(a.metrics.cost, 4)}`}</td></tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function splitTable(run: ArenaRun): string {
  if (!run.arms.some((a) => a.metricsBySplit?.train)) return '';
  const row = (name: string, split: string, m: ArmMetrics | undefined) => `<tr><th>${esc(name)}</th><td>${split}</td><td>${num(m?.exactMatch ?? null)}</td><td>${num(m?.f1 ?? null)}</td><td>${num(m?.containment ?? null)}</td></tr>`;
  const rows = run.arms.flatMap((a) => [row(a.name, 'train (seen in training)', a.metricsBySplit?.train), row(a.name, 'test (held out)', a.metricsBySplit?.test)]);
  return `<h2>Trained-on vs held-out questions</h2><table><thead><tr><th>arm</th><th>split</th><th>EM</th><th>F1</th><th>contains</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function comparisonTable(run: ArenaRun): string {
  if (run.comparisons.length === 0) return '';
  const rows = run.comparisons.map((c) => `<tr><td>${esc(c.a)} − ${esc(c.b)}</td><td>${esc(c.metric)}</td><td>${num(c.difference)}</td><td>[${num(c.interval[0])}, ${num(c.interval[1])}]</td><td>${num(c.pValue, 4)}</td><td>${c.test}</td><td>${c.pValue < 0.05 ? (c.difference > 0 ? `${esc(c.a)} better` : `${esc(c.b)} better`) : 'no significant difference'}</td></tr>`);
  return `<h2>Paired comparisons (test questions)</h2><table><thead><tr><th>pair</th><th>metric</th><th>difference</th><th>95% interval</th><th>p</th><th>test</th><th>reading (α = 0.05)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function freshnessSection(run: ArenaRun): string {
  const f = run.freshness;
  if (!f) return '';
  const arms = f.arms.map((a) => `<tr><th>${esc(a.name)}</th><td>${num(a.fresh, 2)}</td><td>${num(a.stale, 2)}</td><td>${a.secondsToFresh === null ? 'never (no retrieval, no adapter)' : (a.secondsToFresh < 1 ? `${num(a.secondsToFresh * 1000, 0)} ms` : `${num(a.secondsToFresh, 1)} s`)}</td><td>${a.how}</td></tr>`);
  const facts = f.details.map((d) => `<tr><td>${esc(d.question)}</td><td><del>${esc(d.oldValue)}</del> → <b>${esc(d.newValue)}</b></td>${f.arms.map((a) => {
    const ans = d.answers[a.name];
    return `<td class="${ans?.fresh ? 'ok' : ans?.stale ? 'bad' : ''}">${esc(short(ans?.text ?? ''))}</td>`;
  }).join('')}</tr>`);
  return `<h2>Freshness probe: ${f.facts} fact(s) changed, sync took ${num(f.syncSeconds * 1000, 0)} ms</h2>
<table><thead><tr><th>arm</th><th>gives new value</th><th>gives old value</th><th>time to become fresh</th><th>how</th></tr></thead><tbody>${arms.join('')}</tbody></table>
<table class="small"><thead><tr><th>question</th><th>change</th>${f.arms.map((a) => `<th>${esc(a.name)}</th>`).join('')}</tr></thead><tbody>${facts.join('')}</tbody></table>`;
}

function short(text: string, max = 220): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}

function perQuestionTable(run: ArenaRun): string {
  const names = run.arms.map((a) => a.name);
  const rows = run.perQuestion.map((q) => {
    const cells = names.map((n) => {
      const a = q.answers[n];
      if (!a) return '<td>—</td>';
      const cites = a.citations.map((c) => `<li>[${c.n}] ${esc(c.source.split(/[\\/]/).pop() ?? c.source)} ${c.start}–${c.end}</li>`).join('');
      const cls = !q.answerable ? (a.refused ? 'ok' : 'bad') : a.containment === 1 ? 'ok' : a.refused ? 'warn' : '';
      return `<td class="${cls}">${esc(short(a.text))}${a.refused ? ' <i>(refused)</i>' : ''}<br><small>F1 ${num(a.f1, 2)} · ${num(a.latencyMs, 0)} ms${a.judge !== undefined && a.judge !== null ? ` · judge ${a.judge}` : ''}</small>${cites ? `<ul>${cites}</ul>` : ''}</td>`;
    });
    return `<tr><td><b>${esc(q.id)}</b> <small>${q.split}${q.answerable ? '' : ', unanswerable'}</small><br>${esc(q.question)}</td><td>${esc(q.gold || '(not answerable)')}</td>${cells.join('')}</tr>`;
  });
  return `<h2>Every question</h2><table class="small"><thead><tr><th>question</th><th>gold</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Strips the XML prolog-free SVG's fixed size so it scales with the page. */
function inline(svg: string): string {
  return svg.replace(/^<svg ([^>]*?)width="(\d+)" height="(\d+)"/, '<svg $1style="max-width:100%;height:auto" width="$2" height="$3"');
}

/** One self-contained HTML file: inline CSS and SVG, no script, nothing fetched. */
export function renderArenaReport(run: ArenaRun): string {
  const present = QUALITY.filter(([m]) => run.arms.some((a) => a.metrics[m] !== null && a.metrics[m] !== undefined));
  const bars = intervalBarChartSvg({
    title: 'Quality per arm (test questions, 95% bootstrap intervals)',
    seriesNames: run.arms.map((a) => a.name),
    groups: present.map(([m, label]) => ({ label, bars: run.arms.map((a) => ({ value: a.metrics[m] ?? null, interval: a.intervals[m] })) })),
    yLabel: 'score (0–1)',
    yMax: 1,
  });
  const scatterPoints = run.arms.map((a) => ({ label: a.name, x: a.metrics.latencyP50Ms ?? NaN, y: a.metrics.f1 ?? a.metrics.containment ?? NaN }));
  const scatter = scatterChartSvg({ title: 'Latency vs quality', points: scatterPoints, xLabel: 'p50 latency per question (ms, log scale)', yLabel: 'F1', yMax: 1, logX: true });
  const costPoints = run.arms.filter((a) => a.metrics.cost !== null).map((a) => ({ label: a.name, x: a.metrics.cost ?? 0, y: a.metrics.f1 ?? 0 }));
  const costChart = costPoints.some((p) => p.x > 0) ? scatterChartSvg({ title: 'Cost vs quality', points: costPoints, xLabel: 'cost of the run (USD)', yLabel: 'F1', yMax: 1 }) : '';
  const q = run.questions;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tailor arena ${esc(run.id)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#111827}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0;width:100%}th,td{border:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}
thead th{background:#f3f4f6}table.small{font-size:12px}ul{margin:2px 0;padding-left:16px}code{font-size:12px}
.ok{background:#ecfdf5}.bad{background:#fef2f2}.warn{background:#fffbeb}.meta{color:#4b5563}.charts{display:flex;flex-wrap:wrap;gap:12px}
</style></head><body>
<h1>Which works on this data? Arena run ${esc(run.id)}</h1>
<p class="meta">${esc(run.createdAt)} · status <b>${run.status}</b> · protocol <b>${run.protocol}</b>${run.protocol === 'knowledge-injection' ? ' (every arm may know the documents; adapters train on the documents and the train questions; scores are on different, held-out questions about the same documents)' : ' (documents split: adapters train on the train documents; scores are on questions about documents they never saw)'} · collections ${esc(run.collections.join(', '))} · questions from ${esc(q.source)}: ${q.total} (${q.train} train, ${q.test} test, ${q.unanswerable} unanswerable)${run.seconds ? ` · ${num(run.seconds, 1)} s` : ''}</p>
${metricTable(run)}
<div class="charts">${inline(bars)}${inline(scatter)}${costChart ? inline(costChart) : ''}</div>
${splitTable(run)}
${comparisonTable(run)}
${freshnessSection(run)}
${run.judge ? `<h2>LLM judge</h2><p>Model <code>${esc(run.judge.model)}</code>; its prompt:</p><pre>${esc(run.judge.prompt)}</pre>` : ''}
${run.warnings && run.warnings.length ? `<h2>Warnings</h2><ul>${run.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
${perQuestionTable(run)}
<p class="meta">Metric definitions: docs/arena.md. Made by Tailor; this file needs no network.</p>
</body></html>
`;
}
