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
  /**
   * Batched a [P,m,k] × b [P,k,n] as P separate 2-D products. Batched BatchMatMul is the WASM
   * backend's slow path (~0.9 GFLOP/s), and so is its Slice kernel, so the operands are split in
   * JS memory (a copy, ~free at these sizes) and each pair runs on the fast path.
   */
  bmm(a: TF.Tensor3D, b: TF.Tensor3D): TF.Tensor3D;
  /** x [m,in] × W^T for a frozen W [out,in]: differentiable in x only; keeps both layouts. */
  frozen(weight: TF.Tensor2D): { apply(x: TF.Tensor2D): TF.Tensor2D; dispose(): void };
}

/** [P, rows, cols] → [P, cols, rows]. */
function transposeLast2(src: Float32Array, P: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  const size = rows * cols;
  for (let p = 0; p < P; p++) {
    const base = p * size;
    for (let r = 0; r < rows; r++) {
      const row = base + r * cols;
      for (let c = 0; c < cols; c++) out[base + c * rows + r] = src[row + c]!;
    }
  }
  return out;
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
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;

  function pairwise(a: Float32Array, b: Float32Array, P: number, m: number, k: number, n: number): TF.Tensor3D {
    const out = new Float32Array(P * m * n);
    for (let p = 0; p < P; p++) {
      const product = tf.tidy(() => tf.matMul(tf.tensor2d(a.subarray(p * m * k, (p + 1) * m * k), [m, k]), tf.tensor2d(b.subarray(p * k * n, (p + 1) * k * n), [k, n])));
      out.set(product.dataSync(), p * m * n);
      product.dispose();
    }
    return tf.tensor3d(out, [P, m, n]);
  }

  const bmm = tf.customGrad(((a: TF.Tensor, b: TF.Tensor, save: TF.GradSaveFunc) => {
    save([a, b]);
    const [P, m, k] = a.shape as [number, number, number];
    const n = b.shape[2]!;
    return {
      value: pairwise(a.dataSync() as Float32Array, b.dataSync() as Float32Array, P, m, k, n),
      gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => {
        const [sa, sb] = saved as [TF.Tensor3D, TF.Tensor3D];
        const dyData = dy.dataSync() as Float32Array;
        // Transposed in JS: the data is already here, and the backend's Transpose is slow.
        const da = pairwise(dyData, transposeLast2(sb.dataSync() as Float32Array, P, k, n), P, m, n, k);
        const db = pairwise(transposeLast2(sa.dataSync() as Float32Array, P, m, k), dyData, P, k, m, n);
        return [da, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: TF.Tensor3D, b: TF.Tensor3D) => TF.Tensor3D;

  return {
    mm,
    bmm,
    frozen(weight) {
      const transposed = tf.keep(tf.transpose(weight));
      const apply = tf.customGrad(((x: TF.Tensor) => ({
        value: tf.matMul(x as TF.Tensor2D, transposed),
        gradFunc: (dy: TF.Tensor) => tf.matMul(dy as TF.Tensor2D, weight),
      })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: TF.Tensor2D) => TF.Tensor2D;
      return { apply, dispose: () => transposed.dispose() };
    },
  };
}
