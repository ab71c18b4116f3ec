/** PLAIN and the other value encodings decoded into compact typed arrays or strings (non-null values only), with each logical type applied. */
import { isAscii } from "node:buffer";
import { deltaBinaryUnpack, deltaByteArray, deltaLengthByteArray } from "hyparquet/src/delta.js";
import { byteStreamSplit } from "hyparquet/src/encoding.js";
import type { Value } from "../../../shared/plan/types.ts";
import { type ColumnPlan } from "./plan.ts";
import { civilFromDays } from "../../../shared/plan/functions/calendar.ts";


const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** Days since 1970-01-01 → "YYYY-MM-DD" (as Date.toISOString().slice(0, 10) gives it). */
export function dateString(days: number): string {
  const [y, m, d] = civilFromDays(days);
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

/** Where each of `count` PLAIN BYTE_ARRAY values (a 4-byte length, then the bytes) starts and ends in bytes[pos, end). */
function plainByteRanges(bytes: Uint8Array, pos: number, end: number, count: number): { starts: Int32Array; ends: Int32Array } {
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
  return { starts, ends };
}

/** `count` PLAIN BYTE_ARRAY values from bytes[pos, end) as strings. */
function plainStrings(bytes: Uint8Array, pos: number, end: number, count: number): Compact {
  const { starts, ends } = plainByteRanges(bytes, pos, end, count);
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
export class UnsafeLong extends Error {
  constructor(readonly text: string) {
    super(`holds ${text}, beyond the ±(2^53 − 1) that sparkfn's long keeps exact`);
  }
}

/** A timestamp a double cannot hold to the microsecond (beyond 2^53 µs from 1970 and not a multiple of a coarser step). */
export class UnsafeTimestamp extends UnsafeLong {
  constructor(micros: bigint) {
    super(`${micros} microseconds`);
    this.message = `holds the timestamp ${micros} µs since 1970, which sparkfn cannot hold to the microsecond (exact for 1684-2255, and to whole seconds over 0001-9999)`;
  }
}

/** Whether the INT64 with these 32-bit halves is within ±(2^53 − 1) (a double keeps it exact). */
export const safeInt64 = (lo: number, hi: number, unsigned: boolean) =>
  unsigned ? hi >>> 0 < 0x200000 : (hi > -0x200000 && hi < 0x200000) || (hi === -0x200000 && lo !== 0);

export const int64Text = (lo: number, hi: number, unsigned: boolean) => {
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

export function int64Halves(bytes: Uint8Array, pos: number, count: number): Int32Array {
  return typedView(Int32Array, bytes, pos, count * 2);
}

function bigintsToHalves(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
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
export type Compact =
  | { readonly kind: "f64"; readonly values: Float64Array }
  | { readonly kind: "i32"; readonly values: Int32Array }
  | { readonly kind: "bool"; readonly values: Uint8Array }
  | { readonly kind: "str"; readonly values: string[] }
  | { readonly kind: "days"; readonly values: Int32Array }
  | { readonly kind: "any"; readonly values: Value[] }
  /** Strings made a batch at a time: values [k0, k1) of the `count` non-null values. */
  | { readonly kind: "lazy"; readonly count: number; readonly make: (k0: number, k1: number) => string[] };

export type Eager = Exclude<Compact, { kind: "lazy" }>;

/** Byte values (FIXED_LEN_BYTE_ARRAY, or BYTE_ARRAY from the DELTA encodings) → compact values. */
function fromByteValues(plan: ColumnPlan, values: readonly Uint8Array[]): Compact {
  switch (plan.logical) {
    case "decimal":
      return { kind: "f64", values: Float64Array.from(values, (b) => bigEndianInt(b) / plan.decimalDivisor) };
    case "float16":
      return { kind: "f64", values: Float64Array.from(values, float16) };
    case "uuid":
      return { kind: "str", values: values.map(uuid) };
    case "binary":
      // Byte strings (shared/plan/binary.ts).
      return { kind: "str", values: values.map((b) => asBuffer(b).toString("latin1")) };
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

/** INT96 timestamps (nanoseconds of the day, then the Julian day) → microseconds since the epoch (floored). */
function int96Micros(bytes: Uint8Array, pos: number, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + pos, count * 12);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const nanosOfDay = view.getBigInt64(i * 12, true);
    const days = BigInt(view.getInt32(i * 12 + 8, true)) - 2440588n;
    const nanos = days * 86400000000000n + nanosOfDay;
    out[i] = exactMicros(nanos / 1000n - (nanos % 1000n < 0n ? 1n : 0n));
  }
  return out;
}

/** A timestamp as sparkfn holds it (a double of microseconds), or UnsafeLong when a double cannot hold it exactly. */
export function exactMicros(micros: bigint): number {
  const n = Number(micros);
  if (BigInt(n) !== micros) throw new UnsafeTimestamp(micros);
  return n;
}

/**
 * INT64 timestamps (`perMillis` units a millisecond: 1 millis, 1000 micros, 10^6 nanos) →
 * microseconds since the epoch (nanoseconds floored, as Spark's Parquet reader does).
 */
function timestampMicros(halves: Int32Array, count: number, perMillis: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const lo = halves[2 * i]!;
    const hi = halves[2 * i + 1]!;
    if (perMillis === 1000 && safeInt64(lo, hi, false)) {
      out[i] = hi * 4294967296 + (lo >>> 0);
      continue;
    }
    const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
    const micros = perMillis === 1 ? v * 1000n : perMillis === 1000 ? v : v / 1000n - (v % 1000n < 0n ? 1n : 0n);
    out[i] = exactMicros(micros);
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
      return { kind: "f64", values: timestampMicros(halves, count, plan.perMillis) };
    default:
      return { kind: "f64", values: int64ToDoubles(halves, count, plan.logical === "uint64") };
  }
}

/** `count` PLAIN values from bytes[pos, end). */
export function readPlainValues(plan: ColumnPlan, bytes: Uint8Array, pos: number, end: number, count: number): Compact {
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
      return { kind: "f64", values: int96Micros(bytes, pos, count) };
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
  const { starts, ends } = plainByteRanges(bytes, pos, end, count);
  return Array.from(starts, (start, i) => bytes.subarray(start, ends[i]));
}

function readByteValues(decode: (r: { view: DataView; offset: number }, n: number, out: Uint8Array[]) => void, reader: { view: DataView; offset: number }, count: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(count);
  decode(reader, count, out);
  return out;
}

/** Values of a page in the rarer encodings, decoded by hyparquet. */
export function readOtherValues(plan: ColumnPlan, encoding: string, bytes: Uint8Array, pos: number, end: number, count: number): Compact {
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
