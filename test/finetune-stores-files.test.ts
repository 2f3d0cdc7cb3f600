import { describe } from 'node:test';
import { finetuneStoresFor } from '../src/finetune/stores.js';
import { finetuneStoresContract } from './finetune-stores-contract.js';
import { tempDir } from './helpers/temp.js';

describe('datasets and adapters contract: files in the home', () => {
  finetuneStoresContract({
    backing: async () => {
      const home = await tempDir('tailor-ft-files-');
      // Every process opens the same home directory.
      return { open: async () => finetuneStoresFor(home), close: async () => undefined };
    },
  });
});
