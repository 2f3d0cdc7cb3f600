import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';

/** The real 260K-parameter llama model that every GGUF test runs on. */
export const STORIES_MODEL = fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));

/** Loads stories260K in llama.cpp for the enclosing suite and frees it afterwards; call the result inside tests. */
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
