/**
 * Accumulators (`sc.accumulator(0)`, `sc.collectionAccumulator()`): functions running on
 * executors add to them; each task returns its additions with its result, and the driver
 * applies them once per task, from the attempt whose result the scheduler kept — a retried
 * or speculative duplicate attempt never counts twice. Read `.value` on the driver.
 */
import type { AccumulatorHandle, AccumulatorKind, AccumulatorUpdate } from "../../shared/plan/function.ts";
import type { CaptureTarget } from "./closures.ts";

export class Accumulator<T> implements CaptureTarget {
  /** @internal made by SparkContext.accumulator() / collectionAccumulator(). */
  constructor(
    readonly id: number,
    readonly kind: AccumulatorKind,
    private current: T,
  ) {}

  get value(): T {
    return this.current;
  }

  /** Adds on the driver (executors add through the function's captures). */
  add(value: T extends readonly (infer E)[] ? E : number): void {
    this.apply(this.kind === "number" ? { id: this.id, kind: "number", value: value as number } : { id: this.id, kind: "list", values: [value] });
  }

  /** @internal one task's additions. */
  apply(update: AccumulatorUpdate): void {
    if (update.kind === "number") {
      if (typeof update.value !== "number") throw new TypeError(`accumulator ${this.id} adds numbers, got ${typeof update.value}`);
      this.current = ((this.current as number) + update.value) as T;
    } else {
      this.current = [...(this.current as unknown[]), ...update.values] as T;
    }
  }

  toHandle(): AccumulatorHandle {
    return { $sparkfn: "accumulator", id: this.id, kind: this.kind };
  }

  toString(): string {
    return `Accumulator(${this.id}, value=${JSON.stringify(this.current)})`;
  }
}
