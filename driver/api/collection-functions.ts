/**
 * Functions over arrays and structs and the explode family, as in `pyspark.sql.functions`
 * (semantics: shared/plan/functions/arrays.ts and shared/plan/generators.ts). A string argument
 * names a column; values are lit()'s.
 */
import { call, literal, type Expr, type GeneratorFn, type ScalarFn } from "../../shared/plan/expr.ts";
import type { Scalar } from "../../shared/plan/types.ts";
import { Column, toExpr } from "./column.ts";
import { asColumn, type ColumnOrName } from "./functions.ts";

const fn = (name: ScalarFn, ...args: Expr[]) => new Column(call(name, args));
const columns = (cs: readonly ColumnOrName[]) => cs.map((c) => asColumn(c).expr);
/** A value argument (array_contains's, array_position's): a Column, or a literal value. */
const value = (v: Column | Scalar) => toExpr(v);

/** An array of the columns' values (one type, numbers widened). */
export const array = (...cs: ColumnOrName[]) => fn("array", ...columns(cs));
/** A struct of the columns, each field named after its column (or alias; col1, col2, ... for other expressions). */
export const struct = (...cs: ColumnOrName[]) => fn("struct", ...columns(cs));
/** A struct from name, value pairs: `named_struct(lit("a"), col("x"), lit("b"), col("y"))`. */
export const named_struct = (...cs: Column[]) => fn("named_struct", ...cs.map((c) => c.expr));
/** The array's element at a 1-based index (negative: from the end); out of bounds fails with ANSI on. */
export const element_at = (c: ColumnOrName, index: number | Column) => fn("element_at", asColumn(c).expr, toExpr(index));
/** As element_at, but null when out of bounds. */
export const try_element_at = (c: ColumnOrName, index: number | Column) => fn("try_element_at", asColumn(c).expr, toExpr(index));
/** Whether the array holds the value (null when it does not but holds a null). */
export const array_contains = (c: ColumnOrName, v: Column | Scalar) => fn("array_contains", asColumn(c).expr, value(v));
/** The array sorted, nulls first ascending and last descending. */
export const sort_array = (c: ColumnOrName, asc = true) => fn("sort_array", asColumn(c).expr, literal(asc));
export const array_distinct = (c: ColumnOrName) => fn("array_distinct", asColumn(c).expr);
/** An array of arrays as one array (null if any inner array is null). */
export const flatten = (c: ColumnOrName) => fn("flatten", asColumn(c).expr);
export const array_max = (c: ColumnOrName) => fn("array_max", asColumn(c).expr);
export const array_min = (c: ColumnOrName) => fn("array_min", asColumn(c).expr);
/** The 1-based position of the value's first occurrence, 0 if none. */
export const array_position = (c: ColumnOrName, v: Column | Scalar) => fn("array_position", asColumn(c).expr, value(v));
export const array_remove = (c: ColumnOrName, v: Column | Scalar) => fn("array_remove", asColumn(c).expr, value(v));
/** `length` elements from the 1-based `start` (negative: from the end). */
export const slice = (c: ColumnOrName, start: number | Column, length: number | Column) => fn("slice", asColumn(c).expr, toExpr(start), toExpr(length));
/** The strings joined by the delimiter; nulls skipped, or replaced when `nullReplacement` is given. */
export const array_join = (c: ColumnOrName, delimiter: string, nullReplacement?: string) =>
  fn("array_join", asColumn(c).expr, literal(delimiter), ...(nullReplacement === undefined ? [] : [literal(nullReplacement)]));

/** A map from key, value pairs: `create_map(lit("a"), col("x"), lit("b"), col("y"))`; a null or repeated key fails, as Spark 4's default. */
export const create_map = (...cs: ColumnOrName[]) => fn("map", ...columns(cs));
/** A map from an array of keys and an array of values of one length. */
export const map_from_arrays = (keys: ColumnOrName, values: ColumnOrName) => fn("map_from_arrays", asColumn(keys).expr, asColumn(values).expr);
export const map_keys = (c: ColumnOrName) => fn("map_keys", asColumn(c).expr);
export const map_values = (c: ColumnOrName) => fn("map_values", asColumn(c).expr);
/** The entries as an array of structs (key, value). */
export const map_entries = (c: ColumnOrName) => fn("map_entries", asColumn(c).expr);
export const map_contains_key = (c: ColumnOrName, key: Column | Scalar) => fn("map_contains_key", asColumn(c).expr, value(key));

const generator = (name: GeneratorFn, outer: boolean) => (c: ColumnOrName) => new Column({ kind: "generator", fn: name, arg: asColumn(c).expr, outer });

/** A row per element of the array (column `col`) or entry of the map (`key`, `value`); a null or empty one gives no row. */
export const explode = generator("explode", false);
/** As explode, but a null or empty array gives one row with null. */
export const explode_outer = generator("explode", true);
/** A row per element with its 0-based position (columns `pos`, `col`). */
export const posexplode = generator("posexplode", false);
export const posexplode_outer = generator("posexplode", true);
/** A row per struct of an array of structs, a column per field. */
export const inline = generator("inline", false);
export const inline_outer = generator("inline", true);
