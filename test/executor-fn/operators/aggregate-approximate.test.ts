/**
 * The states of approx_count_distinct (hll.ts), percentile, median and mode (frequencies.ts)
 * and percentile_approx (quantile-summaries.ts): folded in one pass, or cut into partitions
 * whose partial states merge (through vectors, as the shuffle carries them, and boxed, as
 * spilled runs merge), against references written plainly here: HLL++ registers from BigInt
 * bit strings, percentiles from the fully sorted values, mode from a count per value, and the
 * Greenwald-Khanna guarantee (rank within relativeError · n). Spark's own answers are checked in
 * test/spark/functions/approximate.test.ts.
 */
import { describe, expect, it } from "vitest";
import { aggState, type AggOptions } from "../../../executor-fn/operators/aggregate/states.ts";
import { valueAt, vectorFromValues, type Vector } from "../../../shared/batch/vector.ts";
import { literal, type AggFn } from "../../../shared/plan/expr.ts";
import { XXHASH_SEED, xxhashValue } from "../../../shared/plan/functions/hashing.ts";
import type { DataType, Scalar, Value } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

const params = (...values: Scalar[]): AggOptions => ({ args: values.map((v) => literal(v)) });

function onePass(fn: AggFn, type: DataType, values: readonly Value[], options: AggOptions = {}): Value {
  const state = aggState(fn, type, options);
  state.grow(1);
  if (values.length > 0) state.update(new Int32Array(values.length), vectorFromValues(type, [...values]), values.length);
  return valueAt(state.finish(1), 0);
}

/** Cut at `cuts`, folded per partition, merged in partition order through vectors and boxed. */
function merged(fn: AggFn, type: DataType, resultType: DataType, values: readonly Value[], cuts: readonly number[], options: AggOptions = {}) {
  const bounds = [0, ...cuts, values.length];
  const reduce = aggState(fn, resultType, options);
  reduce.grow(1);
  const partials: unknown[] = [];
  let lastPartial: Vector | null = null;
  for (let p = 0; p + 1 < bounds.length; p++) {
    const map = aggState(fn, type, options);
    map.grow(1);
    const part = values.slice(bounds[p], bounds[p + 1]);
    if (part.length > 0) map.update(new Int32Array(part.length), vectorFromValues(type, part), part.length);
    lastPartial = map.partial(1);
    partials.push(map.stateAt(0));
    reduce.merge(new Int32Array(1), lastPartial, 1);
  }
  const boxed = partials.slice(1).reduce((a, b) => reduce.mergeBoxed(a, b), partials[0]);
  return { vectors: valueAt(reduce.finish(1), 0), boxed: reduce.finishBoxed(boxed), partial: lastPartial };
}

function randomCuts(n: number, random: () => number): number[] {
  const k = 1 + Math.floor(random() * 3);
  return Array.from({ length: k }, () => Math.floor(random() * (n + 1))).sort((a, b) => a - b);
}

/** HLL++ registers as a plain reference: the hash's top p bits pick the register, the rest (as a bit string) give the rank. */
function referenceRegisters(values: readonly Value[], type: DataType, p: number): number[] {
  const registers = new Array<number>(2 ** p).fill(0);
  for (const v of values) {
    if (v === null) continue;
    const bits = xxhashValue(v, type, XXHASH_SEED).toString(2).padStart(64, "0");
    const index = parseInt(bits.slice(0, p), 2);
    // The rest, padded with a 1 bit: its leading zeros are at most 64 - p.
    const first = bits.slice(p).indexOf("1");
    registers[index] = Math.max(registers[index]!, (first === -1 ? 64 - p : first) + 1);
  }
  return registers;
}

/** XXH64 written plainly in BigInt (the reference algorithm), over little-endian bytes. */
function referenceXxh64(bytes: Uint8Array, seed: bigint): bigint {
  const [P1, P2, P3, P4, P5] = [0x9e3779b185ebca87n, 0xc2b2ae3d27d4eb4fn, 0x165667b19e3779f9n, 0x85ebca77c2b2ae63n, 0x27d4eb2f165667c5n];
  const M = (1n << 64n) - 1n;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
  const word = (at: number, n: number) => bytes.slice(at, at + n).reduceRight((w, b) => (w << 8n) | BigInt(b), 0n);
  const round = (acc: bigint, input: bigint) => (rotl((acc + input * P2) & M, 31n) * P1) & M;
  let at = 0;
  let h: bigint;
  if (bytes.length >= 32) {
    const v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M];
    for (; at + 32 <= bytes.length; at += 32) for (let j = 0; j < 4; j++) v[j] = round(v[j]!, word(at + 8 * j, 8));
    h = (rotl(v[0]!, 1n) + rotl(v[1]!, 7n) + rotl(v[2]!, 12n) + rotl(v[3]!, 18n)) & M;
    for (const x of v) h = (((h ^ round(0n, x)) * P1) + P4) & M;
  } else h = (seed + P5) & M;
  h = (h + BigInt(bytes.length)) & M;
  for (; at + 8 <= bytes.length; at += 8) h = (rotl(h ^ round(0n, word(at, 8)), 27n) * P1 + P4) & M;
  if (at + 4 <= bytes.length) {
    h = (rotl(h ^ ((word(at, 4) * P1) & M), 23n) * P2 + P3) & M;
    at += 4;
  }
  for (; at < bytes.length; at++) h = (rotl(h ^ ((BigInt(bytes[at]!) * P5) & M), 11n) * P1) & M;
  h = ((h ^ (h >> 33n)) * P2) & M;
  h = ((h ^ (h >> 29n)) * P3) & M;
  return h ^ (h >> 32n);
}

describe("approx_count_distinct (HLL++)", () => {
  const random = prng(11);

  it("hashes with XxHash64 as the reference algorithm: strings of every length mod 32, ints, longs and doubles as their bytes", () => {
    const bytesOf = (n: number, write: (view: DataView) => void) => {
      const bytes = new Uint8Array(n);
      write(new DataView(bytes.buffer));
      return bytes;
    };
    for (let t = 0; t < 300; t++) {
      const seed = BigInt(Math.floor(random() * 2 ** 32)) * 4294967296n + BigInt(Math.floor(random() * 2 ** 32));
      const text = Array.from({ length: t % 80 }, () => String.fromCharCode(32 + Math.floor(random() * 0x2000))).join("");
      expect(xxhashValue(text, "string", seed)).toBe(referenceXxh64(new TextEncoder().encode(text), seed));
      const int = Math.floor(random() * 2 ** 32) - 2 ** 31;
      expect(xxhashValue(int, "int", seed)).toBe(referenceXxh64(bytesOf(4, (v) => v.setInt32(0, int, true)), seed));
      const long = Math.floor((random() - 0.5) * 2 ** 53);
      expect(xxhashValue(long, "long", seed)).toBe(referenceXxh64(bytesOf(8, (v) => v.setBigInt64(0, BigInt(long), true)), seed));
      const double = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      expect(xxhashValue(double, "double", seed)).toBe(referenceXxh64(bytesOf(8, (v) => v.setFloat64(0, double, true)), seed));
    }
  });
  const values: Value[] = Array.from({ length: 5000 }, (_, k) => (k % 17 === 0 ? null : `v${Math.floor(random() * 3000)}`));

  it("keeps in each register the largest rank of the values hashed to it", () => {
    const { partial } = merged("approx_count_distinct", "string", "long", values, []);
    const registers = [...(valueAt(partial!, 0) as string)].map((c) => c.charCodeAt(0) - 48);
    expect(registers).toEqual(referenceRegisters(values, "string", 9));
  });

  it("gives the same estimate whatever the partitions, through vectors and boxed; rsd picks the precision", () => {
    for (const options of [{}, params(0.01), params(0.3)]) {
      const whole = onePass("approx_count_distinct", "string", values, options);
      for (let t = 0; t < 6; t++) {
        const { vectors, boxed } = merged("approx_count_distinct", "string", "long", values, randomCuts(values.length, random), options);
        expect(vectors).toBe(whole);
        expect(boxed).toBe(whole);
      }
    }
    const distinct = new Set(values.filter((v) => v !== null)).size;
    expect(Math.abs((onePass("approx_count_distinct", "string", values, params(0.01)) as number) - distinct) / distinct).toBeLessThan(0.04);
  });

  it("counts none, one and a few distinct values exactly; normalises -0.0 and NaN as Spark", () => {
    expect(onePass("approx_count_distinct", "double", [])).toBe(0);
    expect(onePass("approx_count_distinct", "double", [null, null])).toBe(0);
    expect(onePass("approx_count_distinct", "double", [1.5, 1.5, 1.5])).toBe(1);
    expect(onePass("approx_count_distinct", "double", [0, -0, NaN, NaN, Infinity, -Infinity])).toBe(4);
    expect(onePass("approx_count_distinct", "int", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(10);
  });
});

/** The exact percentile from the fully sorted values, interpolated as Spark writes it. */
function referencePercentile(values: readonly Value[], p: number): number | null {
  const sorted = (values.filter((v) => v !== null) as number[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const [lo, hi] = [Math.floor(position), Math.ceil(position)];
  if (lo === hi || sorted[lo] === sorted[hi]) return sorted[lo]! + 0;
  return (hi - position) * sorted[lo]! + (position - lo) * sorted[hi]! + 0;
}

describe("percentile, median, mode", () => {
  const random = prng(21);
  const groups: Value[][] = [
    [],
    [null, null],
    [3.5],
    [1, 2, 3, 4],
    [5, null, 1, 1, 1, 9, 2, 2],
    [-Infinity, 1, 2, Infinity],
    Array.from({ length: 400 }, () => (random() < 0.05 ? null : Math.round((random() - 0.5) * 2000) / 8)),
  ];

  it("percentile and median equal the sorted reference, in one pass and through any partitions", () => {
    for (const values of groups) {
      for (const p of [0, 0.1, 0.25, 0.5, 0.77, 1]) {
        const expected = referencePercentile(values, p);
        expect(onePass("percentile", "double", values, params(p))).toBe(expected);
        const { vectors, boxed } = merged("percentile", "double", "double", values, randomCuts(values.length, random), params(p));
        expect(vectors).toBe(expected);
        expect(boxed).toBe(expected);
      }
      expect(onePass("median", "double", values)).toBe(referencePercentile(values, 0.5));
    }
    // NaN sorts above every number, as in Spark.
    expect(onePass("percentile", "double", [NaN, 1, 2], params(0))).toBe(1);
    expect(onePass("percentile", "double", [NaN, 1, 2], params(1))).toBeNaN();
    expect(onePass("percentile", "double", [NaN, 1, 2], params(0.75))).toBeNaN();
  });

  it("mode: the most frequent value, the lowest of equally frequent ones, null for none", () => {
    const reference = (values: readonly Value[]): Value => {
      const counts = new Map<Value, number>();
      for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      const top = Math.max(0, ...counts.values());
      const best = [...counts].filter(([, c]) => c === top).map(([v]) => v as number);
      return best.length === 0 ? null : Math.min(...best);
    };
    for (const values of groups) {
      expect(onePass("mode", "double", values)).toBe(reference(values));
      const { vectors, boxed } = merged("mode", "double", "double", values, randomCuts(values.length, random), params(true));
      expect(vectors).toBe(reference(values));
      expect(boxed).toBe(reference(values));
    }
    expect(onePass("mode", "string", ["b", "a", "b", "a", "c"])).toBe("a");
    expect(onePass("mode", "date", ["2024-01-02", "2024-01-01", "2024-01-02"])).toBe("2024-01-02");
  });
});

describe("percentile_approx (Greenwald-Khanna QuantileSummaries)", () => {
  const random = prng(31);

  it("is exact below 2 · relativeError · n < 1, whatever the partitions", () => {
    const values: Value[] = Array.from({ length: 2000 }, () => (random() < 0.05 ? null : Math.floor(random() * 500) - 100));
    const sorted = (values.filter((v) => v !== null) as number[]).sort((a, b) => a - b);
    for (const p of [0, 0.01, 0.3, 0.5, 0.99, 1]) {
      const expected = sorted[Math.max(Math.ceil(p * sorted.length), 1) - 1]!;
      expect(onePass("percentile_approx", "int", values, params(p, 10000))).toBe(expected);
      const { vectors, boxed } = merged("percentile_approx", "int", "int", values, randomCuts(values.length, random), params(p, 10000));
      expect(vectors).toBe(expected);
      expect(boxed).toBe(expected);
    }
    expect(onePass("percentile_approx", "int", [], params(0.5, 100))).toBeNull();
    expect(onePass("percentile_approx", "date", ["2024-03-01", "2024-01-01", "2024-02-01"], params(0.5, 100))).toBe("2024-02-01");
  });

  it("keeps the rank within relativeError · n past the head buffer and compressions, in one pass and merged", () => {
    const n = 120_000;
    const values: Value[] = Array.from({ length: n }, () => random() * 1e6);
    const sorted = (values as number[]).slice().sort((a, b) => a - b);
    const rankOf = (v: number) => sorted.indexOf(v) + 1;
    for (const accuracy of [100, 1000]) {
      for (const p of [0.1, 0.5, 0.9]) {
        const results = [onePass("percentile_approx", "double", values, params(p, accuracy)) as number];
        const { vectors, boxed } = merged("percentile_approx", "double", "double", values, [30_000, 90_000], params(p, accuracy));
        results.push(vectors as number, boxed as number);
        for (const r of results) expect(Math.abs(rankOf(r) - p * n)).toBeLessThanOrEqual((2 * n) / accuracy + 1);
      }
    }
  });
});
