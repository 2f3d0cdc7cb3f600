/**
 * Loss curves as an inline SVG: train loss per step, validation loss at the end of each epoch,
 * and a marker at the best epoch (the weights kept when early stopping is on).
 */
import type { TrainingRun } from './finetune-api.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 260;
const PAD = { left: 52, right: 16, top: 16, bottom: 36 };

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function lossChart(run: Pick<TrainingRun, 'steps' | 'epochs' | 'bestEpoch' | 'totalSteps'>): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'loss-chart', role: 'img' }) as SVGSVGElement;
  const validation = run.epochs.filter((e) => typeof e.validationLoss === 'number');
  const title = `Loss curves: ${run.steps.length} training steps${validation.length ? `, validation loss after ${validation.length} epoch(s)` : ''}${run.bestEpoch ? `, best epoch ${run.bestEpoch}` : ''}`;
  svg.setAttribute('aria-label', title);
  svg.append(el('title', {}, title));
  const lastStep = Math.max(run.totalSteps, ...run.steps.map((s) => s.step), 1);
  // Epoch e ends at the last step recorded in it, so validation points sit where they were measured.
  const endOf = (epoch: number) => Math.max(...run.steps.filter((s) => s.epoch === epoch).map((s) => s.step), (lastStep * epoch) / Math.max(1, run.epochs.length));
  const values = [...run.steps.map((s) => s.loss), ...validation.map((e) => e.validationLoss!)];
  if (values.length === 0) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'No steps yet'));
    return svg;
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.5, hi + 0.5];
  const x = (step: number) => PAD.left + ((W - PAD.left - PAD.right) * step) / lastStep;
  const y = (loss: number) => PAD.top + ((H - PAD.top - PAD.bottom) * (hi - loss)) / (hi - lo);
  svg.append(el('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis' }));
  svg.append(el('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis' }));
  for (const v of [lo, (lo + hi) / 2, hi]) svg.append(el('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v.toFixed(2)));
  svg.append(el('text', { x: (W + PAD.left) / 2, y: H - 6, 'text-anchor': 'middle', class: 'tick' }, `step (of ${lastStep})`));
  const path = run.steps.map((s, i) => `${i === 0 ? 'M' : 'L'}${x(s.step).toFixed(1)},${y(s.loss).toFixed(1)}`).join(' ');
  svg.append(el('path', { d: path, class: 'series train', 'data-series': 'train' }));
  if (validation.length > 0) {
    const points = validation.map((e) => [x(endOf(e.epoch)), y(e.validationLoss!)] as const);
    svg.append(el('path', { d: points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' '), class: 'series validation', 'data-series': 'validation' }));
    for (const [px, py] of points) svg.append(el('circle', { cx: px, cy: py, r: 3.5, class: 'point validation' }));
  }
  if (run.bestEpoch) {
    const bx = x(endOf(run.bestEpoch));
    svg.append(el('line', { x1: bx, y1: PAD.top, x2: bx, y2: H - PAD.bottom, class: 'best-epoch', 'data-best-epoch': run.bestEpoch }));
    svg.append(el('text', { x: bx - 4, y: H - PAD.bottom - 8, 'text-anchor': 'end', class: 'tick' }, `best epoch ${run.bestEpoch}`));
  }
  const legend = el('g', { class: 'legend' });
  legend.append(el('line', { x1: W - 190, y1: 24, x2: W - 170, y2: 24, class: 'series train' }), el('text', { x: W - 165, y: 28, class: 'tick' }, 'train (step)'));
  legend.append(el('line', { x1: W - 100, y1: 24, x2: W - 80, y2: 24, class: 'series validation' }), el('text', { x: W - 75, y: 28, class: 'tick' }, 'validation'));
  svg.append(legend);
  return svg;
}
