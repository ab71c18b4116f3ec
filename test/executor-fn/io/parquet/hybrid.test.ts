/**
 * The RLE / bit-packed hybrid decoder against an encoder written here from the Parquet
 * specification (Encodings.md: runs of `(count << 1)` RLE headers and `(groups << 1) | 1`
 * bit-packed headers, LSB first), over random runs of every bit width.
 */
import { describe, expect, it } from "vitest";
import { readHybrid } from "../../../../executor-fn/io/parquet/hybrid.ts";
import { prng } from "../../../support/prng.ts";

function uleb(n: number, out: number[]): void {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
}

/** Encodes values (each < 2^width) as alternating RLE and bit-packed runs chosen by `random`. */
function encode(values: readonly number[], width: number, random: () => number): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    if (random() < 0.5) {
      // RLE: a run of one value (take the longest run of the value at i, at most 50).
      let j = i;
      while (j < values.length && values[j] === values[i] && j - i < 50) j++;
      uleb((j - i) * 2, out);
      const bytes = Math.ceil(width / 8);
      for (let k = 0; k < bytes; k++) out.push(Math.floor(values[i]! / 2 ** (8 * k)) % 256);
      i = j;
    } else {
      const groups = 1 + Math.floor(random() * 3);
      uleb(groups * 2 + 1, out);
      const bits: number[] = [];
      for (let k = 0; k < groups * 8; k++) {
        const v = values[i + k] ?? 0; // padding past the end
        for (let b = 0; b < width; b++) bits.push(Math.floor(v / 2 ** b) % 2);
      }
      for (let b = 0; b < bits.length; b += 8) {
        let byte = 0;
        for (let k = 0; k < 8; k++) byte |= (bits[b + k] ?? 0) << k;
        out.push(byte);
      }
      i += groups * 8;
    }
  }
  return Uint8Array.from(out);
}

describe("readHybrid", () => {
  for (const width of [1, 2, 3, 5, 7, 8, 9, 13, 17, 20, 24, 25, 30, 31, 32]) {
    it(`decodes random runs of width ${width} and bounds the values it read`, () => {
      const random = prng(width * 7919);
      for (let trial = 0; trial < 20; trial++) {
        const count = 1 + Math.floor(random() * 300);
        const top = 2 ** width;
        // Few distinct values, so RLE runs happen; sometimes only small ones (a bound below 2^width).
        const small = random() < 0.5;
        const distinct = Array.from({ length: 4 }, () => Math.floor(random() * (small ? Math.min(top, 8) : top)));
        const values = Array.from({ length: count }, () => distinct[Math.floor(random() * distinct.length)]!);
        const bytes = encode(values, width, random);
        const out = new Int32Array(count);
        const bound = { or: 0 };
        const end = readHybrid(bytes, 0, bytes.length, width, out, count, bound);
        expect(end).toBeLessThanOrEqual(bytes.length);
        expect(Array.from(out, (v) => v >>> 0)).toEqual(values);
        const max = Math.max(...values);
        if (bound.or >= 0) expect(bound.or).toBeGreaterThanOrEqual(max);
        else expect(width >= 31 || max >= 2 ** 31).toBe(true);
      }
    });
  }

  it("vouches for RLE-only data with the values themselves, so a small dictionary needs no pass", () => {
    const bytes = encode([3, 3, 3, 1, 1], 20, () => 0); // random() = 0: RLE runs only
    const bound = { or: 0 };
    readHybrid(bytes, 0, bytes.length, 20, new Int32Array(5), 5, bound);
    expect(bound.or).toBe(3);
  });

  it("refuses a run that goes past the end of its page", () => {
    const values = Array.from({ length: 24 }, (_, i) => i % 16);
    const bytes = encode(values, 4, () => 0.9); // one bit-packed run of 3 groups
    expect(() => readHybrid(bytes, 0, bytes.length - 1, 4, new Int32Array(24), 24)).toThrow(/beyond the page/);
    expect(() => readHybrid(bytes, 0, bytes.length, 4, new Int32Array(40), 40)).toThrow(/ends after 24 of 40/);
  });
});
