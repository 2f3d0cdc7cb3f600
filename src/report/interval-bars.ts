import { DEFAULT_FRAME, PALETTE, escapeXml, formatTick, niceTicks, svgDocument } from './svg.js';

export interface IntervalBar {
  value: number | null;
  /** A 95% interval drawn as a whisker. */
  interval?: [number, number];
}

export interface IntervalGroup {
  label: string;
  /** One bar per series, same order as `seriesNames`; null = not applicable (no bar). */
  bars: IntervalBar[];
}

/** Grouped bars with confidence whiskers (e.g. each metric per arm) as SVG text. */
export function intervalBarChartSvg(options: { title: string; seriesNames: string[]; groups: IntervalGroup[]; yLabel: string; yMax?: number }): string {
  const f = { ...DEFAULT_FRAME, width: Math.max(DEFAULT_FRAME.width, 120 + options.groups.length * 110), top: 48 + 18 * Math.ceil(options.seriesNames.length / 4) };
  const tops = options.groups.flatMap((g) => g.bars.flatMap((b) => [b.value ?? 0, b.interval?.[1] ?? 0]));
  const yMax = options.yMax ?? Math.max(...tops, 1e-9) * 1.1;
  const plotWidth = f.width - f.left - f.right;
  const plotHeight = f.height - f.top - f.bottom;
  const py = (y: number) => f.height - f.bottom - (Math.min(y, yMax) / yMax) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.seriesNames.length);
  const body: string[] = [];
  for (const t of niceTicks(0, yMax)) {
    body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`);
    body.push(`<text x="${f.left - 8}" y="${py(t) + 4}" text-anchor="end" fill="#374151">${formatTick(t)}</text>`);
  }
  options.groups.forEach((group, g) => {
    const x0 = f.left + g * groupWidth + groupWidth * 0.1;
    group.bars.forEach((bar, s) => {
      if (bar.value === null || !Number.isFinite(bar.value)) return;
      const x = x0 + s * barWidth;
      const cx = x + (barWidth - 2) / 2;
      body.push(`<rect x="${x.toFixed(1)}" y="${py(bar.value).toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${(f.height - f.bottom - py(bar.value)).toFixed(1)}" fill="${PALETTE[s % PALETTE.length]}"><title>${escapeXml(`${options.seriesNames[s]} ${group.label}: ${formatTick(bar.value)}${bar.interval ? ` (95% ${formatTick(bar.interval[0])}–${formatTick(bar.interval[1])})` : ''}`)}</title></rect>`);
      if (bar.interval) {
        const [lo, hi] = bar.interval;
        body.push(`<path d="M${cx.toFixed(1)},${py(lo).toFixed(1)} V${py(hi).toFixed(1)} M${(cx - 4).toFixed(1)},${py(lo).toFixed(1)} h8 M${(cx - 4).toFixed(1)},${py(hi).toFixed(1)} h8" stroke="#111827" stroke-width="1.2" fill="none"/>`);
      }
    });
    body.push(`<text x="${(f.left + (g + 0.5) * groupWidth).toFixed(1)}" y="${f.height - f.bottom + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`);
  });
  body.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#6b7280"/>`);
  body.push(`<text transform="translate(16 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  options.seriesNames.forEach((name, s) => {
    const lx = f.left + 8 + (s % 4) * 160;
    const ly = 44 + Math.floor(s / 4) * 18;
    body.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/><text x="${lx + 18}" y="${ly}">${escapeXml(name)}</text>`);
  });
  return svgDocument(f, options.title, body);
}
