/**
 * sum and avg of decimals, exact: per group an unscaled bigint at the input's scale (no doubles
 * in between), as Spark's Sum and Average over DecimalType. Their buffer is decimal(p + 10, s)
 * (38 digits at most); as in Spark, a running sum that passes it overflows for good (even if
 * later values would bring it back): ARITHMETIC_OVERFLOW with ANSI on, null with it off. sum
 * gives the buffer; avg divides it by the count to 38 places, HALF_UP, then rounds HALF_UP to
 * decimal(p + 4, s + 4), NUMERIC_VALUE_OUT_OF_RANGE (or null) when that does not hold it.
 * Partial states: sum: the bigint, null, or "overflow" · avg: [sum or "overflow", count,
 * precision, scale] (the reduce side learns the input's type from its states).
 */
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { avgType, checkOverflow, decimalParts, divideHalfUp, pow10, rescale, sumOverflow, sumType, type Decimal } from "../../../shared/plan/decimal.ts";
import { decimalOf, type DataType, type Value } from "../../../shared/plan/types.ts";
import { anyVector, sizeOf, type AggState } from "./state-support.ts";

/** A running sum that has passed its buffer's precision (it stays so). */
const OVERFLOW = "overflow";
type Running = bigint | typeof OVERFLOW;

/** a + b within `limit` (10^precision), else OVERFLOW; OVERFLOW stays. */
function add(a: Running, b: Running, limit: bigint): Running {
  if (a === OVERFLOW || b === OVERFLOW) return OVERFLOW;
  const s = a + b;
  return s < limit && s > -limit ? s : OVERFLOW;
}

/** An overflowed sum at the end: ARITHMETIC_OVERFLOW with ANSI on, null with it off. */
function overflowed(fn: "sum" | "avg", ansi: boolean): null {
  if (ansi) throw sumOverflow(fn);
  return null;
}

export class DecimalSumState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private sums: (Running | null)[] = [];
  /** 10^p of the buffer decimal(p, s) (p + 10 digits of the input's p, at most 38; the reduce side is given it). */
  private readonly limit: bigint;
  constructor(type: DataType, reduceSide: boolean, private readonly ansi: boolean) {
    const d = decimalParts(type);
    this.limit = pow10((reduceSide ? d : decimalParts(sumType(d))).precision);
  }
  heapBytesAt(g: number): number {
    return sizeOf(this.sums[g]);
  }
  grow(capacity: number): void {
    while (this.sums.length < capacity) this.sums.push(null);
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const { sums, limit } = this;
    if (arg.kind === "any") {
      // The common case, read directly: bigints (or "overflow" in partial states) under a null mask.
      const { values, nulls } = arg;
      const low = -limit;
      for (let k = 0; k < count; k++) {
        const i = sel === null ? k : sel[k]!;
        if (nulls !== null && nulls[i] === 1) continue;
        const v = values[i] as Running;
        const g = ids[k]!;
        const s = sums[g]!;
        if (s === null) sums[g] = v;
        else if (typeof s === "bigint" && typeof v === "bigint") {
          const t = s + v;
          sums[g] = t < limit && t > low ? t : OVERFLOW;
        } else sums[g] = OVERFLOW;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!) as Running | null;
      if (v === null) continue;
      const g = ids[k]!;
      const s = sums[g]!;
      sums[g] = s === null ? v : add(s, v, limit);
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    this.update(ids, states, count);
  }
  partial(n: number): Vector {
    return anyVector(this.sums.slice(0, n));
  }
  finish(n: number): Vector {
    return anyVector(this.sums.slice(0, n).map((s) => this.finishBoxed(s)));
  }
  stateAt(g: number): unknown {
    return this.sums[g]!;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return a === null ? b : b === null ? a : add(a as Running, b as Running, this.limit);
  }
  finishBoxed(state: unknown): Value {
    return state === OVERFLOW ? overflowed("sum", this.ansi) : (state as bigint | null);
  }
  clear(): void {
    this.sums = [];
  }
}

type AvgPartial = [sum: Running, count: number, precision: number, scale: number];

export class DecimalAvgState implements AggState {
  readonly fixedBytesPerGroup = 16;
  private sums: Running[] = [];
  private counts = new Float64Array(0);
  /** The input's type (the map side's argument; the reduce side reads it from the states it merges). */
  private input: Decimal | null;
  constructor(type: DataType, reduceSide: boolean, private readonly ansi: boolean) {
    this.input = reduceSide ? null : decimalParts(type);
  }
  /** 10^p of the sum's buffer, decimal(p + 10, s). */
  private limit(): bigint {
    return pow10(decimalParts(sumType(this.input ?? { precision: 1, scale: 0 })).precision);
  }
  heapBytesAt(g: number): number {
    return sizeOf(this.sums[g]);
  }
  grow(capacity: number): void {
    while (this.sums.length < capacity) this.sums.push(0n);
    if (this.counts.length < capacity) {
      const next = new Float64Array(Math.max(capacity, this.counts.length * 2));
      next.set(this.counts);
      this.counts = next;
    }
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const { sums, counts } = this;
    const limit = this.limit();
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!) as bigint | null;
      if (v === null) continue;
      const g = ids[k]!;
      sums[g] = add(sums[g]!, v, limit);
      counts[g]!++;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const [s, c, p, sc] = valueAt(states, k) as unknown as AvgPartial;
      this.input ??= { precision: p, scale: sc };
      const g = ids[k]!;
      this.sums[g] = add(this.sums[g]!, s, this.limit());
      this.counts[g]! += c;
    }
  }
  private partialAt(g: number): AvgPartial {
    const input = this.input ?? { precision: 1, scale: 0 };
    return [this.sums[g]!, this.counts[g]!, input.precision, input.scale];
  }
  partial(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = this.partialAt(g) as unknown as Value;
    return anyVector(out);
  }
  private average(sum: Running, count: number, input: Decimal | null): Value {
    if (count === 0 || input === null) return null;
    if (sum === OVERFLOW) return overflowed("avg", this.ansi);
    // The exact quotient to 38 places, HALF_UP (Spark's Decimal./), then to the result's scale.
    const q = divideHalfUp(sum * pow10(MAX_SCALE - input.scale), BigInt(count));
    const result = decimalParts(avgType(input));
    return checkOverflow(rescale(q, MAX_SCALE, result.scale), result.scale, result, this.ansi);
  }
  finish(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = this.average(this.sums[g]!, this.counts[g]!, this.input);
    return anyVector(out);
  }
  stateAt(g: number): unknown {
    return this.partialAt(g);
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const [x, y] = [a as AvgPartial, b as AvgPartial];
    const input = { precision: x[2], scale: x[3] };
    return [add(x[0], y[0], pow10(decimalParts(sumType(input)).precision)), x[1] + y[1], x[2], x[3]];
  }
  finishBoxed(state: unknown): Value {
    const [s, c, p, sc] = state as AvgPartial;
    return this.average(s, c, { precision: p, scale: sc });
  }
  clear(): void {
    this.sums = [];
    this.counts = new Float64Array(0);
  }
}

/** Decimal./ divides to this many places before the result's rounding. */
const MAX_SCALE = 38;

export const isDecimalType = (t: DataType | undefined): boolean => t !== undefined && decimalOf(t) !== null;
