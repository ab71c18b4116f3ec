/**
 * sum and avg of decimals, exact: per group an unscaled bigint at the input's scale (no doubles
 * in between), as Spark's Sum and Average over DecimalType. sum(decimal(p, s)) is
 * decimal(p + 10, s); past that many digits it is NUMERIC_VALUE_OUT_OF_RANGE with ANSI on, null
 * with it off (Spark checks once, at the end). avg divides the sum by the count as Spark's
 * Average does (a decimal division, then a cast to decimal(p + 4, s + 4)).
 * Partial states: sum: the bigint or null · avg: [sum, count, precision, scale] (the reduce
 * side learns the input's type from its states).
 */
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { arithmetic, arithmeticType, avgType, checkOverflow, decimalParts, sumType, type Decimal } from "../../../shared/plan/decimal.ts";
import { decimalOf, type DataType, type Value } from "../../../shared/plan/types.ts";
import { anyVector, sizeOf, type AggState } from "./state-support.ts";

/** A sum's value against its type: itself, or null / an error (ANSI) past its precision. */
function checkedSum(sum: bigint, type: Decimal, ansi: boolean): bigint | null {
  return checkOverflow(sum, type.scale, type, ansi);
}

export class DecimalSumState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private sums: (bigint | null)[] = [];
  /** The sum's type: decimal(p + 10, s) of the input's decimal(p, s); the reduce side is given it. */
  private readonly result: Decimal;
  constructor(type: DataType, reduceSide: boolean, private readonly ansi: boolean) {
    const d = decimalParts(type);
    this.result = reduceSide ? d : decimalParts(sumType(d));
  }
  heapBytesAt(g: number): number {
    return sizeOf(this.sums[g]);
  }
  grow(capacity: number): void {
    while (this.sums.length < capacity) this.sums.push(null);
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const sums = this.sums;
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!) as bigint | null;
      if (v === null) continue;
      const g = ids[k]!;
      const s = sums[g]!;
      sums[g] = s === null ? v : s + v;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    this.update(ids, states, count);
  }
  partial(n: number): Vector {
    return anyVector(this.sums.slice(0, n));
  }
  finish(n: number): Vector {
    return anyVector(this.sums.slice(0, n).map((s) => (s === null ? null : checkedSum(s, this.result, this.ansi))));
  }
  stateAt(g: number): unknown {
    return this.sums[g]!;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return a === null ? b : b === null ? a : (a as bigint) + (b as bigint);
  }
  finishBoxed(state: unknown): Value {
    return state === null ? null : checkedSum(state as bigint, this.result, this.ansi);
  }
  clear(): void {
    this.sums = [];
  }
}

type AvgPartial = [sum: bigint, count: number, precision: number, scale: number];

/** The count as Spark's Average divides by it: decimal(20,0). */
const COUNT_TYPE: Decimal = { precision: 20, scale: 0 };

export class DecimalAvgState implements AggState {
  readonly fixedBytesPerGroup = 16;
  private sums: bigint[] = [];
  private counts = new Float64Array(0);
  /** The input's type (the map side's argument; the reduce side reads it from the states it merges). */
  private input: Decimal | null;
  constructor(type: DataType, reduceSide: boolean, private readonly ansi: boolean) {
    this.input = reduceSide ? null : decimalParts(type);
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
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!) as bigint | null;
      if (v === null) continue;
      const g = ids[k]!;
      sums[g] = sums[g]! + v;
      counts[g]!++;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const [s, c, p, sc] = valueAt(states, k) as unknown as AvgPartial;
      this.input ??= { precision: p, scale: sc };
      const g = ids[k]!;
      this.sums[g] = this.sums[g]! + s;
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
  private average(sum: bigint, count: number, input: Decimal | null): Value {
    if (count === 0 || input === null) return null;
    const sumDecimal = decimalParts(sumType(input));
    const checked = checkedSum(sum, sumDecimal, this.ansi);
    if (checked === null) return null;
    // Spark's Average: sum / cast(count as decimal(20,0)), then cast to decimal(p + 4, s + 4).
    const quotientType = decimalParts(arithmeticType("divide", sumDecimal, COUNT_TYPE));
    const q = arithmetic("divide", checked, sumDecimal, BigInt(count), COUNT_TYPE, quotientType, this.ansi);
    return q === null ? null : checkOverflow(q, quotientType.scale, decimalParts(avgType(input)), this.ansi);
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
    return [x[0] + y[0], x[1] + y[1], x[2], x[3]];
  }
  finishBoxed(state: unknown): Value {
    const [s, c, p, sc] = state as AvgPartial;
    return this.average(s, c, c === 0 ? this.input : { precision: p, scale: sc });
  }
  clear(): void {
    this.sums = [];
    this.counts = new Float64Array(0);
  }
}

export const isDecimalType = (t: DataType | undefined): boolean => t !== undefined && decimalOf(t) !== null;
