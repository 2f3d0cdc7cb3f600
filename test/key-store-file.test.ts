import { describe } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyStore } from '../src/server/keys.js';
import { keyStoreContract } from './key-store-contract.js';

describe('key store contract: <home>/keys.json (embedded)', () => {
  keyStoreContract({
    backing: async () => {
      const home = await mkdtemp(join(tmpdir(), 'tailor-keys-'));
      return { open: () => createKeyStore(home), close: () => rm(home, { recursive: true, force: true }) };
    },
  });
});
