import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intervalBarChartSvg, scatterChartSvg } from '../src/report/index.js';

test('interval bars: one bar per value, a whisker per interval, none for null', () => {
  const svg = intervalBarChartSvg({
    title: 'Quality <per arm>',
    seriesNames: ['base', 'rag'],
    groups: [
      { label: 'F1', bars: [{ value: 0.1, interval: [0.05, 0.2] }, { value: 0.8, interval: [0.7, 0.9] }] },
      { label: 'cite R', bars: [{ value: null }, { value: 1 }] },
    ],
    yLabel: 'score',
    yMax: 1,
  });
  assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 3);
  assert.equal((svg.match(/<path d="M/g) ?? []).length, 2);
  assert.ok(svg.includes('Quality &lt;per arm&gt;'), 'titles are escaped');
  // A taller value draws a taller bar: rag's F1 bar starts higher (smaller y) than base's.
  const ys = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)"[^>]*><title>/g)].map((m) => Number(m[1]));
  assert.ok(ys[1]! < ys[0]!);
});

test('scatter: a labelled point per finite value, log x axis', () => {
  const svg = scatterChartSvg({ title: 't', points: [{ label: 'rag', x: 2, y: 0.8 }, { label: 'base', x: 200, y: 0.1 }, { label: 'broken', x: NaN, y: 1 }], xLabel: 'ms', yLabel: 'F1', yMax: 1, logX: true });
  assert.equal((svg.match(/<circle /g) ?? []).length, 2);
  assert.ok(svg.includes('>rag</text>') && svg.includes('>base</text>') && !svg.includes('broken'));
  const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(xs[0]! < xs[1]!, 'lower latency further left');
});
