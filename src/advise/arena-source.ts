import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TailorError } from '../core/errors.js';
import { listArenaRuns, loadArenaRun } from '../eval/arena/run-store.js';
import type { ArenaRun } from '../eval/arena/types.js';

function checkRun(data: unknown, where: string): ArenaRun {
  const run = data as Partial<ArenaRun> | null;
  if (!run || typeof run !== 'object' || !Array.isArray(run.arms)) {
    throw new TailorError('INVALID_ARGUMENT', `${where} is not an arena run: it has no "arms" list (make one with \`tailor arena\`).`, { details: { field: 'arms' } });
  }
  run.arms.forEach((arm, i) => {
    if (!arm || typeof arm.name !== 'string' || typeof arm.kind !== 'string' || typeof arm.metrics !== 'object' || arm.metrics === null) {
      throw new TailorError('INVALID_ARGUMENT', `${where}: arms[${i}] needs a name, a kind and metrics.`, { details: { field: `arms[${i}]` } });
    }
  });
  return { comparisons: [], perQuestion: [], collections: [], ...run, id: run.id ?? where } as ArenaRun;
}

/** `--arena` takes a run id in the home, `latest`, or a path to a run.json (or its folder). */
export async function resolveArenaRun(home: string, ref: string, cwd: string): Promise<ArenaRun> {
  const path = resolve(cwd, ref);
  const info = await stat(path).catch(() => null);
  if (info) {
    const file = info.isDirectory() ? join(path, 'run.json') : path;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new TailorError('UNREADABLE_PATH', `Cannot read the arena run ${file}.`, { cause, details: { path: file } });
    }
    try {
      return checkRun(JSON.parse(text), file);
    } catch (cause) {
      if (cause instanceof TailorError) throw cause;
      throw new TailorError('INVALID_ARGUMENT', `${file} is not valid JSON (${(cause as Error).message}).`, { cause, details: { path: file } });
    }
  }
  if (ref === 'latest') {
    const [newest] = await listArenaRuns(home);
    if (!newest) throw new TailorError('NOT_FOUND', `No arena runs in ${home}: run \`tailor arena\` first.`);
    return checkRun(await loadArenaRun(home, newest.id), newest.id);
  }
  if (!/^\d{8}-\d{6}-[0-9a-f]{4}$/.test(ref)) {
    throw new TailorError('NOT_FOUND', `No arena run "${ref}": pass a run id from \`tailor arena list\`, "latest", or the path of a run.json.`, { details: { ref } });
  }
  return checkRun(await loadArenaRun(home, ref), `arena run ${ref}`);
}
