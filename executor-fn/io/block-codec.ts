/**
 * The shuffle block format: one reduce partition's rows inside a map task's output object,
 * as a compact, versioned, checksummed, self-describing columnar binary block.
 *
 * Byte layout (all integers little endian):
 *
 *   header (28 bytes)
 *     0  4  magic "SFBK"
 *     4  1  format version (BLOCK_FORMAT_VERSION = 1)
 *     5  1  codec id: 0 none · 1 raw deflate · 2 brotli (applied to the payload as a whole)
 *     6  2  reserved, 0
 *     8  4  row count
 *    12  4  column count
 *    16  4  uncompressed payload length
 *    20  4  stored payload length (the block is exactly 28 + this many bytes)
 *    24  4  CRC32 of header bytes 0..24 followed by the stored payload, so that any changed
 *           byte anywhere in the block is detected, not only in the payload
 *   payload (stored bytes, decompressed per the codec): the columns one after another
 *
 *   column
 *     u8 kind · u8 flags (bit 0: a validity bitmap follows) ·
 *     [validity: ceil(rows / 8) bytes, bit i (LSB first) set when row i is not null] ·
 *     the kind's body, holding only the m non-null values:
 *       0 NULL    every value null; no body, no bitmap
 *       1 BOOL    bitmap of m bits
 *       2 NUMBER  u8 scale s (0..6) · u8 width w (1, 2 or 4) · f64 base ·
 *                 m unsigned w-byte integers u; value = (base + u) / 10^s (s = 0: base + u).
 *                 Chosen when every number is a safe integer (s = 0), or a decimal that is
 *                 exactly the double nearest to k / 10^s (amounts with 2 decimals: s = 2),
 *                 and max - min fits 32 bits. Division is correctly rounded, so the decoded
 *                 double has exactly the bits that were encoded (the encoder checks it).
 *       3 FLOAT64 m × f64: any other numbers, bit exact — NaN, ±Infinity and -0 included
 *       4 STRING  strings (below)
 *       5 DICT    varint d · strings of the d distinct values · u8 width (1 or 2) ·
 *                 m indices: low-cardinality columns (d ≤ m/2 and d ≤ 65536; the encoder
 *                 gives up early when the first 4096 values are more than half distinct)
 *       6 TAGGED  no bitmap; `rows` tagged values (below): mixed columns, arrays, objects
 *                 (aggregation states such as [sum, count], [] or ["\"a\""])
 *
 *   strings of n values: n varints (each string's length in UTF-16 code units) ·
 *     u32 byte length · UTF-8 of all the strings concatenated, decoded with one TextDecoder
 *     call and cut by the lengths. Columns whose text is not well-formed UTF-16 (a lone
 *     surrogate) go TAGGED instead, which keeps raw code units.
 *   tagged value: u8 tag · 0 null · 1 false · 2 true · 3 f64 · 4 varint n (safe integer ≥ 0) ·
 *     5 varint n (the integer -n) · 6 varint byte length + UTF-8 · 7 varint count + UTF-16
 *     code units (lone surrogates) · 8 varint count + values (array) ·
 *     9 varint count + (key, value) pairs, keys as tagged strings (object) ·
 *     10 varint length + ASCII digits with an optional "-" (a bigint: a decimal's unscaled value).
 *   varint: LEB128, at most 8 bytes, values up to 2^53 - 1.
 *
 * Values round-trip deep-equal, more exactly than JSON: NaN, ±Infinity and -0 survive
 * everywhere (inside arrays too); "" and null stay distinct. Values JSON cannot carry either
 * are encoded as JSON.stringify would: undefined, functions and symbols become null (object
 * properties holding them are left out), toJSON() is honoured; bigints (decimals) are kept.
 *
 * Entry points. The codec reads and writes column vectors (shared/batch/vector.ts):
 * encodeVectorsBlock(columns, indexes, count) encodes rows indexes[0..count) of the vectors
 * (any order, repeats allowed), and decodeBlockToBatch decodes into a dense batch. Rows are
 * an adapter over them: encodeBlock makes each column an `any` vector, decodeBlock boxes
 * the batch's values into row arrays. Per vector kind, the encoder
 *
 *   f64, i32   gathers the selected numbers into a Float64Array (i32: an Int32Array) and
 *              chooses NUMBER or FLOAT64 from one pass of statistics over it; FLOAT64
 *              values are copied as bytes (bit exact)
 *   bool       packs the selected values into the BOOL bitmap
 *   str        STRING or DICT, by the dictionary rule below
 *   dict       keeps only the entries the selected rows use, numbered in order of first use
 *              (the same string under two codes is one entry), and writes the rows' codes
 *              remapped: no string per row. A block whose rows use more than the dictionary
 *              rule allows is written as STRING
 *   any        picks the kind from the values, as rows always were: one scalar type goes
 *              its typed way, several types, arrays or objects go TAGGED
 *
 * with the validity bitmap from the `nulls` mask. A block from vectors is byte for byte the
 * block from rows of the same values. Decoding makes NUMBER and FLOAT64 columns f64 vectors
 * (Float64Array), BOOL bool, STRING str, DICT dict (the block's dictionary, Int32Array
 * codes), TAGGED any (with a mask of its nulls), NULL an all-null vector; `nulls` from the
 * validity bitmap, null when the column has none (0, "" or code 0 sit under a null).
 *
 * Compression, measured with bench/block-codec.mts: 1,000,000 transaction-like rows
 * [id, category (12 values), amount with 2 decimals, "2024-01-01 12:34:56" timestamp,
 * "cust-<0..50000>"], seeded; CSV of them is 52.1 bytes/row. Node 20.20 on a shared 2-core
 * machine, best of 5; MB/s are MB of CSV-equivalent per second. Blocks of 50,000
 * consecutive rows, encoded from vectors and decoded into batches (in brackets: the row
 * entry points, whose decode includes building the row arrays):
 *
 *   codec             bytes/row  × CSV  encode MB/s  decode MB/s   decode rows/s
 *   JSON lines (old)       60.1   1.15           63           85    1.6 M
 *   none                   37.8   0.73    485 (244)    567 (162)   10.9 M (3.1 M)
 *   deflate level 1        15.3   0.29    137 (105)    345 (133)    6.6 M (2.6 M)
 *   deflate level 6        13.5   0.26     40  (37)    345 (136)    6.6 M (2.6 M)
 *   brotli quality 1       15.3   0.29    210 (147)    258 (117)    5.0 M (2.3 M)
 *   brotli quality 4       12.9   0.25     94  (77)    306 (129)    5.9 M (2.5 M)
 *
 * The compression step alone, in MB of CSV per second (compress / decompress), was steady
 * across runs and block sizes: deflate 1 ~180 / ~540, deflate 6 ~44 / 500-550, brotli 1
 * ~345 / ~420, brotli 4 ~115 / ~500. The whole-block figures above vary by ±20% between
 * runs on this machine (other processes share its two cores).
 *
 * Shuffle blocks (bench/shuffle-encoding.mts: 1,000,000 rows as reader-made vectors, hash-
 * partitioned into 16 blocks through index lists) encode at 80-100 MB/s of CSV (the rows
 * path did 40-45 on the same machine) and decode into batches at 380-400 MB/s (rows:
 * ~135), 15.5 bytes/row (0.32× CSV). Profile of the encode: deflate is ~60% of the time
 * (~300 ms a million rows: it alone caps the encode near 160 MB/s); most of the rest is
 * the scattered reads through the index lists (each block touches a sixteenth of the rows,
 * spread over all of each vector, so the gathers and the strings' text miss the caches),
 * then garbage collection. Numbers are gathered into reused scratch arrays and strings
 * encoded TEXT_CHUNK at a time, so the encoder allocates little besides the blocks.
 * Deflate runs with memLevel 9 (~10% faster than 8, the same size) and one output buffer;
 * inflate with one output buffer (~25% faster). Decoding is half inflate.
 *
 * Choice: brotli at quality 1 (DEFAULT_CODEC). Uncompressed blocks decode fastest, but at
 * 0.73× CSV they miss the 0.5× target and cost 2.5× the bytes in object storage and on the
 * network, which a reducer pays before it decodes anything. Among the compressed codecs,
 * what a shuffle pays is one encode on the map side and one decode on the reduce side of
 * every byte. On shuffle blocks from vectors (bench/shuffle-encoding.mts, 1M rows, 3 runs
 * each, back to back on this machine): deflate 1 encodes at 86-95 MB/s and decodes at
 * 391-404, 15.5 B/row (0.322× CSV); brotli 1 encodes at 113-141 and decodes at 280-293,
 * 15.6 B/row (0.325×). Per byte through both sides brotli 1 costs ~25% less time (1/120 +
 * 1/285 against 1/90 + 1/400), for 0.6% more bytes. (With the row entry points, before the
 * codec read vectors, deflate won: brotli decoded 4-5× slower through 16 KB pieces.)
 * Deflate 6 and brotli 4 save about 12% more bytes for 2-3× slower encoding. Payloads under
 * MIN_COMPRESS_BYTES are stored uncompressed, and so is any payload the codec does not
 * shrink; the header says which. The reader handles every codec, whatever the writer's default.
 */
import * as zlib from "node:zlib";
import type { Row, Value } from "../../shared/plan/types.ts";
import { nullVector, valueAt, type Vector } from "../../shared/batch/vector.ts";
import { denseBatch, type Batch } from "../../shared/batch/batch.ts";
import { TransientError } from "../../shared/errors.ts";

export const BLOCK_FORMAT_VERSION = 1;
const SUPPORTED_VERSIONS: readonly number[] = [1];

export type BlockCodec = "none" | "deflate" | "brotli";
/** The codec encodeBlock uses unless told otherwise (see the measurements above). */
export const DEFAULT_CODEC: BlockCodec = "brotli";
/** Payloads smaller than this are stored uncompressed. */
export const MIN_COMPRESS_BYTES = 1024;
/** zlib's memLevel for deflate: 9 (the most hash memory) deflates ~10% faster than the default 8 at the same size. */
const DEFLATE_MEM_LEVEL = 9;

export interface EncodeOptions {
  readonly codec?: BlockCodec;
  /** deflate level (1..9) or brotli quality (0..11); defaults: deflate 1, brotli 1. */
  readonly level?: number;
}

/** A block that is damaged, truncated, or of a format version this reader does not know. */
export class CorruptBlockError extends TransientError {
  override readonly name = "CorruptBlockError";
  constructor(
    /** The object (and offset) the block was read from. */
    readonly where: string,
    /** What is wrong, e.g. "checksum mismatch (...)". */
    readonly reason: string,
  ) {
    super(`shuffle block ${where} is corrupt: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------
// Constants

const MAGIC: readonly number[] = [0x53, 0x46, 0x42, 0x4b]; // "SFBK"
const HEADER_BYTES = 28;
const CRC_AT = 24;
const MAX_U32 = 0xffff_ffff;

const CODEC_IDS: Readonly<Record<BlockCodec, number>> = { none: 0, deflate: 1, brotli: 2 };
const CODEC_NAMES: readonly BlockCodec[] = ["none", "deflate", "brotli"];

const KIND = { NULL: 0, BOOL: 1, NUMBER: 2, FLOAT64: 3, STRING: 4, DICT: 5, TAGGED: 6 } as const;
const FLAG_VALIDITY = 1;

const TAG = { NULL: 0, FALSE: 1, TRUE: 2, F64: 3, UINT: 4, NEGINT: 5, STR: 6, STR16: 7, ARRAY: 8, OBJECT: 9, BIGINT: 10 } as const;
const MAX_DEPTH = 1000;

const MAX_SCALE = 6;
const POW10: readonly number[] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];
const MAX_DICT = 65_536;
/** After this many values, a column with more than half of them distinct gets no dictionary. */
const DICT_PROBE = 4096;

const utf8Encoder = new TextEncoder();
/** fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is data. */
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

// ---------------------------------------------------------------------------------------
// CRC32 (zlib.crc32 from Node 20.15 on; a table otherwise)

let crcTable: Uint32Array | undefined;

function tableCrc32(data: Uint8Array, value = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const crc32: (data: Uint8Array, value?: number) => number =
  typeof zlib.crc32 === "function" ? (data, value = 0) => zlib.crc32(data, value) : tableCrc32;

// ---------------------------------------------------------------------------------------
// Bytes in and out

/** Whether typed arrays hold their elements little endian, as blocks do (then values are copied as bytes). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type WordArray = Uint16Array | Uint32Array | Float64Array;

class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
    this.view = new DataView(this.bytes.buffer);
  }

  ensure(extra: number): void {
    if (this.pos + extra > this.bytes.length) this.grow(this.pos + extra);
  }

  private grow(min: number): void {
    const next = new Uint8Array(Math.max(min, this.bytes.length * 2));
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** LEB128 of a safe integer ≥ 0. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.bytes[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.pos++] = v;
  }

  /** UTF-8 of a well-formed string (the caller knows its byte length). */
  utf8(s: string, byteLength: number): void {
    this.ensure(byteLength);
    utf8Encoder.encodeInto(s, this.bytes.subarray(this.pos, this.pos + byteLength));
    this.pos += byteLength;
  }

  /** The elements of a typed array, little endian (one copy of their bytes). */
  words(a: WordArray): void {
    const size = a.byteLength;
    this.ensure(size);
    this.bytes.set(new Uint8Array(a.buffer, a.byteOffset, size), this.pos);
    if (!LITTLE_ENDIAN) swapBytes(this.bytes.subarray(this.pos, this.pos + size), a.BYTES_PER_ELEMENT);
    this.pos += size;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }
}

/** Reverses the bytes of each `width`-byte element in place (big-endian machines only). */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let at = 0; at < bytes.length; at += width) bytes.subarray(at, at + width).reverse();
}

/** A malformed payload; decodeBlock turns it into a CorruptBlockError. */
class Malformed extends Error {}

class ByteReader {
  readonly view: DataView;
  pos = 0;
  /** The column being read, named in messages (what is read is a constant string, so hot loops build no text). */
  column = -1;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private label(what: string): string {
    return this.column < 0 ? what : `column ${this.column} ${what}`;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new Malformed(`payload ends inside ${this.label(what)}: needs ${n} bytes at offset ${this.pos}, ${this.bytes.length - this.pos} left`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  varint(what: string): number {
    const { bytes } = this;
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= bytes.length) throw new Malformed(`payload ends inside ${this.label(what)} (varint at offset ${this.pos})`);
      const b = bytes[this.pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) throw new Malformed(`${this.label(what)} ${v} is beyond 2^53`);
        return v;
      }
      scale *= 0x80;
    }
    throw new Malformed(`${this.label(what)} is a varint longer than 8 bytes (offset ${this.pos})`);
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** m little-endian elements copied into a new (aligned) typed array. */
  words<T extends WordArray>(make: (m: number) => T, m: number, what: string): T {
    const out = make(m);
    const size = out.byteLength;
    const bytes = new Uint8Array(out.buffer, 0, size);
    bytes.set(this.take(size, what));
    if (!LITTLE_ENDIAN) swapBytes(bytes, out.BYTES_PER_ELEMENT);
    return out;
  }
}

// ---------------------------------------------------------------------------------------
// Encoding: vectors in, one block out. The row API (encodeBlock) is an adapter onto it.

/**
 * The buffers one encode works in: the payload and per-column temporaries (the non-null
 * rows, numbers, integer words, dictionary indices). One set is kept between calls, so that
 * encoding a map task's partitions one after another allocates little besides the blocks.
 */
class Scratch {
  readonly w = new ByteWriter(1 << 16);
  private rowsBuf = new Int32Array(0);
  private liveBuf = new Int32Array(0);
  private validityBuf = new Uint8Array(0);
  private f64Buf = new Float64Array(0);
  private i32Buf = new Int32Array(0);
  private u32Buf = new Uint32Array(0);
  private u16Buf = new Uint16Array(0);
  private idsBuf = new Uint16Array(0);
  private textBuf = new Uint8Array(0);

  /** rows 0..n, for a block of a vector's first n rows. */
  identity(n: number): Int32Array {
    if (this.rowsBuf.length < n) this.rowsBuf = new Int32Array(capacity(n));
    const rows = this.rowsBuf;
    for (let k = 0; k < n; k++) rows[k] = k;
    return rows;
  }
  live(n: number): Int32Array {
    if (this.liveBuf.length < n) this.liveBuf = new Int32Array(capacity(n));
    return this.liveBuf;
  }
  /** A zeroed bitmap of n bits. */
  validity(n: number): Uint8Array {
    const size = (n + 7) >>> 3;
    if (this.validityBuf.length < size) this.validityBuf = new Uint8Array(capacity(size));
    const out = this.validityBuf.subarray(0, size);
    out.fill(0);
    return out;
  }
  f64(n: number): Float64Array {
    if (this.f64Buf.length < n) this.f64Buf = new Float64Array(capacity(n));
    return this.f64Buf;
  }
  i32(n: number): Int32Array {
    if (this.i32Buf.length < n) this.i32Buf = new Int32Array(capacity(n));
    return this.i32Buf;
  }
  u32(n: number): Uint32Array {
    if (this.u32Buf.length < n) this.u32Buf = new Uint32Array(capacity(n));
    return this.u32Buf;
  }
  u16(n: number): Uint16Array {
    if (this.u16Buf.length < n) this.u16Buf = new Uint16Array(capacity(n));
    return this.u16Buf;
  }
  /** Dictionary indices (kept apart from u16, which writes integer words). */
  ids(n: number): Uint16Array {
    if (this.idsBuf.length < n) this.idsBuf = new Uint16Array(capacity(n));
    return this.idsBuf;
  }
  /** Room for UTF-8 text (at least `size` bytes). */
  text(size: number): Uint8Array {
    if (this.textBuf.length < size) this.textBuf = new Uint8Array(capacity(size));
    return this.textBuf;
  }
  /** A larger text buffer, keeping its first `used` bytes. */
  growText(used: number, size: number): Uint8Array {
    const next = new Uint8Array(capacity(Math.max(size, 2 * this.textBuf.length)));
    next.set(this.textBuf.subarray(0, used));
    return (this.textBuf = next);
  }
  get bytes(): number {
    return this.w.bytes.byteLength + this.rowsBuf.byteLength + this.liveBuf.byteLength + this.validityBuf.byteLength + this.f64Buf.byteLength + this.i32Buf.byteLength + this.u32Buf.byteLength + this.u16Buf.byteLength + this.idsBuf.byteLength + this.textBuf.byteLength;
  }
}

const capacity = (n: number) => Math.max(1024, n + (n >>> 1));
/** A larger set of buffers (a block of millions of rows) is left to the garbage collector. */
const KEEP_SCRATCH_BYTES = 64 << 20;
/** The kept set, or null while an encode uses it (a toJSON() that encodes a block gets its own). */
let spareScratch: Scratch | null = null;

/**
 * Encodes rows `indexes[0..count)` of the vectors (rows 0..count when `indexes` is null) as
 * one block, in the format above. Indexes may repeat and come in any order. Values are read
 * where they lie: typed arrays through the index list (nothing boxed), a dictionary vector's
 * codes remapped onto the entries the selected rows use (no string per row).
 */
export function encodeVectorsBlock(columns: readonly Vector[], indexes: Int32Array | null, count: number, options: EncodeOptions = {}): Uint8Array {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`encodeVectorsBlock: row count ${count}`);
  if (count > MAX_U32) throw new RangeError(`encodeVectorsBlock: ${count} rows do not fit one block`);
  if (indexes !== null && indexes.length < count) throw new RangeError(`encodeVectorsBlock: ${count} rows, but ${indexes.length} indexes`);
  let span = count; // physical rows every column must hold
  if (indexes !== null) {
    let min = 0;
    let max = -1;
    for (let k = 0; k < count; k++) {
      const i = indexes[k]!;
      if (i < min) min = i;
      if (i > max) max = i;
    }
    if (min < 0) throw new RangeError(`encodeVectorsBlock: row index ${min} is negative`);
    span = max + 1;
  }
  for (let c = 0; c < columns.length; c++) {
    const v = columns[c]!;
    const length = v.kind === "dict" ? v.codes.length : v.values.length;
    if (length < span) throw new RangeError(`encodeVectorsBlock: column ${c} holds ${length} values, row ${span - 1} is selected`);
  }

  const s = spareScratch ?? new Scratch();
  spareScratch = null;
  try {
    const w = s.w;
    w.pos = 0;
    const rows = indexes ?? s.identity(count);
    for (let c = 0; c < columns.length; c++) encodeColumn(s, columns[c]!, rows, count, c);
    const raw = w.finish();
    if (raw.length > MAX_U32) throw new RangeError(`encodeVectorsBlock: a payload of ${raw.length} bytes does not fit one block`);
    const { codec, payload } = compress(raw, options);
    return frame(codec, count, columns.length, raw.length, payload);
  } finally {
    if (s.bytes <= KEEP_SCRATCH_BYTES) spareScratch = s;
  }
}

/**
 * Encodes rows (all of the same length) into one self-contained block: each column becomes
 * an `any` vector for encodeVectorsBlock, which picks the kinds by value.
 */
export function encodeBlock(rows: readonly Row[], options: EncodeOptions = {}): Uint8Array {
  const numRows = rows.length;
  const numColumns = numRows === 0 ? 0 : rows[0]!.length;
  for (let r = 0; r < numRows; r++) {
    if (rows[r]!.length !== numColumns) throw new RangeError(`encodeBlock: row ${r} has ${rows[r]!.length} values, row 0 has ${numColumns}`);
  }
  if (numRows > MAX_U32) throw new RangeError(`encodeBlock: ${numRows} rows do not fit one block`);
  const values: Value[][] = Array.from({ length: numColumns }, () => new Array<Value>(numRows));
  for (let r = 0; r < numRows; r++) {
    const row = rows[r]!;
    for (let c = 0; c < numColumns; c++) values[c]![r] = row[c]!;
  }
  return encodeVectorsBlock(
    values.map((v): Vector => ({ kind: "any", values: v, nulls: null })),
    null,
    numRows,
    options,
  );
}

function compress(raw: Uint8Array, options: EncodeOptions): { codec: BlockCodec; payload: Uint8Array } {
  const codec = options.codec ?? DEFAULT_CODEC;
  if (codec === "none" || raw.length < MIN_COMPRESS_BYTES) return { codec: "none", payload: raw };
  const packed =
    codec === "deflate"
      ? zlib.deflateRawSync(raw, { level: options.level ?? 1, memLevel: DEFLATE_MEM_LEVEL, chunkSize: zlibChunk(raw.length >>> 1) })
      : zlib.brotliCompressSync(raw, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: options.level ?? 1,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        });
  return packed.length < raw.length ? { codec, payload: packed } : { codec: "none", payload: raw };
}

/**
 * zlib's output buffer for n bytes of output: all of it at once (up to 64 MB), rather than
 * 16 KB chunks joined afterwards (inflate takes a quarter less time, deflate ~7%). Deflate
 * asks for n / 2 of a payload of n bytes: shuffle payloads shrink more than that, and a
 * payload that does not gets a second buffer.
 */
function zlibChunk(n: number): number {
  return Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(n, 1 << 26));
}

function frame(codec: BlockCodec, numRows: number, numColumns: number, rawLength: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = BLOCK_FORMAT_VERSION;
  out[5] = CODEC_IDS[codec];
  view.setUint32(8, numRows, true);
  view.setUint32(12, numColumns, true);
  view.setUint32(16, rawLength, true);
  view.setUint32(20, payload.length, true);
  out.set(payload, HEADER_BYTES);
  view.setUint32(CRC_AT, blockCrc(out), true);
  return out;
}

/** The CRC32 of header bytes 0..24 and the payload. */
function blockCrc(block: Uint8Array): number {
  return crc32(block.subarray(HEADER_BYTES), crc32(block.subarray(0, CRC_AT)));
}

/** Encodes one column: rows[0..n) are the physical indexes of the block's rows in the vector. */
function encodeColumn(s: Scratch, v: Vector, rows: Int32Array, n: number, c: number): void {
  switch (v.kind) {
    case "f64":
      return encodeF64Vector(s, v, rows, n);
    case "i32":
      return encodeI32Vector(s, v, rows, n);
    case "bool":
      return encodeBoolVector(s, v, rows, n);
    case "str":
      return encodeStrVector(s, v, rows, n);
    case "dict":
      return encodeDictVector(s, v, rows, n, c);
    case "any":
      return encodeAnyVector(s, v, rows, n, c);
  }
}

/** The non-null rows of a column: their physical indexes and the validity bitmap (null when none is null). */
interface Live {
  /** live[0..m): physical indexes of the non-null rows, in block order. */
  readonly live: Int32Array;
  readonly m: number;
  readonly validity: Uint8Array | null;
}

function liveRows(s: Scratch, nulls: Uint8Array | null, rows: Int32Array, n: number): Live {
  if (nulls === null) return { live: rows, m: n, validity: null };
  const live = s.live(n);
  const validity = s.validity(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    if (nulls[i] !== 1) {
      live[m++] = i;
      validity[k >>> 3]! |= 1 << (k & 7);
    }
  }
  return { live, m, validity: m === n ? null : validity };
}

/** Kind, flags and (with nulls) the validity bitmap. */
function columnHead(w: ByteWriter, kind: number, validity: Uint8Array | null): void {
  w.ensure(2 + (validity === null ? 0 : validity.length));
  w.bytes[w.pos++] = kind;
  w.bytes[w.pos++] = validity === null ? 0 : FLAG_VALIDITY;
  if (validity === null) return;
  w.bytes.set(validity, w.pos);
  w.pos += validity.length;
}

function nullColumn(w: ByteWriter): void {
  w.u8(KIND.NULL);
  w.u8(0);
}

function encodeF64Vector(s: Scratch, v: Extract<Vector, { kind: "f64" }>, rows: Int32Array, n: number): void {
  const { live, m, validity } = liveRows(s, v.nulls, rows, n);
  if (m === 0) return nullColumn(s.w);
  const values = v.values;
  const nums = s.f64(m);
  for (let j = 0; j < m; j++) nums[j] = values[live[j]!]!;
  writeNumberColumn(s, nums, m, validity);
}

/** Integers: always NUMBER (an int32 range fits 32 bits), the same bytes as the same numbers in an f64 vector. */
function encodeI32Vector(s: Scratch, v: Extract<Vector, { kind: "i32" }>, rows: Int32Array, n: number): void {
  const { live, m, validity } = liveRows(s, v.nulls, rows, n);
  const w = s.w;
  if (m === 0) return nullColumn(w);
  const values = v.values;
  const ints = s.i32(m);
  let min = 2147483647;
  let max = -2147483648;
  for (let j = 0; j < m; j++) {
    const x = values[live[j]!]!;
    ints[j] = x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const range = max - min;
  const width = range <= 0xff ? 1 : range <= 0xffff ? 2 : 4;
  columnHead(w, KIND.NUMBER, validity);
  w.u8(0);
  w.u8(width);
  w.f64(min);
  if (width === 1) {
    w.ensure(m);
    const { bytes } = w;
    const pos = w.pos;
    for (let j = 0; j < m; j++) bytes[pos + j] = ints[j]! - min;
    w.pos += m;
  } else {
    const out = width === 2 ? s.u16(m) : s.u32(m);
    for (let j = 0; j < m; j++) out[j] = ints[j]! - min;
    w.words(out.subarray(0, m));
  }
}

/**
 * NUMBER (scaled integers from the minimum) when every number is a decimal of at most
 * MAX_SCALE places whose range fits 32 bits, else FLOAT64. One pass for the statistics.
 */
function writeNumberColumn(s: Scratch, nums: Float64Array, m: number, validity: Uint8Array | null): void {
  const w = s.w;
  let min = Infinity;
  let max = -Infinity;
  let scale = 0;
  let decimal = true;
  for (let j = 0; j < m; j++) {
    const x = nums[j]!;
    if (x < min) min = x;
    if (x > max) max = x;
    // The int32 test is fitsScale(x, 0) for the common case, without the division.
    if (decimal && !(scale === 0 && (x | 0) === x && (x !== 0 || 1 / x > 0)) && !fitsScale(x, scale)) {
      do scale++;
      while (scale <= MAX_SCALE && !fitsScale(x, scale));
      if (scale > MAX_SCALE) decimal = false;
    }
  }
  if (decimal) {
    const p = POW10[scale]!;
    const base = Math.round(min * p);
    const range = Math.round(max * p) - base;
    if (range <= MAX_U32) {
      const width = range <= 0xff ? 1 : range <= 0xffff ? 2 : 4;
      columnHead(w, KIND.NUMBER, validity);
      w.u8(scale);
      w.u8(width);
      w.f64(base);
      if (width === 1) {
        w.ensure(m);
        const out = w.bytes;
        const pos = w.pos;
        if (scale === 0) for (let j = 0; j < m; j++) out[pos + j] = nums[j]! - base;
        else for (let j = 0; j < m; j++) out[pos + j] = Math.round(nums[j]! * p) - base;
        w.pos += m;
        return;
      }
      const out = width === 2 ? s.u16(m) : s.u32(m);
      if (scale === 0) for (let j = 0; j < m; j++) out[j] = nums[j]! - base;
      else for (let j = 0; j < m; j++) out[j] = Math.round(nums[j]! * p) - base;
      w.words(out.subarray(0, m));
      return;
    }
  }
  columnHead(w, KIND.FLOAT64, validity);
  w.words(nums.subarray(0, m));
}

/**
 * Whether x is exactly the double nearest k / 10^scale for a safe integer k. If it holds
 * for a scale, it holds for every larger one (while 10k stays safe), so one check per value
 * at the running scale suffices. -0 does not fit (it would come back as 0).
 */
function fitsScale(x: number, scale: number): boolean {
  const p = POW10[scale]!;
  const k = Math.round(x * p);
  return k / p === x && Math.abs(k) <= Number.MAX_SAFE_INTEGER && (x !== 0 || 1 / x > 0);
}

function encodeBoolVector(s: Scratch, v: Extract<Vector, { kind: "bool" }>, rows: Int32Array, n: number): void {
  const { live, m, validity } = liveRows(s, v.nulls, rows, n);
  const w = s.w;
  if (m === 0) return nullColumn(w);
  columnHead(w, KIND.BOOL, validity);
  const values = v.values;
  const size = (m + 7) >>> 3;
  w.ensure(size);
  const bits = w.bytes;
  const pos = w.pos;
  bits.fill(0, pos, pos + size);
  for (let j = 0; j < m; j++) if (values[live[j]!] === 1) bits[pos + (j >>> 3)]! |= 1 << (j & 7);
  w.pos += size;
}

function encodeStrVector(s: Scratch, v: Extract<Vector, { kind: "str" }>, rows: Int32Array, n: number): void {
  const { live, m, validity } = liveRows(s, v.nulls, rows, n);
  if (m === 0) return nullColumn(s.w);
  writeStringColumn(s, v.values, live, m, validity, () => encodeTaggedVector(s.w, v, rows, n));
}

/**
 * STRING or DICT (per `dictionary`), or `tagged()` when the text is not well-formed UTF-16,
 * of the strings `values[live[j]]` for j < m (`values[j]` when live is null).
 */
function writeStringColumn(s: Scratch, values: readonly unknown[], live: Int32Array | null, m: number, validity: Uint8Array | null, tagged: () => void): void {
  const dict = dictionary(s, values, live, m);
  if (dict !== null) return writeDictColumn(s, dict.entries, dict.indices, validity, tagged);
  const w = s.w;
  const start = w.pos;
  columnHead(w, KIND.STRING, validity);
  if (writeStrings(s, w, values, live, m)) return;
  w.pos = start;
  tagged();
}

function writeDictColumn(s: Scratch, entries: readonly string[], indices: Uint16Array, validity: Uint8Array | null, tagged: () => void): void {
  const w = s.w;
  const start = w.pos;
  columnHead(w, KIND.DICT, validity);
  w.varint(entries.length);
  if (!writeStrings(s, w, entries, null, entries.length)) {
    w.pos = start;
    return tagged();
  }
  if (entries.length <= 0x100) {
    w.u8(1);
    const m = indices.length;
    w.ensure(m);
    const { bytes } = w;
    const pos = w.pos;
    for (let j = 0; j < m; j++) bytes[pos + j] = indices[j]!;
    w.pos += m;
  } else {
    w.u8(2);
    w.words(indices);
  }
}

/**
 * The distinct values and each value's index, when there are few enough to pay off: at
 * most half as many as values (and MAX_DICT), and at most half of the first DICT_PROBE.
 */
function dictionary(s: Scratch, values: readonly unknown[], live: Int32Array | null, m: number): { entries: string[]; indices: Uint16Array } | null {
  const limit = Math.min(MAX_DICT, m >>> 1);
  if (limit < 1) return null;
  const ids = new Map<string, number>();
  const entries: string[] = [];
  const indices = s.ids(m);
  for (let i = 0; i < m; i++) {
    // Mostly distinct so far: give up early rather than hash the whole column.
    if (i === DICT_PROBE && entries.length > DICT_PROBE >>> 1) return null;
    const v = values[live === null ? i : live[i]!] as string;
    let id = ids.get(v);
    if (id === undefined) {
      if (entries.length === limit) return null;
      id = entries.length;
      ids.set(v, id);
      entries.push(v);
    }
    indices[i] = id;
  }
  return { entries, indices: indices.subarray(0, m) };
}

/**
 * A dictionary vector: the entries the block's rows use, numbered in order of first use,
 * and the rows' codes remapped onto them; the same choices as `dictionary` makes for the
 * rows' strings (so the block is the one their strings would make), without a string per row.
 */
function encodeDictVector(s: Scratch, v: Extract<Vector, { kind: "dict" }>, rows: Int32Array, n: number, c: number): void {
  const { live, m, validity } = liveRows(s, v.nulls, rows, n);
  const w = s.w;
  if (m === 0) return nullColumn(w);
  const { codes, dict } = v;
  const tagged = () => encodeTaggedVector(w, v, rows, n);
  const limit = Math.min(MAX_DICT, m >>> 1);
  // Per code, its entry + 1 (0: not used yet); a map instead when the dictionary dwarfs the block.
  const sparse = dict.length > 4 * m + 4096;
  const remap = sparse ? null : new Int32Array(dict.length);
  const remapped = sparse ? new Map<number, number>() : null;
  const ids = new Map<string, number>(); // the same string under two codes is one entry
  const entries: string[] = [];
  const indices = s.ids(m);
  let fits = limit >= 1;
  for (let j = 0; fits && j < m; j++) {
    if (j === DICT_PROBE && entries.length > DICT_PROBE >>> 1) fits = false;
    else {
      const code = codes[live[j]!]!;
      let id = (remap !== null ? remap[code] : remapped!.get(code)) ?? 0;
      if (id === 0) {
        const entry = dict[code];
        if (entry === undefined) throw new RangeError(`encodeVectorsBlock: column ${c} has code ${code}, its dictionary ${dict.length} entries`);
        id = ids.get(entry) ?? 0;
        if (id === 0) {
          if (entries.length === limit) {
            fits = false;
            break;
          }
          entries.push(entry);
          id = entries.length;
          ids.set(entry, id);
        }
        if (remap !== null) remap[code] = id;
        else remapped!.set(code, id);
      }
      indices[j] = id - 1;
    }
  }
  if (fits) return writeDictColumn(s, entries, indices.subarray(0, m), validity, tagged);
  // Too many distinct values for a dictionary: the strings.
  const strings = new Array<string>(m);
  for (let j = 0; j < m; j++) {
    const code = codes[live[j]!]!;
    const entry = dict[code];
    if (entry === undefined) throw new RangeError(`encodeVectorsBlock: column ${c} has code ${code}, its dictionary ${dict.length} entries`);
    strings[j] = entry;
  }
  const start = w.pos;
  columnHead(w, KIND.STRING, validity);
  if (writeStrings(s, w, strings, null, m)) return;
  w.pos = start;
  tagged();
}

/**
 * Boxed values: the kind follows the values (as rows were encoded): one scalar type goes
 * its typed way, several types or arrays and objects go TAGGED. Null is the mask or a
 * nullish value (undefined, a function or a symbol become null, as JSON.stringify makes them).
 */
function encodeAnyVector(s: Scratch, v: Extract<Vector, { kind: "any" }>, rows: Int32Array, n: number, c: number): void {
  const { values, nulls } = v;
  const w = s.w;
  const live = s.live(n);
  const validity = s.validity(n);
  let m = 0;
  let numbers = 0;
  let strings = 0;
  let booleans = 0;
  let others = 0;
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    if (nulls !== null && nulls[i] === 1) continue;
    const x: unknown = values[i];
    switch (typeof x) {
      case "number":
        numbers++;
        break;
      case "string":
        strings++;
        break;
      case "boolean":
        booleans++;
        break;
      case "object":
        if (x === null) continue;
        others++;
        break;
      case "bigint": // a decimal's unscaled value: tagged
        others++;
        break;
      default: // undefined, function, symbol
        continue;
    }
    live[m++] = i;
    validity[k >>> 3]! |= 1 << (k & 7);
  }
  const kinds = (numbers > 0 ? 1 : 0) + (strings > 0 ? 1 : 0) + (booleans > 0 ? 1 : 0);
  if (others > 0 || kinds > 1) return encodeTaggedVector(w, v, rows, n);
  if (m === 0) return nullColumn(w);
  const valid = m === n ? null : validity;
  if (strings > 0) {
    return writeStringColumn(s, values, live, m, valid, () => encodeTaggedVector(w, v, rows, n));
  }
  if (booleans > 0) {
    columnHead(w, KIND.BOOL, valid);
    const size = (m + 7) >>> 3;
    w.ensure(size);
    const bits = w.bytes;
    const pos = w.pos;
    bits.fill(0, pos, pos + size);
    for (let j = 0; j < m; j++) if (values[live[j]!] === true) bits[pos + (j >>> 3)]! |= 1 << (j & 7);
    w.pos += size;
    return;
  }
  const nums = s.f64(m);
  for (let j = 0; j < m; j++) nums[j] = values[live[j]!] as number;
  writeNumberColumn(s, nums, m, valid);
}

/** Strings concatenated and encoded together: short enough for the cache, long enough to amortise a call. */
const TEXT_CHUNK = 256;

/**
 * The strings' lengths in UTF-16 units, then the UTF-8 of their text. False (with bytes
 * written that the caller drops) when the text is not well-formed UTF-16.
 *
 * The text is encoded TEXT_CHUNK strings at a time, each chunk concatenated (a rope V8
 * flattens once) and encoded with one encodeInto: about twice as fast as one join() of the
 * whole column for short strings spread over the heap. UTF-8 of well-formed chunks is the
 * UTF-8 of their concatenation; a chunk that is not well-formed (a pair split between two
 * strings, or a lone surrogate) sends the column down the whole-text path.
 */
function writeStrings(s: Scratch, w: ByteWriter, values: readonly unknown[], live: Int32Array | null, n: number): boolean {
  const start = w.pos;
  w.ensure(n * 5); // a string's length is below 2^30: at most 5 varint bytes
  const { bytes } = w;
  let pos = w.pos;
  let text = s.text(n * 8);
  let size = 0;
  for (let from = 0; from < n; from += TEXT_CHUNK) {
    const to = Math.min(n, from + TEXT_CHUNK);
    let chunk = "";
    for (let i = from; i < to; i++) {
      const value = values[live === null ? i : live[i]!] as string;
      chunk += value;
      let len = value.length;
      while (len >= 0x80) {
        bytes[pos++] = (len & 0x7f) | 0x80;
        len >>>= 7;
      }
      bytes[pos++] = len;
    }
    if (!isWellFormed(chunk)) {
      w.pos = start;
      return writeWholeText(w, values, live, n);
    }
    if (text.length - size < chunk.length * 3) text = s.growText(size, size + chunk.length * 3);
    size += utf8Encoder.encodeInto(chunk, text.subarray(size)).written;
  }
  w.pos = pos;
  w.u32(size);
  w.ensure(size);
  w.bytes.set(text.subarray(0, size), w.pos);
  w.pos += size;
  return true;
}

/** writeStrings for text with surrogates split between strings: one string of the whole column. */
function writeWholeText(w: ByteWriter, values: readonly unknown[], live: Int32Array | null, n: number): boolean {
  let text = "";
  for (let i = 0; i < n; i++) {
    const value = values[live === null ? i : live[i]!] as string;
    text += value;
    w.varint(value.length);
  }
  if (!isWellFormed(text)) return false;
  const sizeAt = w.pos;
  w.u32(0);
  w.ensure(text.length * 3);
  const { written } = utf8Encoder.encodeInto(text, w.bytes.subarray(w.pos));
  w.view.setUint32(sizeAt, written, true);
  w.pos += written;
  return true;
}

/** TAGGED: every row's value, nulls (per the mask) included. */
function encodeTaggedVector(w: ByteWriter, v: Vector, rows: Int32Array, n: number): void {
  w.u8(KIND.TAGGED);
  w.u8(0);
  for (let k = 0; k < n; k++) writeTagged(w, valueAt(v, rows[k]!), 0);
}

function writeTagged(w: ByteWriter, v: unknown, depth: number): void {
  switch (typeof v) {
    case "string":
      return writeTaggedString(w, v);
    case "number":
      if (Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0)) {
        w.u8(v >= 0 ? TAG.UINT : TAG.NEGINT);
        w.varint(Math.abs(v));
      } else {
        w.u8(TAG.F64);
        w.f64(v);
      }
      return;
    case "boolean":
      return w.u8(v ? TAG.TRUE : TAG.FALSE);
    case "object":
      if (v === null) return w.u8(TAG.NULL);
      if (depth >= MAX_DEPTH) throw new TypeError(`encodeBlock: a value nested deeper than ${MAX_DEPTH} levels (cyclic?)`);
      if (Array.isArray(v)) {
        w.u8(TAG.ARRAY);
        w.varint(v.length);
        for (let i = 0; i < v.length; i++) writeTagged(w, v[i], depth + 1);
        return;
      }
      return writeTaggedObject(w, v, depth);
    case "bigint": {
      // A decimal's unscaled value: its decimal digits (and sign), as ASCII.
      const text = v.toString();
      w.u8(TAG.BIGINT);
      w.varint(text.length);
      w.utf8(text, text.length);
      return;
    }
    default: // undefined, function, symbol
      return w.u8(TAG.NULL);
  }
}

function writeTaggedString(w: ByteWriter, s: string): void {
  if (isWellFormed(s)) {
    const size = Buffer.byteLength(s, "utf8");
    w.u8(TAG.STR);
    w.varint(size);
    w.utf8(s, size);
    return;
  }
  w.u8(TAG.STR16);
  w.varint(s.length);
  w.ensure(s.length * 2);
  for (let i = 0; i < s.length; i++, w.pos += 2) w.view.setUint16(w.pos, s.charCodeAt(i), true);
}

function writeTaggedObject(w: ByteWriter, o: object, depth: number): void {
  const toJSON: unknown = (o as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return writeTagged(w, (toJSON as (key: string) => unknown).call(o, ""), depth + 1);
  const entries = Object.entries(o).filter(([, v]) => !(v === undefined || typeof v === "function" || typeof v === "symbol"));
  w.u8(TAG.OBJECT);
  w.varint(entries.length);
  for (const [k, v] of entries) {
    writeTaggedString(w, k);
    writeTagged(w, v, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------
// Decoding: one block in, a batch of vectors out. The row API (decodeBlock) is an adapter onto it.

interface Header {
  readonly codec: BlockCodec;
  readonly rows: number;
  readonly columns: number;
  readonly rawLength: number;
  readonly payload: Uint8Array;
}

/**
 * Decodes a block straight into a dense batch (selection null): NUMBER and FLOAT64 columns
 * as f64 vectors, BOOL as bool, STRING as str, DICT as dict (the block's dictionary, codes in
 * an Int32Array), TAGGED as any, NULL as an all-null vector; `nulls` from the validity bitmap
 * (null when the column has none; under a null, 0, "" or code 0). `where` names the object
 * (and offset) for error messages. With `expectedRows` (the count the writer reported), a
 * block holding another number of rows is corrupt too. Throws CorruptBlockError for
 * anything wrong with the bytes.
 */
export function decodeBlockToBatch(bytes: Uint8Array, where: string, expectedRows?: number): Batch {
  const header = readHeader(bytes, where);
  if (expectedRows !== undefined && header.rows !== expectedRows) {
    throw new CorruptBlockError(where, `row count mismatch: the block holds ${header.rows} rows, expected ${expectedRows}`);
  }
  const raw = decompress(header, where);
  try {
    return decodeColumns(raw, header.rows, header.columns);
  } catch (e) {
    throw new CorruptBlockError(where, e instanceof Malformed ? e.message : `payload does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * The whole length (header and payload) of the block that starts at byte `at`, read from its
 * header: how a reader splits blocks written back to back (a reducer's adjacent partitions in
 * one map object, fetched with one ranged GET). decodeBlockToBatch checks the rest.
 */
export function blockLength(bytes: Uint8Array, at: number, where: string): number {
  if (bytes.length - at < HEADER_BYTES) throw new CorruptBlockError(where, `truncated: expected a block header of ${HEADER_BYTES} bytes at byte ${at}, got ${bytes.length - at}`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[at + i] !== MAGIC[i]) throw new CorruptBlockError(where, `bad magic at byte ${at}: expected ${hex(MAGIC)} ("SFBK"), got ${hex([...bytes.subarray(at, at + MAGIC.length)])}`);
  }
  return HEADER_BYTES + new DataView(bytes.buffer, bytes.byteOffset + at, HEADER_BYTES).getUint32(20, true);
}

/**
 * Checks the blocks written back to back in `bytes` (their headers and CRC32s, nothing
 * decompressed) and returns the rows they hold: how a combiner copies blocks it never decodes
 * without passing a damaged one on. Throws CorruptBlockError naming `where` and the byte.
 */
export function checkBlocks(bytes: Uint8Array, where: string): number {
  let rows = 0;
  for (let at = 0; at < bytes.byteLength; ) {
    const length = blockLength(bytes, at, where);
    if (at + length > bytes.byteLength) throw new CorruptBlockError(where, `truncated: the block at byte ${at} says ${length} bytes, ${bytes.byteLength - at} are there`);
    rows += readHeader(bytes.subarray(at, at + length), `${where} (block at byte ${at})`).rows;
    at += length;
  }
  return rows;
}

/** Decodes one block into rows (the batch's values, boxed); see decodeBlockToBatch. */
export function decodeBlock(bytes: Uint8Array, where: string, expectedRows?: number): Row[] {
  return rowsOf(decodeBlockToBatch(bytes, where, expectedRows));
}

function readHeader(bytes: Uint8Array, where: string): Header {
  const fail = (reason: string): never => {
    throw new CorruptBlockError(where, reason);
  };
  for (let i = 0; i < Math.min(MAGIC.length, bytes.length); i++) {
    if (bytes[i] !== MAGIC[i]) fail(`bad magic: expected ${hex(MAGIC)} ("SFBK"), got ${hex([...bytes.subarray(0, MAGIC.length)])}`);
  }
  if (bytes.length < HEADER_BYTES) fail(`truncated: expected at least ${HEADER_BYTES} bytes (the header) got ${bytes.length}`);
  const version = bytes[4]!;
  if (!SUPPORTED_VERSIONS.includes(version)) fail(`unsupported version ${version}: this reader supports version ${SUPPORTED_VERSIONS.join(", ")}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(20, true);
  const total = HEADER_BYTES + stored;
  if (bytes.length < total) fail(`truncated: expected ${total} bytes got ${bytes.length}`);
  if (bytes.length > total) fail(`length mismatch: expected ${total} bytes got ${bytes.length}`);
  const crc = view.getUint32(CRC_AT, true);
  const actual = blockCrc(bytes);
  if (crc !== actual) fail(`checksum mismatch: stored CRC32 ${hex32(crc)}, computed ${hex32(actual)}`);
  // Past the checksum the header is what the writer wrote; these guard against writer bugs.
  const codec = CODEC_NAMES[bytes[5]!];
  if (codec === undefined) fail(`unknown codec id ${bytes[5]}`);
  if (bytes[6] !== 0 || bytes[7] !== 0) fail("reserved header bytes are not zero");
  const rawLength = view.getUint32(16, true);
  if (codec === "none" && rawLength !== stored) fail(`uncompressed length ${rawLength} differs from the stored length ${stored}`);
  return { codec: codec!, rows: view.getUint32(8, true), columns: view.getUint32(12, true), rawLength, payload: bytes.subarray(HEADER_BYTES) };
}

function decompress(header: Header, where: string): Uint8Array {
  if (header.codec === "none") return header.payload;
  let out: Uint8Array;
  try {
    const options = { maxOutputLength: Math.max(1, header.rawLength), chunkSize: zlibChunk(header.rawLength) };
    out = header.codec === "deflate" ? zlib.inflateRawSync(header.payload, options) : zlib.brotliDecompressSync(header.payload, options);
  } catch (e) {
    throw new CorruptBlockError(where, `${header.codec} payload does not decompress (${e instanceof Error ? e.message : String(e)})`);
  }
  if (out.length !== header.rawLength) {
    throw new CorruptBlockError(where, `payload decompresses to ${out.length} bytes, the header says ${header.rawLength}`);
  }
  return out;
}

function decodeColumns(raw: Uint8Array, numRows: number, numColumns: number): Batch {
  const r = new ByteReader(raw);
  const columns: Vector[] = [];
  for (let c = 0; c < numColumns; c++) {
    r.column = c;
    columns.push(decodeColumn(r, numRows, c));
  }
  r.column = -1;
  if (r.pos !== raw.length) throw new Malformed(`${raw.length - r.pos} bytes left over after ${numColumns} columns`);
  return denseBatch(columns, numRows);
}

function decodeColumn(r: ByteReader, n: number, c: number): Vector {
  const kind = r.u8("kind");
  const flags = r.u8("flags");
  if (flags & ~FLAG_VALIDITY) throw new Malformed(`column ${c} has unknown flags ${flags}`);
  if (kind === KIND.NULL || kind === KIND.TAGGED) {
    if (flags !== 0) throw new Malformed(`column ${c} (kind ${kind}) has a validity bitmap`);
    return kind === KIND.NULL ? nullVector(n) : readTaggedColumn(r, n, c);
  }
  if (kind < KIND.BOOL || kind > KIND.DICT) throw new Malformed(`column ${c} has unknown kind ${kind}`);
  const bitmap = flags & FLAG_VALIDITY ? r.take((n + 7) >>> 3, "validity") : null;
  const m = bitmap ? countSet(bitmap, n) : n;
  // Only a bitmap with a clear bit makes nulls (a writer leaves it out when none is null).
  const validity = m < n ? bitmap : null;
  const nulls = validity === null ? null : nullMask(validity, n);
  switch (kind) {
    case KIND.BOOL: {
      const dense = readBools(r, m);
      return { kind: "bool", values: validity === null ? dense : spread(dense, new Uint8Array(n), validity), nulls };
    }
    case KIND.NUMBER:
    case KIND.FLOAT64: {
      const dense = kind === KIND.NUMBER ? readNumbers(r, m, c) : r.words((k) => new Float64Array(k), m, "doubles");
      return { kind: "f64", values: validity === null ? dense : spread(dense, new Float64Array(n), validity), nulls };
    }
    case KIND.STRING: {
      const dense = readStrings(r, m, "strings");
      return { kind: "str", values: validity === null ? dense : spreadStrings(dense, validity, n), nulls };
    }
    default: {
      const { entries, codes } = readDictionary(r, m, c);
      return { kind: "dict", codes: validity === null ? codes : spread(codes, new Int32Array(n), validity), dict: entries, nulls };
    }
  }
}

function countSet(bitmap: Uint8Array, n: number): number {
  let count = 0;
  const full = n >>> 3;
  for (let b = 0; b < full; b++) count += BIT_COUNT[bitmap[b]!]!;
  for (let i = full << 3; i < n; i++) count += (bitmap[i >>> 3]! >>> (i & 7)) & 1;
  return count;
}

const BIT_COUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let count = 0;
  for (let x = b; x !== 0; x >>>= 1) count += x & 1;
  return count;
});

/** The vectors' null mask (1 = null) of a validity bitmap (bit set = not null). */
function nullMask(validity: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((validity[i >>> 3]! >>> (i & 7)) & 1) ^ 1;
  return out;
}

/** Spreads the dense values over `out` (n slots), leaving 0 where the validity bit is clear. */
function spread<T extends Uint8Array | Int32Array | Float64Array>(dense: T, out: T, validity: Uint8Array): T {
  let j = 0;
  for (let i = 0; i < out.length; i++) if ((validity[i >>> 3]! >>> (i & 7)) & 1) out[i] = dense[j++]!;
  return out;
}

function spreadStrings(dense: readonly string[], validity: Uint8Array, n: number): string[] {
  const out = new Array<string>(n);
  let j = 0;
  for (let i = 0; i < n; i++) out[i] = (validity[i >>> 3]! >>> (i & 7)) & 1 ? dense[j++]! : "";
  return out;
}

function readBools(r: ByteReader, m: number): Uint8Array {
  const bits = r.take((m + 7) >>> 3, "booleans");
  const out = new Uint8Array(m);
  for (let i = 0; i < m; i++) out[i] = (bits[i >>> 3]! >>> (i & 7)) & 1;
  return out;
}

function readNumbers(r: ByteReader, m: number, c: number): Float64Array {
  const scale = r.u8("scale");
  const width = r.u8("width");
  const base = r.f64("base");
  if (scale > MAX_SCALE) throw new Malformed(`column ${c} has scale ${scale}, at most ${MAX_SCALE}`);
  if (width !== 1 && width !== 2 && width !== 4) throw new Malformed(`column ${c} has integer width ${width}`);
  if (!Number.isSafeInteger(base)) throw new Malformed(`column ${c} has base ${base}, not a safe integer`);
  const u = width === 1 ? r.take(m, "numbers") : width === 2 ? r.words((k) => new Uint16Array(k), m, "numbers") : r.words((k) => new Uint32Array(k), m, "numbers");
  const out = new Float64Array(m);
  if (scale === 0) for (let i = 0; i < m; i++) out[i] = base + u[i]!;
  else {
    const p = POW10[scale]!;
    for (let i = 0; i < m; i++) out[i] = (base + u[i]!) / p;
  }
  return out;
}

/** n strings: their UTF-16 lengths, then all their UTF-8 decoded at once and cut up. */
function readStrings(r: ByteReader, n: number, what: string): string[] {
  const lengths = new Uint32Array(n);
  r.need(n, `${what} lengths`); // at least a byte each
  const { bytes } = r;
  let pos = r.pos;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let b = bytes[pos++]!;
    let len = b & 0x7f;
    // Lengths of JavaScript strings take at most 5 bytes; longer varints are corrupt.
    for (let shift = 7; b >= 0x80; shift += 7) {
      if (shift > 28) throw new Malformed(`column ${r.column} ${what} length ${i} is a varint longer than 5 bytes (offset ${pos})`);
      if (pos >= bytes.length) throw new Malformed(`payload ends inside column ${r.column} ${what} lengths (varint at offset ${pos})`);
      b = bytes[pos++]!;
      len += (b & 0x7f) * 2 ** shift;
    }
    lengths[i] = len;
    total += len;
  }
  if (pos > bytes.length) throw new Malformed(`payload ends inside column ${r.column} ${what} lengths`);
  r.pos = pos;
  const size = r.u32(`${what} byte length`);
  const text = utf8Decoder.decode(r.take(size, what));
  if (text.length !== total) throw new Malformed(`column ${r.column} ${what} hold ${text.length} UTF-16 units, their lengths add up to ${total}`);
  const out = new Array<string>(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const end = at + lengths[i]!;
    out[i] = text.slice(at, end);
    at = end;
  }
  return out;
}

function readDictionary(r: ByteReader, m: number, c: number): { entries: string[]; codes: Int32Array } {
  const d = r.varint("dictionary size");
  if (d > MAX_DICT) throw new Malformed(`column ${c} has a dictionary of ${d} entries, at most ${MAX_DICT}`);
  const entries = readStrings(r, d, "dictionary");
  const width = r.u8("index width");
  if (width !== 1 && width !== 2) throw new Malformed(`column ${c} has index width ${width}`);
  const indices = width === 1 ? r.take(m, "indices") : r.words((k) => new Uint16Array(k), m, "indices");
  const codes = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const id = indices[i]!;
    if (id >= d) throw new Malformed(`column ${c} row ${i} refers to dictionary entry ${id} of ${d}`);
    codes[i] = id;
  }
  return { entries, codes };
}

function readTaggedColumn(r: ByteReader, n: number, c: number): Vector {
  r.need(n, "values"); // at least a tag each
  const out = new Array<Value>(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = readTagged(r, 0, c) as Value;
    out[i] = v;
    if (v === null) (nulls ??= new Uint8Array(n))[i] = 1;
  }
  return { kind: "any", values: out, nulls };
}

function readTagged(r: ByteReader, depth: number, c: number): unknown {
  const tag = r.u8("value tag");
  switch (tag) {
    case TAG.NULL:
      return null;
    case TAG.FALSE:
      return false;
    case TAG.TRUE:
      return true;
    case TAG.F64:
      return r.f64("double");
    case TAG.UINT:
      return r.varint("integer");
    case TAG.NEGINT: {
      const v = r.varint("integer");
      if (v === 0) throw new Malformed(`column ${c} holds a negative zero integer`);
      return -v;
    }
    case TAG.STR:
    case TAG.STR16:
      return readTaggedString(r, tag);
    case TAG.ARRAY: {
      if (depth >= MAX_DEPTH) throw new Malformed(`column ${c} nests values deeper than ${MAX_DEPTH} levels`);
      const count = r.varint("array length");
      r.need(count, "array"); // at least a tag per element
      const out = new Array<unknown>(count);
      for (let i = 0; i < count; i++) out[i] = readTagged(r, depth + 1, c);
      return out;
    }
    case TAG.OBJECT:
      return readTaggedObject(r, depth, c);
    case TAG.BIGINT: {
      const size = r.varint("integer length");
      const text = utf8Decoder.decode(r.take(size, "integer"));
      if (!/^-?\d{1,200}$/.test(text)) throw new Malformed(`column ${c} holds a malformed big integer at offset ${r.pos - size}`);
      return BigInt(text);
    }
    default:
      throw new Malformed(`column ${c} has unknown value tag ${tag} at offset ${r.pos - 1}`);
  }
}

function readTaggedString(r: ByteReader, tag: number): string {
  if (tag === TAG.STR) {
    const size = r.varint("string length");
    return utf8Decoder.decode(r.take(size, "string"));
  }
  const units = r.varint("string length");
  const bytes = r.take(units * 2, "string");
  let s = "";
  for (let i = 0; i < units; i++) s += String.fromCharCode(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
  return s;
}

function readTaggedObject(r: ByteReader, depth: number, c: number): Record<string, unknown> {
  if (depth >= MAX_DEPTH) throw new Malformed(`column ${c} nests values deeper than ${MAX_DEPTH} levels`);
  const count = r.varint("object size");
  r.need(count * 2, "object"); // at least two tags per entry
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const tag = r.u8("key tag");
    if (tag !== TAG.STR && tag !== TAG.STR16) throw new Malformed(`column ${c} has an object key with tag ${tag}`);
    const key = readTaggedString(r, tag);
    // defineProperty, so that a "__proto__" key is data (as JSON.parse makes it).
    Object.defineProperty(out, key, { value: readTagged(r, depth + 1, c), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A dense batch's rows, filled column by column. */
function rowsOf(batch: Batch): Row[] {
  const { length: n, columns } = batch;
  const rows = new Array<Row>(n);
  for (let i = 0; i < n; i++) rows[i] = new Array<Value>(columns.length);
  for (let c = 0; c < columns.length; c++) {
    const v = columns[c]!;
    const nulls = v.nulls;
    switch (v.kind) {
      case "f64":
      case "i32": {
        const values = v.values;
        for (let i = 0; i < n; i++) rows[i]![c] = nulls !== null && nulls[i] === 1 ? null : values[i]!;
        break;
      }
      case "bool": {
        const values = v.values;
        for (let i = 0; i < n; i++) rows[i]![c] = nulls !== null && nulls[i] === 1 ? null : values[i] === 1;
        break;
      }
      case "str": {
        const values = v.values;
        for (let i = 0; i < n; i++) rows[i]![c] = nulls !== null && nulls[i] === 1 ? null : values[i]!;
        break;
      }
      case "dict": {
        const { codes, dict } = v;
        for (let i = 0; i < n; i++) rows[i]![c] = nulls !== null && nulls[i] === 1 ? null : dict[codes[i]!]!;
        break;
      }
      case "any": {
        const values = v.values;
        for (let i = 0; i < n; i++) rows[i]![c] = nulls !== null && nulls[i] === 1 ? null : (values[i] ?? null);
        break;
      }
    }
  }
  return rows;
}

function hex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, "0")}`;
}
