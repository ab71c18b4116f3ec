/**
 * Higher-order functions, as in `pyspark.sql.functions`: a JavaScript function stands for the
 * lambda and is called once, here, with Columns for its variables, to build the lambda's
 * expression (`transform("a", (x) => x.plus(1))`; with two parameters, transform and filter
 * also pass the element's index). Nothing of the JavaScript function reaches an executor.
 * Semantics: shared/plan/functions/higher-order.ts.
 */
import type { Expr } from "../../shared/plan/expr.ts";
import { freshLambdaName, higherOrderCall, type HigherOrderFn } from "../../shared/plan/functions/higher-order.ts";
import { Column, toExpr } from "./column.ts";
import { asColumn, type ColumnOrName } from "./functions.ts";
import type { Scalar } from "../../shared/plan/types.ts";

type Lambda1 = (x: Column) => Column;
type Lambda2 = (x: Column, y: Column) => Column;

/** The lambda `f` builds from fresh variables; `arity`: how many it takes (a function's declared parameters, within what the caller offers). */
function lambda(f: (...vars: Column[]) => Column, hints: readonly string[], arity = hints.length): Expr {
  if (typeof f !== "function") throw new TypeError("A higher-order function needs a function for its lambda, such as (x) => x.plus(1).");
  const names = hints.slice(0, Math.max(1, Math.min(arity, hints.length))).map(freshLambdaName);
  const body = f(...names.map((name) => new Column({ kind: "lambdaVar", name })));
  if (!(body instanceof Column)) throw new TypeError(`The lambda function must return a Column (got ${body === null ? "null" : typeof body}); use lit() for a constant.`);
  return { kind: "lambda", params: names, body: body.expr };
}

const hof = (fn: HigherOrderFn, ...args: Expr[]) => new Column(higherOrderCall(fn, args));

/** Each element through `f` (x, or x and its 0-based index). */
export const transform = (c: ColumnOrName, f: Lambda2) => hof("transform", asColumn(c).expr, lambda(f, ["x", "i"], f.length));
/** The elements for which `f` is true (x, or x and its index). */
export const filter = (c: ColumnOrName, f: Lambda2) => hof("filter", asColumn(c).expr, lambda(f, ["x", "i"], f.length));
/** Whether `f` is true for some element (null if for none, but null for some). */
export const exists = (c: ColumnOrName, f: Lambda1) => hof("exists", asColumn(c).expr, lambda(f, ["x"]));
/** Whether `f` is true for every element (null if false for none, but null for some). */
export const forall = (c: ColumnOrName, f: Lambda1) => hof("forall", asColumn(c).expr, lambda(f, ["x"]));

/** Folds the elements into `initialValue` with `merge(acc, x)`, then applies `finish(acc)`; merge must keep the initial value's type. */
export function aggregate(c: ColumnOrName, initialValue: Column | Scalar, merge: Lambda2, finish?: Lambda1): Column {
  return hof("aggregate", asColumn(c).expr, toExpr(initialValue), lambda(merge, ["acc", "x"]), ...(finish ? [lambda(finish, ["acc"])] : []));
}
/** aggregate() under its other name. */
export function reduce(c: ColumnOrName, initialValue: Column | Scalar, merge: Lambda2, finish?: Lambda1): Column {
  return hof("reduce", asColumn(c).expr, toExpr(initialValue), lambda(merge, ["acc", "x"]), ...(finish ? [lambda(finish, ["acc"])] : []));
}

/** Two arrays merged element by element with `f(x, y)`; the shorter is padded with nulls. */
export const zip_with = (left: ColumnOrName, right: ColumnOrName, f: Lambda2) => hof("zip_with", asColumn(left).expr, asColumn(right).expr, lambda(f, ["x", "y"]));

/** The entries for which `f(key, value)` is true. */
export const map_filter = (c: ColumnOrName, f: Lambda2) => hof("map_filter", asColumn(c).expr, lambda(f, ["k", "v"]));
/** Each key replaced by `f(key, value)`; a null or repeated new key fails. */
export const transform_keys = (c: ColumnOrName, f: Lambda2) => hof("transform_keys", asColumn(c).expr, lambda(f, ["k", "v"]));
/** Each value replaced by `f(key, value)`. */
export const transform_values = (c: ColumnOrName, f: Lambda2) => hof("transform_values", asColumn(c).expr, lambda(f, ["k", "v"]));

/** The array sorted ascending with nulls last, or by `comparator(left, right)`: an int, negative, 0 or positive. */
export const array_sort = (c: ColumnOrName, comparator?: Lambda2) =>
  hof("array_sort", asColumn(c).expr, ...(comparator ? [lambda(comparator, ["left", "right"])] : []));
