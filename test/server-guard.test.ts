import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAllowed, parseHostHeader } from '../src/server/guard.js';
import { grantsWithin } from '../src/server/keys.js';

test('Host names that reach the server, by how it is bound', () => {
  const loopback = { host: '127.0.0.1', port: 8080, allowedHosts: [] };
  for (const ok of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080']) assert.ok(hostAllowed(ok, loopback), ok);
  for (const bad of ['attacker.example:8080', 'localhost', '127.0.0.1:8081', 'localhost.attacker.example:8080', '', 'a b', undefined]) assert.ok(!hostAllowed(bad, loopback), String(bad));
  const wildcard = { host: '0.0.0.0', port: 80, allowedHosts: ['tailor.corp'] };
  for (const ok of ['10.1.2.3', '10.1.2.3:80', '[fe80::1]', 'tailor.corp', 'tailor.corp:443']) assert.ok(hostAllowed(ok, wildcard), ok);
  for (const bad of ['rebind.attacker.example', '10.1.2.3:81']) assert.ok(!hostAllowed(bad, wildcard), bad);
  const v6 = { host: '::1', port: 9000, allowedHosts: ['proxy:8443'] };
  assert.ok(hostAllowed('[::1]:9000', v6));
  assert.ok(hostAllowed('proxy:8443', v6) && !hostAllowed('proxy:9000', v6));
  assert.deepEqual(parseHostHeader('[::1]:9000'), { name: '[::1]', port: 9000 });
});

test('a grant lies within another only if its role and collections do', () => {
  const publicAdmin = { role: 'admin' as const, collections: ['public'] };
  assert.ok(grantsWithin({ role: 'reader', collections: ['public'] }, publicAdmin));
  assert.ok(!grantsWithin({ role: 'admin', collections: ['*'] }, publicAdmin));
  assert.ok(!grantsWithin({ role: 'reader', collections: ['public', 'hr'] }, publicAdmin));
  assert.ok(!grantsWithin({ role: 'admin', collections: ['public'] }, { role: 'editor', collections: ['*'] }));
  assert.ok(grantsWithin({ role: 'admin', collections: ['*'] }, { role: 'admin', collections: ['*'] }));
});
