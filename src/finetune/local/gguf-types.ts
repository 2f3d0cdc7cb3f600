/** GGUF value types (gguf.h `enum gguf_type`). */
export const GGUF_VALUE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

/** The ggml tensor types this module can read (ggml.h `enum ggml_type`). */
export const GGML_TYPE = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  BF16: 30,
} as const;

export const GGML_TYPE_NAMES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1',
  10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 30: 'BF16',
};

/** Elements per block and bytes per block of each readable type. */
export const GGML_BLOCK: Record<number, { elements: number; bytes: number }> = {
  0: { elements: 1, bytes: 4 },
  1: { elements: 1, bytes: 2 },
  2: { elements: 32, bytes: 18 },
  3: { elements: 32, bytes: 20 },
  6: { elements: 32, bytes: 22 },
  7: { elements: 32, bytes: 24 },
  8: { elements: 32, bytes: 34 },
  30: { elements: 1, bytes: 2 },
};

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the fastest-varying (row length), as in the file. */
  dims: number[];
  type: number;
  /** Byte offset relative to the start of the data section. */
  offset: number;
  byteLength: number;
}

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset of the tensor data section. */
  dataOffset: number;
}

export const DEFAULT_ALIGNMENT = 32;

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

export function tensorByteLength(type: number, elements: number, name: string): number {
  const block = GGML_BLOCK[type];
  if (!block) return -1;
  if (elements % block.elements !== 0) {
    throw new Error(`tensor ${name} has ${elements} elements, not a multiple of the block size ${block.elements}`);
  }
  return (elements / block.elements) * block.bytes;
}
