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
 *   - collect_list/collect_set skip nulls and give an array, [] (not null) for an empty group.
 */
import type { DataType } from "../types.ts";
import { isNumeric } from "../types.ts";
import type { AggFn } from "../expr.ts";

/** What an argument must be: a number, a boolean, a value that orders (not `any`), or anything. */
export type AggArg = "number" | "boolean" | "ordered" | "value";

export interface AggDef {
  /** Kinds of the arguments, in Spark's order (its length is the arity). */
  readonly args: readonly AggArg[];
  /** The result type from the arguments' types, or a message saying why they do not fit. */
  readonly result: (args: readonly DataType[]) => DataType | { readonly refused: string };
  readonly nullable: boolean;
  /** Takes Spark's ignoreNulls option (first(col, ignorenulls)). */
  readonly ignoreNulls?: true;
}

const double = () => "double" as const;
const sumType = (args: readonly DataType[]) => (args[0] === "double" ? "double" : "long");
const same = (args: readonly DataType[]) => args[0]!;

const moment: AggDef = { args: ["number"], result: double, nullable: true };
const comoment: AggDef = { args: ["number", "number"], result: double, nullable: true };
const boolean: AggDef = { args: ["boolean"], result: () => "boolean", nullable: true };
const firstLike: AggDef = { args: ["value"], result: same, nullable: true, ignoreNulls: true };
const by: AggDef = { args: ["value", "ordered"], result: same, nullable: true };
/** sparkfn's one array type is array<string> (types.ts): other element types wait for array<T> of issue 15. */
const collect: AggDef = {
  args: ["value"],
  result: ([t]) =>
    t === "string" || t === "null"
      ? "array"
      : { refused: `the values are ${t}, and sparkfn's arrays hold strings until array<T> comes with the nested types of issue 15; collect the values cast("string")` },
  nullable: false,
};

export const AGG_FUNCTIONS: Record<AggFn, AggDef> = {
  sum: { args: ["number"], result: sumType, nullable: true },
  count: { args: ["value"], result: () => "long", nullable: false },
  avg: { args: ["number"], result: double, nullable: true },
  min: { args: ["value"], result: same, nullable: true },
  max: { args: ["value"], result: same, nullable: true },
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
  sum_distinct: { args: ["number"], result: sumType, nullable: true },
  collect_list: collect,
  collect_set: collect,
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
      return type !== "any";
    case "value":
      return true;
  }
}

const EXPECTED: Record<AggArg, string> = {
  number: "a number. Use cast() to convert it",
  boolean: "a boolean. Compare it to get one (col(\"x\") > 0)",
  ordered: "a value that orders (numbers, strings, dates, booleans); cast it first",
  value: "a value",
};

/** Why an argument does not fit, as the message of an AnalysisError. */
export function aggArgMismatch(call: string, position: number, arg: string, type: DataType, kind: AggArg): string {
  return `${call}: argument ${position} (${arg}) is ${type}, expected ${EXPECTED[kind]}.`;
}
