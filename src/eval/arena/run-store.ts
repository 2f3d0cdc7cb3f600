import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import type { ArenaRun, ArenaRunSummary, ArmAnswer } from './types.js';

/**
 * Runs live in `<home>/arena/runs/<runId>/`: `run.json` (the final result, as `--json` prints
 * it), `report.html`, and the checkpoint — `state.json` (the run's settings, written first)
 * and `answers.jsonl` (one line per answered question and arm, appended as they come).
 */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

export function arenaRunsDir(home: string): string {
  return join(home, 'arena', 'runs');
}

export function arenaRunDir(home: string, id: string): string {
  if (!RUN_ID.test(id)) throw new TailorError('INVALID_ARGUMENT', `"${id}" is not an arena run id (like 20261202-153012-ab12). List runs with \`tailor arena list\`.`, { details: { id } });
  return join(arenaRunsDir(home), id);
}

/** Sortable by time: `YYYYMMDD-HHMMSS-xxxx` (UTC). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export interface CheckpointLine {
  question: string;
  arm: string;
  answer: ArmAnswer;
}

export async function appendCheckpoint(dir: string, line: CheckpointLine): Promise<void> {
  await appendFile(join(dir, 'answers.jsonl'), JSON.stringify(line) + '\n');
}

/** Answers already given; a torn last line (the process died mid-write) is ignored. */
export async function readCheckpoint(dir: string): Promise<CheckpointLine[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'answers.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const out: CheckpointLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as CheckpointLine);
    } catch {
      // only the last line can be torn; skipping it loses one answer, which is asked again
    }
  }
  return out;
}

export async function writeState(dir: string, state: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'state.json'), JSON.stringify(state, null, 2) + '\n');
}

export async function readState<T>(dir: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function saveRun(dir: string, run: ArenaRun, html?: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (html !== undefined) await writeFileAtomic(join(dir, 'report.html'), html);
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(run, null, 2) + '\n');
}

export async function loadArenaRun(home: string, id: string): Promise<ArenaRun> {
  const dir = arenaRunDir(home, id);
  try {
    return JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as ArenaRun;
  } catch (cause) {
    const state = await readState<{ id: string }>(dir);
    if (state) throw new TailorError('NOT_FOUND', `Arena run ${id} has no results yet (it is running, or stopped before its first report). Resume it with \`tailor arena --resume ${id}\`.`, { cause, details: { id } });
    throw new TailorError('NOT_FOUND', `There is no arena run ${id} in ${arenaRunsDir(home)}. List runs with \`tailor arena list\`.`, { cause, details: { id } });
  }
}

/** Every run, newest first; a run that never wrote run.json counts as running. */
export async function listArenaRuns(home: string): Promise<ArenaRunSummary[]> {
  let ids: string[];
  try {
    ids = (await readdir(arenaRunsDir(home))).filter((id) => RUN_ID.test(id));
  } catch {
    return [];
  }
  const out: ArenaRunSummary[] = [];
  for (const id of ids.sort().reverse()) {
    const dir = join(arenaRunsDir(home), id);
    try {
      const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as ArenaRun;
      out.push({ id, createdAt: run.createdAt, status: run.status, protocol: run.protocol, arms: run.arms.map((a) => a.name), questions: run.questions.total, collections: run.collections });
    } catch {
      const state = await readState<{ createdAt: string; protocol: ArenaRun['protocol']; arms: Array<{ name: string }>; questions: unknown[]; collections: string[] }>(dir);
      if (state) out.push({ id, createdAt: state.createdAt, status: 'running', protocol: state.protocol, arms: state.arms.map((a) => a.name), questions: state.questions.length, collections: state.collections });
    }
  }
  return out;
}
