/**
 * One contract for every KeyStore: the keys file of an embedded home and the table a PostgreSQL
 * home's replicas share. `open` may be called twice on one backing: two processes (two replicas,
 * or the CLI and a server) that must agree at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyStore } from '../src/server/keys.js';
import type { TailorError } from '../src/core/errors.js';

export interface KeyBacking {
  open(): KeyStore;
  close(): Promise<void>;
}

export function keyStoreContract(options: { skip?: string; backing: () => Promise<KeyBacking> }): void {
  const { skip } = options;
  const withBacking = (fn: (b: KeyBacking) => Promise<void>) => async () => {
    const backing = await options.backing();
    try {
      await fn(backing);
    } finally {
      await backing.close();
    }
  };

  test('a new store is empty; a created key verifies to its principal, is listed without its secret, and is gone once revoked', { skip }, withBacking(async (b) => {
    const keys = b.open();
    assert.equal(await keys.isEmpty(), true);
    const created = await keys.create({ name: ' alice ', role: 'reader', collections: ['docs', 'docs', 'faq'] });
    assert.match(created.key, /^tlr_/);
    assert.equal(created.summary.name, 'alice');
    assert.deepEqual(created.summary.collections, ['docs', 'faq'], 'duplicates dropped');
    assert.equal(await keys.isEmpty(), false);
    assert.deepEqual(await keys.verify(created.key), { keyId: created.id, name: 'alice', role: 'reader', collections: ['docs', 'faq'] });
    assert.equal(await keys.verify(created.key + 'x'), undefined);
    assert.equal(await keys.verify(''), undefined);
    const listed = await keys.list();
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.keyId, created.id);
    assert.ok(!('hash' in listed[0]!), 'the hash is never listed');
    assert.ok(created.key.startsWith(listed[0]!.prefix));
    assert.ok(!JSON.stringify(listed).includes(created.key), 'nor the key');
    await keys.revoke(created.id);
    assert.equal(await keys.verify(created.key), undefined);
    assert.equal(await keys.isEmpty(), true);
    await assert.rejects(async () => keys.revoke(created.id), (e: TailorError) => e.code === 'NOT_FOUND');
  }));

  test('bad input is refused with a message naming it', { skip }, withBacking(async (b) => {
    const keys = b.open();
    await assert.rejects(async () => keys.create({ name: 'x', role: 'owner' as 'admin', collections: ['*'] }), /Unknown role "owner"/);
    await assert.rejects(async () => keys.create({ name: '  ', role: 'reader', collections: ['*'] }), /needs a name/);
    await assert.rejects(async () => keys.create({ name: 'x', role: 'reader', collections: [] }), /at least one collection/);
    assert.equal(await keys.isEmpty(), true, 'nothing was stored');
  }));

  test('an acting key creates, sees and revokes only keys within its own grants', { skip }, withBacking(async (b) => {
    const keys = b.open();
    const root = await keys.create({ name: 'root', role: 'admin', collections: ['*'] });
    const alphaAdmin = await keys.create({ name: 'alpha-admin', role: 'admin', collections: ['alpha'] });
    const beta = await keys.create({ name: 'beta', role: 'reader', collections: ['beta'] });
    const by = { role: 'admin' as const, collections: ['alpha'] };
    await assert.rejects(async () => keys.create({ name: 'x', role: 'reader', collections: ['beta'] }, { by }), (e: TailorError) => e.code === 'FORBIDDEN');
    await assert.rejects(async () => keys.create({ name: 'x', role: 'reader', collections: ['*'] }, { by }), (e: TailorError) => e.code === 'FORBIDDEN');
    const alphaReader = await keys.create({ name: 'alpha-reader', role: 'reader', collections: ['alpha'] }, { by });
    assert.deepEqual((await keys.list({ by })).map((k) => k.name).sort(), ['alpha-admin', 'alpha-reader']);
    await assert.rejects(async () => keys.revoke(beta.id, { by }), (e: TailorError) => e.code === 'NOT_FOUND', 'out of reach looks missing');
    await assert.rejects(async () => keys.revoke(root.id, { by }), (e: TailorError) => e.code === 'NOT_FOUND');
    await keys.revoke(alphaReader.id, { by });
    assert.ok(await keys.verify(beta.key), 'the other key is untouched');
    assert.ok(await keys.verify(alphaAdmin.key));
    assert.equal((await keys.list()).length, 3);
  }));

  test('two processes on one backing agree at once: a key created through one is honoured by the other, a revocation refused', { skip }, withBacking(async (b) => {
    const a = b.open();
    const other = b.open();
    assert.equal(await other.isEmpty(), true);
    const created = await a.create({ name: 'shared', role: 'editor', collections: ['docs'] });
    assert.equal((await other.verify(created.key))?.keyId, created.id, 'honoured by the other at once');
    assert.equal(await other.isEmpty(), false);
    const second = await other.create({ name: 'second', role: 'reader', collections: ['docs'] });
    assert.equal((await a.list()).length, 2);
    await a.revoke(created.id);
    assert.equal(await other.verify(created.key), undefined, 'revoked through one, refused by the other at once');
    await other.revoke(second.id);
    assert.equal(await a.verify(second.key), undefined);
    assert.equal(await a.isEmpty(), true);
  }));
}
