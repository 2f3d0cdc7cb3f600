import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';
import { jsonArrayLines } from '../finetune/datasets/parse-alpaca.js';
import type { DatasetExample } from '../finetune/types.js';
import { erasedMatcher, type ErasedContent } from './erased.js';

/** Exported training data is small text; anything bigger than this is not ours to rewrite. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
const NOT_DATA = new Set(['manifest.json', 'dataset_info.json', 'state.json', 'job.json', 'deepspeed.json', 'ds_config.json']);

/**
 * Training data written out for other tools (`tailor train --backend axolotl|llama-factory` puts
 * the examples in adapters/<name>/data/*.jsonl|json) is a copy of dataset examples: remove every
 * record that is one of the removed examples or quotes erased text. Scans every JSON/JSONL file
 * under <home>/adapters, so a hand-made export there is cleaned too.
 */
export async function scrubExports(home: string, content: ErasedContent, removed: DatasetExample[]): Promise<{ exports: Array<{ file: string; removedRecords: number }>; warnings: string[] }> {
  const match = erasedMatcher(content);
  const removedMessages = new Set(removed.map((e) => JSON.stringify(e.messages)));
  const out: Array<{ file: string; removedRecords: number }> = [];
  const warnings: string[] = [];
  if (removedMessages.size === 0 && content.chunks.length === 0) return { exports: out, warnings };
  const erasedRecord = (record: unknown) => {
    const messages = (record as { messages?: unknown })?.messages;
    return (messages !== undefined && removedMessages.has(JSON.stringify(messages))) || match.anyText(record);
  };
  for (const file of await dataFiles(join(home, 'adapters'))) {
    const text = await readFile(file, 'utf8');
    const name = relative(home, file);
    if (file.endsWith('.jsonl')) {
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const kept = lines.filter((line) => {
        try {
          return !erasedRecord(JSON.parse(line));
        } catch {
          return !match.text(line);
        }
      });
      if (kept.length < lines.length) {
        await writeFileAtomic(file, kept.map((l) => l + '\n').join(''));
        out.push({ file: name, removedRecords: lines.length - kept.length });
      }
      continue;
    }
    let records: unknown;
    try {
      records = JSON.parse(text);
    } catch {
      if (match.text(text)) warnings.push(`${name} is not valid JSON but quotes erased text: delete or fix it by hand`);
      continue;
    }
    if (!Array.isArray(records)) {
      if (match.anyText(records)) warnings.push(`${name} quotes erased text but is not a list of training records: delete or fix it by hand`);
      continue;
    }
    const kept = records.filter((r) => !erasedRecord(r));
    if (kept.length < records.length) {
      await writeFileAtomic(file, jsonArrayLines(kept));
      out.push({ file: name, removedRecords: records.length - kept.length });
    }
  }
  return { exports: out, warnings };
}

async function dataFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await dataFiles(path)));
    else if (entry.isFile() && /\.jsonl?$/.test(entry.name) && !NOT_DATA.has(entry.name) && (await stat(path)).size <= MAX_FILE_BYTES) files.push(path);
  }
  return files;
}
