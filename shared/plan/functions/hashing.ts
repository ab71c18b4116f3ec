/**
 * Spark's hash functions: `hash` (Murmur3 x86_32, seed 42, the function Spark's hash
 * partitioning also uses), `md5`, `sha1`/`sha`, `sha2` and `crc32`.
 *
 * `hash(a, b, ...)` folds its arguments left to right, each hashed with the result so far as
 * its seed; a null argument leaves the hash as it is, so the result is never null. How a value
 * is hashed depends on its type, as Spark's Murmur3Hash does: int, date (days) and boolean
 * (1/0) as one 4-byte word, long and double (IEEE bits, -0.0 as 0.0, every NaN as one) as two,
 * strings as their UTF-8 bytes with Spark's tail (each byte left after the last whole word
 * mixed in alone, sign-extended: not the reference Murmur3's tail), arrays element by element.
 *
 * The digests take a string (Spark casts it to its UTF-8 bytes) and give lowercase hex;
 * `sha2` takes 224, 256 (or 0), 384 or 512 bits, and gives null for any other length.
 */
import { createHash } from "node:crypto";
import type { DataType, Value } from "../types.ts";
import { daysOf } from "./calendar.ts";

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

/** One value of a type, hashed with `seed` (null leaves the seed as it is). */
function hashValue(v: Value, type: DataType, seed: number): number {
  if (v === null) return seed;
  switch (type) {
    case "int":
      return murmur3Int(v as number, seed);
    case "boolean":
      return murmur3Int(v ? 1 : 0, seed);
    case "long":
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
    default: {
      // Arrays (split()'s array<string> today): each element in order, as Spark's hash of an array.
      if (Array.isArray(v)) return v.reduce<number>((h, x) => hashValue(x, typeof x === "number" ? "double" : "string", h), seed);
      throw new Error(`hash() of a ${type} value is not supported yet`);
    }
  }
}

/** The hash of one value of `type` given the hash so far (the kernel the vector compiler calls per argument). */
export const hasherOf = (type: DataType) => (v: Value, seed: number): number => hashValue(v, type, seed);

/** Spark's seed for hash(). */
export const HASH_SEED = 42;

/** The types hash() takes; others are refused at analysis. */
export function hashable(type: DataType): boolean {
  return type === "int" || type === "long" || type === "double" || type === "boolean" || type === "string" || type === "date" || type === "null" || type === "array";
}

const hex = (algorithm: string) => (s: string) => createHash(algorithm).update(s, "utf8").digest("hex");

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of the string's UTF-8 bytes, as an unsigned number. */
export function crc32(s: string): number {
  const bytes = utf8.encode(s);
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const SHA2 = new Map([[0, "sha256"], [224, "sha224"], [256, "sha256"], [384, "sha384"], [512, "sha512"]]);

/** The digest functions: a string in, a string (hex) or a long (crc32) out; null in, null out. */
export const DIGEST_FUNCTIONS = {
  md5: { result: "string", kernel: hex("md5") },
  sha1: { result: "string", kernel: hex("sha1") },
  sha: { result: "string", kernel: hex("sha1") },
  /** sha2(s, bits): null for a bit length Spark does not know. */
  sha2: {
    result: "string",
    kernel: (s: string, bits: number): string | null => {
      const algorithm = SHA2.get(bits);
      return algorithm === undefined ? null : createHash(algorithm).update(s, "utf8").digest("hex");
    },
  },
  crc32: { result: "long", kernel: crc32 },
} as const;

export type DigestFn = keyof typeof DIGEST_FUNCTIONS;
export type HashingFn = DigestFn | "hash";
export type DigestKernel = (s: string, bits: number) => string | number | null;

export function isHashingFn(fn: string): fn is HashingFn {
  return fn === "hash" || Object.hasOwn(DIGEST_FUNCTIONS, fn);
}
