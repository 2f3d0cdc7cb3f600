import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { tinyLlamaPath } from './tiny-llama.js';

const REAL_STORIES = fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));

/**
 * The llama every GGUF suite runs on: the real 260K-parameter stories260K where ../shared has it,
 * otherwise (a fresh clone, or TAILOR_TEST_FIXTURES=generated to check that case) a random-weight
 * llama of the same shapes that the tests write themselves. Both are loaded by llama.cpp and by
 * Tailor's own forward pass, so every suite tests the same code either way.
 */
export const STORIES_IS_REAL = existsSync(REAL_STORIES) && process.env.TAILOR_TEST_FIXTURES !== 'generated';
export const STORIES_MODEL = STORIES_IS_REAL ? REAL_STORIES : tinyLlamaPath();
export const STORIES_NAME = STORIES_IS_REAL ? 'stories260K' : 'a generated tiny random llama';

/** Loads the test llama in llama.cpp for the enclosing suite and frees it afterwards; call the result inside tests. */
export function useStoriesModel(): () => LlamaModel {
  let llama: Llama;
  let model: LlamaModel;
  before(async () => {
    llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
    model = await llama.loadModel({ modelPath: STORIES_MODEL });
  });
  after(async () => {
    await model.dispose();
    await llama.dispose();
  });
  return () => model;
}
