import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { cli } from './helpers/cli.js';
import { BUILT_CLI, ensureBuilt } from './helpers/built.js';
import { tempDir } from './helpers/temp.js';

const FILES = 240;

/** Runs `tailor ingest` as a real process and SIGKILLs it once `killAfter` documents are reported stored. */
function ingestUntilKilled(home: string, dir: string, killAfter: number): Promise<{ stored: string[]; killed: boolean }> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, '--home', home, '--verbose', 'ingest', dir, '--embedder', 'none'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stored: string[] = [];
    let buffer = '';
    let killed = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      buffer += text;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const match = /^debug: stored (.+)$/.exec(line);
        if (match) stored.push(match[1]!);
      }
      if (!killed && stored.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ stored, killed }));
  });
}

test('kill -9 during `tailor ingest`: the store opens, holds every document reported stored, and a rerun completes the rest', { timeout: 120_000 }, async () => {
  const root = await tempDir();
  const dir = join(root, 'docs');
  const home = join(root, 'home');
  await mkdir(dir);
  for (let i = 0; i < FILES; i++) {
    const body = Array.from({ length: 12 }, (_, j) => `Paragraph ${j} of note ${i} records observation ${i * 31 + j} about species ${i % 17}.`).join('\n\n');
    await writeFile(join(dir, `note-${String(i).padStart(3, '0')}.md`), `# Note ${i}\n\n${body}\n`);
  }

  const first = await ingestUntilKilled(home, dir, 70);
  assert.ok(first.killed, 'the ingest was killed mid-way');
  assert.ok(first.stored.length >= 70 && first.stored.length < FILES, `stored before the kill: ${first.stored.length}`);

  const store = await createSqliteStore({ home });
  const docs = await store.doListDocuments({});
  const bySource = new Map(docs.map((d) => [d.source, d]));
  for (const source of first.stored) assert.ok(bySource.has(source), `${source} was reported stored but is missing`);
  // Never half a document: every stored document has all its chunks.
  const chunks = await store.doGetChunks({ documentIds: docs.map((d) => d.id) });
  const perDocument = new Map<string, number[]>();
  for (const { chunk } of chunks) perDocument.set(chunk.documentId, [...(perDocument.get(chunk.documentId) ?? []), chunk.ordinal]);
  for (const doc of docs) {
    const ordinals = (perDocument.get(doc.id) ?? []).sort((a, b) => a - b);
    assert.ok(ordinals.length > 0, `${doc.source} has no chunks`);
    assert.deepEqual(ordinals, ordinals.map((_, i) => i), `${doc.source} has a gap in its chunks`);
  }
  const hits = await store.doQuery({ text: 'observation species', k: 5 });
  assert.ok(hits.keyword.length > 0, 'the reopened store answers queries');
  await store.close();

  const rerun = await cli(['--home', home, 'ingest', dir, '--json'], {});
  assert.equal(rerun.code, 0, rerun.stderr);
  const report = JSON.parse(rerun.stdout);
  assert.equal(report.counts.failed, 0);
  assert.equal(report.counts.unchanged, docs.length);
  assert.equal(report.counts.new, FILES - docs.length);
  const after = await createSqliteStore({ home });
  assert.equal((await after.doStats()).documents, FILES);
  await after.close();
});
