export { lineChartSvg, type Series } from './line-chart.js';
export { barChartSvg, type BarGroup } from './bar-chart.js';
export { intervalBarChartSvg, type IntervalBar, type IntervalGroup } from './interval-bars.js';
export { scatterChartSvg, type ScatterPoint } from './scatter-chart.js';
