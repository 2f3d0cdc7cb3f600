import { writeFileSync } from 'node:fs';
import { DEFAULT_ALIGNMENT, GGML_TYPE, GGUF_VALUE, alignUp } from './gguf-types.js';

export type GgufWriteValue =
  | { type: 'string'; value: string }
  | { type: 'f32'; value: number }
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string[]'; value: string[] }
  | { type: 'f32[]'; value: ArrayLike<number> }
  | { type: 'i32[]'; value: ArrayLike<number> };

export interface GgufWriteTensor {
  name: string;
  /** ggml order: dims[0] is the row length. */
  dims: number[];
  /** F32 only: adapters are tiny and llama.cpp applies them in f32 anyway. */
  data: Float32Array;
}

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  push(buf: Buffer): void { this.chunks.push(buf); this.length += buf.length; }
  u32(v: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  i32(v: number): void { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
  u64(v: number): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  f32(v: number): void { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
  string(s: string): void { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.push(b); }
  pad(alignment: number): void { const n = alignUp(this.length, alignment) - this.length; if (n) this.push(Buffer.alloc(n)); }
  result(): Buffer { return Buffer.concat(this.chunks); }
}

function writeValue(w: Writer, value: GgufWriteValue): void {
  switch (value.type) {
    case 'string': w.u32(GGUF_VALUE.STRING); w.string(value.value); break;
    case 'f32': w.u32(GGUF_VALUE.FLOAT32); w.f32(value.value); break;
    case 'u32': w.u32(GGUF_VALUE.UINT32); w.u32(value.value); break;
    case 'i32': w.u32(GGUF_VALUE.INT32); w.i32(value.value); break;
    case 'bool': w.u32(GGUF_VALUE.BOOL); w.push(Buffer.from([value.value ? 1 : 0])); break;
    case 'string[]':
      w.u32(GGUF_VALUE.ARRAY); w.u32(GGUF_VALUE.STRING); w.u64(value.value.length);
      for (const s of value.value) w.string(s);
      break;
    case 'f32[]':
      w.u32(GGUF_VALUE.ARRAY); w.u32(GGUF_VALUE.FLOAT32); w.u64(value.value.length);
      for (let i = 0; i < value.value.length; i++) w.f32(value.value[i]!);
      break;
    case 'i32[]':
      w.u32(GGUF_VALUE.ARRAY); w.u32(GGUF_VALUE.INT32); w.u64(value.value.length);
      for (let i = 0; i < value.value.length; i++) w.i32(value.value[i]!);
      break;
  }
}

/** Serialises a GGUF v3 file (metadata + f32 tensors, 32-byte aligned) as gguf.cpp lays it out. */
export function encodeGguf(metadata: Array<[string, GgufWriteValue]>, tensors: GgufWriteTensor[], alignment = DEFAULT_ALIGNMENT): Buffer {
  const w = new Writer();
  w.push(Buffer.from('GGUF', 'latin1'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.string(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims.join('×')} do not match ${t.data.length} values`);
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPE.F32);
    w.u64(offset);
    offset = alignUp(offset + t.data.byteLength, alignment);
  }
  w.pad(alignment);
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad(alignment);
  }
  return w.result();
}

export interface LoraAdapterTensors {
  /** Base tensor name, e.g. blk.0.attn_q.weight. */
  target: string;
  /** [rank][in] row-major. */
  a: Float32Array;
  /** [out][rank] row-major. */
  b: Float32Array;
  rank: number;
  inFeatures: number;
  outFeatures: number;
}

/**
 * A LoRA adapter in the layout llama.cpp's llama_adapter_lora_init expects (what
 * convert_lora_to_gguf.py writes): general.type "adapter", adapter.type "lora",
 * adapter.lora.alpha, and per target `<name>.lora_a` with ne [in, rank] and `<name>.lora_b`
 * with ne [rank, out]; llama.cpp then adds (alpha / rank) · scale · B·A·x.
 */
export function writeLoraAdapterGguf(
  path: string,
  options: { architecture: string; alpha: number; name?: string; pairs: LoraAdapterTensors[]; extra?: Array<[string, GgufWriteValue]> },
): void {
  const metadata: Array<[string, GgufWriteValue]> = [
    ['general.architecture', { type: 'string', value: options.architecture }],
    ['general.type', { type: 'string', value: 'adapter' }],
    ['general.name', { type: 'string', value: options.name ?? 'tailor-lora' }],
    ['adapter.type', { type: 'string', value: 'lora' }],
    ['adapter.lora.alpha', { type: 'f32', value: options.alpha }],
    ...(options.extra ?? []),
  ];
  const tensors: GgufWriteTensor[] = options.pairs.flatMap((p) => [
    { name: `${p.target}.lora_a`, dims: [p.inFeatures, p.rank], data: p.a },
    { name: `${p.target}.lora_b`, dims: [p.rank, p.outFeatures], data: p.b },
  ]);
  writeFileSync(path, encodeGguf(metadata, tensors));
}
