import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { ArenaRun, ArenaRunSummary } from './types.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The folder of one run; ids are checked so no id can point outside `<home>/arena/runs`. */
export function arenaRunDir(home: string, id: string): string {
  if (!RUN_ID.test(id) || id.includes('..')) {
    throw new TailorError('INVALID_ARGUMENT', `"${id}" is not an arena run id: ids are letters, digits, ".", "_" and "-" (see \`tailor arena list\`).`, { details: { id } });
  }
  return join(home, 'arena', 'runs', id);
}

export async function loadArenaRun(home: string, id: string): Promise<ArenaRun> {
  const file = join(arenaRunDir(home, id), 'run.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new TailorError('NOT_FOUND', `No arena run "${id}" in ${home}: list runs with \`tailor arena list\`.`, { cause, details: { id } });
  }
  try {
    return JSON.parse(text) as ArenaRun;
  } catch (cause) {
    throw new TailorError('PARSE_FAILED', `Arena run "${id}" has an unreadable run.json (${file}); run the arena again.`, { cause, details: { id, path: file } });
  }
}

/** Every readable run, newest first; unreadable folders are skipped. */
export async function listArenaRuns(home: string): Promise<ArenaRunSummary[]> {
  let ids: string[];
  try {
    ids = (await readdir(join(home, 'arena', 'runs'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const runs: ArenaRunSummary[] = [];
  for (const id of ids) {
    try {
      const run = await loadArenaRun(home, id);
      runs.push({
        id,
        createdAt: run.createdAt,
        status: run.status,
        protocol: run.protocol,
        arms: (run.arms ?? []).map((a) => a.name),
        questions: run.questions?.total ?? 0,
        collections: run.collections ?? [],
      });
    } catch {
      // A folder without a readable run.json is a run still being written or a stray folder.
    }
  }
  return runs.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
}
