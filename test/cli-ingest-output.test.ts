import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSkipped } from '../src/cli/output.js';
import type { SkippedPath } from '../src/ingest/walk.js';

test('skipped paths: grouped by reason with counts, large groups summarised by extension and cut short', () => {
  const skipped: SkippedPath[] = [
    ...Array.from({ length: 12 }, (_, i) => ({ path: `/doc/pkg${i}/changelog.Debian.gz`, reason: 'unsupported' as const })),
    { path: '/doc/logo.png', reason: 'unsupported' },
    { path: '/doc/core', reason: 'unsupported' },
    { path: '/doc/.git/', reason: 'hidden' },
  ];
  const lines = formatSkipped(skipped);
  assert.equal(lines[0], 'Skipped 15 paths (--json lists them all):');
  assert.equal(lines[1], '  14 not a readable format (binary or unknown content) (12 .gz, 1 .png, 1 without extension):');
  assert.equal(lines.filter((line) => line.startsWith('    /doc/')).length, 11, 'ten of the large group, and the small one whole');
  assert.ok(lines.includes('    … and 4 more'));
  assert.deepEqual(lines.slice(-2), ['  1 hidden or tool folders and files (.git, node_modules, dotfiles):', '    /doc/.git/']);
  assert.deepEqual(formatSkipped([]), []);
});
