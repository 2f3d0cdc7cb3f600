import type { tf as TF } from './tf-runtime.js';

type Tf = typeof TF;

/**
 * Matrix products that stay on the WASM backend's fast path. tfjs-backend-wasm runs a plain
 * [m,k]×[k,n] through XNNPACK (~9–15 GFLOP/s here) but falls back to a naive loop for
 * transposeA/transposeB (~1.3 GFLOP/s), and tfjs's own matMul gradient uses those flags. So the
 * gradients are written out with explicit (cheap) transposes instead.
 */
export interface FastMatMul {
  /** a [m,k] × b [k,n], differentiable in both. */
  mm(a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D;
  /** x [m,in] × W^T for a frozen W [out,in]: differentiable in x only; keeps both layouts. */
  frozen(weight: TF.Tensor2D): { apply(x: TF.Tensor2D): TF.Tensor2D; dispose(): void };
}

export function createFastMatMul(tf: Tf): FastMatMul {
  const mm = tf.customGrad(((a: TF.Tensor, b: TF.Tensor, save: TF.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D),
      gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => {
        const [sa, sb] = saved as [TF.Tensor2D, TF.Tensor2D];
        return [tf.matMul(dy as TF.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as TF.Tensor2D)];
      },
    };
  }) as unknown as TF.CustomGradientFunc<TF.Tensor2D>) as unknown as (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;

  return {
    mm,
    frozen(weight) {
      const transposed = tf.keep(tf.transpose(weight));
      const apply = tf.customGrad(((x: TF.Tensor) => ({
        value: tf.matMul(x as TF.Tensor2D, transposed),
        gradFunc: (dy: TF.Tensor) => tf.matMul(dy as TF.Tensor2D, weight),
      })) as unknown as TF.CustomGradientFunc<TF.Tensor2D>) as unknown as (x: TF.Tensor2D) => TF.Tensor2D;
      return { apply, dispose: () => transposed.dispose() };
    },
  };
}
