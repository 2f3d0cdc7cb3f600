import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { walkPaths, type WalkResult } from '../src/ingest/walk.js';

let root: string;
let outside: string;

const FILES: Record<string, string> = {
  'docs/a.md': '# A\n',
  'docs/Notes.TXT': 'notes\n',
  'docs/sub/b.pdf': '%PDF-1.4 not really\n',
  'docs/sub/deeper/c.csv': 'x,y\n1,2\n',
  'docs/sub/deeper/d.jsonl': '{"a":1}\n',
  'docs/drafts/e.md': '# draft\n',
  'docs/image.png': 'png',
  'docs/Makefile': 'all:\n',
  'docs/README.Debian': 'Debian notes for this package.\n',
  'docs/.hidden/secret.md': 'hidden\n',
  'docs/.env.md': 'dotfile\n',
  'docs/node_modules/pkg/readme.md': 'dependency\n',
  'docs/.git/description.md': 'git\n',
  'docs/.tailor/state.json': '{}\n',
  'loose.docx': 'PK',
  'slides.pptx': 'PK',
  'unknown.xyz': 'plain words\n',
};

const rel = (result: WalkResult) => result.files.map((file) => relative(root, file.path));

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tailor-walk-'));
  outside = await mkdtemp(join(tmpdir(), 'tailor-walk-outside-'));
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await writeFile(join(outside, 'linked.md'), '# linked\n');
  await symlink(outside, join(root, 'docs/sub/link-to-outside'));
  await symlink(join(root, 'docs'), join(root, 'docs/sub/loop')); // a cycle back to the root
  await symlink(join(root, 'nowhere.md'), join(root, 'docs/dangling.md'));
  // Binary content under a name that says nothing: sniffed and skipped, not dropped silently.
  await writeFile(join(root, 'docs/core.dump'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('walkPaths', () => {
  test('walks folders recursively: known formats, text by content, default excludes, sorted absolute paths', async () => {
    const result = await walkPaths([join(root, 'docs')]);
    assert.deepEqual(rel(result), [
      'docs/Makefile',
      'docs/Notes.TXT',
      'docs/README.Debian',
      'docs/a.md',
      'docs/drafts/e.md',
      'docs/sub/b.pdf',
      'docs/sub/deeper/c.csv',
      'docs/sub/deeper/d.jsonl',
    ]);
    assert.deepEqual(result.errors, [], 'symlinks inside folders are not followed by default');
    const csv = result.files.find((file) => file.path.endsWith('c.csv'))!;
    assert.equal(csv.format, 'csv');
    assert.equal(csv.sizeBytes, 8);
    assert.equal(csv.modifiedAt, (await stat(csv.path)).mtime.toISOString());
    assert.deepEqual(
      result.files.map((file) => file.format),
      ['text', 'text', 'text', 'markdown', 'markdown', 'pdf', 'csv', 'jsonl'],
    );
  });

  test('every path left out of a folder is reported with its reason', async () => {
    const result = await walkPaths([join(root, 'docs')]);
    const skipped = result.skipped.map((entry) => [relative(root, entry.path), entry.reason]);
    assert.deepEqual(skipped, [
      ['docs/.env.md', 'hidden'],
      ['docs/.git', 'hidden'],
      ['docs/.hidden', 'hidden'],
      ['docs/.tailor', 'hidden'],
      ['docs/core.dump', 'unsupported'],
      ['docs/dangling.md', 'symlink'],
      ['docs/image.png', 'unsupported'],
      ['docs/node_modules', 'hidden'],
      ['docs/sub/link-to-outside', 'symlink'],
      ['docs/sub/loop', 'symlink'],
    ]);
    assert.ok(result.skipped.find((entry) => entry.path.endsWith('.git/')), 'skipped folders end with a slash');
    const excluded = await walkPaths([join(root, 'docs')], { include: ['*.md'] });
    const notIncluded = excluded.skipped.find((entry) => entry.path.endsWith('Notes.TXT'));
    assert.deepEqual([notIncluded?.reason, notIncluded?.detail], ['excluded', 'not matched by --include']);
  });

  test('include globs match the path relative to the root or the base name', async () => {
    const byBaseName = await walkPaths([join(root, 'docs')], { include: ['*.md'] });
    assert.deepEqual(rel(byBaseName), ['docs/a.md', 'docs/drafts/e.md']);
    const byRelativePath = await walkPaths([join(root, 'docs')], { include: ['sub/**'] });
    assert.deepEqual(rel(byRelativePath), ['docs/sub/b.pdf', 'docs/sub/deeper/c.csv', 'docs/sub/deeper/d.jsonl']);
  });

  test('exclude globs prune folders and drop files', async () => {
    const result = await walkPaths([join(root, 'docs')], { exclude: ['drafts', 'sub/deeper/*.csv', '*.TXT'] });
    assert.deepEqual(rel(result), ['docs/Makefile', 'docs/README.Debian', 'docs/a.md', 'docs/sub/b.pdf', 'docs/sub/deeper/d.jsonl']);
  });

  test('followSymlinks follows links, survives a cycle and reports a dangling link', async () => {
    const result = await walkPaths([join(root, 'docs')], { followSymlinks: true });
    assert.ok(rel(result).includes('docs/sub/link-to-outside/linked.md'));
    // The loop link points back at docs/, already walked: nothing is listed twice.
    assert.equal(new Set(result.files.map((file) => file.path)).size, result.files.length);
    assert.ok(!rel(result).some((path) => path.includes('loop')));
    assert.deepEqual(
      result.errors.map((entry) => [relative(root, entry.path), entry.error.code]),
      [['docs/dangling.md', 'UNREADABLE_PATH']],
    );
  });

  test('explicit files: taken even if hidden; unknown extension, missing and dangling paths become error entries', async () => {
    const result = await walkPaths([
      join(root, 'loose.docx'),
      join(root, 'docs/.env.md'),
      join(root, 'slides.pptx'),
      join(root, 'unknown.xyz'),
      join(root, 'docs/image.png'),
      join(root, 'does-not-exist'),
      join(root, 'docs/dangling.md'),
    ]);
    assert.deepEqual(rel(result), ['docs/.env.md', 'loose.docx', 'slides.pptx', 'unknown.xyz']);
    assert.equal(result.files.find((file) => file.path.endsWith('unknown.xyz'))?.format, 'text');
    assert.deepEqual(
      result.errors.map((entry) => [relative(root, entry.path), entry.error.code]),
      [
        ['docs/dangling.md', 'UNREADABLE_PATH'],
        ['docs/image.png', 'UNSUPPORTED_FORMAT'],
        ['does-not-exist', 'NOT_FOUND'],
      ],
    );
    assert.match(result.errors[1].error.message, /Supported: .*\.md/);
  });

  test('overlapping inputs list each file once; order does not depend on input order', async () => {
    const one = await walkPaths([join(root, 'docs'), join(root, 'docs/a.md'), join(root, 'docs/sub')]);
    const two = await walkPaths([join(root, 'docs/sub'), join(root, 'docs/a.md'), join(root, 'docs')]);
    assert.deepEqual(one, two);
    assert.equal(one.files.length, 8);
    // Globs are relative to each root: the same folder reached from two roots is judged from both.
    const include = ['sub/**'];
    const subFirst = await walkPaths([join(root, 'docs/sub'), join(root, 'docs')], { include });
    const docsFirst = await walkPaths([join(root, 'docs'), join(root, 'docs/sub')], { include });
    assert.deepEqual(subFirst, docsFirst);
    assert.deepEqual(rel(subFirst), ['docs/sub/b.pdf', 'docs/sub/deeper/c.csv', 'docs/sub/deeper/d.jsonl']);
  });

  test('relative paths resolve against the working directory', async () => {
    const result = await walkPaths([relative(process.cwd(), join(root, 'docs/sub/deeper'))]);
    assert.deepEqual(rel(result), ['docs/sub/deeper/c.csv', 'docs/sub/deeper/d.jsonl']);
    assert.ok(result.files.every((file) => file.path.startsWith('/')));
  });
});
