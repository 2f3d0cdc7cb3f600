import type { tf as TF } from './tf-runtime.js';

type Tf = typeof TF;

export interface AdamWSettings {
  learningRate: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Global gradient-norm clip; 0 turns it off. */
  clipNorm?: number;
}

export interface AdamWSnapshot {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export interface AdamW {
  readonly step: number;
  /** One update from gradients given in the same order as the parameters. */
  apply(grads: TF.Tensor[]): void;
  snapshot(): AdamWSnapshot;
  dispose(): void;
}

/**
 * AdamW (Loshchilov & Hutter): Adam moments with bias correction and weight decay applied to the
 * weights directly, not through the gradient. Written out rather than taken from tf.train because
 * TensorFlow.js has no decoupled weight decay and its optimizer state is awkward to checkpoint.
 */
export function createAdamW(tf: Tf, params: TF.Variable[], settings: AdamWSettings, initial?: AdamWSnapshot): AdamW {
  const beta1 = settings.beta1 ?? 0.9;
  const beta2 = settings.beta2 ?? 0.999;
  const epsilon = settings.epsilon ?? 1e-8;
  const clipNorm = settings.clipNorm ?? 1;
  let step = initial?.step ?? 0;
  const m = params.map((p, i) => tf.variable(initial ? tf.tensor(initial.m[i]!, p.shape) : tf.zerosLike(p), false));
  const v = params.map((p, i) => tf.variable(initial ? tf.tensor(initial.v[i]!, p.shape) : tf.zerosLike(p), false));
  return {
    get step() {
      return step;
    },
    apply(grads) {
      step++;
      tf.tidy(() => {
        let factor: TF.Scalar | number = 1;
        if (clipNorm > 0) {
          const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
          factor = tf.div(clipNorm, tf.maximum(norm, clipNorm)) as TF.Scalar;
        }
        const c1 = 1 - beta1 ** step;
        const c2 = 1 - beta2 ** step;
        params.forEach((p, i) => {
          const g = tf.mul(grads[i]!, factor);
          const mi = tf.add(tf.mul(m[i]!, beta1), tf.mul(g, 1 - beta1));
          const vi = tf.add(tf.mul(v[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
          m[i]!.assign(mi);
          v[i]!.assign(vi);
          const update = tf.div(tf.div(mi, c1), tf.add(tf.sqrt(tf.div(vi, c2)), epsilon));
          const decayed = tf.mul(p, 1 - settings.learningRate * settings.weightDecay);
          p.assign(tf.sub(decayed, tf.mul(update, settings.learningRate)));
        });
      });
    },
    snapshot: () => ({
      step,
      m: m.map((t) => t.dataSync() as Float32Array),
      v: v.map((t) => t.dataSync() as Float32Array),
    }),
    dispose() {
      m.forEach((t) => t.dispose());
      v.forEach((t) => t.dispose());
    },
  };
}
