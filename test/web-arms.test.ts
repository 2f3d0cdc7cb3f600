/** Which arms side-by-side offers for a model list, and the upload time estimate: plain functions of the web UI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { armsFor } from '../web/src/arms.js';
import { estimate } from '../web/src/estimate.js';

test('arms: base, RAG for the chosen collection, adapters and RAG + adapter, in that order', () => {
  const models = ['rag:hr', 'rag:sales', 'rag:hr+adapter:hr-lora', 'gguf:tiny.gguf+adapter:hr-lora', 'gguf:tiny.gguf'];
  assert.deepEqual(armsFor(models, 'hr').map((a) => [a.kind, a.model]), [
    ['base', 'gguf:tiny.gguf'],
    ['rag', 'rag:hr'],
    ['adapter', 'gguf:tiny.gguf+adapter:hr-lora'],
    ['rag+adapter', 'rag:hr+adapter:hr-lora'],
  ]);
  assert.deepEqual(armsFor(models, '').filter((a) => a.kind === 'rag').map((a) => a.model), ['rag:hr', 'rag:sales'], 'all collections: every RAG arm');
  // No adapters yet (or a server without them): base and RAG only, nothing breaks.
  assert.deepEqual(armsFor(['rag:hr', 'extractive'], 'hr').map((a) => a.label), ['Extractive (all collections)', 'RAG (hr)']);
  assert.deepEqual(armsFor([], 'hr'), []);
});

test('upload estimate: from the pace so far, nothing before there is one', () => {
  assert.equal(estimate(0, 10, 5000), '');
  assert.equal(estimate(5, 10, 5000), ' · about 5 s left');
  assert.equal(estimate(1, 100, 2000), ' · about 4 min left');
  assert.equal(estimate(10, 10, 5000), '');
});
