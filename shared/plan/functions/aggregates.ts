/**
 * Spark's aggregate functions: what each takes and what it gives, one entry per function
 * (resolve.ts types an `agg` node through this table; executor-fn/operators/aggregate/
 * computes the values). Names, argument orders, result types and nullability are Spark 4's
 * (checked against PySpark in test/spark/functions/aggregates.test.ts):
 *
 *   - the moments (stddev, variance, skewness, kurtosis, corr, covariances) take numbers and
 *     give a double, null for an empty group (and the sample forms for one row);
 *   - count_if takes a boolean and is never null; bool_and/bool_or (every/some) give null for
 *     a group without non-null values;
 *   - first/last/any_value give the argument's type, nulls included unless `ignoreNulls`;
 *   - max_by(x, ord)/min_by(x, ord) give x's type, at the largest/smallest non-null ord;
 *   - collect_list/collect_set skip nulls and give an array, [] (not null) for an empty group;
 *   - approx_count_distinct(x[, rsd]) is never null (0 for none); percentile(x, p), median(x)
 *     give a double, mode(x[, deterministic]) and percentile_approx(x, p[, accuracy]) the
 *     argument's type; all null for a group without non-null values. Their later arguments
 *     are literals, checked here as Spark checks them at analysis (`check`).
 */
import type { DataType } from "../types.ts";
import { arrayType, decimalOf, elementOf, intervalOf, isNested, isNumeric, isOrderable } from "../types.ts";
import { avgType, sumType as decimalSumType } from "../decimal.ts";
import type { AggFn, Expr } from "../expr.ts";
import { hashable } from "./hashing.ts";

/**
 * What an argument must be: a number, a boolean, a value that orders (not `any`), a number or
 * a date (percentile_approx), a number or an interval (sum, avg), or anything.
 */
export type AggArg = "number" | "boolean" | "ordered" | "numberOrDate" | "numberOrInterval" | "value";

export interface AggDef {
  /** Kinds of the arguments, in Spark's order (its length is the arity). */
  readonly args: readonly AggArg[];
  /** The result type from the arguments' types, or a message saying why they do not fit. */
  readonly result: (args: readonly DataType[]) => DataType | { readonly refused: string };
  readonly nullable: boolean;
  /** Takes Spark's ignoreNulls option (first(col, ignorenulls)). */
  readonly ignoreNulls?: true;
  /** How many of the last arguments may be left out (approx_count_distinct's rsd...). */
  readonly optional?: number;
  /** Why the arguments (literal parameters, mostly) are refused, or null when they fit. */
  readonly check?: (args: readonly Expr[], types: readonly DataType[]) => string | null;
  /** Spark's name for the output column, from the arguments' names (when it is not `fn(args)`). */
  readonly name?: (args: readonly string[]) => string;
}

/**
 * HLL++'s precision p (2^p registers) for a relative standard deviation, as Spark's
 * HyperLogLogPlusPlusHelper: the smallest p whose error is at most `rsd`; Spark needs p >= 4.
 */
export function hllPrecision(rsd: number): number {
  return Math.ceil((2.0 * Math.log(1.106 / rsd)) / Math.log(2.0));
}

/** The largest precision sparkfn takes (2^24 registers per group); Spark's helper has no bound but memory. */
const MAX_HLL_PRECISION = 24;

const literalNumber = (e: Expr | undefined): number | null | undefined =>
  e === undefined ? undefined : e.kind === "literal" && (typeof e.value === "number" || e.value === null) ? e.value : undefined;

/** A percentage: a number literal in [0, 1], as Spark's percentile and percentile_approx check. */
function fraction(fn: string, e: Expr | undefined, type: DataType | undefined): string | null {
  if (type !== undefined && elementOf(type) !== null) {
    return `an array of percentages (which gives an array of results) is not supported yet; call ${fn}() once per percentage`;
  }
  const p = literalNumber(e);
  if (p === undefined) return `the percentage must be a number literal (lit(0.5)), as Spark requires a constant`;
  if (p === null) return "the percentage must not be null";
  if (!(p >= 0 && p <= 1)) return `the percentage must be between 0.0 and 1.0 (current value = ${p})`;
  return null;
}

const approxCountDistinct: AggDef = {
  args: ["value", "value"],
  optional: 1,
  result: () => "long",
  nullable: false,
  check: (args, types) => {
    if (!hashable(types[0]!)) return `the values are ${types[0]}, which sparkfn cannot hash yet`;
    if (args.length < 2) return null;
    const rsd = literalNumber(args[1]);
    if (rsd === undefined || rsd === null) return "rsd (the relative standard deviation) must be a number literal such as 0.05";
    const p = hllPrecision(rsd);
    if (!(p >= 4)) return `rsd ${rsd} is too large: HLL++ needs at least 4 bits for addressing; use an rsd of at most 0.39`;
    if (p > MAX_HLL_PRECISION) return `rsd ${rsd} would need 2^${p} registers per group; use an rsd of at least 0.0003`;
    return null;
  },
  name: ([x]) => `approx_count_distinct(${x})`,
};

/** percentile_approx(x, p[, accuracy]) and its other name approx_percentile: Spark names the accuracy even when left out. */
const approxPercentile = (fn: "percentile_approx" | "approx_percentile"): AggDef => ({
  args: ["numberOrDate", "value", "value"],
  optional: 1,
  result: ([t]) => (t === "null" ? "double" : t!),
  nullable: true,
  check: (args, types) => {
    const refused = fraction(fn, args[1], types[1]);
    if (refused !== null || args.length < 3) return refused;
    const accuracy = literalNumber(args[2]);
    if (accuracy === undefined || accuracy === null || !Number.isInteger(accuracy)) return "the accuracy must be a whole-number literal (10000 by default)";
    if (!(accuracy > 0 && accuracy <= 2147483647)) return `the accuracy must be between (0, 2147483647] (current value = ${accuracy})`;
    return null;
  },
  name: ([x, p, accuracy]) => `${fn}(${x}, ${p}, ${accuracy ?? 10000})`,
});

const double = () => "double" as const;
/** sum: a double of doubles, decimal(p + 10, s) of decimal(p, s), else a long. */
const sumType = (args: readonly DataType[]): DataType => {
  if (intervalOf(args[0]!)) return args[0]!;
  const d = decimalOf(args[0]!);
  return d ? decimalSumType(d) : args[0] === "double" || args[0] === "float" ? "double" : "long";
};
/** avg: decimal(p + 4, s + 4) of decimal(p, s), else a double. */
const avgResult = (args: readonly DataType[]): DataType => {
  // An interval's average is an interval of its kind's widest fields (Spark's IntervalAverage).
  const interval = intervalOf(args[0]!);
  if (interval) return interval.kind === "daytime" ? "interval day to second" : "interval year to month";
  const d = decimalOf(args[0]!);
  return d ? avgType(d) : "double";
};
const same = (args: readonly DataType[]) => args[0]!;

const moment: AggDef = { args: ["number"], result: double, nullable: true };
const comoment: AggDef = { args: ["number", "number"], result: double, nullable: true };
const boolean: AggDef = { args: ["boolean"], result: () => "boolean", nullable: true };
const firstLike: AggDef = { args: ["value"], result: same, nullable: true, ignoreNulls: true };
const by: AggDef = { args: ["value", "ordered"], result: same, nullable: true };
/** collect_list and collect_set: array<T> of the values' type T. */
const collect: AggDef = {
  args: ["value"],
  result: ([t]) => (t === "any" ? { refused: "the values are of type any (a UDF's); declare the UDF's return type" } : arrayType(t!)),
  nullable: false,
};

export const AGG_FUNCTIONS: Record<AggFn, AggDef> = {
  sum: { args: ["numberOrInterval"], result: sumType, nullable: true },
  count: { args: ["value"], result: () => "long", nullable: false },
  avg: { args: ["numberOrInterval"], result: avgResult, nullable: true },
  min: { args: ["ordered"], result: same, nullable: true },
  max: { args: ["ordered"], result: same, nullable: true },
  countDistinct: { args: ["value"], result: () => "long", nullable: false },
  first: firstLike,
  last: firstLike,
  any_value: firstLike,
  stddev: moment,
  stddev_samp: moment,
  stddev_pop: moment,
  variance: moment,
  var_samp: moment,
  var_pop: moment,
  skewness: moment,
  kurtosis: moment,
  corr: comoment,
  covar_samp: comoment,
  covar_pop: comoment,
  count_if: { args: ["boolean"], result: () => "long", nullable: false },
  bool_and: boolean,
  bool_or: boolean,
  every: boolean,
  some: boolean,
  max_by: by,
  min_by: by,
  sum_distinct: {
    args: ["number"],
    result: sumType,
    nullable: true,
  },
  collect_list: collect,
  collect_set: collect,
  approx_count_distinct: approxCountDistinct,
  percentile: {
    args: ["number", "value"],
    result: double,
    nullable: true,
    check: (args, types) => fraction("percentile", args[1], types[1]),
    // Spark names the frequency argument (1) sparkfn does not take yet.
    name: ([x, p]) => `percentile(${x}, ${p}, 1)`,
  },
  median: { args: ["number"], result: double, nullable: true },
  mode: {
    args: ["value", "value"],
    optional: 1,
    result: same,
    nullable: true,
    check: (args) => {
      const d = args[1];
      return d === undefined || (d.kind === "literal" && typeof d.value === "boolean") ? null : "deterministic must be a boolean literal (true: the lowest of equally frequent values)";
    },
    // Spark rewrites mode(x, true) into an ordered mode, and names it so.
    name: ([x, deterministic]) => (deterministic === "true" ? `mode() WITHIN GROUP (ORDER BY ${x} DESC)` : `mode(${x})`),
  },
  percentile_approx: approxPercentile("percentile_approx"),
  approx_percentile: approxPercentile("approx_percentile"),
};

/** Whether a value of `type` fits an argument of kind `kind` (null fits all: Spark casts NULL). */
export function fitsAggArg(kind: AggArg, type: DataType): boolean {
  if (type === "null") return true;
  switch (kind) {
    case "number":
      return isNumeric(type);
    case "boolean":
      return type === "boolean";
    case "ordered":
      return isOrderable(type);
    case "numberOrDate":
      return isNumeric(type) || type === "date";
    case "numberOrInterval":
      return isNumeric(type) || intervalOf(type) !== null;
    case "value":
      return true;
  }
}

const EXPECTED: Record<AggArg, string> = {
  number: "a number. Use cast() to convert it",
  boolean: "a boolean. Compare it to get one (col(\"x\") > 0)",
  ordered: "a value that orders (numbers, strings, dates, booleans, arrays and structs of them; not maps); cast it first",
  numberOrDate: "a number or a date. Use cast() to convert it",
  numberOrInterval: "a number or an interval. Use cast() to convert it",
  value: "a value",
};

/** Why an argument does not fit, as the message of an AnalysisError. */
export function aggArgMismatch(call: string, position: number, arg: string, type: DataType, kind: AggArg): string {
  return `${call}: argument ${position} (${arg}) is ${type}, expected ${EXPECTED[kind]}.`;
}
