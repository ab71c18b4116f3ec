/**
 * The hashing kernels against published reference values: Murmur3 x86_32's verification
 * vectors (for whole 4-byte words Spark's variant is the reference one; its tail differs and
 * is checked against Spark itself in test/spark/functions/hashing.test.ts), the CRC-32 check
 * value, and the FIPS 180 / RFC 1321 test vectors of the digests.
 */
import { describe, expect, it } from "vitest";
import { crc32, DIGEST_FUNCTIONS, murmur3Bytes, murmur3Int } from "../../../shared/plan/functions/hashing.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const u32 = (x: number) => x >>> 0;

describe("Murmur3 x86_32", () => {
  it("gives the reference vectors for inputs of whole words", () => {
    expect(u32(murmur3Bytes(new Uint8Array(0), 0))).toBe(0);
    expect(u32(murmur3Bytes(new Uint8Array(0), 1))).toBe(0x514e28b7);
    expect(u32(murmur3Bytes(new Uint8Array(0), 0xffffffff | 0))).toBe(0x81f16f39);
    expect(u32(murmur3Bytes(new Uint8Array(4), 0))).toBe(0x2362f9de);
    expect(u32(murmur3Bytes(bytes("aaaa"), 0x9747b28c | 0))).toBe(0x5a97808a);
    expect(u32(murmur3Bytes(bytes("abcd"), 0x9747b28c | 0))).toBe(0xf0478627);
  });

  it("hashes an int as its 4 little-endian bytes", () => {
    const word = Uint8Array.of(0x78, 0x56, 0x34, 0x12);
    expect(murmur3Int(0x12345678, 42)).toBe(murmur3Bytes(word, 42));
  });
});

describe("digests", () => {
  it("CRC-32 of '123456789' is the check value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("md5, sha1 and sha2 give the standards' test vectors", () => {
    expect(DIGEST_FUNCTIONS.md5.kernel("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(DIGEST_FUNCTIONS.md5.kernel("abc")).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(DIGEST_FUNCTIONS.sha1.kernel("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(DIGEST_FUNCTIONS.sha2.kernel("abc", 256)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(DIGEST_FUNCTIONS.sha2.kernel("abc", 0)).toBe(DIGEST_FUNCTIONS.sha2.kernel("abc", 256));
    expect(DIGEST_FUNCTIONS.sha2.kernel("abc", 224)).toBe("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    expect(DIGEST_FUNCTIONS.sha2.kernel("abc", 100)).toBeNull();
  });
});
