/**
 * One long job a form started (a dataset build, an arena run): its progress bar and a time-left estimate,
 * with the job kept in this browser so that a reload shows it again until it ends.
 */
import { estimate } from './estimate.js';
import type { FinetuneApi, JobState } from './finetune-api.js';

export interface FollowedJob {
  jobId: string;
  /** What the status line calls it, e.g. "Building “hr-qa”". */
  label: string;
  /** The thing the job makes (a dataset or run name), for the caller's last word. */
  subject: string;
}

export interface JobProgress {
  /** Follows a job to its end, then calls onEnd; resolves with its last state (undefined, and onEnd not called, when the server no longer knows it). */
  follow(job: FollowedJob): Promise<JobState | undefined>;
  /** Follows the job a previous page load left running, if any. */
  resume(): Promise<void>;
}

export function createJobProgress(options: {
  api: FinetuneApi;
  storageKey: string;
  progress: HTMLProgressElement;
  status: HTMLElement;
  /** What `done` counts, e.g. "chunks". */
  unit: string;
  onEnd(job: FollowedJob, last: JobState): Promise<void> | void;
  storage?: Storage;
}): JobProgress {
  const storage = options.storage ?? window.localStorage;
  const { progress, status } = options;

  async function follow(job: FollowedJob): Promise<JobState | undefined> {
    storage.setItem(options.storageKey, JSON.stringify(job));
    progress.hidden = false;
    progress.removeAttribute('value'); // indeterminate until the job reports a total
    status.textContent = `${job.label}…`;
    let last: JobState | undefined;
    let pace: { at: number; done: number } | undefined;
    try {
      await options.api.events(`/api/jobs/${encodeURIComponent(job.jobId)}/events`, (event) => {
        last = JSON.parse(event.data) as JobState;
        if (last.total > 0) {
          progress.max = last.total;
          progress.value = last.done;
        }
        if (last.state === 'running' && !pace) pace = { at: Date.now(), done: last.done };
        const eta = pace ? estimate(last.done - pace.done, last.total - pace.done, Date.now() - pace.at) : '';
        status.textContent = last.state === 'queued' ? `${job.label}: waiting for the queue…` : `${job.label}: ${last.done} of ${last.total || '?'} ${options.unit}${eta}`;
      });
    } catch (error) {
      // The server forgets finished jobs after a while: a stale record just goes.
      if ((error as { status?: number }).status !== 404) throw error;
      last = undefined;
    } finally {
      storage.removeItem(options.storageKey);
    }
    if (last === undefined) {
      progress.hidden = true;
      status.textContent = '';
      return undefined;
    }
    if (last.state === 'done') {
      progress.max = 1;
      progress.value = 1;
    }
    await options.onEnd(job, last);
    return last;
  }

  async function resume(): Promise<void> {
    const raw = storage.getItem(options.storageKey);
    if (!raw) return;
    let job: FollowedJob;
    try {
      job = JSON.parse(raw) as FollowedJob;
    } catch {
      storage.removeItem(options.storageKey);
      return;
    }
    await follow(job).catch((error: unknown) => void (status.textContent = error instanceof Error ? error.message : String(error)));
  }

  return { follow, resume };
}
