/**
 * sum, count, avg, min and max, in typed arrays indexed by group id (no object per group,
 * except min/max of strings, dates and arrays). Partial states: sum, min, max: value or null ·
 * count: number · avg: [sum, count].
 */
import { compareNumbers, compareValues } from "../../../shared/plan/semantics.ts";
import type { Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { anyVector, f64Vector, grown, isNull, numberAt, sizeOf, type AggState } from "./state-support.ts";

export class SumState implements AggState {
  heapBytesAt(): number {
    return 0;
  }
  readonly fixedBytesPerGroup = 9;
  private sums = new Float64Array(0);
  private has = new Uint8Array(0);
  grow(capacity: number): void {
    this.sums = grown(this.sums, capacity, (n) => new Float64Array(n));
    this.has = grown(this.has, capacity, (n) => new Uint8Array(n));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const { sums, has } = this;
    if (arg.kind === "f64" || arg.kind === "i32") {
      const { values, nulls } = arg;
      if (nulls === null && sel === null) {
        for (let k = 0; k < count; k++) {
          const g = ids[k]!;
          sums[g]! += values[k]!;
          has[g] = 1;
        }
        return;
      }
      for (let k = 0; k < count; k++) {
        const i = sel === null ? k : sel[k]!;
        if (nulls !== null && nulls[i] === 1) continue;
        const g = ids[k]!;
        sums[g]! += values[i]!;
        has[g] = 1;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      if (isNull(arg, i)) continue;
      const g = ids[k]!;
      sums[g]! += numberAt(arg, i);
      has[g] = 1;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    this.update(ids, states, count);
  }
  partial(n: number): Vector {
    return f64Vector(this.sums, this.has, n);
  }
  finish(n: number): Vector {
    return this.partial(n);
  }
  stateAt(g: number): unknown {
    return this.has[g] ? this.sums[g]! : null;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return a === null ? b : b === null ? a : (a as number) + (b as number);
  }
  finishBoxed(state: unknown): Value {
    return state as Value;
  }
  clear(): void {
    this.sums = new Float64Array(0);
    this.has = new Uint8Array(0);
  }
}

export class CountState implements AggState {
  heapBytesAt(): number {
    return 0;
  }
  readonly fixedBytesPerGroup = 8;
  protected counts = new Float64Array(0);
  grow(capacity: number): void {
    this.counts = grown(this.counts, capacity, (n) => new Float64Array(n));
  }
  update(ids: Int32Array, arg: Vector | null, count: number, sel: Int32Array | null = null): void {
    const counts = this.counts;
    // count(*) counts rows; count(x) counts non-null x.
    if (arg === null || arg.nulls === null) for (let k = 0; k < count; k++) counts[ids[k]!]!++;
    else {
      const nulls = arg.nulls;
      for (let k = 0; k < count; k++) if (nulls[sel === null ? k : sel[k]!] === 0) counts[ids[k]!]!++;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    const counts = this.counts;
    for (let k = 0; k < count; k++) counts[ids[k]!]! += numberAt(states, k);
  }
  partial(n: number): Vector {
    return f64Vector(this.counts, null, n);
  }
  finish(n: number): Vector {
    return this.partial(n);
  }
  stateAt(g: number): unknown {
    return this.counts[g]!;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return (a as number) + (b as number);
  }
  finishBoxed(state: unknown): Value {
    return state as number;
  }
  clear(): void {
    this.counts = new Float64Array(0);
  }
}

export class AvgState implements AggState {
  heapBytesAt(): number {
    return 0;
  }
  readonly fixedBytesPerGroup = 16;
  private sums = new Float64Array(0);
  private counts = new Float64Array(0);
  grow(capacity: number): void {
    this.sums = grown(this.sums, capacity, (n) => new Float64Array(n));
    this.counts = grown(this.counts, capacity, (n) => new Float64Array(n));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const { sums, counts } = this;
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      if (isNull(arg, i)) continue;
      const g = ids[k]!;
      sums[g]! += numberAt(arg, i);
      counts[g]!++;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    const { sums, counts } = this;
    for (let k = 0; k < count; k++) {
      const [s, c] = valueAt(states, k) as unknown as [number, number];
      const g = ids[k]!;
      sums[g]! += s;
      counts[g]! += c;
    }
  }
  partial(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = [this.sums[g]!, this.counts[g]!] as unknown as Value;
    return anyVector(out);
  }
  finish(n: number): Vector {
    const values = new Float64Array(n);
    let nulls: Uint8Array | null = null;
    for (let g = 0; g < n; g++) {
      if (this.counts[g] === 0) {
        nulls ??= new Uint8Array(n);
        nulls[g] = 1;
      } else values[g] = this.sums[g]! / this.counts[g]!;
    }
    return { kind: "f64", values, nulls };
  }
  stateAt(g: number): unknown {
    return [this.sums[g]!, this.counts[g]!];
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const [x, y] = [a as [number, number], b as [number, number]];
    return [x[0] + y[0], x[1] + y[1]];
  }
  finishBoxed(state: unknown): Value {
    const [s, c] = state as [number, number];
    return c === 0 ? null : s / c;
  }
  clear(): void {
    this.sums = new Float64Array(0);
    this.counts = new Float64Array(0);
  }
}

/** min and max of numbers, in Float64Array, with Spark's order (NaN above every number). */
export class NumericExtremeState implements AggState {
  heapBytesAt(): number {
    return 0;
  }
  readonly fixedBytesPerGroup = 9;
  private values = new Float64Array(0);
  private has = new Uint8Array(0);
  constructor(private readonly sign: 1 | -1) {}
  grow(capacity: number): void {
    this.values = grown(this.values, capacity, (n) => new Float64Array(n));
    this.has = grown(this.has, capacity, (n) => new Uint8Array(n));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const { values, has, sign } = this;
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      if (isNull(arg, i)) continue;
      const v = numberAt(arg, i);
      const g = ids[k]!;
      if (has[g] === 0 || sign * compareNumbers(v, values[g]!) < 0) {
        values[g] = v;
        has[g] = 1;
      }
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    this.update(ids, states, count);
  }
  partial(n: number): Vector {
    return f64Vector(this.values, this.has, n);
  }
  finish(n: number): Vector {
    return this.partial(n);
  }
  stateAt(g: number): unknown {
    return this.has[g] ? this.values[g]! : null;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return a === null ? b : b === null ? a : this.sign * compareNumbers(b as number, a as number) < 0 ? b : a;
  }
  finishBoxed(state: unknown): Value {
    return state as Value;
  }
  clear(): void {
    this.values = new Float64Array(0);
    this.has = new Uint8Array(0);
  }
}

/** min and max of anything else (strings by code point, dates, arrays), boxed per group. */
export class ValueExtremeState implements AggState {
  heapBytesAt(g: number): number {
    return sizeOf(this.values[g]);
  }
  readonly fixedBytesPerGroup = 8;
  private values: Value[] = [];
  constructor(private readonly sign: 1 | -1) {}
  grow(capacity: number): void {
    while (this.values.length < capacity) this.values.push(null);
  }
  private better(v: Exclude<Value, null>, current: Value): boolean {
    return current === null || this.sign * compareValues(v, current) < 0;
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const values = this.values;
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!);
      if (v === null) continue;
      const g = ids[k]!;
      if (this.better(v, values[g]!)) values[g] = v;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    this.update(ids, states, count);
  }
  partial(n: number): Vector {
    return anyVector(this.values.slice(0, n));
  }
  finish(n: number): Vector {
    return this.partial(n);
  }
  stateAt(g: number): unknown {
    return this.values[g]!;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return b !== null && this.better(b as Exclude<Value, null>, a as Value) ? b : a;
  }
  finishBoxed(state: unknown): Value {
    return state as Value;
  }
  clear(): void {
    this.values = [];
  }
}

