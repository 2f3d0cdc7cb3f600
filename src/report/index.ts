export { lineChartSvg, type Series } from './line-chart.js';
export { barChartSvg, type BarGroup } from './bar-chart.js';
