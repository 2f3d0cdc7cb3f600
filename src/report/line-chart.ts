import { DEFAULT_FRAME, PALETTE, escapeXml, formatTick, niceTicks, svgDocument } from './svg.js';

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

/** A line chart (e.g. training and validation loss per step or epoch) as SVG text. */
export function lineChartSvg(options: { title: string; series: Series[]; xLabel: string; yLabel: string }): string {
  const f = DEFAULT_FRAME;
  const points = options.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1);
  const yMin = Math.min(...ys, 0);
  const yMax = Math.max(...ys, 1e-9) * 1.05;
  const px = (x: number) => f.left + ((x - xMin) / (xMax - xMin || 1)) * (f.width - f.left - f.right);
  const py = (y: number) => f.height - f.bottom - ((y - yMin) / (yMax - yMin || 1)) * (f.height - f.top - f.bottom);
  const body: string[] = [];
  for (const t of niceTicks(yMin, yMax)) {
    body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`);
    body.push(`<text x="${f.left - 8}" y="${py(t) + 4}" text-anchor="end" fill="#374151">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(xMin, xMax, 6)) {
    body.push(`<text x="${px(t)}" y="${f.height - f.bottom + 18}" text-anchor="middle" fill="#374151">${formatTick(t)}</text>`);
  }
  body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#6b7280"/>`);
  body.push(`<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  body.push(`<text transform="translate(16 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  options.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length];
    const valid = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (valid.length === 0) return;
    const path = valid.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    body.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    if (valid.length <= 40) for (const [x, y] of valid) body.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    const lx = f.width - f.right - 150;
    const ly = f.top + 4 + i * 18;
    body.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="12" fill="${color}"/><text x="${lx + 18}" y="${ly + 1}">${escapeXml(series.name)}</text>`);
  });
  return svgDocument(f, options.title, body);
}
