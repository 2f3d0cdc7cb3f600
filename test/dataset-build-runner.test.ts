/** The dataset-build job runner: a rerun of the same job (taken over from a replica that died after saving) stops at its own save. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor } from '../src/tailor.js';
import { homeFromTailor } from '../src/home/open-home.js';
import { datasetBuildRunner } from '../src/server/finetune/runners.js';
import { silentLogger } from '../src/core/logger.js';
import type { JobRun, JobSpec } from '../src/server/jobs.js';
import type { TailorError } from '../src/core/errors.js';
import { tempDir } from './helpers/temp.js';

const runOf = (id: string): JobRun => ({ id, progress: () => undefined, detail: () => undefined, signal: new AbortController().signal, cancelled: () => false });

test('a rerun of a build job finds the dataset its first run saved and returns it; another job with mode create is refused', async () => {
  const home = await tempDir('tailor-build-runner-');
  const store = await createSqliteStore({ home });
  const tailor = createTailor({ store });
  try {
    await tailor.ingestTexts({
      collection: 'hr',
      items: [
        { source: 'mem://leave', title: 'Leave', text: 'New employees get 25 days of paid leave per year. Unused days expire in March.' },
        { source: 'mem://remote', title: 'Remote', text: 'Staff may work remotely two days per week. Laptops must be encrypted.' },
      ],
    });
    const owner = homeFromTailor(home, tailor);
    const runner = datasetBuildRunner({ tailor, home, owner, logger: silentLogger });
    const spec: JobSpec = { collection: 'hr', paths: [], params: { kind: 'qa', name: 'hr-qa', mode: 'create' } };
    const first = (await runner(spec, runOf('job_00000000000000a1'))).result as { manifest: { hash: string; history: unknown[] }; resumed?: boolean };
    assert.equal(first.resumed, undefined);
    const again = (await runner(spec, runOf('job_00000000000000a1'))).result as { manifest: { hash: string; history: unknown[] }; resumed?: boolean };
    assert.equal(again.resumed, true);
    assert.equal(again.manifest.hash, first.manifest.hash);
    assert.equal((await owner.datasets.load('hr-qa')).manifest.history.length, 1, 'nothing saved twice');
    await assert.rejects(runner(spec, runOf('job_00000000000000b2')), (e: TailorError) => e.code === 'INVALID_ARGUMENT' && /exists already/.test(e.message));
  } finally {
    await store.close();
  }
});
