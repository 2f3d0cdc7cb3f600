import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/temp.js';
import { runBuilt } from './helpers/built.js';

/** `tailor ask` through the built binary: short values lead, disagreeing sources are shown, unknown subjects refused. */

function tailor(args: string[], env: Record<string, string>) {
  return runBuilt(args, { env });
}

test('the built tailor ask leads with the value, flags disagreeing sources and names what the corpus lacks', { timeout: 300_000 }, async () => {
  const dir = await tempDir();
  const docs = join(dir, 'docs');
  await mkdir(docs);
  await writeFile(join(docs, 'handbook-2023.md'), '# Leave\n\nNew employees get 25 days of paid vacation per calendar year.\n');
  await writeFile(join(docs, 'handbook-2024.md'), '# Leave\n\nNew employees get 30 days of paid vacation per calendar year.\n');
  await writeFile(join(docs, 'it.md'), '# Laptops\n\nLaptops are replaced every three years by the IT desk.\n');
  const env = { TAILOR_HOME: join(dir, 'home'), TAILOR_CACHE: join(dir, 'cache') };
  assert.equal(tailor(['ingest', docs], env).code, 0);

  const conflict = tailor(['ask', 'How many days of paid vacation do new employees get?', '--json'], env);
  assert.equal(conflict.code, 0, conflict.stderr);
  const answer = JSON.parse(conflict.stdout);
  assert.deepEqual(answer.conflicts[0].values.map((v: { value: string }) => v.value).sort(), ['25 days', '30 days']);
  assert.equal(typeof answer.trace.support, 'number');

  const text = tailor(['ask', 'How often are laptops replaced?'], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Laptops are replaced every three years/);

  const unknown = tailor(['ask', 'How do I configure Kubernetes ingress?', '--json'], env);
  const refused = JSON.parse(unknown.stdout);
  assert.equal(refused.refused, true);
  assert.match(refused.refusalReason, /kubernet/);

  const help = tailor(['ask', '--help'], env);
  assert.match(help.stdout, /default 0\.35/);
});
