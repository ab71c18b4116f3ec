/**
 * Higher-order functions (shared/plan/functions/higher-order.ts, evaluated inline by
 * executor-fn/compile/vector-lambdas.ts) against real Spark 4: transform, filter, exists,
 * forall, aggregate/reduce, zip_with, array_sort, map_filter, transform_keys and
 * transform_values over null and empty arrays and maps, null elements, NaN, nested arrays,
 * structs, lambdas that read columns, nested lambdas and shadowed names, failing bodies, and
 * the refusals (wrong arity, a non-boolean predicate, a merge of another type). Each is
 * checked twice on sparkfn's side: built with the DataFrame API (a JavaScript function for
 * the lambda) and parsed from the same SQL text by expr(); Spark runs the SQL text.
 */
import { describe, it } from "vitest";
import {
  aggregate, array_sort, col, exists, expr, filter, forall, lit, map_filter, reduce, size, transform, transform_keys, transform_values, when, zip_with,
  coalesce, concat, map_entries, element_at, isnan, length, upper, type Column,
} from "sparkfn";
import { useDifferential, type Check } from "../../support/spark-differential.ts";
import type { Value } from "../../../shared/plan/types.ts";

const SCHEMA = "a ARRAY<INT>, d ARRAY<DOUBLE>, s ARRAY<STRING>, n ARRAY<ARRAY<INT>>, st ARRAY<STRUCT<x: INT, y: STRING>>, i INT, z INT";
const ROWS: Value[][] = [
  [[1, 2, 3], [1.5, NaN, -0, null], ["b", "a", null], [[1, 2], [3]], [[1, "p"], [2, null]], 1, 0],
  [[], [], [], [], [], 0, 1],
  [null, null, null, null, null, -1, null],
  [[3, null, 1], [Infinity, -Infinity, NaN], ["😀", "é", "e"], [[1], null], [null, [3, "é"]], 5, 2],
  [[2, 2, 1, 1], [2.5, -0, 2.5], ["", "", "a,b"], [[]], [[-7, ""]], null, 3],
  [[-5, 2147483647], [null], [null, "z"], [null, [4, 5]], [[0, null]], -2, 0],
  [[7, 8, 9, 10], [1e300, -1e-300], ["x"], [[1, 2], [], [3, null]], [[2147483647, "long"]], 3, 5],
];
const TABLE = { schema: SCHEMA, rows: ROWS };

/** The SQL text as Spark runs it, checked through the DataFrame API and through expr() of the same text. */
const both = (sql: string, column: Column): Check[] => [
  { sql, column },
  { sql, column: expr(sql) },
];

const TRANSFORM: Check[] = [
  ...both("transform(a, x -> x + 1)", transform("a", (x) => x.plus(1))),
  ...both("transform(a, (x, k) -> x * k)", transform("a", (x, k) => x.multiply(k))),
  ...both("transform(a, x -> x + i)", transform("a", (x) => x.plus(col("i")))),
  ...both("transform(a, x -> x + 2147483647)", transform("a", (x) => x.plus(2147483647))),
  ...both("transform(a, x -> x / z)", transform("a", (x) => x.divide(col("z")))),
  ...both("transform(d, x -> x * 2D)", transform("d", (x) => x.multiply(2.0))),
  ...both("transform(d, x -> x IS NULL)", transform("d", (x) => x.isNull())),
  ...both("transform(s, x -> upper(x))", transform("s", (x) => upper(x))),
  ...both("transform(s, (x, k) -> concat(x, CAST(k AS STRING)))", transform("s", (x, k) => concat(x, k.cast("string")))),
  ...both("transform(n, x -> size(x))", transform("n", (x) => size(x))),
  ...both("transform(n, x -> transform(x, y -> y + size(x)))", transform("n", (x) => transform(x, (y) => y.plus(size(x))))),
  ...both("transform(a, x -> transform(a, y -> x * 10 + y))", transform("a", (x) => transform("a", (y) => x.multiply(10).plus(y)))),
  ...both("transform(st, e -> e.x + 1)", transform("st", (e) => e.getField("x").plus(1))),
  ...both("transform(st, e -> e.y)", transform("st", (e) => e.getField("y"))),
  ...both("transform(a, x -> CASE WHEN x > 1 THEN 'big' ELSE 'small' END)", transform("a", (x) => when(x.gt(1), "big").otherwise("small"))),
  ...both("transform(a, x -> element_at(a, 1))", transform("a", () => element_at("a", 1))),
  // A name of the table's inside a lambda that declares it: the variable wins.
  { sql: "transform(a, i -> i * 2)", column: expr("transform(a, i -> i * 2)") },
  // A lambda's variable shadows an outer lambda's of the same name.
  { sql: "transform(a, x -> transform(array(10), x -> x + 1))", column: expr("transform(a, x -> transform(array(10), x -> x + 1))") },
];

const PREDICATES: Check[] = [
  ...both("filter(a, x -> x > 1)", filter("a", (x) => x.gt(1))),
  ...both("filter(a, (x, k) -> k > 0)", filter("a", (x, k) => k.gt(0))),
  ...both("filter(d, x -> isnan(x))", filter("d", (x) => isnan(x))),
  ...both("filter(s, x -> x IS NOT NULL)", filter("s", (x) => x.isNotNull())),
  ...both("filter(n, x -> size(x) > 1)", filter("n", (x) => size(x).gt(1))),
  ...both("exists(a, x -> x > 2)", exists("a", (x) => x.gt(2))),
  ...both("exists(a, x -> x > i)", exists("a", (x) => x.gt(col("i")))),
  ...both("exists(d, x -> x = 0D)", exists("d", (x) => x.equalTo(lit(0).cast("double")))),
  ...both("forall(a, x -> x > 0)", forall("a", (x) => x.gt(0))),
  ...both("forall(s, x -> x != '')", forall("s", (x) => x.notEqual(""))),
  // exists stops at the first true element, forall at the first false one: the rest never run.
  ...both("exists(a, x -> 10 / x > 1)", exists("a", (x) => lit(10).divide(x).gt(1))),
  ...both("forall(a, x -> 10 / (x - 1) > 0)", forall("a", (x) => lit(10).divide(x.minus(1)).gt(0))),
  ...both("filter(a, x -> x)", filter("a", (x) => x)),
  ...both("exists(a, x -> 1)", exists("a", () => lit(1))),
];

const FOLDS: Check[] = [
  ...both("aggregate(a, 0, (acc, x) -> acc + x)", aggregate("a", lit(0), (acc, x) => acc.plus(x))),
  ...both("aggregate(a, 0L, (acc, x) -> acc + x)", aggregate("a", lit(0).cast("bigint"), (acc, x) => acc.plus(x))),
  ...both("aggregate(a, 0, (acc, x) -> acc + x, acc -> acc * 10)", aggregate("a", lit(0), (acc, x) => acc.plus(x), (acc) => acc.multiply(10))),
  ...both("aggregate(a, i, (acc, x) -> acc + coalesce(x, 0))", aggregate("a", col("i"), (acc, x) => acc.plus(coalesce(x, lit(0))))),
  ...both("reduce(d, 0D, (acc, x) -> acc + x)", reduce("d", lit(0.0).cast("double"), (acc, x) => acc.plus(x))),
  ...both("aggregate(s, '', (acc, x) -> concat(acc, x))", aggregate("s", lit(""), (acc, x) => concat(acc, x))),
  ...both("aggregate(n, 0, (acc, x) -> acc + size(x))", aggregate("n", lit(0), (acc, x) => acc.plus(size(x)))),
  ...both("aggregate(a, 0, (acc, x) -> acc + x, acc -> CAST(acc AS STRING))", aggregate("a", lit(0), (acc, x) => acc.plus(x), (acc) => acc.cast("string"))),
  ...both("aggregate(a, 0, (acc, x) -> acc + x * 1000000)", aggregate("a", lit(0), (acc, x) => acc.plus(x.multiply(1000000)))),
  // The merge must keep the zero's type: an int zero beside doubles is refused.
  ...both("aggregate(d, 0, (acc, x) -> acc + x)", aggregate("d", lit(0), (acc, x) => acc.plus(x))),
  ...both("zip_with(a, s, (x, y) -> concat(CAST(x AS STRING), y))", zip_with("a", "s", (x, y) => concat(x.cast("string"), y))),
  ...both("zip_with(a, d, (x, y) -> x + y)", zip_with("a", "d", (x, y) => x.plus(y))),
  ...both("zip_with(n, a, (x, y) -> size(x) + y)", zip_with("n", "a", (x, y) => size(x).plus(y))),
  ...both("array_sort(a)", array_sort("a")),
  ...both("array_sort(s)", array_sort("s")),
  ...both("array_sort(d)", array_sort("d")),
  ...both("array_sort(n)", array_sort("n")),
  ...both(
    "array_sort(a, (l, r) -> CASE WHEN l IS NULL THEN 1 WHEN r IS NULL THEN -1 WHEN l < r THEN 1 WHEN l > r THEN -1 ELSE 0 END)",
    array_sort("a", (l, r) => when(l.isNull(), 1).when(r.isNull(), -1).when(l.lt(r), 1).when(l.gt(r), -1).otherwise(0)),
  ),
  ...both(
    "array_sort(s, (l, r) -> CASE WHEN length(l) < length(r) THEN -1 WHEN length(l) > length(r) THEN 1 ELSE 0 END)",
    array_sort("s", (l, r) => when(length(l).lt(length(r)), -1).when(length(l).gt(length(r)), 1).otherwise(0)),
  ),
  // A comparator that gives null (r - l of a null element) fails: COMPARATOR_RETURNS_NULL.
  ...both("array_sort(a, (l, r) -> r - l)", array_sort("a", (l, r) => r.minus(l))),
];

/** Maps are [keys, values] as sparkfn holds them (see nested.test.ts on map order). */
const MAPS = {
  schema: "m MAP<STRING, INT>, k STRING",
  rows: [
    [[["a", "b"], [1, null]], "a"],
    [[[], []], "b"],
    [null, null],
    [[["😀"], [4]], "😀"],
    [[["a", "b", "c"], [3, null, -4]], "c"],
  ] as Value[][],
};

const MAP_CHECKS: Check[] = [
  ...both("map_filter(m, (key, v) -> v > 0)", map_filter("m", (_key, v) => v.gt(0))),
  ...both("map_filter(m, (key, v) -> key = k)", map_filter("m", (key) => key.equalTo(col("k")))),
  ...both("map_filter(m, (key, v) -> v IS NULL)", map_filter("m", (_key, v) => v.isNull())),
  ...both("transform_values(m, (key, v) -> v * 2)", transform_values("m", (_key, v) => v.multiply(2))),
  ...both("transform_values(m, (key, v) -> concat(key, CAST(v AS STRING)))", transform_values("m", (key, v) => concat(key, v.cast("string")))),
  ...both("transform_keys(m, (key, v) -> upper(key))", transform_keys("m", (key) => upper(key))),
  // Maps collected by PySpark become Python dicts through a Java HashMap, in hash order: map_entries shows the order the map has.
  ...both("map_entries(transform_keys(m, (key, v) -> concat(key, k)))", map_entries(transform_keys("m", (key) => concat(key, col("k"))))),
  ...both("map_entries(map_filter(m, (key, v) -> key != 'b'))", map_entries(map_filter("m", (key) => key.notEqual("b")))),
  // A repeated or null new key fails, as Spark 4's default spark.sql.mapKeyDedupPolicy.
  ...both("transform_keys(m, (key, v) -> 'same')", transform_keys("m", () => lit("same"))),
  ...both("transform_keys(m, (key, v) -> CAST(v AS STRING))", transform_keys("m", (_key, v) => v.cast("string"))),
];

/** Lambdas with a parameter count the function does not give are refused at analysis, as Spark does. */
const REFUSALS: Check[] = [
  { sql: "transform(a, (x, y, w) -> x)", column: expr("transform(a, (x, y, w) -> x)") },
  { sql: "aggregate(a, 0, x -> x)", column: expr("aggregate(a, 0, x -> x)") },
  { sql: "exists(a, (x, y) -> true)", column: expr("exists(a, (x, y) -> true)") },
  { sql: "transform(i, x -> x)", column: expr("transform(i, x -> x)") },
  { sql: "map_filter(a, (key, v) -> true)", column: expr("map_filter(a, (key, v) -> true)") },
  { sql: "array_sort(a, (l, r) -> 1L)", column: expr("array_sort(a, (l, r) -> 1L)") },
];

describe("higher-order functions agree with Spark", () => {
  for (const ansi of [true, false]) {
    describe(ansi ? "with ANSI on (Spark 4's default)" : "with spark.sql.ansi.enabled = false", () => {
      const spark = useDifferential(ansi ? undefined : { "spark.sql.ansi.enabled": "false" });
      it("transform: elements, indexes, columns, nested and shadowing lambdas, struct fields, overflow and division", () => spark.agree(TABLE, TRANSFORM));
      it("filter, exists, forall: three-valued, stopping early, non-boolean predicates refused", () => spark.agree(TABLE, PREDICATES));
      it("aggregate, reduce, zip_with, array_sort with and without a comparator", () => spark.agree(TABLE, FOLDS));
      it("map_filter, transform_keys (null and repeated keys fail), transform_values", () => spark.agree(MAPS, MAP_CHECKS));
      it("lambdas of the wrong arity and arguments of the wrong type are refused", () => spark.agree(TABLE, REFUSALS));
    });
  }
});
