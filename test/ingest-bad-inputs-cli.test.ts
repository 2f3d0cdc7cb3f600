import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { stallingMarkdown, writeBadInputCorpus, type Expected } from './fixtures/bad-inputs.js';
import { ensureBuilt, runBuilt } from './helpers/built.js';


function tailor(args: string[], home: string) {
  return runBuilt([...args, '--home', home], { env: { TAILOR_HOME: home } });
}

interface Report {
  files: Array<{ status: string; source: string; error?: { code: string; message: string }; documentId?: string }>;
  skipped: Array<{ path: string; reason: string; detail?: string }>;
  skippedCounts: Record<string, number>;
  counts: Record<string, number>;
}

describe('a bad-input corpus through the built CLI', () => {
  let dir: string;
  let corpus: string;
  let expected: Record<string, Expected>;
  before(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'tailor-bad-corpus-'));
    corpus = join(dir, 'corpus');
    expected = await writeBadInputCorpus(corpus, { arrayLength: 20_000 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('every file is accepted or rejected with its code, a fix-it message, one human stderr line; nothing silent', async () => {
    const home = join(dir, 'home');
    const started = performance.now();
    const run = tailor(['ingest', corpus, '--embedder', 'none', '--json'], home);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    const seen = new Map<string, Expected>();
    for (const file of report.files) {
      const name = file.source.slice(corpus.length + 1);
      seen.set(name, file.status === 'failed' ? { status: 'failed', code: file.error!.code as never } : { status: 'new' });
      if (file.status === 'failed') {
        assert.ok(file.error!.message.includes(name), `${name}: the message names the file`);
        assert.match(file.error!.message, /\b(raise|Convert|re-save|re-export|Re-export|split|Split|flatten|Check|exclude)\b/i, `${name}: the message says how to fix it: ${file.error!.message}`);
      }
    }
    for (const entry of report.skipped) seen.set(entry.path.slice(corpus.length + 1), { status: 'skipped', reason: entry.reason });
    assert.deepEqual(Object.fromEntries([...seen].sort()), Object.fromEntries(Object.entries(expected).sort()));
    assert.equal(report.skippedCounts.unsupported, 2);
    assert.equal(report.skippedCounts.symlink, 1);

    // stderr: one human line per failed file, no JSON.
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('warn:'));
    const failedNames = Object.entries(expected).filter(([, e]) => e.status === 'failed').map(([name]) => name);
    assert.equal(lines.length, failedNames.length, run.stderr);
    for (const name of failedNames) assert.equal(lines.filter((line) => line.includes(`/${name} `)).length, 1, `${name} has one line`);
    assert.ok(!/^\s*[{[]/m.test(run.stderr) && !run.stderr.includes('{"'), 'no JSON on stderr');
    // The hostile files cost little time: the whole corpus (bombs, 50,000-deep HTML) goes through quickly.
    assert.ok(seconds < 120, `took ${seconds.toFixed(1)} s`);

    // The store holds exactly the accepted files.
    const documents = JSON.parse(tailor(['documents', '--json'], home).stdout) as Array<{ source: string; format: string; title: string }>;
    const accepted = Object.entries(expected).filter(([, e]) => e.status === 'new').map(([name]) => join(corpus, name)).sort();
    assert.deepEqual(documents.map((d) => d.source).sort(), accepted);
    assert.equal(documents.find((d) => d.source.endsWith('README.Debian'))?.title, 'README.Debian');
    assert.deepEqual(
      Object.fromEntries(documents.filter((d) => /\.(pptx|xlsx|odt|epub|eml)$/.test(d.source)).map((d) => [d.source.split('.').pop(), d.format])),
      { pptx: 'pptx', xlsx: 'xlsx', odt: 'odt', epub: 'epub', eml: 'eml' },
    );
  });

  test('the human report groups skipped paths by reason with counts; failures go to stderr only', async () => {
    const run = tailor(['ingest', corpus, '--embedder', 'none'], join(dir, 'home-human'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /12 new, .* 10 failed, 3 skipped/);
    assert.match(run.stdout, /Skipped 3 paths:\n {2}2 not a readable format[^\n]*\n {4}\S*\/blob\n {4}\S*\/image\.png\n {2}1 symbolic links[^\n]*\n {4}\S*\/escape\.md/);
    assert.ok(!run.stdout.includes('LIMIT_EXCEEDED'), 'failure details are on stderr, not repeated on stdout');
    assert.match(run.stderr, /bomb-lying\.docx inflates to more than 64\.0 MB[^\n]*--max-decompressed-bytes[^\n]*\[LIMIT_EXCEEDED\]/);
    // A text file named explicitly without an extension is read, not refused for its name.
    const readme = tailor(['ingest', join(corpus, 'README'), '--embedder', 'none', '--json'], join(dir, 'home-readme'));
    assert.equal(JSON.parse(readme.stdout).counts.new, 1, readme.stderr);
    // Raising a cap is one flag away.
    const deep = join(dir, 'nested.json');
    await writeFile(deep, `${'['.repeat(1500)}"bottom"${']'.repeat(1500)}`);
    const refused = tailor(['ingest', deep, '--embedder', 'none', '--json'], join(dir, 'home-deep'));
    assert.equal(JSON.parse(refused.stdout).files[0].error.code, 'LIMIT_EXCEEDED');
    const deeper = tailor(['ingest', deep, '--embedder', 'none', '--max-depth', '2000', '--json'], join(dir, 'home-deep'));
    assert.equal(JSON.parse(deeper.stdout).counts.new, 1, deeper.stderr);
  });

  test('a file stuck in one synchronous parse is interrupted at --max-seconds; the store keeps the version it had; the rest goes in', async () => {
    const home = join(dir, 'home-stall');
    const folder = join(dir, 'stall');
    await mkdir(folder, { recursive: true });
    const notes = join(folder, 'notes.md');
    await writeFile(notes, '# Notes\n\nThe offsite is in Lisbon on 12 May.\n');
    const first = tailor(['ingest', folder, '--embedder', 'none', '--json'], home);
    assert.equal(JSON.parse(first.stdout).counts.new, 1, first.stderr);
    const before = JSON.parse(tailor(['documents', '--json'], home).stdout) as Array<{ source: string; contentHash: string }>;

    // The same file now stalls its parser (minutes, unbounded); a new good file comes beside it.
    await writeFile(notes, stallingMarkdown());
    await writeFile(join(folder, 'later.md'), '# Later\n\nThe budget review moved to June.\n');
    const started = performance.now();
    const run = tailor(['ingest', folder, '--embedder', 'none', '--max-seconds', '2', '--max-memory-mb', '64', '--json'], home);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    const stalled = report.files.find((f) => f.source === notes)!;
    assert.equal(stalled.status, 'failed');
    assert.equal(stalled.error!.code, 'LIMIT_EXCEEDED');
    assert.match(stalled.error!.message, /notes\.md took \d+\.\d s to load \(stopped while parsing[^)]*\), over the 2 s limit per file \(maxMillis\)/);
    assert.match(stalled.error!.message, /--max-seconds \d/);
    assert.equal(report.files.find((f) => f.source.endsWith('later.md'))?.status, 'new');
    // Interrupted, not finished: the parse alone would run for minutes.
    assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
    // The stored notes.md is the version from before, untouched; later.md was added.
    const after = JSON.parse(tailor(['documents', '--json'], home).stdout) as Array<{ source: string; contentHash: string }>;
    assert.deepEqual(after.find((d) => d.source === notes), before.find((d) => d.source === notes));
    assert.deepEqual(after.map((d) => d.source).sort(), [join(folder, 'later.md'), notes]);
  });

  test('a file whose parse needs more memory than --max-memory-mb is stopped with LIMIT_EXCEEDED; the process goes on', async () => {
    const home = join(dir, 'home-memory');
    const folder = join(dir, 'memory');
    await mkdir(folder, { recursive: true });
    const items: string[] = [];
    for (let i = 0; i < 100_000; i++) items.push(`{"id":${i},"sku":"SKU-${i}","tags":["a","b"]}`);
    await writeFile(join(folder, 'records.json'), `[${items.join(',')}]`);
    await writeFile(join(folder, 'small.md'), '# Small\n\nA short note.\n');
    const run = tailor(['ingest', folder, '--embedder', 'none', '--max-memory-mb', '16', '--json'], home);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    const big = report.files.find((f) => f.source.endsWith('records.json'))!;
    assert.equal(big.error?.code, 'LIMIT_EXCEEDED', JSON.stringify(big));
    assert.match(big.error!.message, /records\.json needed more than 16 MB of memory to load[^]*--max-memory-mb 32/);
    assert.equal(report.files.find((f) => f.source.endsWith('small.md'))?.status, 'new');
    // Under the default cap the same file loads.
    const again = tailor(['ingest', folder, '--embedder', 'none', '--json'], home);
    assert.equal(JSON.parse(again.stdout).files.find((f: { source: string }) => f.source.endsWith('records.json')).status, 'new', again.stderr);
  });
});
