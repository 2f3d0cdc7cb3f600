/**
 * Binary snapshot of the BM25 index so big stores open without re-analysing
 * every chunk. SQLite stays the truth: a snapshot is only used when its tag
 * (store id, generation, analyzer version) matches, and any damage means
 * "rebuild", never "fail".
 *
 * Layout: 8-byte magic, u32 header length, JSON header, then 8-byte-aligned
 * sections (chunk ids JSON, docKeys i32, bodyLens u32, fieldLens u32, terms JSON,
 * posting lengths u32, posting slots u32, posting tfs u16, passage kinds u8), then an end magic.
 * The header carries every section's byte length and a CRC-32 of the sections.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Bm25State } from './bm25.js';

const MAGIC = Buffer.from('TLBM25S1', 'latin1');
const END_MAGIC = Buffer.from('TLBM25E1', 'latin1');
/** 2 added the passage kinds; a format-1 snapshot is rebuilt once. */
const FORMAT_VERSION = 2;
const FLUSH_BYTES = 8 * 1024 * 1024;

export interface SnapshotTag {
  storeId: string;
  generation: number;
  analyzerVersion: number;
}

interface SnapshotHeader extends SnapshotTag {
  formatVersion: number;
  slotCount: number;
  termCount: number;
  postingCount: number;
  sectionBytes: number[];
  crc32: number | null;
}

const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

function pad8(n: number): number {
  return (8 - (n % 8)) % 8;
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Writes `state` to `file` atomically: temp file, fsync, rename, fsync of the directory. */
export function writeBm25Snapshot(file: string, state: Bm25State, tag: SnapshotTag): void {
  const slotCount = state.chunkIds.length;
  const postingLens = new Uint32Array(state.postings.length);
  let postingCount = 0;
  for (let i = 0; i < state.postings.length; i++) {
    postingLens[i] = state.postings[i].slots.length;
    postingCount += postingLens[i];
  }
  const chunkIdsJson = Buffer.from(JSON.stringify(state.chunkIds), 'utf8');
  const termsJson = Buffer.from(JSON.stringify(state.terms), 'utf8');
  // Sections as lists of pieces, so the postings need no concatenated copy.
  const sections: ArrayBufferView[][] = [
    [chunkIdsJson],
    [state.docKeys.subarray(0, slotCount)],
    [state.bodyLens.subarray(0, slotCount)],
    [state.fieldLens.subarray(0, slotCount)],
    [termsJson],
    [postingLens],
    state.postings.map((p) => p.slots),
    state.postings.map((p) => p.tfs),
    [state.passages.subarray(0, slotCount)],
  ];
  const sectionBytes = sections.map((pieces) => pieces.reduce((sum, piece) => sum + piece.byteLength, 0));

  let crc = 0;
  if (crc32) {
    for (const pieces of sections) {
      for (const piece of pieces) crc = crc32(bytesOf(piece), crc);
    }
  }
  const header: SnapshotHeader = {
    ...tag,
    formatVersion: FORMAT_VERSION,
    slotCount,
    termCount: state.terms.length,
    postingCount,
    sectionBytes,
    crc32: crc32 ? crc : null,
  };
  const headerJson = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(headerJson.length);

  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o600); // inside the private home, like every file there
  try {
    const out = new BufferedWriter(fd);
    out.write(MAGIC);
    out.write(headerLength);
    out.write(headerJson);
    out.write(Buffer.alloc(pad8(MAGIC.length + 4 + headerJson.length)));
    sections.forEach((pieces, i) => {
      for (const piece of pieces) out.write(bytesOf(piece));
      out.write(Buffer.alloc(pad8(sectionBytes[i])));
    });
    out.write(END_MAGIC);
    out.flush();
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  fsyncDirectory(path.dirname(file));
}

export type SnapshotRead = { state: Bm25State; generation: number } | { state: null; reason: string };

/**
 * Reads a snapshot; null (with the reason) when it is missing, damaged, or tagged
 * for another store or analyzer. The caller judges its generation.
 */
export function readBm25Snapshot(file: string, expected: Omit<SnapshotTag, 'generation'>): SnapshotRead {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return { state: null, reason: 'no snapshot' };
  }
  try {
    return parseSnapshot(raw, expected);
  } catch (error) {
    return { state: null, reason: `unreadable snapshot: ${(error as Error).message}` };
  }
}

function parseSnapshot(raw: Buffer, expected: Omit<SnapshotTag, 'generation'>): SnapshotRead {
  // Typed-array views need aligned offsets; a fresh copy is aligned.
  const bytes = raw.byteOffset % 8 === 0 ? raw : Buffer.from(new Uint8Array(raw));
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { state: null, reason: 'not a snapshot file' };
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as SnapshotHeader;
  if (header.formatVersion !== FORMAT_VERSION) return { state: null, reason: `snapshot format ${header.formatVersion}` };
  if (header.storeId !== expected.storeId) return { state: null, reason: 'snapshot of another store' };
  if (header.analyzerVersion !== expected.analyzerVersion) return { state: null, reason: 'snapshot from another analyzer version' };
  let offset = MAGIC.length + 4 + headerLength;
  offset += pad8(offset);
  const sectionStarts: number[] = [];
  for (const length of header.sectionBytes) {
    sectionStarts.push(offset);
    offset += length + pad8(length);
  }
  if (offset + END_MAGIC.length !== bytes.length || !bytes.subarray(offset).equals(END_MAGIC)) {
    return { state: null, reason: 'truncated snapshot' };
  }
  const section = (i: number): Buffer => bytes.subarray(sectionStarts[i], sectionStarts[i] + header.sectionBytes[i]);
  if (crc32 && header.crc32 !== null) {
    let crc = 0;
    for (let i = 0; i < header.sectionBytes.length; i++) crc = crc32(section(i), crc);
    if (crc !== header.crc32) return { state: null, reason: 'snapshot checksum mismatch' };
  }
  const view = <T>(i: number, Type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number }): T =>
    new Type(bytes.buffer, bytes.byteOffset + sectionStarts[i], header.sectionBytes[i] / Type.BYTES_PER_ELEMENT);

  const chunkIds = JSON.parse(section(0).toString('utf8')) as string[];
  const terms = JSON.parse(section(4).toString('utf8')) as string[];
  const postingLens = view(5, Uint32Array);
  const allSlots = view(6, Uint32Array);
  const allTfs = view(7, Uint16Array);
  const passages = view(8, Uint8Array);
  if (chunkIds.length !== header.slotCount || passages.length !== header.slotCount || terms.length !== header.termCount || postingLens.length !== terms.length) {
    return { state: null, reason: 'snapshot counts disagree' };
  }
  const postings: Bm25State['postings'] = [];
  let start = 0;
  for (let i = 0; i < postingLens.length; i++) {
    const end = start + postingLens[i];
    postings.push({ slots: allSlots.subarray(start, end), tfs: allTfs.subarray(start, end) });
    start = end;
  }
  if (start !== allSlots.length) return { state: null, reason: 'snapshot postings disagree' };
  return {
    generation: header.generation,
    state: {
      chunkIds,
      docKeys: view(1, Int32Array),
      bodyLens: view(2, Uint32Array),
      fieldLens: view(3, Uint32Array),
      passages,
      terms,
      postings,
    },
  };
}

class BufferedWriter {
  private readonly buffer = Buffer.allocUnsafe(FLUSH_BYTES);
  private used = 0;

  constructor(private readonly fd: number) {}

  write(data: Buffer): void {
    if (data.length >= FLUSH_BYTES) {
      this.flush();
      writeFully(this.fd, data);
      return;
    }
    if (this.used + data.length > FLUSH_BYTES) this.flush();
    data.copy(this.buffer, this.used);
    this.used += data.length;
  }

  flush(): void {
    if (this.used === 0) return;
    writeFully(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeFully(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
}

function fsyncDirectory(dir: string): void {
  // Makes the rename itself durable; not every platform lets a directory be opened.
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** Deletes temp files left by snapshot writers that died mid-write (their process is gone). */
export function removeStaleSnapshotTemps(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
