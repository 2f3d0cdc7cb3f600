import { describe } from 'node:test';
import { rm } from 'node:fs/promises';
import { createJobQueue } from '../src/server/jobs.js';
import { silentLogger } from '../src/core/logger.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobQueueContract } from './job-queue-contract.js';

describe('job queue contract: files in the home (embedded)', () => {
  jobQueueContract({
    backing: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tailor-jobs-'));
      return {
        open: (options) => createJobQueue({ logger: silentLogger, dir, ...options }),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  });
});
