import { type Block, type SplitLevel, type Structure, lineSpans, paragraphSpans } from './spans.js';
import { paragraphBlocks } from './text-tables.js';

const PROSE: SplitLevel[] = ['sentences', 'words'];
const RECORD: SplitLevel[] = ['lines', 'sentences', 'words'];

/**
 * Plain text and PDF text: paragraphs at blank lines, cut at sentences then words when too long; tables
 * (runs of figure rows) cut only between rows, each in a section headed by its header lines.
 */
export function paragraphStructure(text: string): Structure {
  const sections: string[][] = [[]];
  const blocks = paragraphSpans(text, 0, text.length).flatMap((span) => paragraphBlocks(text, span, sections));
  return { blocks, sections };
}

/** CSV as the loader emits it, one record per line: rows are packed whole. */
export function rowStructure(text: string): Structure {
  return single(lineSpans(text, 0, text.length).map((span) => ({ ...span, section: 0, levels: PROSE })));
}

/** JSON / JSONL as the loader emits them, records separated by blank lines: records are packed whole. */
export function recordStructure(text: string): Structure {
  return single(paragraphSpans(text, 0, text.length).map((span) => ({ ...span, section: 0, levels: RECORD })));
}

function single(blocks: Block[]): Structure {
  return { blocks, sections: [[]] };
}
