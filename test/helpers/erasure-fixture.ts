/** A home holding one secret document and everything that can be derived from it, for erasure tests. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Unique enough that finding it anywhere means a copy survived. */
export const SECRET = 'The zebrafish quartermaster Ingrid Vasquez earns 91234 kroner a year in the northern office.';
export const SECRET_WORD = 'quartermaster';
export const KEPT = 'Harbour cranes are inspected every spring by the port authority before the season opens.';

export async function writeCorpus(dir: string): Promise<{ docs: string; secretFile: string; keptFile: string }> {
  const docs = join(dir, 'docs');
  await mkdir(docs, { recursive: true });
  const secretFile = join(docs, 'payroll.md');
  const keptFile = join(docs, 'cranes.md');
  await writeFile(secretFile, `# Payroll\n\n${SECRET} Salaries are reviewed each March by the board.\n`);
  await writeFile(keptFile, `# Cranes\n\n${KEPT} Reports go to the harbour master.\n`);
  return { docs, secretFile, keptFile };
}

/** Every file under `dir` (recursively) whose raw bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && readFileSync(path).includes(Buffer.from(needle))) hits.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return hits;
}

/**
 * The checks every delete path must pass: no byte of the secret sentence in any file of the home
 * (store.db and its WAL, datasets, exports, traces.jsonl, snapshots), and the adapter flagged.
 */
export function assertErasedFromHome(home: string, options: { adapterName?: string; keptRemains?: boolean } = {}): void {
  const adapterName = options.adapterName ?? 'hr-cluster';
  assert.deepEqual(filesContaining(home, SECRET.slice(0, 40)), [], 'no file in the home still holds the erased sentence');
  assert.deepEqual(filesContaining(home, '91234 kroner'), [], 'nor a quote of it');
  const manifest = JSON.parse(readFileSync(join(home, 'adapters', adapterName, 'manifest.json'), 'utf8'));
  assert.equal(manifest.containsErasedData, true, 'the adapter trained on it is flagged');
  const train = readFileSync(join(home, 'adapters', adapterName, 'data', 'train.jsonl'), 'utf8');
  if (options.keptRemains !== false) assert.ok(train.includes('Harbour cranes'), 'the export keeps the examples of documents that stay');
}
