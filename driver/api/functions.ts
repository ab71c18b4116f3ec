/**
 * Functions over columns, as in `pyspark.sql.functions`. A string argument names a column
 * (like PySpark); use lit() for a string value.
 */
import { call, column, literal, unary, type AggFn, type Expr, type ScalarFn } from "../../shared/plan/expr.ts";
import type { Scalar } from "../../shared/plan/types.ts";
import { CaseWhenColumn, Column, toExpr, type ColumnLike } from "./column.ts";

export type ColumnOrName = Column | string;

export function col(name: string): Column {
  if (typeof name !== "string" || name === "") throw new Error("col() needs a column name.");
  return new Column(column(name));
}

export function lit(value: Scalar): Column {
  return new Column(literal(value));
}

export function asColumn(c: ColumnOrName): Column {
  return typeof c === "string" ? col(c) : c;
}

/** Marks a DataFrame to be broadcast in a join (Spark's broadcast(df)); see DataFrame.hint. */
export function broadcast<T extends { hint(name: "broadcast"): T }>(df: T): T {
  return df.hint("broadcast");
}

export function when(condition: Column, value: ColumnLike): CaseWhenColumn {
  return new CaseWhenColumn([{ when: condition.expr, then: toExpr(value) }]);
}

export function not(c: Column): Column {
  return new Column(unary("not", c.expr));
}

const fn = (name: ScalarFn, ...args: Expr[]) => new Column(call(name, args));

export const upper = (c: ColumnOrName) => fn("upper", asColumn(c).expr);
export const lower = (c: ColumnOrName) => fn("lower", asColumn(c).expr);
export const length = (c: ColumnOrName) => fn("length", asColumn(c).expr);
export const trim = (c: ColumnOrName) => fn("trim", asColumn(c).expr);
export const substring = (c: ColumnOrName, pos: number, len: number) => fn("substring", asColumn(c).expr, literal(pos), literal(len));
export const concat = (...cs: ColumnOrName[]) => fn("concat", ...cs.map((c) => asColumn(c).expr));
export const coalesce = (...cs: ColumnOrName[]) => fn("coalesce", ...cs.map((c) => asColumn(c).expr));
/** Splits around matches of a regular expression (Spark's split); `limit` > 0 caps the parts. */
export const split = (c: ColumnOrName, pattern: string, limit = -1) => fn("split", asColumn(c).expr, literal(pattern), literal(limit));
/** Number of elements of an array column (-1 for null, as Spark by default). */
export const size = (c: ColumnOrName) => fn("size", asColumn(c).expr);
export const to_date = (c: ColumnOrName) => fn("to_date", asColumn(c).expr);
export const year = (c: ColumnOrName) => fn("year", asColumn(c).expr);
export const month = (c: ColumnOrName) => fn("month", asColumn(c).expr);

/** A uniformly distributed double in [0, 1); each partition draws from seed + partition index. */
export function rand(seed?: number): Column {
  return new Column({ kind: "rand", seed: seed ?? Math.floor(Math.random() * 2 ** 31) });
}

const agg = (name: AggFn, c: ColumnOrName | null) => new Column({ kind: "agg", fn: name, arg: c === null ? null : asColumn(c).expr });

export const sum = (c: ColumnOrName) => agg("sum", c);
export const avg = (c: ColumnOrName) => agg("avg", c);
export const mean = avg;
export const min = (c: ColumnOrName) => agg("min", c);
export const max = (c: ColumnOrName) => agg("max", c);
/** count("*") counts rows; count(col) counts non-null values. */
export const count = (c: ColumnOrName) => agg("count", c === "*" ? null : c);
export const countDistinct = (c: ColumnOrName) => agg("countDistinct", c);
/** The first value of a group (which row is first depends on partitioning, as in Spark). */
export const first = (c: ColumnOrName) => agg("first", c);
