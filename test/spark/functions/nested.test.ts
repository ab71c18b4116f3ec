/**
 * Arrays and structs (shared/plan/functions/arrays.ts, casts of nested types in casts.ts, the
 * explode family in generators.ts) against real Spark 4: empty and null arrays, null
 * elements, NaN and -0.0 elements, emoji strings, nested arrays, null structs and fields,
 * indexes at 0, negative and out of bounds, with ANSI on (Spark 4's default) and off.
 * Generators change the row count, so they are compared as whole queries (chain-differential.ts).
 */
import { describe, it } from "vitest";
import {
  array, array_contains, array_distinct, array_join, array_max, array_min, array_position, array_remove, col, element_at, explode, explode_outer, flatten, hash, inline,
  inline_outer, lit, named_struct, posexplode, posexplode_outer, size, slice, sort_array, struct, try_element_at, xxhash64, type Column,
  create_map, map_contains_key, map_entries, map_from_arrays, map_keys, map_values, transform_keys,
} from "sparkfn";
import { useDifferential, type Check } from "../../support/spark-differential.ts";
import { chainCase, useChainDifferential } from "../../support/chain-differential.ts";
import type { Value } from "../../../shared/plan/types.ts";

const SCHEMA = "a ARRAY<INT>, d ARRAY<DOUBLE>, s ARRAY<STRING>, n ARRAY<ARRAY<INT>>, st STRUCT<x: INT, y: STRING>, i INT, v INT";
/** Rows as sparkfn holds them: an array is its elements, a struct its fields' values in order. */
const ROWS: Value[][] = [
  [[1, 2, 3], [1.5, NaN, -0, 0, null], ["b", "a", null], [[1, 2], [3]], [1, "x"], 1, 1],
  [[], [], [], [], [null, null], 0, 2],
  [null, null, null, null, null, -1, null],
  [[3, null, 1], [Infinity, -Infinity, NaN, NaN], ["😀", "é", "e", "é"], [[1], null], [3, "é"], 5, 3],
  [[2, 2, 1, 1], [2.5, -0, 2.5], ["", "", "a,b"], [[]], [-7, ""], null, null],
  [[-5], [null], [null, "z"], [null, [4, 5]], [0, null], -2, -5],
  [[7, 8, 9, 10], [1e300, -1e-300], ["x"], [[1, 2], [], [3, null]], [2147483647, "long string value"], 3, 9],
];
const TABLE = { schema: SCHEMA, rows: ROWS };
const check = (sql: string, column: Column): Check => ({ sql, column });

const ACCESS: Check[] = [
  check("size(a)", size("a")),
  check("size(s)", size("s")),
  check("size(n)", size("n")),
  check("element_at(a, i)", element_at("a", col("i"))),
  check("element_at(s, -1)", element_at("s", -1)),
  check("try_element_at(a, i)", try_element_at("a", col("i"))),
  check("a[i]", col("a").getItem(col("i"))),
  check("n[0]", col("n").getItem(0)),
  check("st.x", col("st.x")),
  check("st.y", col("st").getField("y")),
  check("struct(i, v)", struct("i", "v")),
  check("named_struct('p', i, 'q', s)", named_struct(lit("p"), col("i"), lit("q"), col("s"))),
  check("array(i, v)", array("i", "v")),
  check("array(i, 2.5D)", array(col("i"), lit(2.5))),
  check("array(st, st)", array("st", "st")),
];

const SEARCH: Check[] = [
  check("array_contains(a, v)", array_contains("a", col("v"))),
  check("array_contains(s, 'a')", array_contains("s", "a")),
  check("array_contains(d, 2.5D)", array_contains("d", 2.5)),
  check("array_contains(d, 0.0D)", array_contains("d", lit(0).cast("double"))),
  check("array_position(a, v)", array_position("a", col("v"))),
  check("array_position(s, 'é')", array_position("s", "é")),
  check("array_remove(a, v)", array_remove("a", col("v"))),
  check("array_remove(d, 2.5D)", array_remove("d", 2.5)),
  check("array_contains(s, 1)", array_contains("s", 1)),
];

const REARRANGE: Check[] = [
  check("sort_array(a)", sort_array("a")),
  check("sort_array(a, false)", sort_array("a", false)),
  check("sort_array(d)", sort_array("d")),
  check("sort_array(s, false)", sort_array("s", false)),
  check("array_distinct(a)", array_distinct("a")),
  check("array_distinct(d)", array_distinct("d")),
  check("array_distinct(s)", array_distinct("s")),
  check("flatten(n)", flatten("n")),
  check("array_max(a)", array_max("a")),
  check("array_min(d)", array_min("d")),
  check("array_max(d)", array_max("d")),
  check("array_max(s)", array_max("s")),
  check("slice(a, 2, 2)", slice("a", 2, 2)),
  check("slice(a, -2, 5)", slice("a", -2, 5)),
  check("slice(s, i, 2)", slice("s", col("i"), 2)),
  check("slice(a, 1, v)", slice("a", 1, col("v"))),
  check("array_join(s, ',')", array_join("s", ",")),
  check("array_join(s, '-', 'N')", array_join("s", "-", "N")),
];

const CASTS: Check[] = [
  check("CAST(a AS STRING)", col("a").cast("string")),
  check("CAST(d AS STRING)", col("d").cast("string")),
  check("CAST(s AS STRING)", col("s").cast("string")),
  check("CAST(n AS STRING)", col("n").cast("string")),
  check("CAST(st AS STRING)", col("st").cast("string")),
  check("CAST(a AS ARRAY<STRING>)", col("a").cast("array<string>")),
  check("CAST(a AS ARRAY<DOUBLE>)", col("a").cast("array<double>")),
  check("CAST(s AS ARRAY<INT>)", col("s").cast("array<int>")),
  check("TRY_CAST(s AS ARRAY<INT>)", col("s").try_cast("array<int>")),
  check("CAST(st AS STRUCT<x: STRING, y: STRING>)", col("st").cast("struct<x: string, y: string>")),
  check("CAST(n AS ARRAY<ARRAY<BIGINT>>)", col("n").cast("array<array<bigint>>")),
  check("CAST(a AS INT)", col("a").cast("int")),
];

const HASHES: Check[] = [
  check("hash(a)", hash("a")),
  check("hash(s, st)", hash("s", "st")),
  check("hash(n)", hash("n")),
  check("xxhash64(a)", xxhash64("a")),
  check("xxhash64(st, d)", xxhash64("st", "d")),
];

/**
 * Maps are [keys, values] as sparkfn holds them. PySpark builds an input map from a Python dict
 * through a Java HashMap, which keeps no order: a map of several entries here has keys whose
 * hash order is their order (a, b), so both sides start from the same map.
 */
const MAPS = {
  schema: "m MAP<STRING, INT>, k STRING, ks ARRAY<STRING>, vs ARRAY<INT>",
  rows: [
    [[["a", "b"], [1, null]], "a", ["x", "y"], [1, 2]],
    [[[], []], "b", [], []],
    [null, null, null, null],
    [[["😀"], [4]], "😀", ["p", "p"], [1, 2]],
    [[["a", "b", "c"], [3, null, -4]], "c", ["é", "a"], [7, 8]],
    [[["a"], [5]], "z", ["q", null], [1, 2]],
    [[["x"], [-1]], "x", ["a"], [1, 2]],
  ] as Value[][],
};

const MAP_CHECKS: Check[] = [
  check("size(m)", size("m")),
  check("map_keys(m)", map_keys("m")),
  check("map_values(m)", map_values("m")),
  check("map_entries(m)", map_entries("m")),
  check("element_at(m, k)", element_at("m", col("k"))),
  check("try_element_at(m, k)", try_element_at("m", col("k"))),
  check("m[k]", col("m").getItem(col("k"))),
  check("map_contains_key(m, k)", map_contains_key("m", col("k"))),
  check("map_contains_key(m, 'a')", map_contains_key("m", "a")),
  check("CAST(m AS STRING)", col("m").cast("string")),
  check("CAST(m AS MAP<STRING, STRING>)", col("m").cast("map<string,string>")),
  check("CAST(m AS MAP<STRING, BOOLEAN>)", col("m").cast("map<string,boolean>")),
  check("map('x', 1, k, 2)", create_map(lit("x"), lit(1), col("k"), lit(2))),
  check("map(k, size(m))", create_map(col("k"), size("m"))),
  check("map_from_arrays(ks, vs)", map_from_arrays("ks", "vs")),
  check("map(1, k)", create_map(lit(1), col("k"))),
  check("hash(m)", hash("m")),
];

describe("map functions agree with Spark", () => {
  for (const ansi of [true, false]) {
    describe(ansi ? "with ANSI on (Spark 4's default)" : "with spark.sql.ansi.enabled = false", () => {
      const spark = useDifferential(ansi ? undefined : { "spark.sql.ansi.enabled": "false" });
      it("map, map_from_arrays (null and repeated keys fail), lookups, keys, values, entries, casts", () => spark.agree(MAPS, MAP_CHECKS));
    });
  }
});

/** With LAST_WIN a repeated key keeps its last value at its first place; map_entries shows that order (collected maps go through a HashMap). */
const LAST_WIN_CHECKS: Check[] = [
  check("map_entries(map('x', 1, k, 2))", map_entries(create_map(lit("x"), lit(1), col("k"), lit(2)))),
  check("map_entries(map(k, 1, 'a', 2, k, 3))", map_entries(create_map(col("k"), lit(1), lit("a"), lit(2), col("k"), lit(3)))),
  check("map_entries(map_from_arrays(ks, vs))", map_entries(map_from_arrays("ks", "vs"))),
  check("map_entries(transform_keys(m, (key, v) -> 'same'))", map_entries(transform_keys("m", () => lit("same")))),
  check("map_from_arrays(array(k, NULL), vs)", map_from_arrays(array(col("k"), lit(null)), "vs")),
];

describe("maps built with spark.sql.mapKeyDedupPolicy = LAST_WIN agree with Spark", () => {
  const spark = useDifferential({ "spark.sql.mapKeyDedupPolicy": "LAST_WIN" });
  it("a repeated key keeps its last value; a null key still fails", () => spark.agree(MAPS, LAST_WIN_CHECKS));
});

describe("array and struct functions agree with Spark", () => {
  for (const ansi of [true, false]) {
    describe(ansi ? "with ANSI on (Spark 4's default)" : "with spark.sql.ansi.enabled = false", () => {
      const spark = useDifferential(ansi ? undefined : { "spark.sql.ansi.enabled": "false" });
      it("size, element_at, try_element_at, getItem, fields of structs, array(), struct(), named_struct()", () => spark.agree(TABLE, ACCESS));
      it("array_contains, array_position, array_remove: NaN and -0.0 elements, null elements and values, mismatched types", () => spark.agree(TABLE, SEARCH));
      it("sort_array, array_distinct, flatten, array_max/min, slice, array_join", () => spark.agree(TABLE, REARRANGE));
      it("casts of arrays and structs to strings and to other element types", () => spark.agree(TABLE, CASTS));
      it("hash and xxhash64 of arrays and structs", () => spark.agree(TABLE, HASHES));
    });
  }
});

describe("the explode family agrees with Spark", () => {
  const { agree } = useChainDifferential("spark-differential-nested", { df: { schema: `id INT, ${SCHEMA}`, rows: ROWS.map((r, k) => [k, ...r]) } });
  const xs = (...names: string[]) => ["selectExpr", names] as const;
  it("explode, posexplode, inline and their outer forms, with aliases and beside other columns", () =>
    agree([
      chainCase("explode", (df) => df.select("id", explode("a")), ["selectExpr", ["id", "explode(a)"]]),
      chainCase("explode alias", (df) => df.select("id", explode("s").alias("word")), ["selectExpr", ["id", "explode(s) AS word"]]),
      chainCase("explode_outer", (df) => df.select("id", explode_outer("a")), ["selectExpr", ["id", "explode_outer(a)"]]),
      chainCase("explode nested", (df) => df.select("id", explode("n").alias("inner")), ["selectExpr", ["id", "explode(n) AS inner"]]),
      chainCase("posexplode", (df) => df.select(posexplode("d"), col("id")), ["selectExpr", ["posexplode(d)", "id"]]),
      chainCase("posexplode aliases", (df) => df.select("id", posexplode("s").alias("p", "w")), ["selectExpr", ["id", "posexplode(s) AS (p, w)"]]),
      chainCase("posexplode_outer", (df) => df.select("id", posexplode_outer("s")), ["selectExpr", ["id", "posexplode_outer(s)"]]),
      chainCase("inline", (df) => df.select("id", inline(array("st", "st"))), ["selectExpr", ["id", "inline(array(st, st))"]]),
      chainCase("inline_outer", (df) => df.select("id", inline_outer(array("st"))), ["selectExpr", ["id", "inline_outer(array(st))"]]),
      chainCase("withColumn explode", (df) => df.withColumn("a", explode("a")).select("id", "a"), ["withColumn", ["a", { $expr: "explode(a)" }]], xs("id", "a")),
      chainCase("explode then aggregate", (df) => df.select("id", explode("a").alias("e")).groupBy("e").count(), ["selectExpr", ["id", "explode(a) AS e"]], ["groupBy", ["e"]], ["count", []]),
      chainCase("two generators: every combination", (df) => df.select(explode("a").alias("x"), explode("s").alias("y")), ["selectExpr", ["explode(a) AS x", "explode(s) AS y"]]),
      chainCase("a generator nested in an expression is refused", (df) => df.select(size(array(explode("a")))), ["selectExpr", ["size(array(explode(a)))"]]),
    ]));
});

describe("the explode family over maps agrees with Spark", () => {
  const { agree } = useChainDifferential("spark-differential-maps", { df: { schema: `id INT, ${MAPS.schema}`, rows: MAPS.rows.map((r, i) => [i, ...r]) } });
  it("explode and posexplode of a map give key and value (and pos)", () =>
    agree([
      chainCase("explode map", (df) => df.select("id", explode("m")), ["selectExpr", ["id", "explode(m)"]]),
      chainCase("explode_outer map", (df) => df.select("id", explode_outer("m")), ["selectExpr", ["id", "explode_outer(m)"]]),
      chainCase("posexplode map", (df) => df.select("id", posexplode("m").alias("p", "kk", "vv")), ["selectExpr", ["id", "posexplode(m) AS (p, kk, vv)"]]),
      // SQL's multi-alias on both sides.
      chainCase("posexplode map AS (...) in SQL", (df) => df.selectExpr("id", "posexplode(m) AS (p, kk, vv)"), ["selectExpr", ["id", "posexplode(m) AS (p, kk, vv)"]]),
    ]));
});
