import { DEFAULT_FRAME, PALETTE, escapeXml, formatTick, niceTicks, svgDocument } from './svg.js';

export interface BarGroup {
  /** e.g. a metric name: "nDCG@10". */
  label: string;
  /** One value per series, same order as `seriesNames`. */
  values: Array<number | undefined>;
}

/** Grouped bars (e.g. metrics per configuration, or Tailor against a reference) as SVG text. */
export function barChartSvg(options: { title: string; seriesNames: string[]; groups: BarGroup[]; yLabel: string; yMax?: number }): string {
  const f = DEFAULT_FRAME;
  const values = options.groups.flatMap((g) => g.values.filter((v): v is number => v !== undefined));
  const yMax = options.yMax ?? Math.max(...values, 1e-9) * 1.1;
  const plotWidth = f.width - f.left - f.right;
  const plotHeight = f.height - f.top - f.bottom;
  const py = (y: number) => f.height - f.bottom - (y / yMax) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.7) / Math.max(1, options.seriesNames.length);
  const body: string[] = [];
  for (const t of niceTicks(0, yMax)) {
    body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`);
    body.push(`<text x="${f.left - 8}" y="${py(t) + 4}" text-anchor="end" fill="#374151">${formatTick(t)}</text>`);
  }
  options.groups.forEach((group, g) => {
    const x0 = f.left + g * groupWidth + groupWidth * 0.15;
    group.values.forEach((value, s) => {
      if (value === undefined) return;
      const x = x0 + s * barWidth;
      body.push(`<rect x="${x.toFixed(1)}" y="${py(value).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(f.height - f.bottom - py(value)).toFixed(1)}" fill="${PALETTE[s % PALETTE.length]}"/>`);
      body.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${(py(value) - 4).toFixed(1)}" text-anchor="middle" font-size="11">${formatTick(value)}</text>`);
    });
    body.push(`<text x="${(f.left + (g + 0.5) * groupWidth).toFixed(1)}" y="${f.height - f.bottom + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`);
  });
  body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#6b7280"/>`);
  body.push(`<text transform="translate(16 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  options.seriesNames.forEach((name, s) => {
    const lx = f.left + 8 + s * 170;
    body.push(`<rect x="${lx}" y="${f.top - 10}" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/><text x="${lx + 18}" y="${f.top}">${escapeXml(name)}</text>`);
  });
  return svgDocument(f, options.title, body);
}
