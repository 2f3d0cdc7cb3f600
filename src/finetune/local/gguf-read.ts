import { readFileSync } from 'node:fs';
import { TailorError } from '../../core/errors.js';
import { dequantize } from './dequantize.js';
import {
  DEFAULT_ALIGNMENT,
  GGML_BLOCK,
  GGML_TYPE_NAMES,
  GGUF_VALUE,
  type GgufFile,
  type GgufTensorInfo,
  type GgufValue,
  alignUp,
} from './gguf-types.js';

/** A GGUF file held in memory: parsed header plus the bytes its tensors point into. */
export interface GgufModelFile extends GgufFile {
  path: string;
  bytes: Buffer;
  /** The tensor's values as f32 in ggml order (row-major, dims[0] fastest). */
  readTensor(name: string): Float32Array;
  hasTensor(name: string): boolean;
  getMetadata<T extends GgufValue>(key: string): T | undefined;
}

class Cursor {
  offset = 0;
  constructor(private readonly buf: Buffer, private readonly path: string) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buf.length) {
      throw new TailorError('PARSE_FAILED', `The GGUF file ${this.path} is truncated at byte ${this.offset}; re-download or re-convert it.`, {
        details: { path: this.path, offset: this.offset },
      });
    }
  }
  u8(): number { this.need(1); return this.buf.readUInt8(this.offset++); }
  i8(): number { this.need(1); return this.buf.readInt8(this.offset++); }
  u16(): number { this.need(2); const v = this.buf.readUInt16LE(this.offset); this.offset += 2; return v; }
  i16(): number { this.need(2); const v = this.buf.readInt16LE(this.offset); this.offset += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.offset); this.offset += 4; return v; }
  i32(): number { this.need(4); const v = this.buf.readInt32LE(this.offset); this.offset += 4; return v; }
  f32(): number { this.need(4); const v = this.buf.readFloatLE(this.offset); this.offset += 4; return v; }
  f64(): number { this.need(8); const v = this.buf.readDoubleLE(this.offset); this.offset += 8; return v; }
  u64(): bigint { this.need(8); const v = this.buf.readBigUInt64LE(this.offset); this.offset += 8; return v; }
  i64(): bigint { this.need(8); const v = this.buf.readBigInt64LE(this.offset); this.offset += 8; return v; }
  /** Sizes and counts: u64 in the file, but must fit a JS number to be usable at all. */
  size(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`size ${v} at byte ${this.offset - 8} is implausibly large`);
    return Number(v);
  }
  string(): string {
    const length = this.size();
    this.need(length);
    const s = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return s;
  }
}

function readValue(cur: Cursor, type: number): GgufValue {
  switch (type) {
    case GGUF_VALUE.UINT8: return cur.u8();
    case GGUF_VALUE.INT8: return cur.i8();
    case GGUF_VALUE.UINT16: return cur.u16();
    case GGUF_VALUE.INT16: return cur.i16();
    case GGUF_VALUE.UINT32: return cur.u32();
    case GGUF_VALUE.INT32: return cur.i32();
    case GGUF_VALUE.FLOAT32: return cur.f32();
    case GGUF_VALUE.BOOL: return cur.u8() !== 0;
    case GGUF_VALUE.STRING: return cur.string();
    case GGUF_VALUE.UINT64: return cur.u64();
    case GGUF_VALUE.INT64: return cur.i64();
    case GGUF_VALUE.FLOAT64: return cur.f64();
    case GGUF_VALUE.ARRAY: {
      const itemType = cur.u32();
      const count = cur.size();
      const items: GgufValue[] = new Array(count);
      for (let i = 0; i < count; i++) items[i] = readValue(cur, itemType);
      return items;
    }
    default:
      throw new Error(`unknown metadata value type ${type} at byte ${cur.offset - 4}`);
  }
}

/** Parses header, metadata and tensor infos of a GGUF held in `bytes`. */
export function parseGguf(bytes: Buffer, path = '<buffer>'): GgufFile {
  const cur = new Cursor(bytes, path);
  try {
    if (bytes.length < 4 || bytes.toString('latin1', 0, 4) !== 'GGUF') throw new Error('it does not start with "GGUF"');
    cur.offset = 4;
    const version = cur.u32();
    if (version < 2 || version > 3) throw new Error(`GGUF version ${version} is not supported (2 and 3 are)`);
    const tensorCount = cur.size();
    const kvCount = cur.size();
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = cur.string();
      metadata.set(key, readValue(cur, cur.u32()));
    }
    const alignmentValue = metadata.get('general.alignment');
    const alignment = typeof alignmentValue === 'number' ? alignmentValue : DEFAULT_ALIGNMENT;
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = cur.string();
      const nDims = cur.u32();
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) dims.push(cur.size());
      const type = cur.u32();
      const offset = cur.size();
      const elements = dims.reduce((a, b) => a * b, 1);
      const block = GGML_BLOCK[type];
      const byteLength = block ? (elements / block.elements) * block.bytes : -1;
      tensors.push({ name, dims, type, offset, byteLength });
    }
    const dataOffset = alignUp(cur.offset, alignment);
    for (const t of tensors) {
      if (t.byteLength >= 0 && dataOffset + t.offset + t.byteLength > bytes.length) {
        throw new Error(`tensor ${t.name} extends past the end of the file`);
      }
    }
    return { version, metadata, tensors, alignment, dataOffset };
  } catch (error) {
    if (error instanceof TailorError) throw error;
    throw new TailorError('PARSE_FAILED', `The GGUF file ${path} cannot be parsed: ${(error as Error).message}.`, {
      cause: error,
      details: { path },
    });
  }
}

/** Reads a whole GGUF file (fine for the small models in-process training is meant for). */
export function readGgufFile(path: string): GgufModelFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TailorError('NOT_FOUND', `The GGUF model ${path} does not exist. Check the path, or download a small instruction model first (README, "Fine-tuning").`, { cause: error, details: { path } });
    }
    throw new TailorError('MODEL_LOAD_FAILED', `The GGUF model ${path} cannot be read: ${(error as Error).message}. Check the path.`, {
      cause: error,
      details: { path },
    });
  }
  const parsed = parseGguf(bytes, path);
  const byName = new Map(parsed.tensors.map((t) => [t.name, t]));
  return {
    ...parsed,
    path,
    bytes,
    hasTensor: (name) => byName.has(name),
    getMetadata: <T extends GgufValue>(key: string) => parsed.metadata.get(key) as T | undefined,
    readTensor(name) {
      const info = byName.get(name);
      if (!info) {
        throw new TailorError('NOT_FOUND', `The GGUF model ${path} has no tensor named ${name}.`, { details: { path, name } });
      }
      if (info.byteLength < 0) {
        throw new TailorError(
          'UNSUPPORTED_FORMAT',
          `Tensor ${name} in ${path} is ${GGML_TYPE_NAMES[info.type] ?? `type ${info.type}`}; in-process training reads F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0 and Q5_1. Re-quantise the model to one of those (e.g. llama-quantize ... Q8_0).`,
          { details: { path, name, type: info.type } },
        );
      }
      const start = parsed.dataOffset + info.offset;
      const elements = info.dims.reduce((a, b) => a * b, 1);
      return dequantize(bytes.subarray(start, start + info.byteLength), info.type, elements);
    },
  };
}
