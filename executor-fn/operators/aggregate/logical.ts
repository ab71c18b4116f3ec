/**
 * count_if, bool_and (every) and bool_or (some) over a boolean column. Partial states:
 * count_if: the count · bool_and/bool_or: the boolean so far, or null when no non-null value
 * has been seen (the result then, as Spark's).
 */
import type { Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { grown, type AggState } from "./state-support.ts";
import { CountState } from "./basic.ts";

/** count_if(b): the rows where b is true (never null; 0 for none); a count in every other respect. */
export class CountIfState extends CountState {
  override update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    const counts = this.counts;
    if (arg.kind === "bool") {
      const { values, nulls } = arg;
      for (let k = 0; k < count; k++) {
        const i = sel === null ? k : sel[k]!;
        if (values[i] === 1 && (nulls === null || nulls[i] === 0)) counts[ids[k]!]!++;
      }
      return;
    }
    for (let k = 0; k < count; k++) if (valueAt(arg, sel === null ? k : sel[k]!) === true) counts[ids[k]!]!++;
  }
}

/** bool_and (`all`) or bool_or (`any`) of the non-null values; null when there are none. */
export class BoolState implements AggState {
  readonly fixedBytesPerGroup = 2;
  private values = new Uint8Array(0);
  private has = new Uint8Array(0);
  constructor(private readonly all: boolean) {}
  heapBytesAt(): number {
    return 0;
  }
  grow(capacity: number): void {
    this.values = grown(this.values, capacity, (n) => new Uint8Array(n));
    this.has = grown(this.has, capacity, (n) => new Uint8Array(n));
  }
  private fold(g: number, v: Value): void {
    if (v === null) return;
    const b = v === true ? 1 : 0;
    this.values[g] = this.has[g] === 0 ? b : this.all ? this.values[g]! & b : this.values[g]! | b;
    this.has[g] = 1;
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) this.fold(ids[k]!, valueAt(arg, sel === null ? k : sel[k]!));
  }
  merge(ids: Int32Array, states: Vector, count: number): void {
    this.update(ids, states, count);
  }
  partial(n: number): Vector {
    let nulls: Uint8Array | null = null;
    for (let g = 0; g < n; g++) {
      if (this.has[g] === 0) {
        nulls ??= new Uint8Array(n);
        nulls[g] = 1;
      }
    }
    return { kind: "bool", values: this.values.slice(0, n), nulls };
  }
  finish(n: number): Vector {
    return this.partial(n);
  }
  stateAt(g: number): unknown {
    return this.has[g] === 1 ? this.values[g] === 1 : null;
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    if (a === null) return b;
    if (b === null) return a;
    return this.all ? (a as boolean) && (b as boolean) : (a as boolean) || (b as boolean);
  }
  finishBoxed(state: unknown): Value {
    return state as Value;
  }
  clear(): void {
    this.values = new Uint8Array(0);
    this.has = new Uint8Array(0);
  }
}
