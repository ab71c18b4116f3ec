/**
 * approx_count_distinct: Spark's HyperLogLog++ (HyperLogLogPlusPlusHelper), step for step, so
 * that the estimate equals Spark's on the same values, through any partial merges.
 *
 * Each value is hashed with XxHash64 (seed 42, the words of shared/plan/functions/hashing.ts;
 * -0.0 as 0.0, every NaN as one, as Spark normalises doubles first). The top p bits choose a
 * register; the register keeps the largest rank (leading zeros of the remaining bits, padded,
 * plus one). The estimate sums 2^-M over the registers in index order, applies Spark's alpha,
 * the k-nearest-neighbour bias correction of hll-tables.ts (p < 19, E < 5m), and linear
 * counting where it is below the precision's threshold (or E <= 2.5m), rounded as Math.round.
 *
 * Registers: one byte each, `m` per group in one Uint8Array (Spark packs ten 6-bit registers
 * per long; the values are the same). Partial state: the registers as a string, one character
 * per register (code 48 + rank), merged by the maximum per register, as Spark's merge.
 */
import type { DataType, Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { hllPrecision } from "../../../shared/plan/functions/aggregates.ts";
import { xxhashInto } from "../../../shared/plan/functions/hashing.ts";
import { BIAS_DATA, RAW_ESTIMATE_DATA, THRESHOLDS } from "./hll-tables.ts";
import { grown, type AggState } from "./state-support.ts";

/** Spark's default relative standard deviation (p = 9: 512 registers). */
export const DEFAULT_RSD = 0.05;
/** Neighbours averaged for the bias (Spark's K). */
const K = 6;
const ZERO = 48;
/** Spark's seed, 42, as the low word of a 64-bit seed. */
const SEED = 42;

/** The fixed numbers of one precision, and the estimate from a group's registers. */
export class HllSketch {
  readonly p: number;
  readonly m: number;
  private readonly alphaM2: number;
  private readonly hash = new Uint32Array(2);
  constructor(rsd: number) {
    this.p = hllPrecision(rsd);
    this.m = 1 << this.p;
    const m = this.m;
    this.alphaM2 = this.p === 4 ? 0.673 * m * m : this.p === 5 ? 0.697 * m * m : this.p === 6 ? 0.709 * m * m : (0.7213 / (1.0 + 1.079 / m)) * m * m;
  }

  /** The register index and rank of a value of `type` (not null). */
  place(v: Value, type: DataType): [index: number, rank: number] {
    xxhashInto(v, type, 0, SEED, this.hash);
    const [hi, lo] = this.hash as unknown as [number, number];
    const p = this.p;
    const index = hi >>> (32 - p);
    // w = (x << p) | 1 << (p - 1): the padding bounds the leading zeros by 64 - p.
    const wHi = ((hi << p) | (lo >>> (32 - p))) >>> 0;
    const wLo = ((lo << p) | (1 << (p - 1))) >>> 0;
    return [index, (wHi !== 0 ? Math.clz32(wHi) : 32 + Math.clz32(wLo)) + 1];
  }

  /** Spark's query over registers[base, base + m). */
  estimate(registers: Uint8Array, base: number): number {
    const { m, p } = this;
    let zInverse = 0.0;
    let zeros = 0.0;
    for (let i = 0; i < m; i++) {
      const r = registers[base + i]!;
      zInverse += 2 ** -r;
      if (r === 0) zeros += 1.0;
    }
    const e = this.alphaM2 / zInverse;
    const corrected = () => (p < 19 && e < 5.0 * m ? e - this.bias(e) : e);
    let estimate: number;
    if (zeros > 0) {
      const h = m * Math.log(m / zeros);
      estimate = (p < 19 && h <= THRESHOLDS[p - 4]!) || e <= 2.5 * m ? h : corrected();
    } else estimate = corrected();
    return Math.round(estimate);
  }

  /** Spark's estimateBias: the mean bias of the K raw estimates nearest to e. */
  private bias(e: number): number {
    const estimates = RAW_ESTIMATE_DATA[this.p - 4]!;
    const n = estimates.length;
    const found = javaBinarySearch(estimates, e);
    const nearest = found < 0 ? -(found + 1) : found;
    const distance = (i: number) => (e - estimates[i]!) * (e - estimates[i]!);
    let low = Math.max(nearest - K + 1, 0);
    let high = Math.min(low + K, n);
    while (high < n && distance(high) < distance(low)) {
      low++;
      high++;
    }
    const biases = BIAS_DATA[this.p - 4]!;
    let sum = 0.0;
    for (let i = low; i < high; i++) sum += biases[i]!;
    return sum / (high - low);
  }
}

/**
 * java.util.Arrays.binarySearch(double[], key): the index of a match, else -(insertion point) - 1,
 * probing as Java does (the tables are not quite sorted, so where it probes matters).
 */
export function javaBinarySearch(a: readonly number[], key: number): number {
  let low = 0;
  let high = a.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const v = a[mid]!;
    if (v < key) low = mid + 1;
    else if (v > key) high = mid - 1;
    else if (Object.is(v, key)) return mid;
    else if (Object.is(v, -0) || Number.isNaN(key)) low = mid + 1; // (-0.0, 0.0) or (!NaN, NaN)
    else high = mid - 1;
  }
  return -(low + 1);
}

export class HllState implements AggState {
  private readonly sketch: HllSketch;
  readonly fixedBytesPerGroup: number;
  private registers = new Uint8Array(0);
  constructor(
    private readonly type: DataType,
    rsd: number,
  ) {
    this.sketch = new HllSketch(rsd);
    this.fixedBytesPerGroup = this.sketch.m;
  }
  heapBytesAt(): number {
    return 0;
  }
  grow(capacity: number): void {
    this.registers = grown(this.registers, capacity * this.sketch.m, (n) => new Uint8Array(n));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const { m } = this.sketch;
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!);
      if (v === null) continue;
      const [index, rank] = this.sketch.place(v, this.type);
      const at = ids[k]! * m + index;
      if (rank > this.registers[at]!) this.registers[at] = rank;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    const { m } = this.sketch;
    for (let k = 0; k < count; k++) {
      const text = valueAt(states, k) as string;
      const base = ids[k]! * m;
      for (let i = 0; i < m; i++) {
        const r = text.charCodeAt(i) - ZERO;
        if (r > this.registers[base + i]!) this.registers[base + i] = r;
      }
    }
  }
  partial(n: number): Vector {
    const values: string[] = new Array(n);
    for (let g = 0; g < n; g++) values[g] = this.stateAt(g);
    return { kind: "str", values, nulls: null };
  }
  finish(n: number): Vector {
    const values = new Float64Array(n);
    for (let g = 0; g < n; g++) values[g] = this.sketch.estimate(this.registers, g * this.sketch.m);
    return { kind: "f64", values, nulls: null };
  }
  stateAt(g: number): string {
    const { m } = this.sketch;
    let out = "";
    for (let at = g * m, end = (g + 1) * m; at < end; at += 4096) {
      out += String.fromCharCode(...Array.from(this.registers.subarray(at, Math.min(at + 4096, end)), (r) => r + ZERO));
    }
    return out;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const [x, y] = [a as string, b as string];
    const codes: string[] = new Array(x.length);
    for (let i = 0; i < x.length; i++) codes[i] = x.charCodeAt(i) >= y.charCodeAt(i) ? x[i]! : y[i]!;
    return codes.join("");
  }
  finishBoxed(state: unknown): Value {
    const text = state as string;
    return this.sketch.estimate(Uint8Array.from(text, (c) => c.charCodeAt(0) - ZERO), 0);
  }
  clear(): void {
    this.registers = new Uint8Array(0);
  }
}
