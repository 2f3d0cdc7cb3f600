import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writeFileAtomicSync } from '../io/atomic-file.js';

const JOB_ID = /^job_[0-9a-f]{16}$/;

/**
 * One JSON file per job in a folder of the home (0600), so a job's status outlives a
 * restart and a queued job can run again. Each write is atomic and small.
 */
export interface JobFiles<T extends { view: { id: string } }> {
  save(entry: T): void;
  remove(id: string): void;
  /** The stored entry, or undefined when missing, unreadable or not a job id. */
  read(id: string): T | undefined;
  /** Every stored entry (unreadable files are logged and skipped). */
  readAll(): T[];
  /** Deletes files last written before `cutoffMs`, except those `keep` names. */
  sweep(cutoffMs: number, keep: (id: string) => boolean): void;
}

export function createJobFiles<T extends { view: { id: string } }>(dir: string, logger: Logger): JobFiles<T> {
  const path = (id: string) => join(dir, `${id}.json`);
  const ids = (): string[] => {
    try {
      return readdirSync(dir).map((f) => f.replace(/\.json$/, '')).filter((id) => JOB_ID.test(id));
    } catch {
      return []; // no folder yet
    }
  };
  const read = (id: string): T | undefined => {
    if (!JOB_ID.test(id)) return undefined;
    try {
      return JSON.parse(readFileSync(path(id), 'utf8')) as T;
    } catch {
      return undefined;
    }
  };
  return {
    save(entry) {
      try {
        mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
        writeFileAtomicSync(path(entry.view.id), JSON.stringify(entry), { mode: PRIVATE_FILE_MODE });
      } catch (error) {
        logger.log('warn', `could not save job ${entry.view.id}: ${(error as Error).message}`);
      }
    },
    remove: (id) => rmSync(path(id), { force: true }),
    read,
    readAll() {
      const entries: T[] = [];
      for (const id of ids()) {
        const entry = read(id);
        if (entry?.view?.id === id) entries.push(entry);
        else logger.log('warn', `ignoring unreadable job file ${path(id)}`);
      }
      return entries;
    },
    sweep(cutoffMs, keep) {
      for (const id of ids()) {
        if (keep(id)) continue;
        try {
          if (statSync(path(id)).mtimeMs < cutoffMs) rmSync(path(id), { force: true });
        } catch {
          // removed meanwhile
        }
      }
    },
  };
}
