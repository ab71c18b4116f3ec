/**
 * Spark's hash functions: `hash` (Murmur3 x86_32, seed 42, the function Spark's hash
 * partitioning also uses), `xxhash64` (XXH64, seed 42, as approx_count_distinct hashes),
 * `md5`, `sha1`/`sha`, `sha2` and `crc32`.
 *
 * `hash(a, b, ...)` folds its arguments left to right, each hashed with the result so far as
 * its seed; a null argument leaves the hash as it is, so the result is never null. How a value
 * is hashed depends on its type, as Spark's Murmur3Hash does: int, date (days) and boolean
 * (1/0) as one 4-byte word, long and double (IEEE bits, -0.0 as 0.0, every NaN as one) as two,
 * strings as their UTF-8 bytes with Spark's tail (each byte left after the last whole word
 * mixed in alone, sign-extended: not the reference Murmur3's tail), arrays element by element.
 *
 * `xxhash64(a, b, ...)` folds the same way with Spark's XxHash64 (XXH64, seed 42) over the same
 * words, a long result: the hash is computed exactly in 64 bits (pairs of 32-bit words), and
 * given as the double nearest to it, as every sparkfn long beyond 2^53 is (shared/batch/vector.ts).
 *
 * The digests take a string (Spark casts it to its UTF-8 bytes) and give lowercase hex;
 * `sha2` takes 224, 256 (or 0), 384 or 512 bits, and gives null for any other length.
 */
import { createHash } from "node:crypto";
import { decimalOf, elementOf, fieldsOf, isDecimal, type DataType, type Value } from "../types.ts";
import { daysOf } from "./calendar.ts";
import { bytesOf } from "../binary.ts";

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
const mixK1 = (k: number) => Math.imul(rotl(Math.imul(k, C1), 15), C2);
const mixH1 = (h: number, k: number) => (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Murmur3_x86_32.hashInt: one 32-bit word. */
export const murmur3Int = (value: number, seed: number): number => fmix(mixH1(seed, mixK1(value | 0)), 4);

/** Murmur3_x86_32.hashLong: the low word, then the high word. */
export const murmur3Long = (low: number, high: number, seed: number): number => fmix(mixH1(mixH1(seed, mixK1(low | 0)), mixK1(high | 0)), 8);

/** Murmur3_x86_32.hashUnsafeBytes: whole little-endian words, then each remaining byte (sign-extended) alone. */
export function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  const aligned = bytes.length - (bytes.length % 4);
  let h = seed;
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)));
  for (let i = aligned; i < bytes.length; i++) h = mixH1(h, mixK1((bytes[i]! << 24) >> 24));
  return fmix(h, bytes.length);
}

const utf8 = new TextEncoder();
const scratch = new Float64Array(1);
const words = new Int32Array(scratch.buffer);

/** A whole number (a long kept as a double) as its two's-complement words. */
function longWords(v: number): [low: number, high: number] {
  const high = Math.floor(v / 4294967296);
  return [(v - high * 4294967296) | 0, high | 0];
}

/** A bigint's 64-bit two's-complement words (a decimal of at most 18 digits: Spark hashes its unscaled long). */
function bigWords(v: bigint): [low: number, high: number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}

/** BigInteger.toByteArray: the fewest big-endian two's-complement bytes (a wider decimal's unscaled value, as Spark hashes it). */
function bigIntBytes(v: bigint): Uint8Array {
  let bytes = 1;
  while (v < -(1n << BigInt(8 * bytes - 1)) || v >= 1n << BigInt(8 * bytes - 1)) bytes++;
  const u = BigInt.asUintN(8 * bytes, v);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[bytes - 1 - i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return out;
}

const floatScratch = new Float32Array(1);
const floatWord = new Int32Array(floatScratch.buffer);
/** Java's floatToIntBits, with -0.0 hashed as 0.0 and every NaN as the canonical one, as Spark's hash of a float. */
function floatBits(f: number): number {
  floatScratch[0] = f !== f ? NaN : f === 0 ? 0 : f;
  return floatWord[0]!;
}

/** One value of a type, hashed with `seed` (null leaves the seed as it is). */
function hashValue(v: Value, type: DataType, seed: number): number {
  if (v === null) return seed;
  const decimal = decimalOf(type);
  if (decimal) return decimal.precision <= 18 ? murmur3Long(...bigWords(v as bigint), seed) : murmur3Bytes(bigIntBytes(v as bigint), seed);
  switch (type) {
    case "byte":
    case "short":
    case "int":
      return murmur3Int(v as number, seed);
    case "float":
      return murmur3Int(floatBits(v as number), seed);
    case "boolean":
      return murmur3Int(v ? 1 : 0, seed);
    case "long":
    case "timestamp": // its microseconds, as Spark hashes a timestamp's long
    case "timestamp_ntz":
      return murmur3Long(...longWords(v as number), seed);
    case "double": {
      const d = v as number;
      scratch[0] = d !== d ? NaN : d === 0 ? 0 : d;
      return murmur3Long(words[0]!, words[1]!, seed);
    }
    case "date":
      return murmur3Int(daysOf(v as string), seed);
    case "string":
      return murmur3Bytes(utf8.encode(v as string), seed);
    case "binary":
      return murmur3Bytes(bytesOf(v as string), seed);
    default: {
      // An array: each element in order; a struct: each field in order (as Spark's hash of them).
      const parts = partTypes(type, v);
      if (parts) return (v as readonly Value[]).reduce<number>((h, x, i) => hashValue(x, parts(i), h), seed);
      throw new Error(`hash() of a ${type} value is not supported yet`);
    }
  }
}

/** The type of an array's elements or a struct's fields by position, or null when `type` is neither. */
function partTypes(type: DataType, v: Value): ((i: number) => DataType) | null {
  if (!Array.isArray(v)) return null;
  const element = elementOf(type);
  if (element !== null) return () => element;
  const fields = fieldsOf(type);
  return fields !== null ? (i) => fields[i]!.type : null;
}

/** The hash of one value of `type` given the hash so far (the kernel the vector compiler calls per argument). */
export const hasherOf = (type: DataType) => (v: Value, seed: number): number => hashValue(v, type, seed);

/** Spark's seed for hash(). */
export const HASH_SEED = 42;

/** The types hash() and xxhash64() take; others are refused at analysis. */
export function hashable(type: DataType): boolean {
  const element = elementOf(type);
  if (element !== null) return hashable(element);
  const fields = fieldsOf(type);
  if (fields !== null) return fields.every((f) => hashable(f.type));
  return isDecimal(type) || type === "byte" || type === "short" || type === "float" || type === "int" || type === "long" || type === "double" || type === "boolean" || type === "string" || type === "binary" || type === "date" || type === "timestamp" || type === "timestamp_ntz" || type === "null";
}

// ---- XxHash64 (Spark's XXH64: the reference algorithm, words read little-endian) ----
//
// 64-bit words are (hi, lo) pairs of uint32 numbers (BigInt arithmetic is some 40 times
// slower); each operation leaves its result in RH, RL.

let RH = 0;
let RL = 0;

/** (a · b) mod 2^64: the 32×32 → 64-bit product of the low words in 16-bit pieces, plus the cross terms. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  RL = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  RH = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  RL = lo >>> 0;
  RH = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotation left by 0 < r < 32. */
function rotl64(h: number, l: number, r: number): void {
  RH = ((h << r) | (l >>> (32 - r))) >>> 0;
  RL = ((l << r) | (h >>> (32 - r))) >>> 0;
}

const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

/** h ^= h >>> 33; h *= P2; h ^= h >>> 29; h *= P3; h ^= h >>> 32. */
function fmix64(h: number, l: number): void {
  l = (l ^ (h >>> 1)) >>> 0;
  mul64(h, l, P2H, P2L);
  h = RH;
  l = RL;
  const shifted = ((l >>> 29) | (h << 3)) >>> 0;
  h = (h ^ (h >>> 29)) >>> 0;
  l = (l ^ shifted) >>> 0;
  mul64(h, l, P3H, P3L);
  RL = (RL ^ RH) >>> 0;
}

/** rotl(v + w · P2, 31) · P1: a stripe lane's round (and, with v = 0, the mixing of an 8-byte word). */
function lane(vh: number, vl: number, wh: number, wl: number): void {
  mul64(wh, wl, P2H, P2L);
  add64(vh, vl, RH, RL);
  rotl64(RH, RL, 31);
  mul64(RH, RL, P1H, P1L);
}

/** XXH64.hashInt: one 32-bit word (taken unsigned). */
function xxhashInt(value: number, sh: number, sl: number): void {
  add64(sh, sl, P5H, P5L);
  add64(RH, RL, 0, 4);
  const h = RH;
  const l = RL;
  mul64(0, value >>> 0, P1H, P1L);
  rotl64((h ^ RH) >>> 0, (l ^ RL) >>> 0, 23);
  mul64(RH, RL, P2H, P2L);
  add64(RH, RL, P3H, P3L);
  fmix64(RH, RL);
}

/** XXH64.hashLong: one 64-bit word. */
function xxhashLong(vh: number, vl: number, sh: number, sl: number): void {
  add64(sh, sl, P5H, P5L);
  add64(RH, RL, 0, 8);
  const h = RH;
  const l = RL;
  lane(0, 0, vh, vl);
  rotl64((h ^ RH) >>> 0, (l ^ RL) >>> 0, 27);
  mul64(RH, RL, P1H, P1L);
  add64(RH, RL, P4H, P4L);
  fmix64(RH, RL);
}

/** XXH64.hashUnsafeBytes: 32-byte stripes, then 8-byte words, a 4-byte word, single bytes. */
function xxhashBytes(bytes: Uint8Array, view: DataView, end: number, sh: number, sl: number): void {
  let at = 0;
  let h: number;
  let l: number;
  if (end >= 32) {
    add64(sh, sl, P1H, P1L);
    add64(RH, RL, P2H, P2L);
    const v = [RH, RL, 0, 0, sh, sl, 0, 0];
    add64(sh, sl, P2H, P2L);
    v[2] = RH;
    v[3] = RL;
    add64(sh, sl, ~P1H >>> 0, ~P1L >>> 0); // seed - P1 = seed + ~P1 + 1
    add64(RH, RL, 0, 1);
    v[6] = RH;
    v[7] = RL;
    do {
      for (let j = 0; j < 4; j++) {
        lane(v[2 * j]!, v[2 * j + 1]!, view.getUint32(at + 8 * j + 4, true), view.getUint32(at + 8 * j, true));
        v[2 * j] = RH;
        v[2 * j + 1] = RL;
      }
      at += 32;
    } while (at <= end - 32);
    h = 0;
    l = 0;
    for (const [j, r] of [[0, 1], [1, 7], [2, 12], [3, 18]] as const) {
      rotl64(v[2 * j]!, v[2 * j + 1]!, r);
      add64(h, l, RH, RL);
      h = RH;
      l = RL;
    }
    for (let j = 0; j < 4; j++) {
      lane(0, 0, v[2 * j]!, v[2 * j + 1]!);
      mul64((h ^ RH) >>> 0, (l ^ RL) >>> 0, P1H, P1L);
      add64(RH, RL, P4H, P4L);
      h = RH;
      l = RL;
    }
  } else {
    add64(sh, sl, P5H, P5L);
    h = RH;
    l = RL;
  }
  add64(h, l, 0, end);
  h = RH;
  l = RL;
  for (; at <= end - 8; at += 8) {
    lane(0, 0, view.getUint32(at + 4, true), view.getUint32(at, true));
    rotl64((h ^ RH) >>> 0, (l ^ RL) >>> 0, 27);
    mul64(RH, RL, P1H, P1L);
    add64(RH, RL, P4H, P4L);
    h = RH;
    l = RL;
  }
  if (at + 4 <= end) {
    mul64(0, view.getUint32(at, true), P1H, P1L);
    rotl64((h ^ RH) >>> 0, (l ^ RL) >>> 0, 23);
    mul64(RH, RL, P2H, P2L);
    add64(RH, RL, P3H, P3L);
    h = RH;
    l = RL;
    at += 4;
  }
  for (; at < end; at++) {
    mul64(0, bytes[at]!, P5H, P5L);
    rotl64((h ^ RH) >>> 0, (l ^ RL) >>> 0, 11);
    mul64(RH, RL, P1H, P1L);
    h = RH;
    l = RL;
  }
  fmix64(h, l);
}

const bits64 = new DataView(new ArrayBuffer(8));
/** UTF-8 bytes of the string being hashed (3 bytes per UTF-16 unit at most). */
let scratchBytes = new Uint8Array(256);
let scratchView = new DataView(scratchBytes.buffer);

/**
 * One value of a type hashed by XxHash64 with seed (sh, sl) into out = [hi, lo] (null leaves
 * the seed), the words as hash() takes them: int, date (days), boolean as one 4-byte word;
 * long; double as its IEEE bits (-0.0 as 0.0, every NaN as one); strings as UTF-8 bytes;
 * arrays element by element.
 */
export function xxhashInto(v: Value, type: DataType, sh: number, sl: number, out: Uint32Array): void {
  if (v === null) {
    out[0] = sh;
    out[1] = sl;
    return;
  }
  const decimal = decimalOf(type);
  if (decimal) {
    if (decimal.precision <= 18) {
      const [low, high] = bigWords(v as bigint);
      xxhashLong(high >>> 0, low >>> 0, sh, sl);
    } else {
      const bytes = bigIntBytes(v as bigint);
      xxhashBytes(bytes, new DataView(bytes.buffer), bytes.length, sh, sl);
    }
    out[0] = RH;
    out[1] = RL;
    return;
  }
  switch (type) {
    case "byte":
    case "short":
    case "int":
      xxhashInt(v as number, sh, sl);
      break;
    case "float":
      xxhashInt(floatBits(v as number), sh, sl);
      break;
    case "boolean":
      xxhashInt(v ? 1 : 0, sh, sl);
      break;
    case "long":
    case "timestamp":
    case "timestamp_ntz": {
      const [low, high] = longWords(v as number);
      xxhashLong(high >>> 0, low >>> 0, sh, sl);
      break;
    }
    case "double": {
      const d = v as number;
      bits64.setFloat64(0, d !== d ? NaN : d === 0 ? 0 : d, true);
      xxhashLong(bits64.getUint32(4, true), bits64.getUint32(0, true), sh, sl);
      break;
    }
    case "date":
      xxhashInt(daysOf(v as string), sh, sl);
      break;
    case "string": {
      const text = v as string;
      if (scratchBytes.length < 3 * text.length) {
        scratchBytes = new Uint8Array(Math.max(3 * text.length, 2 * scratchBytes.length));
        scratchView = new DataView(scratchBytes.buffer);
      }
      xxhashBytes(scratchBytes, scratchView, utf8.encodeInto(text, scratchBytes).written, sh, sl);
      break;
    }
    case "binary": {
      const bytes = bytesOf(v as string);
      xxhashBytes(bytes, new DataView(bytes.buffer), bytes.length, sh, sl);
      break;
    }
    default: {
      const parts = partTypes(type, v);
      if (!parts) throw new Error(`xxhash64() of a ${type} value is not supported yet`);
      out[0] = sh;
      out[1] = sl;
      (v as readonly Value[]).forEach((x, i) => xxhashInto(x, parts(i), out[0]!, out[1]!, out));
      return;
    }
  }
  out[0] = RH;
  out[1] = RL;
}

/** Spark's seed for xxhash64() and approx_count_distinct. */
export const XXHASH_SEED = 42n;

const pair = new Uint32Array(2);

/** One value hashed with a 64-bit seed, as an unsigned BigInt (the fold of xxhash64's arguments). */
export function xxhashValue(v: Value, type: DataType, seed: bigint): bigint {
  xxhashInto(v, type, Number(seed >> 32n), Number(seed & 0xffffffffn), pair);
  return (BigInt(pair[0]!) << 32n) | BigInt(pair[1]!);
}

/** The xxhash64 fold of one argument (the kernel the vector compiler calls per argument). */
export const xxhasherOf = (type: DataType) => (v: Value, seed: bigint): bigint => xxhashValue(v, type, seed);

/** xxhash64's result as a sparkfn long: the signed 64-bit hash, as the nearest double beyond 2^53. */
export const xxhashResult = (h: bigint): number => Number(BigInt.asIntN(64, h));

/** The text's UTF-8 bytes, or the bytes themselves (a binary value's: shared/plan/binary.ts). */
const bytesIn = (s: string | Uint8Array): Uint8Array => (typeof s === "string" ? utf8.encode(s) : s);

const hex = (algorithm: string) => (s: string | Uint8Array) => createHash(algorithm).update(bytesIn(s)).digest("hex");

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of the string's UTF-8 bytes (or of the bytes), as an unsigned number. */
export function crc32(s: string | Uint8Array): number {
  const bytes = bytesIn(s);
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const SHA2 = new Map([[0, "sha256"], [224, "sha224"], [256, "sha256"], [384, "sha384"], [512, "sha512"]]);

/** The digest functions: a string (its UTF-8 bytes) or bytes in, a string (hex) or a long (crc32) out; null in, null out. */
export const DIGEST_FUNCTIONS = {
  md5: { result: "string", kernel: hex("md5") },
  sha1: { result: "string", kernel: hex("sha1") },
  sha: { result: "string", kernel: hex("sha1") },
  /** sha2(s, bits): null for a bit length Spark does not know. */
  sha2: {
    result: "string",
    kernel: (s: string | Uint8Array, bits: number): string | null => {
      const algorithm = SHA2.get(bits);
      return algorithm === undefined ? null : createHash(algorithm).update(bytesIn(s)).digest("hex");
    },
  },
  crc32: { result: "long", kernel: crc32 },
} as const;

export type DigestFn = keyof typeof DIGEST_FUNCTIONS;
export type HashingFn = DigestFn | "hash" | "xxhash64";
export type DigestKernel = (s: string | Uint8Array, bits: number) => string | number | null;

export function isHashingFn(fn: string): fn is HashingFn {
  return fn === "hash" || fn === "xxhash64" || Object.hasOwn(DIGEST_FUNCTIONS, fn);
}
