import { readFileSync } from 'node:fs';
import { TailorError } from '../../core/errors.js';

/**
 * A minimal safetensors reader: 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__? }`, then the raw
 * little-endian tensor bytes (offsets are relative to the end of the header).
 */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8';

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** The tensor's bytes (a view into the file buffer). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1 };

function invalid(path: string, reason: string): TailorError {
  return new TailorError('MODEL_LOAD_FAILED', `${path} is not a valid safetensors file: ${reason}`, { details: { path } });
}

export function readSafetensors(path: string): SafetensorsFile {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `Cannot read ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  return parseSafetensors(file, path);
}

export function parseSafetensors(file: Uint8Array, path = 'safetensors buffer'): SafetensorsFile {
  if (file.length < 8) throw invalid(path, 'shorter than its 8-byte header length');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > file.length - 8) throw invalid(path, `header length ${headerLength} exceeds the file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw invalid(path, `header is not JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dtype = info.dtype as SafetensorsDtype;
    if (!(dtype in BYTES_PER_ELEMENT)) throw invalid(path, `tensor "${name}" has unsupported dtype ${info.dtype}`);
    const shape = info.shape ?? [];
    const [begin, end] = info.data_offsets ?? [-1, -1];
    const expected = shape.reduce((n, d) => n * d, 1) * BYTES_PER_ELEMENT[dtype];
    if (begin < 0 || end < begin || dataStart + end > file.length || end - begin !== expected) {
      throw invalid(path, `tensor "${name}" has inconsistent offsets [${begin}, ${end}] for shape [${shape}] ${dtype}`);
    }
    tensors.set(name, { dtype, shape, bytes: file.subarray(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata };
}

/** Converts any float or integer tensor to float32 (embeddings, weights). */
export function tensorToFloat32(tensor: SafetensorsTensor): Float32Array {
  const { bytes, dtype } = tensor;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / BYTES_PER_ELEMENT[dtype];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'F64': out[i] = view.getFloat64(i * 8, true); break;
      case 'F32': out[i] = view.getFloat32(i * 4, true); break;
      case 'F16': out[i] = float16ToNumber(view.getUint16(i * 2, true)); break;
      case 'BF16': out[i] = bfloat16ToNumber(view.getUint16(i * 2, true)); break;
      case 'I64': out[i] = Number(view.getBigInt64(i * 8, true)); break;
      case 'I32': out[i] = view.getInt32(i * 4, true); break;
      case 'I16': out[i] = view.getInt16(i * 2, true); break;
      case 'I8': out[i] = view.getInt8(i); break;
      case 'U8': out[i] = view.getUint8(i); break;
    }
  }
  return out;
}

/** Integer tensors (index mappings) as int32; refuses floats and values outside int32. */
export function tensorToInt32(tensor: SafetensorsTensor, path: string, name: string): Int32Array {
  const { bytes, dtype } = tensor;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = BYTES_PER_ELEMENT[dtype];
  const n = bytes.byteLength / size;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (dtype) {
      case 'I64': v = Number(view.getBigInt64(i * 8, true)); break;
      case 'I32': v = view.getInt32(i * 4, true); break;
      case 'I16': v = view.getInt16(i * 2, true); break;
      case 'I8': v = view.getInt8(i); break;
      case 'U8': v = view.getUint8(i); break;
      default: throw invalid(path, `tensor "${name}" should hold integers but is ${dtype}`);
    }
    if (v !== (v | 0)) throw invalid(path, `tensor "${name}" has value ${v} outside the int32 range`);
    out[i] = v;
  }
  return out;
}

export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToNumber(b: number): number {
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setUint32(0, b << 16);
  return buffer.getFloat32(0);
}
