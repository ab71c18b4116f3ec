/**
 * Aggregate states, one class per function, held per group in typed arrays indexed by group
 * id (no object per group for sum, count, avg or numeric min/max).
 *
 * Each state folds input values (map side), merges partial states (reduce side), and writes
 * its groups out as a vector: partial states in the form they travel through the shuffle,
 *   sum, min, max: value or null · count: number · avg: [sum, count] · first: [] or [value] ·
 *   countDistinct: the distinct values' identity texts (keys.ts),
 * or finished results. `mergeBoxed` merges two boxed partial states: spilled runs are merged
 * record by record.
 */
import type { AggFn } from "../../../shared/plan/expr.ts";
import { compareNumbers, compareValues } from "../../../shared/plan/semantics.ts";
import { isNumeric, type DataType, type Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { tupleIdentity } from "../keys.ts";

export interface AggState {
  /** Makes room for groups [0, capacity). */
  grow(capacity: number): void;
  /**
   * Folds `count` argument values into groups `ids` (null arg: count(*)): value k is at index
   * `sel[k]` of `arg` when a selection is given (no gathered copy), else at k.
   */
  update(ids: Int32Array, arg: Vector | null, count: number, sel?: Int32Array | null): void;
  /** Merges the first `count` partial states of a dense vector into groups `ids`. */
  merge(ids: Int32Array, states: Vector, count: number): void;
  /** Groups [0, n) as partial states. */
  partial(n: number): Vector;
  /** Groups [0, n) as results. */
  finish(n: number): Vector;
  /** The partial state of one group, boxed (a spill record). */
  stateAt(g: number): unknown;
  mergeBoxed(a: unknown, b: unknown): unknown;
  finishBoxed(state: unknown): Value;
  /** Bytes per group of the typed arrays. */
  readonly fixedBytesPerGroup: number;
  /** Heap bytes of one group's objects (boxed values, sets): the table samples them. */
  heapBytesAt(g: number): number;
  clear(): void;
}

/** Per element of a Set: its slot and chain link, with the buckets and the table's spare capacity. */
const SET_ENTRY_BYTES = 32;
/** Set elements whose sizes are averaged to estimate the whole set. */
const SET_SAMPLE = 8;

/**
 * Approximate V8 heap bytes a value holds besides the 8-byte slot that points to it (64-bit,
 * uncompressed pointers); errs on the high side (small integers count as boxed numbers).
 */
export function sizeOf(value: unknown): number {
  switch (typeof value) {
    case "number":
      return 16;
    case "string":
      return 16 + ((value.length + 7) & ~7); // header + one byte per char, 8-byte aligned
    case "object": {
      if (value === null) return 0;
      if (Array.isArray(value)) {
        let bytes = 32 + 8 * value.length; // JSArray + elements store
        for (const item of value) bytes += sizeOf(item);
        return bytes;
      }
      if (value instanceof Set) {
        let sampled = 0;
        let n = 0;
        for (const item of value) {
          if (n === SET_SAMPLE) break;
          sampled += sizeOf(item);
          n++;
        }
        return 64 + value.size * (SET_ENTRY_BYTES + (n === 0 ? 0 : sampled / n));
      }
      return 64;
    }
    default:
      return 0; // booleans, undefined: immediates
  }
}

const isNull = (v: Vector, k: number) => v.nulls !== null && v.nulls[k] === 1;

function grown<T extends Float64Array | Uint8Array>(array: T, capacity: number, make: (n: number) => T): T {
  if (array.length >= capacity) return array;
  const next = make(Math.max(capacity, array.length * 2));
  next.set(array);
  return next;
}

/** Numeric value of a dense vector at k (f64, i32, or any holding numbers). */
function numberAt(v: Vector, k: number): number {
  return v.kind === "f64" || v.kind === "i32" ? v.values[k]! : (valueAt(v, k) as number);
}

function f64Vector(values: Float64Array, has: Uint8Array | null, n: number): Vector {
  let nulls: Uint8Array | null = null;
  if (has !== null) {
    for (let g = 0; g < n; g++) {
      if (has[g] === 0) {
        nulls ??= new Uint8Array(n);
        nulls[g] = 1;
      }
    }
  }
  return { kind: "f64", values: values.slice(0, n), nulls };
}

function anyVector(values: Value[]): Vector {
  let nulls: Uint8Array | null = null;
  values.forEach((v, g) => {
    if (v === null) {
      nulls ??= new Uint8Array(values.length);
      nulls[g] = 1;
    }
  });
  return { kind: "any", values, nulls };
}

class SumState implements AggState {
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

class CountState implements AggState {
  heapBytesAt(): number {
    return 0;
  }
  readonly fixedBytesPerGroup = 8;
  private counts = new Float64Array(0);
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

class AvgState implements AggState {
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
class NumericExtremeState implements AggState {
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
class ValueExtremeState implements AggState {
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

/** The first value seen, nulls included (Spark's first() by default); [] until one is. */
class FirstState implements AggState {
  heapBytesAt(g: number): number {
    return sizeOf(this.values[g]);
  }
  readonly fixedBytesPerGroup = 9;
  private values: Value[] = [];
  private set = new Uint8Array(0);
  grow(capacity: number): void {
    while (this.values.length < capacity) this.values.push(null);
    this.set = grown(this.set, capacity, (n) => new Uint8Array(n));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      const g = ids[k]!;
      if (this.set[g] === 1) continue;
      this.values[g] = valueAt(arg, sel === null ? k : sel[k]!);
      this.set[g] = 1;
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const g = ids[k]!;
      if (this.set[g] === 1) continue;
      const state = valueAt(states, k) as unknown as Value[];
      if (state.length === 0) continue;
      this.values[g] = state[0]!;
      this.set[g] = 1;
    }
  }
  partial(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = (this.set[g] === 1 ? [this.values[g]!] : []) as unknown as Value;
    return anyVector(out);
  }
  finish(n: number): Vector {
    return anyVector(this.values.slice(0, n));
  }
  stateAt(g: number): unknown {
    return this.set[g] === 1 ? [this.values[g]!] : [];
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return (a as Value[]).length ? a : b;
  }
  finishBoxed(state: unknown): Value {
    return (state as Value[])[0] ?? null;
  }
  clear(): void {
    this.values = [];
    this.set = new Uint8Array(0);
  }
}

/** Distinct values keyed by their identity text (keys.ts), so equal arrays count once and NaN counts once. */
class CountDistinctState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private sets: Set<string>[] = [];
  grow(capacity: number): void {
    while (this.sets.length < capacity) this.sets.push(new Set());
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!);
      if (v !== null) this.sets[ids[k]!]!.add(tupleIdentity([v]));
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const set = this.sets[ids[k]!]!;
      for (const text of valueAt(states, k) as unknown as string[]) set.add(text);
    }
  }
  partial(n: number): Vector {
    return anyVector(this.sets.slice(0, n).map((s) => [...s] as unknown as Value));
  }
  finish(n: number): Vector {
    const values = new Float64Array(n);
    for (let g = 0; g < n; g++) values[g] = this.sets[g]!.size;
    return { kind: "f64", values, nulls: null };
  }
  stateAt(g: number): unknown {
    return [...this.sets[g]!];
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const out = new Set(a as string[]);
    for (const v of b as string[]) out.add(v);
    return [...out];
  }
  finishBoxed(state: unknown): Value {
    return (state as string[]).length;
  }
  heapBytesAt(g: number): number {
    return sizeOf(this.sets[g]);
  }
  clear(): void {
    this.sets = [];
  }
}

/** The state of one aggregate; `type` is its argument's type (map side) or its state's (reduce side). */
export function aggState(fn: AggFn, type: DataType | undefined): AggState {
  const numeric = type !== undefined && (isNumeric(type) || type === "null");
  const STATES: Record<AggFn, () => AggState> = {
    sum: () => new SumState(),
    count: () => new CountState(),
    avg: () => new AvgState(),
    min: () => (numeric ? new NumericExtremeState(1) : new ValueExtremeState(1)),
    max: () => (numeric ? new NumericExtremeState(-1) : new ValueExtremeState(-1)),
    first: () => new FirstState(),
    countDistinct: () => new CountDistinctState(),
  };
  return STATES[fn]();
}

