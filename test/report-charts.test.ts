import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChartSvg, lineChartSvg } from '../src/report/index.js';
import { niceTicks } from '../src/report/svg.js';

test('a line chart draws one path per series with a legend, escaping text', () => {
  const svg = lineChartSvg({
    title: 'Loss <adapter & co>',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [
      { name: 'train', points: [[1, 2.5], [2, 1.2], [3, 0.6]] },
      { name: 'validation', points: [[1, 2.7], [2, 1.9], [3, 1.8]] },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<path /g)!.length, 2);
  assert.match(svg, />train</);
  assert.match(svg, />validation</);
  assert.match(svg, /Loss &lt;adapter &amp; co&gt;/);
  // A falling curve: the first point is drawn higher (smaller y) than the last.
  const [first, last] = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1])).filter((_, i) => i === 0 || i === 2);
  assert.ok(first! < last!);
});

test('a bar chart draws one bar per value with its label', () => {
  const svg = barChartSvg({ title: 'SciFact', seriesNames: ['Tailor'], groups: [{ label: 'nDCG@10', values: [0.7] }, { label: 'Recall@100', values: [0.92] }], yLabel: 'score', yMax: 1 });
  assert.equal(svg.match(/<rect x="[\d.]+" y="[\d.]+" width/g)!.length, 2 + 1); // two bars and the legend swatch
  assert.match(svg, />0\.7</);
  assert.match(svg, />Recall@100</);
});

test('ticks are round numbers covering the range', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 4.6), [0, 1, 2, 3, 4]);
});
