import { GGML_TYPE } from './gguf-types.js';

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half → float (subnormals, infinities and NaN included). */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** float → IEEE half, round-to-nearest-even (as ggml's GGML_FP32_TO_FP16). */
export function f32ToF16(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
}

function bf16ToF32(h: number): number {
  u32Scratch[0] = h << 16;
  return f32Scratch[0]!;
}

/** Turns `elements` values of ggml type `type` stored in `src` into f32. */
export function dequantize(src: Uint8Array, type: number, elements: number): Float32Array {
  const out = new Float32Array(elements);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (type) {
    case GGML_TYPE.F32:
      for (let i = 0; i < elements; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case GGML_TYPE.F16:
      for (let i = 0; i < elements; i++) out[i] = f16ToF32(view.getUint16(i * 2, true));
      return out;
    case GGML_TYPE.BF16:
      for (let i = 0; i < elements; i++) out[i] = bf16ToF32(view.getUint16(i * 2, true));
      return out;
    case GGML_TYPE.Q8_0:
      for (let b = 0; b < elements / 32; b++) {
        const base = b * 34;
        const d = f16ToF32(view.getUint16(base, true));
        for (let j = 0; j < 32; j++) out[b * 32 + j] = d * view.getInt8(base + 2 + j);
      }
      return out;
    case GGML_TYPE.Q4_0:
    case GGML_TYPE.Q4_1: {
      const withMin = type === GGML_TYPE.Q4_1;
      const size = withMin ? 20 : 18;
      for (let b = 0; b < elements / 32; b++) {
        const base = b * size;
        const d = f16ToF32(view.getUint16(base, true));
        const m = withMin ? f16ToF32(view.getUint16(base + 2, true)) : 0;
        const qs = base + (withMin ? 4 : 2);
        for (let j = 0; j < 16; j++) {
          const q = src[qs + j]!;
          out[b * 32 + j] = withMin ? (q & 0xf) * d + m : ((q & 0xf) - 8) * d;
          out[b * 32 + j + 16] = withMin ? (q >> 4) * d + m : ((q >> 4) - 8) * d;
        }
      }
      return out;
    }
    case GGML_TYPE.Q5_0:
    case GGML_TYPE.Q5_1: {
      const withMin = type === GGML_TYPE.Q5_1;
      const size = withMin ? 24 : 22;
      for (let b = 0; b < elements / 32; b++) {
        const base = b * size;
        const d = f16ToF32(view.getUint16(base, true));
        const m = withMin ? f16ToF32(view.getUint16(base + 2, true)) : 0;
        const qh = view.getUint32(base + (withMin ? 4 : 2), true);
        const qs = base + (withMin ? 8 : 6);
        for (let j = 0; j < 16; j++) {
          const q = src[qs + j]!;
          const lo = (q & 0xf) | (((qh >>> j) << 4) & 0x10);
          const hi = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
          out[b * 32 + j] = withMin ? lo * d + m : (lo - 16) * d;
          out[b * 32 + j + 16] = withMin ? hi * d + m : (hi - 16) * d;
        }
      }
      return out;
    }
    default:
      throw new Error(`ggml type ${type} cannot be dequantised here`);
  }
}

/** Q8_0 as ggml's reference quantize_row_q8_0 writes it (used for tests and small exports). */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % 32 !== 0) throw new Error('Q8_0 needs a multiple of 32 values');
  const out = new Uint8Array((values.length / 32) * 34);
  const view = new DataView(out.buffer);
  for (let b = 0; b < values.length / 32; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[b * 32 + j]!));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    view.setUint16(b * 34, f32ToF16(d), true);
    for (let j = 0; j < 32; j++) view.setInt8(b * 34 + 2 + j, Math.round(values[b * 32 + j]! * id));
  }
  return out;
}

export function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, f32ToF16(values[i]!), true);
  return out;
}
