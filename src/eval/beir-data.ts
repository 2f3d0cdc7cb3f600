import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { TailorError } from '../core/errors.js';
import type { Qrels } from './metrics.js';

export interface BeirDocument {
  id: string;
  title: string;
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
}

/** Streams corpus.jsonl or corpus.jsonl.gz of a BEIR-format folder. */
export async function* readBeirCorpus(dir: string): AsyncGenerator<BeirDocument> {
  const plain = join(dir, 'corpus.jsonl');
  const gz = `${plain}.gz`;
  const path = existsSync(plain) ? plain : existsSync(gz) ? gz : undefined;
  if (!path) throw new TailorError('NOT_FOUND', `${dir} has no corpus.jsonl or corpus.jsonl.gz: is it a BEIR-format folder?`);
  const input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (!line.trim()) continue;
    const record = parseLine(line, path, lineNumber) as { _id?: unknown; title?: unknown; text?: unknown };
    yield { id: String(record._id), title: String(record.title ?? ''), text: String(record.text ?? '') };
  }
}

export async function readBeirQueries(dir: string): Promise<Map<string, BeirQuery>> {
  const path = join(dir, 'queries.jsonl');
  const text = await readRequired(path);
  const queries = new Map<string, BeirQuery>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const record = parseLine(line, path, i + 1) as { _id?: unknown; text?: unknown };
    queries.set(String(record._id), { id: String(record._id), text: String(record.text ?? '') });
  });
  return queries;
}

export async function readBeirQrels(dir: string, split: string): Promise<Map<string, Qrels>> {
  const path = join(dir, 'qrels', `${split}.tsv`);
  const text = await readRequired(path);
  const qrels = new Map<string, Qrels>();
  for (const line of text.split('\n').slice(1)) {
    const [queryId, docId, score] = line.trim().split('\t');
    if (!queryId || !docId) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Map());
    qrels.get(queryId)!.set(docId, Number(score ?? 1));
  }
  return qrels;
}

async function readRequired(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new TailorError('NOT_FOUND', `Cannot read ${path}: a BEIR folder needs queries.jsonl and qrels/<split>.tsv.`, { cause });
  }
}

function parseLine(line: string, path: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch (cause) {
    throw new TailorError('PARSE_FAILED', `${path} line ${lineNumber} is not valid JSON.`, { cause });
  }
}
