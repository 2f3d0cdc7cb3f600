import type { Answer, RetrievedChunk } from '../core/types.js';
import type { IngestReport } from '../ingest/report.js';
import type { SkippedPath, SkipReason } from '../ingest/walk.js';

const SKIP_LABELS: Record<SkipReason, string> = {
  unsupported: 'not a readable format (binary or unknown content)',
  hidden: 'hidden or tool folders and files (.git, node_modules, dotfiles)',
  symlink: 'symbolic links (not followed inside folders)',
  excluded: 'left out by --include/--exclude',
  special: 'sockets, pipes and devices',
};
/** Paths shown per skip reason; `--json` lists every one. */
const SKIPPED_SHOWN = 10;

export function formatIngestReport(report: IngestReport): string {
  const c = report.counts;
  const skippedTotal = report.skipped.length;
  const lines = [
    `Collection "${report.collection}": ${c.new} new, ${c.changed} changed, ${c.renamed} renamed, ${c.unchanged} unchanged, ${c.duplicate} duplicate, ${c.failed} failed, ${skippedTotal} skipped`,
    `${report.chunksAdded} chunks indexed${report.duplicateChunks ? `, ${report.duplicateChunks} duplicate chunks skipped` : ''} in ${(report.elapsedMs / 1000).toFixed(2)} s (${(report.bytesRead / 1048576).toFixed(2)} MB read)`,
  ];
  const redacted = Object.entries(report.redactions);
  if (redacted.length > 0) lines.push(`Redacted: ${redacted.map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
  if (c.failed > 0) lines.push(`${c.failed} failed: one line each on stderr (the reason and how to fix it); --json has them too.`);
  for (const file of report.files) {
    if (file.status === 'duplicate') lines.push(`  duplicate  ${file.source} (${file.kind}, ${(file.similarity * 100).toFixed(0)}% like ${file.duplicateOf})`);
    if (file.status === 'renamed') lines.push(`  renamed    ${file.renamedFrom} → ${file.source}`);
  }
  lines.push(...formatSkipped(report.skipped));
  return lines.join('\n');
}

/** "1850 .gz, 60 .png, 12 without extension, …": what a large group is made of. */
function byExtension(entries: SkippedPath[]): string {
  const counts = new Map<string, number>();
  for (const { path } of entries) {
    const name = path.endsWith('/') ? '' : path.slice(path.lastIndexOf('/') + 1);
    const dot = name.lastIndexOf('.');
    const key = path.endsWith('/') ? 'folders' : dot > 0 ? name.slice(dot).toLowerCase() : 'without extension';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  return top.slice(0, 5).map(([key, n]) => `${n} ${key}`).join(', ') + (top.length > 5 ? ', …' : '');
}

/** Skipped paths grouped by reason, largest group first, each with its count. */
export function formatSkipped(skipped: SkippedPath[]): string[] {
  if (skipped.length === 0) return [];
  const groups = new Map<SkipReason, SkippedPath[]>();
  for (const entry of skipped) groups.set(entry.reason, [...(groups.get(entry.reason) ?? []), entry]);
  const lines = [`Skipped ${skipped.length} path${skipped.length === 1 ? '' : 's'}${skipped.length > SKIPPED_SHOWN ? ' (--json lists them all)' : ''}:`];
  for (const [reason, entries] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${entries.length} ${SKIP_LABELS[reason]}${entries.length > SKIPPED_SHOWN ? ` (${byExtension(entries)})` : ''}:`);
    for (const entry of entries.slice(0, SKIPPED_SHOWN)) lines.push(`    ${entry.path}`);
    if (entries.length > SKIPPED_SHOWN) lines.push(`    … and ${entries.length - SKIPPED_SHOWN} more`);
  }
  return lines;
}

export function formatHits(hits: RetrievedChunk[]): string {
  return hits
    .map((hit) => {
      const where = [hit.document.source, hit.chunk.page !== undefined ? `p. ${hit.chunk.page}` : '', `chars ${hit.chunk.start}–${hit.chunk.end}`].filter(Boolean).join(', ');
      const scores = [`score ${hit.score.toFixed(3)}`, hit.scores.bm25 !== undefined ? `bm25 ${hit.scores.bm25.toFixed(2)}` : '', hit.scores.vector !== undefined ? `cos ${hit.scores.vector.toFixed(3)}` : ''].filter(Boolean).join(' ');
      const heading = hit.chunk.headingPath.length ? `  § ${hit.chunk.headingPath.join(' › ')}\n` : '';
      return `${hit.rank}. ${hit.document.title}  (${where}; ${scores})\n${heading}   ${snippet(hit.chunk.text)}`;
    })
    .join('\n\n');
}

export function formatAnswer(answer: Answer): string {
  const lines = [answer.text];
  if (answer.refused && answer.refusalReason) lines.push(`(refused: ${answer.refusalReason})`);
  if (answer.citations.length > 0) {
    lines.push('', 'Sources:');
    for (const c of answer.citations) {
      const where = [c.source, c.page !== undefined ? `page ${c.page}` : '', `chars ${c.start}–${c.end}`].filter(Boolean).join(', ');
      lines.push(`[${c.n}] ${c.title} — ${where}`, `    “${snippet(c.quote, 300)}”`);
    }
  }
  for (const warning of answer.trace.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

function snippet(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}
