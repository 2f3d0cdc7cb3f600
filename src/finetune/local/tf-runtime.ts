import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TfBackendName = 'wasm' | 'cpu';

let gradientsRegistered: Promise<void> | undefined;

/**
 * Gradients live in tfjs-core's ESM build only, whose extensionless imports plain Node cannot
 * resolve; the resolve hook makes them loadable. They register into TensorFlow.js's process-wide
 * registry, which the CommonJS build imported above shares.
 */
function registerGradients(): Promise<void> {
  gradientsRegistered ??= (async () => {
    register(new URL('./tfjs-resolve-hook.js', import.meta.url));
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return gradientsRegistered;
}

/**
 * TensorFlow.js keeps its backend in process-wide state; this is the one place that sets it.
 * WASM is the default: see docs/decisions/0004-lora-autodiff.md for the measurements.
 */
export async function useTfBackend(name: TfBackendName = 'wasm'): Promise<typeof tf> {
  await registerGradients();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`TensorFlow.js backend ${name} could not be initialised`);
  }
  await tf.ready();
  return tf;
}

export { tf };
