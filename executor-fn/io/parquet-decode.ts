/**
 * Parquet column chunks decoded straight into column vectors (shared/batch/vector.ts), one
 * page at a time, with no row assembly: hyparquet parses the thrift page headers and
 * decompresses pages (and decodes the rarer encodings: DELTA_*, BYTE_STREAM_SPLIT, nested
 * lists); the hot paths are here, writing typed arrays directly:
 *
 *   levels        RLE/bit-packed hybrid → the `nulls` byte mask (no per-value JS arrays)
 *   dictionary    indices → Int32Array codes; a string dictionary is kept as a `dict` vector
 *                 (one string per dictionary entry, none per row); numeric dictionaries are
 *                 gathered into the typed array
 *   PLAIN         DOUBLE/INT32 as views of the page (a copy only when unaligned), INT64
 *                 through its two 32-bit halves (no BigInt per value) and refused beyond
 *                 ±(2^53 − 1), BYTE_ARRAY strings cut from one latin1 string of the page
 *                 when the page is ASCII (UTF-8 decoding otherwise)
 *
 * Types follow shared/codecs/parquet-types.ts: dates are "YYYY-MM-DD" strings (in a `dict`
 * vector: a page's distinct days are formatted once), timestamps ISO 8601 strings, DECIMAL
 * the nearest double, JSON its text (or parsed, for array/any columns), a LIST of strings an
 * `any` vector of string arrays.
 */
import { isAscii } from "node:buffer";
import * as zlib from "node:zlib";
import type { ColumnChunk, CompressionCodec, Compressors, PageHeader, SchemaElement, SchemaTree } from "hyparquet";
import { assembleNested } from "hyparquet/src/assemble.js";
import { parquetHeader, readColumn } from "hyparquet/src/column.js";
import { DEFAULT_PARSERS } from "hyparquet/src/convert.js";
import { decompressPage } from "hyparquet/src/datapage.js";
import { deltaBinaryUnpack, deltaByteArray, deltaLengthByteArray } from "hyparquet/src/delta.js";
import { byteStreamSplit } from "hyparquet/src/encoding.js";
import { snappyUncompress } from "hyparquet/src/snappy.js";
import { snappyUncompressor } from "hysnappy";
import { fromParquet } from "../../shared/codecs/parquet-types.ts";
import type { DataType, Value } from "../../shared/plan/types.ts";
import { nullVector, valueAt, vectorFromValues, type Nulls, type Vector } from "../../shared/batch/vector.ts";
import { TaskError } from "../task-error.ts";

type Zstd = { zstdDecompressSync?: (input: Uint8Array) => Uint8Array };

/** Pages larger than this decompress with hyparquet's JavaScript snappy (WebAssembly memory only grows). */
const WASM_SNAPPY_MAX_BYTES = 64 << 20;
let wasmSnappy: ((input: Uint8Array, outputLength: number) => Uint8Array) | undefined;

/**
 * SNAPPY through hysnappy (a 4 KB WebAssembly build of the reference decoder, instantiated on
 * first use in well under a millisecond): about 3x hyparquet's JavaScript decoder on numeric
 * pages, which made decompression most of a scan's time.
 */
function snappy(input: Uint8Array, outputLength: number): Uint8Array {
  if (input.length + outputLength > WASM_SNAPPY_MAX_BYTES) {
    const out = new Uint8Array(outputLength);
    snappyUncompress(input, out);
    return out;
  }
  wasmSnappy ??= snappyUncompressor();
  return wasmSnappy(input, outputLength);
}

/** Codecs: SNAPPY as above, and the ones Node's zlib has. */
export const COMPRESSORS: Compressors = {
  SNAPPY: snappy,
  GZIP: (input) => zlib.unzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...((zlib as Zstd).zstdDecompressSync ? { ZSTD: (input: Uint8Array) => (zlib as Zstd).zstdDecompressSync!(input) } : {}),
};

/** How a leaf's physical values become a vector. */
type Logical =
  | "bool"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float"
  | "double"
  | "float16"
  | "decimal"
  | "date"
  | "timestamp"
  | "int96"
  | "string"
  | "json"
  | "uuid";

/** One output column of a file: where it is in the file's schema and how it decodes. */
export interface ColumnPlan {
  readonly name: string;
  /** The scan's type for the column (the file's type, unless the scan declared another). */
  readonly type: DataType;
  /** Root → leaf schema nodes. */
  readonly schemaPath: SchemaTree[];
  readonly element: SchemaElement;
  readonly maxDef: number;
  /** A LIST (or a repeated field): read through hyparquet's Dremel assembly. */
  readonly nested: boolean;
  readonly logical: Logical;
  /** Divide unscaled DECIMAL values by this. */
  readonly decimalDivisor: number;
  /** Timestamp unit: values per millisecond (1, 1000, 1e6). */
  readonly perMillis: number;
  /** The type the decoded vector holds before any conversion to `type`. */
  readonly natural: DataType;
}

function logicalOf(element: SchemaElement): { logical: Logical; natural: DataType; divisor: number; perMillis: number } {
  const { type, converted_type: ct, logical_type: lt } = element;
  const out = (logical: Logical, natural: DataType, divisor = 1, perMillis = 1) => ({ logical, natural, divisor, perMillis });
  if (ct === "DECIMAL" || lt?.type === "DECIMAL") {
    const scale = element.scale ?? (lt?.type === "DECIMAL" ? lt.scale : 0) ?? 0;
    return out("decimal", "double", 10 ** scale);
  }
  if (ct === "DATE" || lt?.type === "DATE") return out("date", "date");
  if (ct === "TIMESTAMP_MILLIS") return out("timestamp", "string", 1, 1);
  if (ct === "TIMESTAMP_MICROS") return out("timestamp", "string", 1, 1000);
  if (lt?.type === "TIMESTAMP") return out("timestamp", "string", 1, lt.unit === "MILLIS" ? 1 : lt.unit === "MICROS" ? 1000 : 1_000_000);
  if (type === "INT96") return out("int96", "string");
  if (ct === "JSON" || lt?.type === "JSON") return out("json", "string");
  if (lt?.type === "UUID") return out("uuid", "string");
  if (lt?.type === "FLOAT16") return out("float16", "double");
  switch (type) {
    case "BOOLEAN":
      return out("bool", "boolean");
    case "INT32":
      return ct === "UINT_32" || (lt?.type === "INTEGER" && lt.bitWidth === 32 && !lt.isSigned) ? out("uint32", "long") : out("int32", "int");
    case "INT64":
      return ct === "UINT_64" || (lt?.type === "INTEGER" && lt.bitWidth === 64 && !lt.isSigned) ? out("uint64", "long") : out("int64", "long");
    case "FLOAT":
      return out("float", "double");
    case "DOUBLE":
      return out("double", "double");
    default:
      return out("string", "string");
  }
}

/**
 * The plan for one top-level column of the file, or undefined when the file lacks it.
 * Throws for what sparkfn does not read (structs, maps), naming the column.
 */
export function planColumn(tree: SchemaTree, name: string, type: DataType, where: string): ColumnPlan | undefined {
  const top = tree.children.find((c) => c.element.name === name);
  if (!top) return undefined;
  const path: SchemaTree[] = [tree, top];
  let node = top;
  const isList = top.element.converted_type === "LIST" || top.element.logical_type?.type === "LIST";
  if (top.children.length > 0 && !isList) throw new TaskError("BadInput", `${where}: column "${name}" is a nested group, which sparkfn does not read.`);
  // A LIST: name / list (repeated) / element, or a two-level list; one leaf below.
  while (node.children.length > 0) {
    if (node.children.length !== 1) throw new TaskError("BadInput", `${where}: column "${name}" is a list of groups, which sparkfn does not read.`);
    node = node.children[0]!;
    path.push(node);
  }
  let maxDef = 0;
  let maxRep = 0;
  for (const n of path.slice(1)) {
    if (n.element.repetition_type !== "REQUIRED") maxDef++;
    if (n.element.repetition_type === "REPEATED") maxRep++;
  }
  const nested = maxRep > 0 || path.length > 2;
  const { logical, natural, divisor, perMillis } = logicalOf(node.element);
  return { name, type, schemaPath: path, element: node.element, maxDef, nested, logical, decimalDivisor: divisor, perMillis, natural: nested ? "array" : natural };
}

/** The byte range of a column chunk in the file. */
export function chunkRange(chunk: ColumnChunk): { start: number; end: number } {
  const meta = chunk.meta_data!;
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size) };
}

// ---------------------------------------------------------------------------------------
// RLE / bit-packed hybrid

/**
 * Decodes `count` values of the RLE/bit-packed hybrid encoding from bytes[pos, end) into
 * out[0, count). Returns the position after the last run read.
 */
export function readHybrid(bytes: Uint8Array, pos: number, end: number, width: number, out: Int32Array | Uint8Array, count: number, bound?: { or: number }): number {
  let seen = 0;
  // Bit-packed values are below 2^width; RLE values are ORed in so `bound` can vouch for all.
  let or = 0;
  let packed = false;
  const valueBytes = (width + 7) >> 3;
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  while (seen < count) {
    if (pos >= end) throw new Error(`RLE data ends after ${seen} of ${count} values`);
    // ULEB128 run header
    let header = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[pos++]!;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (header % 2 === 1) {
      // bit-packed: (header >> 1) groups of 8 values, width bytes per group
      const values = Math.floor(header / 2) * 8;
      const take = Math.min(values, count - seen);
      const bytesUsed = (values * width) >> 3;
      packed = true;
      if (pos + ((take * width + 7) >> 3) > end) throw new Error("bit-packed run beyond the page");
      if (width === 1) {
        for (let i = 0; i < take; i++) out[seen + i] = (bytes[pos + (i >> 3)]! >> (i & 7)) & 1;
      } else if (width <= 8) {
        // A group of 8 values is `width` bytes: two little-endian words hold it.
        let p = pos;
        for (let i = 0; i < take; i += 8) {
          let lo = 0;
          let hi = 0;
          for (let k = 0; k < width; k++) {
            const byte = bytes[p + k]!;
            if (k < 4) lo |= byte << (8 * k);
            else hi |= byte << (8 * (k - 4));
          }
          p += width;
          const stop = Math.min(8, take - i);
          for (let j = 0; j < stop; j++) {
            const bit = j * width;
            out[seen + i + j] = (bit >= 32 ? hi >>> (bit - 32) : bit + width <= 32 ? lo >>> bit : (lo >>> bit) | (hi << (32 - bit))) & mask;
          }
        }
      } else if (width <= 24) {
        let p = pos;
        let buf = 0;
        let bits = 0;
        for (let i = 0; i < take; i++) {
          while (bits < width) {
            buf |= bytes[p++]! << bits;
            bits += 8;
          }
          out[seen + i] = buf & mask;
          buf >>>= width;
          bits -= width;
        }
      } else {
        for (let i = 0; i < take; i++) {
          const bit = i * width;
          let v = 0;
          for (let k = 0; k < width; k++) {
            const at = bit + k;
            if ((bytes[pos + (at >> 3)]! >> (at & 7)) & 1) v += 2 ** k;
          }
          out[seen + i] = v | 0;
        }
      }
      seen += take;
      pos += bytesUsed;
    } else {
      const run = Math.floor(header / 2);
      let v = 0;
      for (let k = 0; k < valueBytes; k++) v += bytes[pos + k]! * 2 ** (8 * k);
      pos += valueBytes;
      out.fill(v | 0, seen, seen + Math.min(run, count - seen));
      seen += Math.min(run, count - seen);
      or |= v | 0;
    }
  }
  if (bound) bound.or = !packed ? or : width >= 31 ? -1 : or | ((1 << width) - 1);
  return pos;
}

/**
 * Definition levels of a flat optional column (bit width 1: 1 = a value, 0 = null) decoded
 * straight into the nulls mask (1 = null), counting the nulls as it goes.
 */
function nullMask(bytes: Uint8Array, pos: number, end: number, count: number): { nulls: Nulls; numNulls: number; pos: number } {
  let mask: Uint8Array | null = null;
  let numNulls = 0;
  let seen = 0;
  while (seen < count) {
    if (pos >= end) throw new Error(`definition levels end after ${seen} of ${count} values`);
    let header = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[pos++]!;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (header % 2 === 1) {
      const values = Math.floor(header / 2) * 8;
      const take = Math.min(values, count - seen);
      if (pos + ((take + 7) >> 3) > end) throw new Error("bit-packed run beyond the page");
      for (let i = 0; i < take; i += 8) {
        const byte = bytes[pos + (i >> 3)]!;
        if (byte === 0xff) continue;
        mask ??= new Uint8Array(count);
        const stop = Math.min(8, take - i);
        for (let j = 0; j < stop; j++) {
          const isNull = ((byte >> j) & 1) ^ 1;
          mask[seen + i + j] = isNull;
          numNulls += isNull;
        }
      }
      seen += take;
      pos += values >> 3;
    } else {
      const run = Math.min(Math.floor(header / 2), count - seen);
      const value = bytes[pos++]!;
      if (value === 0 && run > 0) {
        mask ??= new Uint8Array(count);
        mask.fill(1, seen, seen + run);
        numNulls += run;
      }
      seen += run;
    }
  }
  return { nulls: numNulls === 0 ? null : mask, numNulls, pos };
}

// ---------------------------------------------------------------------------------------
// Values

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** Days since 1970-01-01 → "YYYY-MM-DD" (as Date.toISOString().slice(0, 10) gives it). */
export function dateString(days: number): string {
  // Howard Hinnant's civil_from_days
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(days * DAY_MS).toISOString().slice(0, 10);
  return `${y < 1000 ? String(y).padStart(4, "0") : y}-${pad2(m)}-${pad2(d)}`;
}

const utf8 = new TextDecoder();

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Strings cut from bytes: value k is bytes[starts[k], ends[k]), for k in [k0, k1). ASCII values
 * are slices of one latin1 string of their region (one byte, one character); others are decoded
 * as UTF-8.
 */
function cutStrings(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, k0: number, k1: number): string[] {
  const count = k1 - k0;
  const out: string[] = new Array(count);
  if (count === 0) return out;
  const from = starts[k0]!;
  const to = ends[k1 - 1]!;
  const buffer = asBuffer(bytes);
  const text = buffer.toString("latin1", from, to);
  if (isAscii(bytes.subarray(from, to))) {
    for (let i = 0; i < count; i++) out[i] = text.slice(starts[k0 + i]! - from, ends[k0 + i]! - from);
    return out;
  }
  for (let i = 0; i < count; i++) {
    const s = starts[k0 + i]!;
    const e = ends[k0 + i]!;
    let ascii = true;
    for (let k = s; k < e; k++) {
      if (bytes[k]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    out[i] = ascii ? text.slice(s - from, e - from) : buffer.toString("utf8", s, e);
  }
  return out;
}

/** Strings at known offsets, made when asked for (see LazyPiece). */
function lazyStrings(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): Compact {
  return { kind: "lazy", count, make: (k0, k1) => cutStrings(bytes, starts, ends, k0, k1) };
}

/** `count` PLAIN BYTE_ARRAY values from bytes[pos, end) (each a 4-byte length, then the bytes) as strings. */
function plainStrings(bytes: Uint8Array, pos: number, end: number, count: number): Compact {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let p = pos;
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) throw new Error("BYTE_ARRAY value beyond the page");
    const len = view.getUint32(p, true);
    p += 4;
    if (p + len > end) throw new Error("BYTE_ARRAY value beyond the page");
    starts[i] = p;
    ends[i] = p += len;
  }
  return lazyStrings(bytes, starts, ends, count);
}

/** `count` DELTA_LENGTH_BYTE_ARRAY values (the lengths, delta-encoded, then the bytes) as strings. */
function deltaLengthStrings(bytes: Uint8Array, pos: number, end: number, count: number): Compact {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, end), offset: pos };
  const lengths = new Int32Array(count);
  deltaBinaryUnpack(reader, count, lengths);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let p = reader.offset;
  for (let i = 0; i < count; i++) {
    const len = lengths[i]!;
    if (len < 0 || p + len > end) throw new Error("BYTE_ARRAY value beyond the page");
    starts[i] = p;
    ends[i] = p += len;
  }
  return lazyStrings(bytes, starts, ends, count);
}

function typedView<T extends Float64Array | Int32Array | Float32Array>(Ctor: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number }, bytes: Uint8Array, pos: number, count: number): T {
  const size = Ctor.BYTES_PER_ELEMENT;
  if (pos + count * size > bytes.length) throw new Error("values beyond the page");
  const at = bytes.byteOffset + pos;
  if (at % size === 0) return new Ctor(bytes.buffer, at, count);
  return new Ctor(copyOf(bytes.subarray(pos, pos + count * size)).buffer, 0, count);
}

/** A copy in a new ArrayBuffer (Buffer#slice, unlike Uint8Array#slice, would share memory). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Raised for an INT64 beyond what a double keeps exact. */
class UnsafeLong extends Error {
  constructor(readonly text: string) {
    super(`holds ${text}, beyond the ±(2^53 − 1) that sparkfn's long keeps exact`);
  }
}

/** Whether the INT64 with these 32-bit halves is within ±(2^53 − 1) (a double keeps it exact). */
const safeInt64 = (lo: number, hi: number, unsigned: boolean) =>
  unsigned ? hi >>> 0 < 0x200000 : (hi > -0x200000 && hi < 0x200000) || (hi === -0x200000 && lo !== 0);

const int64Text = (lo: number, hi: number, unsigned: boolean) => {
  const big = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  return String(unsigned ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big));
};

/** INT64 (two's complement, or unsigned) little-endian values → doubles, refusing unsafe ones. */
function int64ToDoubles(halves: Int32Array, count: number, unsigned: boolean): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const lo = halves[2 * i]!;
    const hi = halves[2 * i + 1]!;
    if (!safeInt64(lo, hi, unsigned)) throw new UnsafeLong(int64Text(lo, hi, unsigned));
    out[i] = (unsigned ? hi >>> 0 : hi) * 4294967296 + (lo >>> 0);
  }
  return out;
}

function int64Halves(bytes: Uint8Array, pos: number, count: number): Int32Array {
  return typedView(Int32Array, bytes, pos, count * 2);
}

function bigintsToHalves(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

const pad3 = (n: number) => (n < 10 ? "00" : n < 100 ? "0" : "") + n;

/** Milliseconds since the epoch → what Date.toISOString() gives ("2024-03-07T12:34:56.789Z"). */
function isoString(ms: number, day: { n: number; text: string }): string {
  const days = Math.floor(ms / DAY_MS);
  if (days !== day.n) {
    day.n = days;
    day.text = days >= -719162 && days <= 2932896 ? dateString(days) : "";
  }
  // Years outside 0000-9999 (and what Date refuses) as Date formats them.
  if (day.text === "") return new Date(ms).toISOString();
  let t = ms - days * DAY_MS;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const sec = t % 60;
  t = (t - sec) / 60;
  const min = t % 60;
  const hour = (t - min) / 60;
  return `${day.text}T${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${pad3(milli)}Z`;
}

/**
 * INT64 timestamps (`perMillis` units a millisecond) → ISO 8601 strings, as hyparquet and
 * Date gave them: the unit division truncates toward zero (as BigInt division does).
 */
function timestampStrings(halves: Int32Array, count: number, perMillis: number): string[] {
  const out: string[] = new Array(count);
  const day = { n: NaN, text: "" };
  const per = BigInt(perMillis);
  for (let i = 0; i < count; i++) {
    const lo = halves[2 * i]!;
    const hi = halves[2 * i + 1]!;
    let ms: number;
    if (safeInt64(lo, hi, false)) {
      const v = hi * 4294967296 + (lo >>> 0);
      ms = Math.trunc(v / perMillis);
      // v / perMillis is rounded: correct the quotient with the exact remainder.
      const r = v - ms * perMillis;
      if (v >= 0 ? r < 0 : r > 0) ms += v >= 0 ? -1 : 1;
      else if (Math.abs(r) >= perMillis) ms += v >= 0 ? 1 : -1;
    } else {
      ms = Number(((BigInt(hi) << 32n) | BigInt(lo >>> 0)) / per);
    }
    out[i] = isoString(ms, day);
  }
  return out;
}

/** A big-endian two's complement integer (DECIMAL in FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY). */
function bigEndianInt(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  if (bytes.length <= 6) {
    let v = bytes[0]! & 0x80 ? -1 : 0;
    for (const b of bytes) v = v * 256 + b;
    return v;
  }
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return Number(BigInt.asIntN(bytes.length * 8, v));
}

function float16(bytes: Uint8Array): number {
  const int16 = (bytes[1]! << 8) | bytes[0]!;
  const sign = int16 >> 15 ? -1 : 1;
  const exp = (int16 >> 10) & 0x1f;
  const frac = int16 & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const uuid = (b: Uint8Array) => {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Non-null values of a page (or a dictionary), in their "compact" form: what a vector of the
 * plan's natural type holds, before nulls are spread in.
 */
type Compact =
  | { readonly kind: "f64"; readonly values: Float64Array }
  | { readonly kind: "i32"; readonly values: Int32Array }
  | { readonly kind: "bool"; readonly values: Uint8Array }
  | { readonly kind: "str"; readonly values: string[] }
  | { readonly kind: "days"; readonly values: Int32Array }
  | { readonly kind: "any"; readonly values: Value[] }
  /** Strings made a batch at a time: values [k0, k1) of the `count` non-null values. */
  | { readonly kind: "lazy"; readonly count: number; readonly make: (k0: number, k1: number) => string[] };

type Eager = Exclude<Compact, { kind: "lazy" }>;

/** Byte values (FIXED_LEN_BYTE_ARRAY, or BYTE_ARRAY from the DELTA encodings) → compact values. */
function fromByteValues(plan: ColumnPlan, values: readonly Uint8Array[]): Compact {
  switch (plan.logical) {
    case "decimal":
      return { kind: "f64", values: Float64Array.from(values, (b) => bigEndianInt(b) / plan.decimalDivisor) };
    case "float16":
      return { kind: "f64", values: Float64Array.from(values, float16) };
    case "uuid":
      return { kind: "str", values: values.map(uuid) };
    default:
      return { kind: "str", values: values.map((b) => utf8.decode(b)) };
  }
}

// Loops live in small functions of their own: a function called once per page with a loop
// inside is compiled while in the loop (on-stack replacement), then deoptimised by the code
// after the loop, on every call.

function scaleInt32(raw: Int32Array, divisor: number): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! / divisor;
  return out;
}

function unsignedInt32(raw: Int32Array): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! >>> 0;
  return out;
}

function scaleInt64(halves: Int32Array, count: number, divisor: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = (halves[2 * i + 1]! * 4294967296 + (halves[2 * i]! >>> 0)) / divisor;
  return out;
}

function unpackBooleans(bytes: Uint8Array, pos: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (bytes[pos + (i >> 3)]! >> (i & 7)) & 1;
  return out;
}

/** INT96 timestamps (nanoseconds of the day, then the Julian day) → ISO 8601 strings. */
function int96Strings(bytes: Uint8Array, pos: number, count: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + pos, count * 12);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const nanosOfDay = view.getBigInt64(i * 12, true);
    const days = BigInt(view.getInt32(i * 12 + 8, true)) - 2440588n;
    out[i] = new Date(Number((days * 86400000000000n + nanosOfDay) / 1000000n)).toISOString();
  }
  return out;
}

/** Applies the plan's logical type to raw INT32 values. */
function fromInt32(plan: ColumnPlan, raw: Int32Array): Compact {
  switch (plan.logical) {
    case "date":
      return { kind: "days", values: raw };
    case "decimal":
      return { kind: "f64", values: scaleInt32(raw, plan.decimalDivisor) };
    case "uint32":
      return { kind: "f64", values: unsignedInt32(raw) };
    default:
      return { kind: "i32", values: raw };
  }
}

/** Applies the plan's logical type to raw INT64 values (as 32-bit halves). */
function fromInt64(plan: ColumnPlan, halves: Int32Array, count: number): Compact {
  switch (plan.logical) {
    case "decimal":
      return { kind: "f64", values: scaleInt64(halves, count, plan.decimalDivisor) };
    case "timestamp":
      return { kind: "lazy", count, make: (k0, k1) => timestampStrings(halves.subarray(2 * k0, 2 * k1), k1 - k0, plan.perMillis) };
    default:
      return { kind: "f64", values: int64ToDoubles(halves, count, plan.logical === "uint64") };
  }
}

/** `count` PLAIN values from bytes[pos, end). */
function readPlainValues(plan: ColumnPlan, bytes: Uint8Array, pos: number, end: number, count: number): Compact {
  switch (plan.element.type) {
    case "BOOLEAN":
      if (pos + ((count + 7) >> 3) > end) throw new Error("values beyond the page");
      return { kind: "bool", values: unpackBooleans(bytes, pos, count) };
    case "INT32":
      return fromInt32(plan, typedView(Int32Array, bytes, pos, count));
    case "INT64":
      return fromInt64(plan, int64Halves(bytes, pos, count), count);
    case "DOUBLE":
      return { kind: "f64", values: typedView(Float64Array, bytes, pos, count) };
    case "FLOAT":
      return { kind: "f64", values: new Float64Array(typedView(Float32Array, bytes, pos, count)) };
    case "INT96":
      if (pos + count * 12 > end) throw new Error("values beyond the page");
      return { kind: "str", values: int96Strings(bytes, pos, count) };
    case "FIXED_LEN_BYTE_ARRAY": {
      const width = plan.element.type_length ?? 0;
      if (pos + count * width > end) throw new Error("values beyond the page");
      const values = Array.from({ length: count }, (_, i) => bytes.subarray(pos + i * width, pos + (i + 1) * width));
      return fromByteValues(plan, values);
    }
    case "BYTE_ARRAY":
    default:
      if (plan.logical === "string" || plan.logical === "json") return plainStrings(bytes, pos, end, count);
      return fromByteValues(plan, plainByteValues(bytes, pos, end, count));
  }
}

/** `count` PLAIN BYTE_ARRAY values as views of the page. */
function plainByteValues(bytes: Uint8Array, pos: number, end: number, count: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: Uint8Array[] = new Array(count);
  let p = pos;
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) throw new Error("BYTE_ARRAY value beyond the page");
    const len = view.getUint32(p, true);
    p += 4;
    if (p + len > end) throw new Error("BYTE_ARRAY value beyond the page");
    values[i] = bytes.subarray(p, p + len);
    p += len;
  }
  return values;
}

function readByteValues(decode: (r: { view: DataView; offset: number }, n: number, out: Uint8Array[]) => void, reader: { view: DataView; offset: number }, count: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(count);
  decode(reader, count, out);
  return out;
}

/** Values of a page in the rarer encodings, decoded by hyparquet. */
function readOtherValues(plan: ColumnPlan, encoding: string, bytes: Uint8Array, pos: number, end: number, count: number): Compact {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, end), offset: pos };
  const type = plan.element.type!;
  switch (encoding) {
    case "DELTA_BINARY_PACKED": {
      if (type === "INT32") {
        const out = new Int32Array(count);
        deltaBinaryUnpack(reader, count, out);
        return fromInt32(plan, out);
      }
      const out = new BigInt64Array(count);
      deltaBinaryUnpack(reader, count, out);
      return fromInt64(plan, bigintsToHalves(out), count);
    }
    case "DELTA_LENGTH_BYTE_ARRAY":
      if (plan.logical === "string" || plan.logical === "json") return deltaLengthStrings(bytes, pos, end, count);
      return fromByteValues(plan, readByteValues(deltaLengthByteArray, reader, count));
    case "DELTA_BYTE_ARRAY":
      return fromByteValues(plan, readByteValues(deltaByteArray, reader, count));
    case "BYTE_STREAM_SPLIT": {
      const out = byteStreamSplit(reader, count, type, plan.element.type_length);
      if (out instanceof Float32Array) return { kind: "f64", values: new Float64Array(out) };
      if (out instanceof Float64Array) return { kind: "f64", values: out };
      if (out instanceof Int32Array) return fromInt32(plan, out);
      if (out instanceof BigInt64Array) return fromInt64(plan, bigintsToHalves(out), count);
      return fromByteValues(plan, out as Uint8Array[]);
    }
    default:
      throw new Error(`unsupported encoding ${encoding}`);
  }
}

// ---------------------------------------------------------------------------------------
// Dictionaries and pages → vectors

/** A column chunk's dictionary, as the vectors of its pages use it. */
type Dictionary =
  | { readonly kind: "str"; readonly values: string[] }
  | { readonly kind: "f64"; readonly values: Float64Array; readonly unsafe: ReadonlyMap<number, string> }
  | { readonly kind: "i32"; readonly values: Int32Array }
  | { readonly kind: "any"; readonly values: Value[] };

function makeDictionary(compact: Compact): Dictionary {
  switch (compact.kind) {
    case "lazy":
      return { kind: "str", values: compact.make(0, compact.count) };
    case "str":
      return { kind: "str", values: compact.values };
    case "days":
      return { kind: "str", values: Array.from(compact.values, dateString) };
    case "f64":
      return { kind: "f64", values: compact.values, unsafe: new Map() };
    case "i32":
      return { kind: "i32", values: compact.values };
    case "bool":
      return { kind: "any", values: Array.from(compact.values, (b) => b === 1) };
    case "any":
      return { kind: "any", values: compact.values };
  }
}

/** A dictionary page of INT64 values: unsafe entries are kept aside and refused only when used. */
function int64Dictionary(plan: ColumnPlan, bytes: Uint8Array, pos: number, count: number): Dictionary {
  if (plan.logical !== "int64" && plan.logical !== "uint64") return makeDictionary(readPlainValues(plan, bytes, pos, bytes.length, count));
  const unsigned = plan.logical === "uint64";
  const halves = int64Halves(bytes, pos, count);
  const values = new Float64Array(count);
  const unsafe = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    const lo = halves[2 * i]!;
    const hi = halves[2 * i + 1]!;
    if (safeInt64(lo, hi, unsigned)) values[i] = (unsigned ? hi >>> 0 : hi) * 4294967296 + (lo >>> 0);
    else unsafe.set(i, int64Text(lo, hi, unsigned));
  }
  return { kind: "f64", values, unsafe };
}

/** Copies src's values, in order, to the positions of `out` whose nulls byte is 0: by runs (native copies). */
function spreadTyped<T extends Float64Array | Int32Array | Uint8Array>(src: T, out: T, nulls: Uint8Array, n: number): void {
  let i = 0;
  let k = 0;
  while (i < n) {
    let j = nulls.indexOf(1, i);
    if (j < 0) j = n;
    if (j - i >= 32) {
      out.set(src.subarray(k, k + (j - i)) as never, i);
      k += j - i;
    } else {
      for (let r = i; r < j; r++) out[r] = src[k++]!;
    }
    i = j;
    while (i < n && nulls[i] === 1) i++;
  }
}

/**
 * `count` PLAIN values of `size` bytes at bytes[pos] copied, in order, to the rows of `out`
 * whose nulls byte is 0, by runs of bytes: no aligned copy of the page is made first.
 */
function spreadPlain<T extends Float64Array | Int32Array>(out: T, bytes: Uint8Array, pos: number, end: number, count: number, nulls: Uint8Array, n: number): T {
  const size = out.BYTES_PER_ELEMENT;
  if (pos + count * size > end) throw new Error("values beyond the page");
  const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let i = 0;
  let p = pos;
  while (i < n) {
    let j = nulls.indexOf(1, i);
    if (j < 0) j = n;
    const bytesOfRun = (j - i) * size;
    if (p + bytesOfRun > pos + count * size) throw new Error("the page has fewer values than its definition levels say");
    target.set(bytes.subarray(p, p + bytesOfRun), i * size);
    p += bytesOfRun;
    i = j;
    while (i < n && nulls[i] === 1) i++;
  }
  return out;
}

/** Days (non-null rows only) → a dictionary vector: each distinct day of the page is formatted once. */
function daysVector(days: Int32Array, nulls: Nulls, n: number): Vector {
  const codes = new Int32Array(n);
  const dict: string[] = [];
  const seen = new Map<number, number>();
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const day = days[k++]!;
    let code = seen.get(day);
    if (code === undefined) {
      code = dict.length;
      seen.set(day, code);
      dict.push(dateString(day));
    }
    codes[i] = code;
  }
  return { kind: "dict", codes, dict, nulls };
}

function spreadValues<T>(src: readonly T[], nulls: Uint8Array, n: number, empty: T): T[] {
  const out: T[] = new Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) out[i] = nulls[i] === 0 ? src[k++]! : empty;
  return out;
}

/** Spreads `compact` (non-null values, in order) over the rows whose `nulls` byte is 0. */
function spread(compact: Eager, nulls: Nulls, n: number): Vector {
  if (compact.kind === "days") return daysVector(compact.values, nulls, n);
  if (nulls === null) return { kind: compact.kind, values: compact.values, nulls: null } as Vector;
  switch (compact.kind) {
    case "f64":
    case "i32":
    case "bool": {
      const out = compact.kind === "f64" ? new Float64Array(n) : compact.kind === "i32" ? new Int32Array(n) : new Uint8Array(n);
      spreadTyped(compact.values, out, nulls, n);
      return { kind: compact.kind, values: out, nulls } as Vector;
    }
    case "str":
      return { kind: "str", values: spreadValues(compact.values, nulls, n, ""), nulls };
    case "any":
      return { kind: "any", values: spreadValues<Value>(compact.values, nulls, n, null), nulls };
  }
}

/** The largest code (as unsigned: a negative one counts as huge). */
function maxCode(codes: Int32Array): number {
  let max = 0;
  for (let k = 0; k < codes.length; k++) {
    const c = codes[k]! >>> 0;
    if (c > max) max = c;
  }
  return max;
}

function checkUnsafe(codes: Int32Array, unsafe: ReadonlyMap<number, string>): void {
  for (let k = 0; k < codes.length; k++) {
    const text = unsafe.get(codes[k]!);
    if (text !== undefined) throw new UnsafeLong(text);
  }
}

function gatherTyped<T extends Float64Array | Int32Array>(src: T, codes: Int32Array, out: T): T {
  for (let k = 0; k < codes.length; k++) out[k] = src[codes[k]!]!;
  return out;
}

/**
 * Dictionary codes (non-null rows only) → the page's vector. `bound` (an OR of the codes, or
 * -1 when unknown) spares the pass over the codes when it is below the dictionary's size.
 * `codes` may be scratch: every vector made here copies it or is it only when `owned`.
 */
function fromCodes(dict: Dictionary, codes: Int32Array, nulls: Nulls, n: number, bound: number, owned: boolean): Vector {
  const size = dict.values.length;
  if (bound < 0 || bound >= size) {
    const max = maxCode(codes);
    if (max >= size) throw new Error(`dictionary index ${max} beyond the dictionary's ${size} entries`);
  }
  switch (dict.kind) {
    case "str": {
      if (nulls === null) return { kind: "dict", codes: owned ? codes : codes.slice(), dict: dict.values, nulls };
      const out = new Int32Array(n);
      spreadTyped(codes, out, nulls, n);
      return { kind: "dict", codes: out, dict: dict.values, nulls };
    }
    case "f64":
      if (dict.unsafe.size > 0) checkUnsafe(codes, dict.unsafe);
      return spread({ kind: "f64", values: gatherTyped(dict.values, codes, new Float64Array(codes.length)) }, nulls, n);
    case "i32":
      return spread({ kind: "i32", values: gatherTyped(dict.values, codes, new Int32Array(codes.length)) }, nulls, n);
    case "any":
      return spread({ kind: "any", values: Array.from(codes, (c) => dict.values[c]!) }, nulls, n);
  }
}

// ---------------------------------------------------------------------------------------
// Converting to the scan's type

const NUMERIC = new Set<DataType>(["int", "long", "double"]);
const TEXT = new Set<DataType>(["string", "date"]);

/**
 * The vector as the scan's type wants it. The natural vector is kept whenever its values are
 * already right (numbers for any numeric type, strings for string and date), else each value
 * converts as shared/codecs/parquet-types.ts converts it.
 */
function toScanType(v: Vector, n: number, plan: ColumnPlan, where: string): Vector {
  const { type, natural } = plan;
  if (plan.logical === "json") return fromJson(v, n, plan, where);
  if (type === natural) return v;
  if (type === "null") return nullVector(n);
  if (NUMERIC.has(type) && NUMERIC.has(natural)) {
    // i32 holds int values only: a wider type gets doubles.
    if (v.kind === "i32" && type !== "int") return { kind: "f64", values: Float64Array.from(v.values), nulls: v.nulls };
    return v;
  }
  if (TEXT.has(type) && TEXT.has(natural)) return v;
  if (natural === "array" && type === "any") return v;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = fromParquet(valueAt(v, i), type, plan.name, where);
  return vectorFromValues(type, out);
}

/**
 * JSON columns convert as they always have (hyparquet parses the text, then the value converts
 * to the scan's type: a string stays itself, an object becomes its JSON, an array column
 * parses a string once more, as sparkfn's writer stores array<string> as a JSON string). A
 * dictionary's entries convert once each.
 */
function fromJson(v: Vector, n: number, plan: ColumnPlan, where: string): Vector {
  const convert = (text: string) => fromParquet(JSON.parse(text) as unknown, plan.type, plan.name, where);
  if (v.kind === "dict") {
    const dict = v.dict.map(convert);
    if (dict.every((d) => typeof d === "string")) return { kind: "dict", codes: v.codes, dict: dict as string[], nulls: v.nulls };
    const out: Value[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = v.nulls !== null && v.nulls[i] === 1 ? null : dict[v.codes[i]!]!;
    return vectorFromValues(plan.type, out);
  }
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const text = valueAt(v, i);
    out[i] = text === null ? null : convert(text as string);
  }
  return vectorFromValues(plan.type, out);
}

// ---------------------------------------------------------------------------------------
// Column cursors

/** Why a chunk cannot be read, as the BadInput error says it. */
export function chunkError(where: string, plan: ColumnPlan, group: number, error: unknown): TaskError {
  if (error instanceof TaskError) return error;
  if (error instanceof UnsafeLong) return new TaskError("BadInput", `${where}: column "${plan.name}" (row group ${group}) ${error.message}.`);
  return new TaskError("BadInput", `${where}: column "${plan.name}" in row group ${group} cannot be read (${error instanceof Error ? error.message : String(error)})`);
}

/** A vector's rows [from, to): views where the layout allows, copies for arrays of values. */
export function sliceVector(v: Vector, from: number, to: number, length: number): Vector {
  if (from === 0 && to === length) return v;
  const nulls = v.nulls === null ? null : v.nulls.subarray(from, to);
  switch (v.kind) {
    case "f64":
      return { kind: "f64", values: v.values.subarray(from, to), nulls };
    case "i32":
      return { kind: "i32", values: v.values.subarray(from, to), nulls };
    case "bool":
      return { kind: "bool", values: v.values.subarray(from, to), nulls };
    case "dict":
      return { kind: "dict", codes: v.codes.subarray(from, to), dict: v.dict, nulls };
    case "str":
      return { kind: "str", values: v.values.slice(from, to), nulls };
    case "any":
      return { kind: "any", values: v.values.slice(from, to), nulls };
  }
}

/** Pieces of consecutive rows (from pages) as one vector. */
function concatVectors(parts: readonly { v: Vector; n: number }[], n: number, type: DataType): Vector {
  let nulls: Uint8Array | null = null;
  if (parts.some((p) => p.v.nulls !== null)) {
    nulls = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      if (p.v.nulls !== null) nulls.set(p.v.nulls.subarray(0, p.n), at);
      at += p.n;
    }
  }
  const first = parts[0]!.v;
  const same = parts.every((p) => p.v.kind === first.kind && (first.kind !== "dict" || (p.v.kind === "dict" && p.v.dict === first.dict)));
  if (same) {
    switch (first.kind) {
      case "f64":
      case "i32":
      case "bool": {
        const out = first.kind === "f64" ? new Float64Array(n) : first.kind === "i32" ? new Int32Array(n) : new Uint8Array(n);
        let at = 0;
        for (const p of parts) {
          out.set((p.v as { values: Float64Array }).values.subarray(0, p.n), at);
          at += p.n;
        }
        return { kind: first.kind, values: out, nulls } as Vector;
      }
      case "dict": {
        const out = new Int32Array(n);
        let at = 0;
        for (const p of parts) {
          out.set((p.v as { codes: Int32Array }).codes.subarray(0, p.n), at);
          at += p.n;
        }
        return { kind: "dict", codes: out, dict: first.dict, nulls };
      }
      case "str":
      case "any": {
        const out: Value[] = [];
        for (const p of parts) for (let i = 0; i < p.n; i++) out.push((p.v as { values: readonly Value[] }).values[i]!);
        return { kind: first.kind, values: out, nulls } as Vector;
      }
    }
  }
  // Pages of one chunk in different layouts (a dictionary page set, then PLAIN pages).
  const values: Value[] = [];
  for (const p of parts) for (let i = 0; i < p.n; i++) values.push(valueAt(p.v, i));
  return vectorFromValues(type, values);
}

/** A decoded page: its rows as vectors, on demand. */
interface Piece {
  readonly rows: number;
  /** Rows [from, to); asked for in order. */
  slice(from: number, to: number): Vector;
}

function vectorPiece(v: Vector, rows: number): Piece {
  return { rows, slice: (from, to) => sliceVector(v, from, to, rows) };
}

/**
 * A page of strings kept as bytes and offsets (or timestamps as integers): each slice makes
 * only its own strings, so they are as short-lived as the batch (a page's worth made at once
 * outlives the young generation, and collecting it from the old one cost more than the rest
 * of the decoding).
 */
class LazyPiece implements Piece {
  /** The row up to which non-null values were counted, and their count. */
  private row = 0;
  private k = 0;

  constructor(
    readonly rows: number,
    private readonly lazy: Extract<Compact, { kind: "lazy" }>,
    private readonly nulls: Nulls,
    private readonly convert: (v: Vector, n: number) => Vector,
  ) {}

  /** Non-null values before `row`. */
  private valuesBefore(row: number): number {
    const { nulls } = this;
    if (nulls === null) return row;
    if (row < this.row) {
      this.row = 0;
      this.k = 0;
    }
    let k = this.k;
    for (let r = this.row; r < row; r++) k += 1 - nulls[r]!;
    this.row = row;
    this.k = k;
    return k;
  }

  slice(from: number, to: number): Vector {
    const k0 = this.valuesBefore(from);
    const k1 = this.valuesBefore(to);
    const values = this.lazy.make(k0, k1);
    const n = to - from;
    const v = this.nulls === null ? ({ kind: "str", values, nulls: null } as const) : spread({ kind: "str", values }, this.nulls.subarray(from, to), n);
    return this.convert(v, n);
  }
}

/** A page's values, with the page's nulls (for a lazy piece) or spread over them. */
type PageValues = { vector: Vector; n: number } | { lazy: Extract<Compact, { kind: "lazy" }>; nulls: Nulls; n: number };

/**
 * Reads one column chunk page by page, handing out consecutive rows as vectors. Pages are
 * decoded only when rows of them are taken.
 */
export class ColumnCursor {
  private readonly view: DataView;
  private offset = 0;
  private dictionary: Dictionary | undefined;
  private piece: Piece | undefined;
  private at = 0;
  /** Rows handed out or decoded so far (for the error when the chunk is short). */
  private rowsDecoded = 0;
  /** Dictionary codes of a page with nulls, before they are spread over its rows. */
  private codeScratch = new Int32Array(0);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly plan: ColumnPlan,
    private readonly codec: CompressionCodec,
    private readonly rows: number,
    private readonly where: string,
    private readonly group: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next n rows. */
  take(n: number): Vector {
    try {
      if (this.piece !== undefined && this.piece.rows - this.at >= n) {
        const v = this.piece.slice(this.at, this.at + n);
        this.at += n;
        return v;
      }
      const parts: { v: Vector; n: number }[] = [];
      let need = n;
      while (need > 0) {
        if (this.piece === undefined || this.at === this.piece.rows) this.nextPiece();
        const piece = this.piece!;
        const k = Math.min(need, piece.rows - this.at);
        parts.push({ v: piece.slice(this.at, this.at + k), n: k });
        this.at += k;
        need -= k;
      }
      return parts.length === 1 ? parts[0]!.v : concatVectors(parts, n, this.plan.type);
    } catch (error) {
      throw chunkError(this.where, this.plan, this.group, error);
    }
  }

  private nextPiece(): void {
    if (this.plan.nested) return this.readNested();
    for (;;) {
      if (this.offset >= this.bytes.length) throw new Error(`the column chunk ends after ${this.rowsDecoded} of ${this.rows} rows`);
      const reader = { view: this.view, offset: this.offset };
      const header = parquetHeader(reader);
      const start = reader.offset;
      const end = start + header.compressed_page_size;
      if (header.compressed_page_size < 0 || end > this.bytes.length) throw new Error("a page runs past the end of the column chunk");
      this.offset = end;
      const page = this.bytes.subarray(start, end);
      if (header.type === "DICTIONARY_PAGE") {
        this.readDictionary(header, page);
        continue;
      }
      if (header.type !== "DATA_PAGE" && header.type !== "DATA_PAGE_V2") continue;
      const v = header.type === "DATA_PAGE" ? this.readPageV1(header, page) : this.readPageV2(header, page);
      if (v.n === 0) continue;
      const { plan, where } = this;
      this.piece =
        "lazy" in v
          ? new LazyPiece(v.n, v.lazy, v.nulls, (vector, n) => toScanType(vector, n, plan, where))
          : vectorPiece(toScanType(v.vector, v.n, plan, where), v.n);
      this.at = 0;
      this.rowsDecoded += v.n;
      return;
    }
  }

  private readDictionary(header: PageHeader, page: Uint8Array): void {
    const count = header.dictionary_page_header?.num_values ?? 0;
    const bytes = decompressPage(page, header.uncompressed_page_size, this.codec, COMPRESSORS);
    this.dictionary =
      this.plan.element.type === "INT64" ? int64Dictionary(this.plan, bytes, 0, count) : makeDictionary(readPlainValues(this.plan, bytes, 0, bytes.length, count));
  }

  /** Definition levels → the nulls mask (null when every row has a value) and the null count. */
  private levels(bytes: Uint8Array, pos: number, end: number, n: number): { nulls: Nulls; numNulls: number; pos: number } {
    const { maxDef } = this.plan;
    if (maxDef === 0) return { nulls: null, numNulls: 0, pos };
    if (maxDef === 1) return nullMask(bytes, pos, end, n);
    const defs = new Uint8Array(n);
    const after = readHybrid(bytes, pos, end, 32 - Math.clz32(maxDef), defs, n);
    let numNulls = 0;
    for (let i = 0; i < n; i++) {
      const isNull = defs[i] === maxDef ? 0 : 1;
      defs[i] = isNull;
      numNulls += isNull;
    }
    return { nulls: numNulls === 0 ? null : defs, numNulls, pos: after };
  }

  private readPageV1(header: PageHeader, compressed: Uint8Array): PageValues {
    const daph = header.data_page_header!;
    const n = daph.num_values;
    const bytes = decompressPage(compressed, header.uncompressed_page_size, this.codec, COMPRESSORS);
    let pos = 0;
    let levels: { nulls: Nulls; numNulls: number } = { nulls: null, numNulls: 0 };
    if (this.plan.maxDef > 0) {
      if (daph.definition_level_encoding !== "RLE") throw new Error(`unsupported definition level encoding ${daph.definition_level_encoding}`);
      if (bytes.length < 4) throw new Error("a data page too short for its definition levels");
      const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
      levels = this.levels(bytes, 4, 4 + length, n);
      pos = 4 + length;
    }
    return this.values(daph.encoding, bytes, pos, n, levels.nulls, levels.numNulls);
  }

  private readPageV2(header: PageHeader, page: Uint8Array): PageValues {
    const daph = header.data_page_header_v2!;
    const n = daph.num_values;
    const repBytes = daph.repetition_levels_byte_length;
    const defBytes = daph.definition_levels_byte_length;
    const { nulls, numNulls } = this.levels(page, repBytes, repBytes + defBytes, n);
    let values = page.subarray(repBytes + defBytes);
    if (daph.is_compressed !== false) values = decompressPage(values, header.uncompressed_page_size - repBytes - defBytes, this.codec, COMPRESSORS);
    if (numNulls !== daph.num_nulls && this.plan.maxDef > 0) throw new Error(`the page's definition levels give ${numNulls} nulls, its header ${daph.num_nulls}`);
    return this.values(daph.encoding, values, 0, n, nulls, numNulls);
  }

  private values(encoding: string, bytes: Uint8Array, pos: number, n: number, nulls: Nulls, numNulls: number): PageValues {
    const count = n - numNulls;
    const end = bytes.length;
    const page = (compact: Compact): PageValues => (compact.kind === "lazy" ? { lazy: compact, nulls, n } : { vector: spread(compact, nulls, n), n });
    switch (encoding) {
      case "PLAIN": {
        // Doubles and plain ints with nulls go straight from the page to their rows.
        const { element, logical } = this.plan;
        if (nulls !== null && element.type === "DOUBLE") return { vector: { kind: "f64", values: spreadPlain(new Float64Array(n), bytes, pos, end, count, nulls, n), nulls }, n };
        if (nulls !== null && element.type === "INT32" && logical === "int32") return { vector: { kind: "i32", values: spreadPlain(new Int32Array(n), bytes, pos, end, count, nulls, n), nulls }, n };
        return page(readPlainValues(this.plan, bytes, pos, end, count));
      }
      case "PLAIN_DICTIONARY":
      case "RLE_DICTIONARY": {
        if (this.dictionary === undefined) throw new Error("a dictionary-encoded page without a dictionary page");
        // With nulls the codes are spread (or gathered) into a new vector: decode them into scratch.
        const owned = nulls === null;
        if (!owned && this.codeScratch.length < count) this.codeScratch = new Int32Array(count);
        const codes = owned ? new Int32Array(count) : this.codeScratch.subarray(0, count);
        const bound = { or: 0 };
        if (count > 0) readHybrid(bytes, pos + 1, end, bytes[pos]!, codes, count, bound);
        return { vector: fromCodes(this.dictionary, codes, nulls, n, bound.or, owned), n };
      }
      case "RLE": {
        if (this.plan.element.type !== "BOOLEAN") throw new Error(`RLE values in a ${this.plan.element.type} column`);
        const out = new Uint8Array(count);
        if (count > 0) {
          const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(pos, true);
          readHybrid(bytes, pos + 4, pos + 4 + length, 1, out, count);
        }
        return page({ kind: "bool", values: out });
      }
      default:
        return page(readOtherValues(this.plan, encoding, bytes, pos, end, count));
    }
  }

  /** A LIST column: the whole chunk, assembled into string arrays by hyparquet. */
  private readNested(): void {
    if (this.rowsDecoded > 0) throw new Error(`the column chunk ends after ${this.rowsDecoded} of ${this.rows} rows`);
    const reader = { view: this.view, offset: 0 };
    const { element, schemaPath } = this.plan;
    const decoder = {
      pathInSchema: schemaPath.slice(1).map((s) => s.element.name),
      type: element.type!,
      element,
      schemaPath,
      codec: this.codec,
      parsers: DEFAULT_PARSERS,
      compressors: COMPRESSORS,
    };
    const { data } = readColumn(reader, { groupStart: 0, selectStart: 0, selectEnd: this.rows, groupRows: this.rows }, decoder);
    let rows: unknown[] = [];
    for (const chunk of data) for (let i = 0; i < chunk.length; i++) rows.push(chunk[i]);
    const top = schemaPath[1]!;
    if (top.children.length > 0) {
      // The list levels, as hyparquet's own reads assemble them.
      const columns = new Map<string, unknown[]>([[decoder.pathInSchema.join("."), rows]]);
      assembleNested(columns as never, top, DEFAULT_PARSERS);
      rows = (columns.get(top.path.join(".")) as unknown[] | undefined) ?? [];
    }
    if (rows.length < this.rows) throw new Error(`the column chunk ends after ${rows.length} of ${this.rows} rows`);
    const type = this.plan.type === "any" ? "any" : "array";
    const values = rows.slice(0, this.rows).map((r) => fromParquet(r, type, this.plan.name, this.where));
    this.piece = vectorPiece(toScanType(vectorFromValues(type, values), this.rows, { ...this.plan, natural: type }, this.where), this.rows);
    this.at = 0;
    this.rowsDecoded = this.rows;
  }
}
