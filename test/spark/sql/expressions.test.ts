/**
 * Spark SQL expression text (expr(), selectExpr's items, string filters) against real Spark 4:
 * each check's SQL is evaluated by Spark and, parsed by sparkfn's parser (driver/sql/), by
 * sparkfn; values, types and Spark's refusals must agree. The corpus covers precedence
 * (OR < AND < NOT < predicates < comparisons < + - || < * / % < unary), every predicate form,
 * CASE (searched and simple), CAST and TRY_CAST, typed and suffixed literals, escapes, Spark's
 * function synonyms, and aggregates in a groupBy.
 */
import { describe, expect, it } from "vitest";
import { expr, type DataFrame } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { useDifferential, useGroupedDifferential, type AggCheck, type Check } from "../../support/spark-differential.ts";
import { chainCase, useChainDifferential } from "../../support/chain-differential.ts";

const SCHEMA = "i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, dt DATE";
const ROWS: Value[][] = [
  [1, 10, 1.5, "apple", true, "2024-02-29"],
  [null, 20, -0.5, "Banana", null, null],
  [-3, null, null, "", false, "1999-12-31"],
  [7, -7, 2.25, null, true, "2024-01-01"],
  [0, 0, NaN, "a%b_c", false, "2000-06-15"],
  [2147483647, 4503599627370495, 1e10, "it's", null, "1970-01-01"],
];

const TEXTS = [
  // precedence and associativity
  "i + l * 2", "(i + l) * 2", "i - l - 1", "i / 2 * 3", "i % 4 + 1", "-i * 2", "- -i", "+d", "i + 1 > 2 AND b OR s = 'apple'", "NOT b AND i > 0", "NOT (b AND i > 0)",
  "i > 0 = b", "i = 1 OR i = 7 AND b", "s || 'x' || i", "i BETWEEN 0 AND 7", "i NOT BETWEEN 0 AND 7", "d BETWEEN -1 AND 2 AND b",
  // predicates
  "i IN (1, 7, null)", "i NOT IN (1, 7)", "s IN ('apple', 'Banana')", "i IS NULL", "s IS NOT NULL", "b IS TRUE", "b IS NOT FALSE", "b IS NOT TRUE",
  "s LIKE 'a%'", "s NOT LIKE '%a%'", "s LIKE 'a\\\\%b%'", "s ILIKE 'b%'", "s RLIKE '^[aB]'", "s REGEXP 'n{2}'", "i <=> null", "l != 10", "l <> 20", "i == 1",
  // CASE, CAST, literals
  "CASE WHEN i > 5 THEN 'big' WHEN i > 0 THEN 'small' ELSE 'none' END", "CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", "CASE WHEN b THEN d END",
  "cast(s AS int)", "try_cast(s AS int)", "cast(i AS string)", "cast(d AS bigint)", "cast('2024-01-31' AS date)", "CAST(i AS DOUBLE) / 3",
  "date '2024-03-01'", "timestamp '2024-03-01 10:30:00'", "10L", "1.5D", "1e3", "2147483648", "-2147483648", "'a' 'b'", "'it\\'s'", "\"double quoted\"", "'tab\\there'", "null", "true",
  // functions, synonyms and casts by name
  "upper(s)", "substr(s, 2, 3)", "ceiling(d)", "power(i, 2)", "lcase(s)", "char_length(s)", "round(d, 1)", "coalesce(i, l, 0)", "nvl(s, 'none')", "if(b, 'yes', 'no')",
  "date_add(dt, 30)", "datediff(dt, date '2000-01-01')", "year(dt) * 100 + month(dt)", "concat_ws('-', s, 'z')", "int(d)", "string(i)", "regexp_extract(s, '([a-z]+)', 1)",
  "greatest(i, l)", "abs(i) + abs(d)", "`i` + 1", "sign(d)",
  // refused as Spark refuses them
  "s + 1 > 'x'", "i AND b", "nosuchcolumn + 1",
];

const AGG_TEXTS = ["sum(i)", "count(*)", "count(s)", "count(DISTINCT b)", "sum(DISTINCT l)", "avg(d)", "max(s)", "min(dt)", "first(s, true)", "round(avg(i), 2)", "sum(i) / count(*)", "mean(l)", "std(d)", "collect_list(s)"];

describe("Spark SQL expressions against Spark", () => {
  const spark = useDifferential();
  it("evaluates the expression corpus as Spark does (values, types, refusals)", async () => {
    const checks: Check[] = TEXTS.map((sql) => ({ sql, column: expr(sql) }));
    const report = await spark.agree({ schema: SCHEMA, rows: ROWS }, checks);
    expect(report.compared).toBeGreaterThan(TEXTS.length * 3);
  });
});

describe("Spark SQL aggregate expressions against Spark", () => {
  const grouped = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });
  it("aggregates by SQL text in a groupBy as Spark does", async () => {
    const checks: AggCheck[] = AGG_TEXTS.map((sql) => ({ sql, column: expr(sql), ...(sql.startsWith("collect_") ? { unordered: true } : {}) }));
    await grouped.agree({ schema: SCHEMA, rows: ROWS, groupBy: ["b"] }, checks);
  });
});

describe("selectExpr and string filters against PySpark's own methods", () => {
  const d = useChainDifferential("spark-sql-strings", { df: { schema: SCHEMA, rows: ROWS } });
  const c = chainCase;
  it("selects and filters by SQL text as Spark does", () =>
    d.agree([
      c("selectExpr", (df: DataFrame) => df.selectExpr("i AS first_i", "l * 2 AS twice", "upper(s) shout", "*"), ["selectExpr", ["i AS first_i", "l * 2 AS twice", "upper(s) shout", "*"]]),
      c("filter(text)", (df: DataFrame) => df.filter("i > 0 AND s IS NOT NULL"), ["filter", ["i > 0 AND s IS NOT NULL"]]),
      c("where(text) with a date literal", (df: DataFrame) => df.where("dt >= date '2024-01-01' OR b IS NULL"), ["where", ["dt >= date '2024-01-01' OR b IS NULL"]]),
      c("selectExpr of an aggregate", (df: DataFrame) => df.selectExpr("count(*) AS n", "sum(l)"), ["selectExpr", ["count(*) AS n", "sum(l)"]]),
      c("a syntax error", (df: DataFrame) => df.filter("i >"), ["filter", ["i >"]]),
    ]));
});
