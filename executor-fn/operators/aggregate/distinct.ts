/**
 * Aggregates over the distinct values of a group. Partial states: countDistinct: the distinct
 * values' identity texts (keys.ts) · sum_distinct and collect_set: the distinct values.
 */
import type { Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { tupleIdentity } from "../keys.ts";
import { sumOverflow } from "../../../shared/plan/decimal.ts";
import { anyVector, sizeOf, type AggState } from "./state-support.ts";

/** Distinct values keyed by their identity text (keys.ts), so equal arrays count once and NaN counts once. */
export class CountDistinctState implements AggState {
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

/**
 * Distinct values by Spark's grouping equality (keys.ts: NaN equals NaN, -0.0 equals 0.0),
 * the first of equal ones kept, in order of arrival. `nanDistinct`: every NaN is a value of
 * its own, as collect_set keeps them (Spark's set compares doubles with ==).
 */
class DistinctValues {
  private readonly seen = new Set<string>();
  readonly values: Value[] = [];
  constructor(private readonly nanDistinct: boolean) {}
  add(v: Value): void {
    if (v === null) return;
    if (this.nanDistinct && typeof v === "number" && v !== v) {
      this.values.push(v);
      return;
    }
    const id = tupleIdentity([v]);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.values.push(v);
  }
}

/** sum(DISTINCT x) and collect_set(x): a set of values per group, finished by `result`. */
abstract class DistinctValuesState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private sets: DistinctValues[] = [];
  constructor(private readonly nanDistinct: boolean) {}
  protected abstract result(values: readonly Value[]): Value;
  heapBytesAt(g: number): number {
    return 2 * sizeOf(this.sets[g]!.values);
  }
  grow(capacity: number): void {
    while (this.sets.length < capacity) this.sets.push(new DistinctValues(this.nanDistinct));
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) this.sets[ids[k]!]!.add(valueAt(arg, sel === null ? k : sel[k]!));
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const set = this.sets[ids[k]!]!;
      for (const v of valueAt(states, k) as unknown as Value[]) set.add(v);
    }
  }
  partial(n: number): Vector {
    return anyVector(this.sets.slice(0, n).map((s) => s.values as unknown as Value));
  }
  finish(n: number): Vector {
    return anyVector(this.sets.slice(0, n).map((s) => this.result(s.values)));
  }
  stateAt(g: number): unknown {
    return this.sets[g]!.values;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const set = new DistinctValues(this.nanDistinct);
    for (const v of a as Value[]) set.add(v);
    for (const v of b as Value[]) set.add(v);
    return set.values;
  }
  finishBoxed(state: unknown): Value {
    return this.result(state as Value[]);
  }
  clear(): void {
    this.sets = [];
  }
}

/**
 * sum(DISTINCT x): null when the group has no non-null value. The distinct values are added
 * in order of first arrival; Spark adds them in its hash table's order, so sums of doubles
 * that round may differ in the last bits (sums of integers are exact on both).
 */
export class SumDistinctState extends DistinctValuesState {
  /** `decimal`: the sum's buffer limit (10^precision of decimal(p + 10, s)) and the mode, for decimal values (bigints). */
  constructor(private readonly decimal: { readonly limit: bigint; readonly ansi: boolean } | null = null) {
    super(false);
  }
  protected result(values: readonly Value[]): Value {
    if (values.length === 0) return null;
    if (this.decimal !== null) {
      // Exact, as sum() of decimals: a running sum past the buffer stays overflowed.
      const { limit, ansi } = this.decimal;
      let sum = 0n;
      for (const v of values) {
        sum += v as bigint;
        if (sum >= limit || sum <= -limit) {
          if (ansi) throw sumOverflow("sum");
          return null;
        }
      }
      return sum;
    }
    let sum = 0;
    for (const v of values) sum += v as number;
    return sum;
  }
}

/** collect_set(x): the distinct non-null values, [] for none; the order is unspecified (Spark's is its hash set's). */
export class CollectSetState extends DistinctValuesState {
  constructor() {
    super(true);
  }
  protected result(values: readonly Value[]): Value {
    return [...values] as unknown as Value;
  }
}
