import { DEFAULT_FRAME, PALETTE, escapeXml, formatTick, niceTicks, svgDocument } from './svg.js';

export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
}

/** Labelled points (e.g. each arm's latency against its quality) as SVG text; `logX` for spans of orders of magnitude. */
export function scatterChartSvg(options: { title: string; points: ScatterPoint[]; xLabel: string; yLabel: string; yMax?: number; logX?: boolean }): string {
  const f = DEFAULT_FRAME;
  const valid = options.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const tx = (x: number) => (options.logX ? Math.log10(Math.max(x, 1e-3)) : x);
  const xs = valid.map((p) => tx(p.x));
  const xMin = Math.min(...xs, options.logX ? Infinity : 0);
  const xMaxRaw = Math.max(...xs, xMin + 1e-9);
  const pad = (xMaxRaw - (Number.isFinite(xMin) ? xMin : 0)) * 0.1 || 1;
  const lo = (Number.isFinite(xMin) ? xMin : 0) - (options.logX ? pad : 0);
  const hi = xMaxRaw + pad;
  const yMax = options.yMax ?? Math.max(...valid.map((p) => p.y), 1e-9) * 1.1;
  const px = (x: number) => f.left + ((tx(x) - lo) / (hi - lo || 1)) * (f.width - f.left - f.right);
  const py = (y: number) => f.height - f.bottom - (y / yMax) * (f.height - f.top - f.bottom);
  const body: string[] = [];
  for (const t of niceTicks(0, yMax)) {
    body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`);
    body.push(`<text x="${f.left - 8}" y="${py(t) + 4}" text-anchor="end" fill="#374151">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(lo, hi, 6)) {
    const value = options.logX ? 10 ** t : t;
    body.push(`<text x="${(f.left + ((t - lo) / (hi - lo || 1)) * (f.width - f.left - f.right)).toFixed(1)}" y="${f.height - f.bottom + 18}" text-anchor="middle" fill="#374151">${formatTick(value)}</text>`);
  }
  body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#6b7280"/>`);
  body.push(`<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  body.push(`<text transform="translate(16 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  valid.forEach((p, i) => {
    const color = PALETTE[i % PALETTE.length];
    body.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="6" fill="${color}"><title>${escapeXml(`${p.label}: ${formatTick(p.x)}, ${formatTick(p.y)}`)}</title></circle>`);
    body.push(`<text x="${(px(p.x) + 9).toFixed(1)}" y="${(py(p.y) - 8).toFixed(1)}" fill="${color}" font-weight="600">${escapeXml(p.label)}</text>`);
  });
  return svgDocument(f, options.title, body);
}
