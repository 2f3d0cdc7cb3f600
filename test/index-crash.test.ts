import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { CHUNKS_PER_DOC, crashDocId } from './fixtures/index-crash-docs.js';
import { tempDir } from './helpers/temp.js';

const WRITER = fileURLToPath(new URL('./fixtures/index-crash-writer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ChildRun {
  lines: string[];
  killed: boolean;
}

/**
 * Runs the writer; once `armOn` appears on its stdout, waits `delayMs` and
 * SIGKILLs it (unless it finished first). Only complete lines count.
 */
function runWriter(args: string[], kill?: { armOn: string; delayMs: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    const lines: string[] = [];
    let armed = false;
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data: string) => {
      buffered += data;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (kill && !armed && line === kill.armOn) {
          armed = true;
          setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, kill.delayMs);
        }
      }
    });
    child.stderr.on('data', (data) => (stderr += String(data)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') return resolve({ lines, killed });
      if (code !== 0) return reject(new Error(`writer exited with ${code}: ${stderr}`));
      resolve({ lines, killed: false });
    });
  });
}

/** Opens the store like a restarted process and checks it is whole: every reported commit present, no half documents. */
async function verifyStore(home: string, reportedDone: Set<string>): Promise<Set<string>> {
  const store = await createSqliteStore({ home });
  try {
    const chunks = await store.doGetChunks({});
    const byDocument = new Map<string, number[]>();
    for (const { chunk } of chunks) byDocument.set(chunk.documentId, [...(byDocument.get(chunk.documentId) ?? []), chunk.ordinal]);
    const documents = await store.doListDocuments({});
    assert.equal(byDocument.size, documents.length, 'every document has chunks');
    for (const [id, ordinals] of byDocument) {
      assert.deepEqual(ordinals, Array.from({ length: CHUNKS_PER_DOC }, (_, j) => j), `document ${id} is complete`);
    }
    for (const id of reportedDone) assert.ok(byDocument.has(id), `committed document ${id} survived the crash`);
    // BM25 answers from the reopened store and agrees with SQLite.
    for (const id of [...byDocument.keys()].slice(-3)) {
      const marker = `crashmarker${id.slice('doc-'.length)}`;
      const { keyword } = await store.doQuery({ text: marker, k: 50 });
      const expected = new Set(chunks.filter((c) => c.chunk.documentId === id).map((c) => c.chunk.id));
      assert.deepEqual(new Set(keyword.map((hit) => hit.chunkId)), expected, `BM25 finds ${id}`);
    }
    const stats = await store.doStats();
    assert.equal(stats.chunks, stats.documents * CHUNKS_PER_DOC);
    return new Set(byDocument.keys());
  } finally {
    await store.close();
  }
}

const doneIds = (run: ChildRun) => run.lines.filter((l) => l.startsWith('done doc-')).map((l) => l.slice('done '.length));

test('SIGKILL at random moments never loses a commit nor leaves half a document', async (t) => {
  const home = await tempDir('tailor-crash-');
  const total = 400;
  const done = new Set<string>();
  let next = 0;
  const delays: number[] = [];
  for (let round = 0; round < 5; round++) {
    const delayMs = Math.floor(Math.random() * 250);
    delays.push(delayMs);
    const run = await runWriter([home, 'each', String(next), String(total)], { armOn: `done ${crashDocId(next)}`, delayMs });
    for (const id of doneIds(run)) done.add(id);
    const stored = await verifyStore(home, done);
    t.diagnostic(`round ${round}: killed ${delayMs} ms after its first commit; ${doneIds(run).length} commits reported, ${stored.size} documents stored`);
    // Resume after the last stored document (a commit may land just before the kill, unreported).
    while (stored.has(crashDocId(next))) next++;
  }
  const final = await runWriter([home, 'each', String(next), String(total)]);
  assert.ok(final.lines.includes('finished'));
  for (const id of doneIds(final)) done.add(id);
  const stored = await verifyStore(home, done);
  assert.equal(stored.size, total, `all documents present at the end (kill delays ${delays.join(', ')} ms)`);
});

test('a big batch commits entirely or not at all, and a kill during snapshot writes leaves a store that opens', async (t) => {
  const home = await tempDir('tailor-crash-');
  const seed = await runWriter([home, 'each', '0', '20']);
  assert.ok(seed.lines.includes('finished'));
  const before = await verifyStore(home, new Set(doneIds(seed)));

  // One write of 400 documents, killed somewhere between start and (maybe) commit.
  const batch = await runWriter([home, 'batch', '20', '420', '1'], { armOn: 'starting', delayMs: Math.floor(Math.random() * 600) });
  const afterBatch = await verifyStore(home, before);
  const batchStored = [...afterBatch].filter((id) => !before.has(id)).length;
  assert.ok(batchStored === 0 || batchStored === 400, `batch stored ${batchStored} of 400`);
  if (batch.lines.includes('done batch')) assert.equal(batchStored, 400);
  t.diagnostic(`batch: ${batchStored} of 400 stored (killed: ${batch.killed})`);

  // Snapshot writes in a loop (snapshotAfterChanges=1 also snapshots after every write), killed at random.
  for (let round = 0; round < 3; round++) {
    const from = 400 + round * 10;
    const run = await runWriter([home, 'flush', String(from), String(from + 10), '1'], {
      armOn: 'flushing',
      delayMs: Math.floor(Math.random() * 150),
    });
    assert.ok(run.killed);
    const midWrite = fs.readdirSync(home).filter((name) => name.includes('.tmp-')).length;
    t.diagnostic(`snapshot round ${round}: ${midWrite} unfinished snapshot temp file(s) at the kill`);
    const stored = await verifyStore(home, new Set([...afterBatch, ...doneIds(run)]));
    assert.ok(stored.has(crashDocId(from + 9)));
    const leftovers = fs.readdirSync(home).filter((name) => name.includes('.tmp-'));
    assert.deepEqual(leftovers, [], 'temp files of dead snapshot writers are removed on open');
  }
});
