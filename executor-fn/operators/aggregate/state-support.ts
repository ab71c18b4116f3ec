/**
 * What every aggregate state is (the AggState interface) and the small helpers the state
 * families share: typed arrays that grow, vectors out of them, and the heap estimate of boxed
 * values (the table's memory budget). The families: basic.ts (sum, count, avg, min, max),
 * moments.ts (variance, stddev, skewness, kurtosis, corr, covariances), values.ts (first,
 * last, any_value, max_by, min_by, collect_list), distinct.ts (countDistinct, sum_distinct,
 * collect_set), logical.ts (count_if, bool_and, bool_or); states.ts picks one per function.
 */
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import type { Value } from "../../../shared/plan/types.ts";

export interface AggState {
  /** Makes room for groups [0, capacity). */
  grow(capacity: number): void;
  /**
   * Folds `count` argument values into groups `ids` (null arg: count(*)): value k is at index
   * `sel[k]` of `arg` when a selection is given (no gathered copy), else at k. Aggregates of
   * two arguments (corr, max_by) get the second as `arg2`, read through `sel2` likewise.
   */
  update(ids: Int32Array, arg: Vector | null, count: number, sel?: Int32Array | null, arg2?: Vector | null, sel2?: Int32Array | null): void;
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
    case "bigint":
      return 16 + 8 * Math.ceil(value.toString(16).length / 16); // header + 64-bit digits
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

export const isNull = (v: Vector, k: number) => v.nulls !== null && v.nulls[k] === 1;

export function grown<T extends Float64Array | Uint8Array>(array: T, capacity: number, make: (n: number) => T): T {
  if (array.length >= capacity) return array;
  const next = make(Math.max(capacity, array.length * 2));
  next.set(array);
  return next;
}

/** Numeric value of a dense vector at k (f64, i32, or any holding numbers). */
export function numberAt(v: Vector, k: number): number {
  return v.kind === "f64" || v.kind === "i32" ? v.values[k]! : (valueAt(v, k) as number);
}

export function f64Vector(values: Float64Array, has: Uint8Array | null, n: number): Vector {
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

export function anyVector(values: Value[]): Vector {
  let nulls: Uint8Array | null = null;
  values.forEach((v, g) => {
    if (v === null) {
      nulls ??= new Uint8Array(values.length);
      nulls[g] = 1;
    }
  });
  return { kind: "any", values, nulls };
}

