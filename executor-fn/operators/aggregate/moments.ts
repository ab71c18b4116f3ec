/**
 * The moment aggregates, computed as Spark computes them (its CentralMomentAgg, Covariance
 * and PearsonCorrelation), so that results agree to the last bit when the rows meet in the
 * same order: each group keeps (n, mean, M2[, M3, M4]) — or (n, x̄, ȳ, Cxy[, Mxx, Myy]) for
 * two columns — in Float64Arrays, updated row by row with Welford's recurrences (Meng's for
 * M3 and M4) and merged with Chan's parallel formulas, every operation in Spark's order.
 * The reduce side starts each group at the zero state and merges the partial states into it,
 * as Spark's final aggregation merges into its initial buffer.
 *
 * Results (ANSI on, as Spark 4): null for an empty group; the sample forms (stddev_samp,
 * var_samp, covar_samp) and corr give null for one row, skewness and kurtosis when M2 is 0;
 * corr of a column whose values are all equal divides by zero, an error (DIVIDE_BY_ZERO) as
 * in Spark. NaN anywhere gives NaN, and so does an infinity (∞ − ∞ on the way).
 *
 * Partial states: [n, mean, M2, M3, M4] trimmed to the moment's order, or
 * [n, x̄, ȳ, Cxy, Mxx, Myy] (corr) / [n, x̄, ȳ, Cxy] (covariances).
 */
import type { Value } from "../../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../../shared/batch/vector.ts";
import { SparkArithmeticError } from "../../../shared/plan/functions/math.ts";
import { anyVector, grown, isNull, numberAt, type AggState } from "./state-support.ts";

export type MomentFn = "stddev" | "stddev_samp" | "stddev_pop" | "variance" | "var_samp" | "var_pop" | "skewness" | "kurtosis";
export type CoMomentFn = "corr" | "covar_samp" | "covar_pop";

/** The highest moment each function needs (Spark's momentOrder). */
const ORDER: Record<MomentFn, 2 | 3 | 4> = {
  stddev: 2, stddev_samp: 2, stddev_pop: 2, variance: 2, var_samp: 2, var_pop: 2, skewness: 3, kurtosis: 4,
};

/** Spark's evaluateExpression of each, from the merged moments (m[0] is n). */
const FINISH: Record<MomentFn, (m: readonly number[]) => number | null> = {
  stddev: (m) => sample(m, (n, m2) => Math.sqrt(m2 / (n - 1))),
  stddev_samp: (m) => sample(m, (n, m2) => Math.sqrt(m2 / (n - 1))),
  stddev_pop: ([n, , m2]) => (n === 0 ? null : Math.sqrt(m2! / n!)),
  variance: (m) => sample(m, (n, m2) => m2 / (n - 1)),
  var_samp: (m) => sample(m, (n, m2) => m2 / (n - 1)),
  var_pop: ([n, , m2]) => (n === 0 ? null : m2! / n!),
  skewness: ([n, , m2, m3]) => (n === 0 || m2 === 0 ? null : (Math.sqrt(n!) * m3!) / Math.sqrt(m2! * m2! * m2!)),
  kurtosis: ([n, , m2, , m4]) => (n === 0 || m2 === 0 ? null : (n! * m4!) / (m2! * m2!) - 3.0),
};

/** The sample forms: null for no rows and for one (Spark 4 divides by n − 1 = 0 into null). */
function sample([n, , m2]: readonly number[], f: (n: number, m2: number) => number): number | null {
  return n === 0 || n === 1 ? null : f(n!, m2!);
}

/** Chan's merge of moment vectors a ← a ⊕ b, as Spark's CentralMomentAgg.mergeExpressions. */
export function mergeMoments(a: number[], b: readonly number[], order: number): void {
  const n1 = a[0]!;
  const n2 = b[0]!;
  const newN = n1 + n2;
  const delta = b[1]! - a[1]!;
  const deltaN = newN === 0 ? 0 : delta / newN;
  const newAvg = a[1]! + deltaN * n2;
  const newM2 = a[2]! + b[2]! + delta * deltaN * n1 * n2;
  if (order >= 3) {
    const newM3 = a[3]! + b[3]! + deltaN * deltaN * delta * n1 * n2 * (n1 - n2) + 3.0 * deltaN * (n1 * b[2]! - n2 * a[2]!);
    if (order >= 4) {
      a[4] =
        a[4]! + b[4]! +
        deltaN * deltaN * deltaN * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
        6.0 * deltaN * deltaN * (n1 * n1 * b[2]! + n2 * n2 * a[2]!) +
        4.0 * deltaN * (n1 * b[3]! - n2 * a[3]!);
    }
    a[3] = newM3;
  }
  a[0] = newN;
  a[1] = newAvg;
  a[2] = newM2;
}

/** One value x folded into the moments m, as Spark's CentralMomentAgg.updateExpressions. */
export function updateMoments(m: number[], x: number, order: number): void {
  const newN = m[0]! + 1.0;
  const delta = x - m[1]!;
  const deltaN = delta / newN;
  const newM2 = m[2]! + delta * (delta - deltaN);
  if (order >= 3) {
    const delta2 = delta * delta;
    const deltaN2 = deltaN * deltaN;
    const newM3 = m[3]! - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
    if (order >= 4) m[4] = m[4]! - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2);
    m[3] = newM3;
  }
  m[0] = newN;
  m[1] = m[1]! + deltaN;
  m[2] = newM2;
}

/**
 * Moments held in one Float64Array per group, `width` numbers each (n, mean, M2[, M3, M4] or
 * the co-moments), folded and merged through a scratch array.
 */
abstract class MomentArrays implements AggState {
  readonly fixedBytesPerGroup: number;
  protected state = new Float64Array(0);
  protected readonly scratch: number[];
  constructor(protected readonly width: number) {
    this.fixedBytesPerGroup = 8 * width;
    this.scratch = new Array<number>(width).fill(0);
  }
  heapBytesAt(): number {
    return 0;
  }
  grow(capacity: number): void {
    this.state = grown(this.state, capacity * this.width, (n) => new Float64Array(n));
  }
  protected load(g: number): number[] {
    const base = g * this.width;
    for (let j = 0; j < this.width; j++) this.scratch[j] = this.state[base + j]!;
    return this.scratch;
  }
  protected store(g: number, m: readonly number[]): void {
    const base = g * this.width;
    for (let j = 0; j < this.width; j++) this.state[base + j] = m[j]!;
  }
  abstract update(ids: Int32Array, arg: Vector, count: number, sel?: Int32Array | null, arg2?: Vector | null, sel2?: Int32Array | null): void;
  protected abstract mergeInto(a: number[], b: readonly number[]): void;
  protected abstract result(m: readonly number[]): number | null;
  merge(ids: Int32Array, states: Vector, count: number): void {
    for (let k = 0; k < count; k++) {
      const g = ids[k]!;
      const m = this.load(g);
      this.mergeInto(m, valueAt(states, k) as unknown as number[]);
      this.store(g, m);
    }
  }
  partial(n: number): Vector {
    const out: Value[] = new Array(n);
    for (let g = 0; g < n; g++) out[g] = Array.from(this.state.subarray(g * this.width, (g + 1) * this.width)) as unknown as Value;
    return anyVector(out);
  }
  finish(n: number): Vector {
    const values = new Float64Array(n);
    let nulls: Uint8Array | null = null;
    for (let g = 0; g < n; g++) {
      const r = this.result(this.load(g));
      if (r === null) {
        nulls ??= new Uint8Array(n);
        nulls[g] = 1;
      } else values[g] = r;
    }
    return { kind: "f64", values, nulls };
  }
  stateAt(g: number): unknown {
    return [...this.load(g)];
  }
  mergeBoxed(a: unknown, b: unknown): unknown {
    const out = [...(a as number[])];
    this.mergeInto(out, b as number[]);
    return out;
  }
  finishBoxed(state: unknown): Value {
    // As the reduce side's table does: the zero state, then the merged partial state.
    const m = new Array<number>(this.width).fill(0);
    this.mergeInto(m, state as number[]);
    return this.result(m);
  }
  clear(): void {
    this.state = new Float64Array(0);
  }
}

/** variance, stddev, skewness, kurtosis of one numeric column. */
export class CentralMomentState extends MomentArrays {
  private readonly order: number;
  constructor(private readonly fn: MomentFn) {
    super(ORDER[fn] + 1);
    this.order = ORDER[fn];
  }
  update(ids: Int32Array, arg: Vector, count: number, sel: Int32Array | null = null): void {
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      if (isNull(arg, i)) continue;
      const g = ids[k]!;
      const m = this.load(g);
      updateMoments(m, numberAt(arg, i), this.order);
      this.store(g, m);
    }
  }
  protected mergeInto(a: number[], b: readonly number[]): void {
    mergeMoments(a, b, this.order);
  }
  protected result(m: readonly number[]): number | null {
    return FINISH[this.fn](m);
  }
}

/** corr and the covariances of two numeric columns (rows where either is null are skipped). */
export class CoMomentState extends MomentArrays {
  constructor(private readonly fn: CoMomentFn) {
    super(fn === "corr" ? 6 : 4);
  }
  update(ids: Int32Array, x: Vector, count: number, sel: Int32Array | null = null, y: Vector | null = null, ySel: Int32Array | null = null): void {
    const corr = this.width === 6;
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      const j = ySel === null ? k : ySel[k]!;
      if (isNull(x, i) || isNull(y!, j)) continue;
      const g = ids[k]!;
      const m = this.load(g);
      const xv = numberAt(x, i);
      const yv = numberAt(y!, j);
      // Spark's PearsonCorrelation (and Covariance) updateExpressions.
      const newN = m[0]! + 1.0;
      const dx = xv - m[1]!;
      const dxN = dx / newN;
      const dy = yv - m[2]!;
      const dyN = dy / newN;
      const newXAvg = m[1]! + dxN;
      const newYAvg = m[2]! + dyN;
      m[3] = m[3]! + dx * (yv - newYAvg);
      if (corr) {
        m[4] = m[4]! + dx * (xv - newXAvg);
        m[5] = m[5]! + dy * (yv - newYAvg);
      }
      m[0] = newN;
      m[1] = newXAvg;
      m[2] = newYAvg;
      this.store(g, m);
    }
  }
  protected mergeInto(a: number[], b: readonly number[]): void {
    const n1 = a[0]!;
    const n2 = b[0]!;
    const newN = n1 + n2;
    const dx = b[1]! - a[1]!;
    const dxN = newN === 0 ? 0 : dx / newN;
    const dy = b[2]! - a[2]!;
    const dyN = newN === 0 ? 0 : dy / newN;
    a[3] = a[3]! + b[3]! + dx * dyN * n1 * n2;
    if (this.width === 6) {
      a[4] = a[4]! + b[4]! + dx * dxN * n1 * n2;
      a[5] = a[5]! + b[5]! + dy * dyN * n1 * n2;
    }
    a[0] = newN;
    a[1] = a[1]! + dxN * n2;
    a[2] = a[2]! + dyN * n2;
  }
  protected result([n, , , ck, xMk, yMk]: readonly number[]): number | null {
    if (n === 0) return null;
    if (this.fn === "covar_pop") return ck! / n!;
    if (n === 1) return null;
    if (this.fn === "covar_samp") return ck! / (n! - 1.0);
    const divisor = Math.sqrt(xMk! * yMk!);
    // ANSI: Spark's Divide refuses a zero divisor, doubles too (a column of equal values has Mxx = 0).
    if (divisor === 0) throw new SparkArithmeticError("DIVIDE_BY_ZERO", "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.");
    return ck! / divisor;
  }
}
