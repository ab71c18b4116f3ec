/**
 * Aggregate states, one class per function (or family), held per group in typed arrays
 * indexed by group id where the state is numbers.
 *
 * Each state folds input values (map side), merges partial states (reduce side), and writes
 * its groups out as a vector: partial states in the form they travel through the shuffle
 * (each family's file says which), or finished results. `mergeBoxed` merges two boxed partial
 * states: spilled runs are merged record by record. The families: basic.ts, moments.ts,
 * values.ts, distinct.ts, logical.ts, hll.ts (approx_count_distinct), frequencies.ts
 * (percentile, median, mode), quantile-summaries.ts (percentile_approx); what they share is
 * in state-support.ts.
 */
import type { AggFn, Expr } from "../../../shared/plan/expr.ts";
import { intervalOf, isNumeric, type DataType } from "../../../shared/plan/types.ts";
import { decimalParts, pow10, sumType } from "../../../shared/plan/decimal.ts";
import { AvgState, CountState, NumericExtremeState, SumState, ValueExtremeState } from "./basic.ts";
import { CollectSetState, CountDistinctState, SumDistinctState } from "./distinct.ts";
import { BoolState, CountIfState } from "./logical.ts";
import { CentralMomentState, CoMomentState } from "./moments.ts";
import type { AggState } from "./state-support.ts";
import { CollectListState, ExtremumByState, FirstLastState } from "./values.ts";
import { ModeState, PercentileState } from "./frequencies.ts";
import { DEFAULT_RSD, HllState } from "./hll.ts";
import { ApproxPercentileState } from "./quantile-summaries.ts";
import { DecimalAvgState, DecimalSumState, isDecimalType } from "./decimals.ts";
import { IntervalAvgState, IntervalSumState } from "./intervals.ts";

export { sizeOf, type AggState } from "./state-support.ts";

export interface AggOptions {
  /** first/last/any_value: skip null values (Spark's ignoreNulls). */
  readonly ignoreNulls?: boolean;
  /** The arguments after the first: the literal parameters of percentile, approx_count_distinct... */
  readonly args?: readonly Expr[];
  /** Arithmetic as with spark.sql.ansi.enabled = false: a decimal sum past its precision is null, not an error. */
  readonly legacy?: true;
}

/** The value of literal parameter i (resolve.ts has checked it is one), or `fallback` when left out. */
function param(options: AggOptions, i: number, fallback: number): number {
  const e = options.args?.[i];
  return e?.kind === "literal" && typeof e.value === "number" ? e.value : fallback;
}

/**
 * The state of one aggregate; `type` is its (first) argument's type on the map side, or its
 * partial state's nominal type (the result's) on the reduce side.
 */
export function aggState(fn: AggFn, type: DataType | undefined, options: AggOptions = {}, reduceSide = false): AggState {
  const decimal = isDecimalType(type);
  const interval = type === undefined ? null : intervalOf(type);
  const numeric = type !== undefined && (isNumeric(type) || type === "null" || interval !== null) && !decimal;
  const ignoreNulls = options.ignoreNulls ?? false;
  const ansi = options.legacy !== true;
  const STATES: Record<AggFn, () => AggState> = {
    sum: () => (decimal ? new DecimalSumState(type!, reduceSide, ansi) : interval ? new IntervalSumState(interval.kind) : new SumState()),
    count: () => new CountState(),
    avg: () => (decimal ? new DecimalAvgState(type!, reduceSide, ansi) : interval ? new IntervalAvgState() : new AvgState()),
    min: () => (numeric ? new NumericExtremeState(1) : new ValueExtremeState(1)),
    max: () => (numeric ? new NumericExtremeState(-1) : new ValueExtremeState(-1)),
    first: () => new FirstLastState("first", ignoreNulls),
    any_value: () => new FirstLastState("first", ignoreNulls),
    last: () => new FirstLastState("last", ignoreNulls),
    countDistinct: () => new CountDistinctState(),
    stddev: () => new CentralMomentState("stddev"),
    stddev_samp: () => new CentralMomentState("stddev_samp"),
    stddev_pop: () => new CentralMomentState("stddev_pop"),
    variance: () => new CentralMomentState("variance"),
    var_samp: () => new CentralMomentState("var_samp"),
    var_pop: () => new CentralMomentState("var_pop"),
    skewness: () => new CentralMomentState("skewness"),
    kurtosis: () => new CentralMomentState("kurtosis"),
    corr: () => new CoMomentState("corr"),
    covar_samp: () => new CoMomentState("covar_samp"),
    covar_pop: () => new CoMomentState("covar_pop"),
    count_if: () => new CountIfState(),
    bool_and: () => new BoolState(true),
    every: () => new BoolState(true),
    bool_or: () => new BoolState(false),
    some: () => new BoolState(false),
    max_by: () => new ExtremumByState(1),
    min_by: () => new ExtremumByState(-1),
    sum_distinct: () => new SumDistinctState(decimal ? { limit: pow10((reduceSide ? decimalParts(type!) : decimalParts(sumType(decimalParts(type!)))).precision), ansi } : null),
    collect_list: () => new CollectListState(),
    collect_set: () => new CollectSetState(),
    approx_count_distinct: () => new HllState(type ?? "null", param(options, 0, DEFAULT_RSD)),
    percentile: () => new PercentileState(param(options, 0, 0.5)),
    median: () => new PercentileState(0.5),
    mode: () => new ModeState(),
    percentile_approx: () => new ApproxPercentileState(type ?? "double", param(options, 0, 0.5), param(options, 1, 10000)),
    approx_percentile: () => new ApproxPercentileState(type ?? "double", param(options, 0, 0.5), param(options, 1, 10000)),
  };
  return STATES[fn]();
}
