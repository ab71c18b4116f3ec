/**
 * sum and avg of ANSI intervals (microseconds or months in a double, exact up to 2^53): sum
 * fails beyond a long of microseconds or an int of months, as Spark's (INTERVAL_ARITHMETIC_OVERFLOW,
 * with ANSI off too); avg rounds half up to a whole microsecond or month (Spark's IntervalAverage).
 */
import type { Value } from "../../../shared/plan/types.ts";
import type { Vector } from "../../../shared/batch/vector.ts";
import { checked, overflow, roundHalfUp } from "../../../shared/plan/functions/interval-functions.ts";
import { AvgState, SumState } from "./basic.ts";

type Kind = "daytime" | "yearmonth";

const checkedSum = (kind: Kind, v: number): number => checked(kind, v, () => overflow("try_add"));

/** Each non-null value of a vector of doubles passed through `f`. */
function mapped(v: Vector, f: (x: number) => number): Vector {
  if (v.kind !== "f64") return v;
  const values = new Float64Array(v.values.length);
  for (let i = 0; i < values.length; i++) values[i] = v.nulls !== null && v.nulls[i] === 1 ? 0 : f(v.values[i]!);
  return { kind: "f64", values, nulls: v.nulls };
}

export class IntervalSumState extends SumState {
  constructor(private readonly kind: Kind) {
    super();
  }
  override finish(n: number): Vector {
    return mapped(super.finish(n), (x) => checkedSum(this.kind, x));
  }
  override finishBoxed(state: unknown): Value {
    return state === null ? null : checkedSum(this.kind, state as number);
  }
}

export class IntervalAvgState extends AvgState {
  override finish(n: number): Vector {
    return mapped(super.finish(n), roundHalfUp);
  }
  override finishBoxed(state: unknown): Value {
    const v = super.finishBoxed(state);
    return v === null ? null : roundHalfUp(v as number);
  }
}
