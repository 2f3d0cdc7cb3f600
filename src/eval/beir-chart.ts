import { basename } from 'node:path';
import { barChartSvg } from '../report/index.js';
import type { BeirResult } from './beir.js';

/** The retrieval metrics of a BEIR run as a bar chart. */
export function beirChartSvg(result: BeirResult): string {
  const metrics = Object.entries(result.metrics);
  return barChartSvg({
    title: `${basename(result.dataset)} (${result.split}, ${result.queries} queries): retrieval quality`,
    seriesNames: ['Tailor'],
    groups: metrics.map(([label, value]) => ({ label, values: [value] })),
    yLabel: 'score',
    yMax: 1,
  });
}
