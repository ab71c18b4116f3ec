/**
 * Aggregates that pick or gather values, as Spark's First, Last, AnyValue, MaxBy, MinBy and
 * CollectList do. Partial states: first/last/any_value: [] or [value] (nulls may be the
 * value) · max_by/min_by: [] or [value, ordering] · collect_list: the values, in input order.
 */
import { compareValues } from "../../../shared/plan/semantics.ts";
import type { Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { anyVector, grown, sizeOf, type AggState } from "./state-support.ts";

/**
 * first/any_value keep the first value seen, last the last; with `ignoreNulls` only non-null
 * values count. Merging keeps the left (first) or the right (last) state when it has a value,
 * as Spark's mergeExpressions, so the result follows the order partial states arrive in.
 */
export class FirstLastState implements AggState {
  readonly fixedBytesPerGroup = 9;
  private values: Value[] = [];
  private set = new Uint8Array(0);
  constructor(
    private readonly which: "first" | "last",
    private readonly ignoreNulls: boolean,
  ) {}
  heapBytesAt(g: number): number {
    return sizeOf(this.values[g]);
  }
  grow(capacity: number): void {
    while (this.values.length < capacity) this.values.push(null);
    this.set = grown(this.set, capacity, (n) => new Uint8Array(n));
  }
  private take(g: number, v: Value): void {
    if (this.which === "first" && this.set[g] === 1) return;
    this.values[g] = v;
    this.set[g] = 1;
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!);
      if (v === null && this.ignoreNulls) continue;
      this.take(ids[k]!, v);
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const state = valueAt(states, k) as unknown as Value[];
      if (state.length > 0) this.take(ids[k]!, state[0]!);
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
    const [left, right] = [a as Value[], b as Value[]];
    return this.which === "first" ? (left.length ? left : right) : right.length ? right : left;
  }
  finishBoxed(state: unknown): Value {
    return (state as Value[])[0] ?? null;
  }
  clear(): void {
    this.values = [];
    this.set = new Uint8Array(0);
  }
}

/**
 * max_by(x, ord) / min_by(x, ord): x at the largest / smallest non-null ord (Spark's order:
 * NaN above every number). As Spark's MaxMinBy, the held value is replaced unless the held
 * ordering is strictly better, so among equal orderings the last one seen wins.
 */
export class ExtremumByState implements AggState {
  readonly fixedBytesPerGroup = 16;
  private values: Value[] = [];
  private orderings: Value[] = [];
  constructor(private readonly sign: 1 | -1) {}
  heapBytesAt(g: number): number {
    return sizeOf(this.values[g]) + sizeOf(this.orderings[g]);
  }
  grow(capacity: number): void {
    while (this.values.length < capacity) {
      this.values.push(null);
      this.orderings.push(null);
    }
  }
  /** Spark's predicate(old, new): keep the old value when its ordering is strictly better. */
  private keepsOld(old: Value, next: Value): boolean {
    return old !== null && this.sign * compareValues(old as Exclude<Value, null>, next as Exclude<Value, null>) > 0;
  }
  private offer(g: number, value: Value, ordering: Value): void {
    if (ordering === null || this.keepsOld(this.orderings[g]!, ordering)) return;
    this.values[g] = value;
    this.orderings[g] = ordering;
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null, ord: Vector | null = null, ordSel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      this.offer(ids[k]!, valueAt(arg, sel === null ? k : sel[k]!), valueAt(ord!, ordSel === null ? k : ordSel[k]!));
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const state = valueAt(states, k) as unknown as Value[];
      if (state.length > 0) this.offer(ids[k]!, state[0]!, state[1]!);
    }
  }
  partial(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = this.stateAt(g) as Value;
    return anyVector(out);
  }
  finish(n: number): Vector {
    return anyVector(this.values.slice(0, n));
  }
  stateAt(g: number): unknown {
    return this.orderings[g] === null ? [] : [this.values[g]!, this.orderings[g]!];
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const [left, right] = [a as Value[], b as Value[]];
    if (right.length === 0) return left;
    return left.length > 0 && this.keepsOld(left[1]!, right[1]!) ? left : right;
  }
  finishBoxed(state: unknown): Value {
    return (state as Value[])[0] ?? null;
  }
  clear(): void {
    this.values = [];
    this.orderings = [];
  }
}

/** collect_list: the non-null values in the order they arrive; [] (not null) for none. */
export class CollectListState implements AggState {
  readonly fixedBytesPerGroup = 8;
  private lists: Value[][] = [];
  heapBytesAt(g: number): number {
    return sizeOf(this.lists[g]);
  }
  grow(capacity: number): void {
    while (this.lists.length < capacity) this.lists.push([]);
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      const v = valueAt(arg, sel === null ? k : sel[k]!);
      if (v !== null) this.lists[ids[k]!]!.push(v);
    }
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const list = this.lists[ids[k]!]!;
      for (const v of valueAt(states, k) as unknown as Value[]) list.push(v);
    }
  }
  partial(n: number): Vector {
    return anyVector(this.lists.slice(0, n) as unknown as Value[]);
  }
  finish(n: number): Vector {
    return this.partial(n);
  }
  stateAt(g: number): unknown {
    return this.lists[g]!;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    return [...(a as Value[]), ...(b as Value[])];
  }
  finishBoxed(state: unknown): Value {
    return state as Value;
  }
  clear(): void {
    this.lists = [];
  }
}
