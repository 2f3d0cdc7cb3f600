import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

// The gradients' ESM files use extensionless imports that plain Node cannot resolve, so the build bundles
// them (scripts/bundle-tf-gradients.mjs) into dist; from source (tsx) the package's own files load.
const bundledGradients = './tf-gradients.js';
try {
  await import(bundledGradients);
} catch {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}

export type TfBackendName = 'wasm' | 'cpu';

/**
 * TensorFlow.js keeps its backend in process-wide state; this is the one place that sets it.
 * WASM is the default: see docs/decisions/0004-lora-autodiff.md for the measurements.
 */
export async function useTfBackend(name: TfBackendName = 'wasm'): Promise<typeof tf> {
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`TensorFlow.js backend ${name} could not be initialised`);
  }
  await tf.ready();
  return tf;
}

export { tf };
