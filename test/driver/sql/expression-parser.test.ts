/**
 * The SQL expression parser (driver/sql/): text becomes the node the Column API builds for the
 * same expression (built here with the Column API), with Spark's precedence; syntax errors
 * are Spark's PARSE_SYNTAX_ERROR with the line, the position and a caret.
 */
import { describe, expect, it } from "vitest";
import { array_contains, avg, coalesce, col, count, countDistinct, element_at, explode, expr, lit, not, posexplode_outer, round, substring, sum, upper, when } from "../../../driver/index.ts";
import { parseNamedExpression } from "../../../driver/sql/parser.ts";

const same = (text: string, column: { expr: unknown }) => expect(expr(text).expr, text).toEqual(column.expr);

describe("SQL expression text", () => {
  it("builds the Column API's nodes, with Spark's precedence", () => {
    same("a + b * 2", col("a").plus(col("b").multiply(2)));
    same("(a + b) * 2", col("a").plus(col("b")).multiply(2));
    same("a - b - c", col("a").minus(col("b")).minus(col("c")));
    same("a > 1 AND b < 2 OR c = 3", col("a").gt(1).and(col("b").lt(2)).or(col("c").equalTo(3)));
    same("a > 1 AND (b < 2 OR c = 3)", col("a").gt(1).and(col("b").lt(2).or(col("c").equalTo(3))));
    same("NOT a AND b", not(col("a")).and(col("b")));
    same("a IS NULL OR b IS NOT NULL", col("a").isNull().or(col("b").isNotNull()));
    same("a <=> b", col("a").eqNullSafe(col("b")));
    same("a != 1", col("a").notEqual(1));
    same("a <> 1", col("a").notEqual(1));
    // Unary minus binds tighter than %: (-a) % 3.
    expect(expr("-a % 3").expr).toEqual({ kind: "binary", op: "mod", left: { kind: "unary", op: "negate", expr: col("a").expr }, right: lit(3).expr });
  });

  it("reads lambda functions: parameters bound by name, innermost first, before columns; exists() beside EXISTS (subquery)", () => {
    const v = (name: string) => ({ kind: "lambdaVar", name });
    expect(expr("transform(a, x -> x + 1)").expr).toEqual({ kind: "call", fn: "transform", args: [col("a").expr, { kind: "lambda", params: ["x"], body: { kind: "binary", op: "add", left: v("x"), right: lit(1).expr } }] });
    // `X` is the parameter x (names are case-insensitive), `b` stays a column, `s.f` a field of the element.
    expect(expr("filter(a, (x, i) -> X > b AND s.f = i)").expr).toEqual({
      kind: "call", fn: "filter",
      args: [col("a").expr, { kind: "lambda", params: ["x", "i"], body: { kind: "binary", op: "and", left: { kind: "binary", op: "gt", left: v("x"), right: col("b").expr }, right: { kind: "binary", op: "eq", left: col("s.f").expr, right: v("i") } } }],
    });
    expect(expr("transform(a, s -> s.f.g)").expr).toMatchObject({ args: [col("a").expr, { body: { kind: "call", fn: "get_field", args: [{ kind: "call", fn: "get_field", args: [v("s"), lit("f").expr] }, lit("g").expr] } }] });
    // The inner x is the inner lambda's; y reads the outer one's.
    const nested = expr("transform(a, x -> transform(x, x -> x + 1))").expr as unknown as { args: [unknown, { body: { args: [unknown, { params: string[]; body: unknown }] } }] };
    expect(nested.args[1].body.args[0]).toEqual(v("x"));
    expect(nested.args[1].body.args[1].body).toEqual({ kind: "binary", op: "add", left: v("x"), right: lit(1).expr });
    // aggregate without a finish gets Spark's identity finish.
    const folded = expr("aggregate(a, 0, (acc, x) -> acc + x)").expr as unknown as { args: { kind: string; params?: string[]; body?: unknown }[] };
    expect(folded.args).toHaveLength(4);
    expect(folded.args[3]!.body).toEqual(v(folded.args[3]!.params![0]!));
    expect(expr("exists(a, x -> x > 1)").expr).toMatchObject({ kind: "call", fn: "exists" });
    expect(() => expr("transform(a, x -> )")).toThrow(/PARSE_SYNTAX_ERROR/);
  });

  it("reads nested types in CAST (>> closing two), array and struct functions, and generators", () => {
    same("CAST(x AS ARRAY<INT>)", col("x").cast("array<int>"));
    same("CAST(x AS STRUCT<a: BIGINT, b STRING, c: ARRAY<ARRAY<DECIMAL(10, 2)>>>)", col("x").cast("struct<a:bigint,b:string,c:array<array<decimal(10,2)>>>"));
    same("element_at(tags, 1)", element_at("tags", 1));
    same("explode(tags)", explode("tags"));
    same("posexplode_outer(tags)", posexplode_outer("tags"));
    // A generator's multi-alias, as Spark SQL writes it; other expressions take one name.
    expect(parseNamedExpression("posexplode_outer(tags) AS (p, t)")).toEqual(posexplode_outer("tags").alias("p", "t").expr);
    expect(() => parseNamedExpression("upper(s) AS (a, b)")).toThrow(/MULTI_ALIAS_WITHOUT_GENERATOR/);
    same("array_contains(tags, 'a')", array_contains("tags", "a"));
    same("tags[0]", col("tags").getItem(0));
    same("m['k'][i + 1]", col("m").getItem("k").getItem(col("i").plus(1)));
  });

  it("reads predicates, CASE, CAST, functions and aggregates as their Column twins", () => {
    same("x IN (1, 2)", col("x").isin(1, 2));
    same("x NOT IN (1, 2)", not(col("x").isin(1, 2)));
    same("x BETWEEN 1 AND 5", col("x").between(1, 5));
    same("s LIKE 'a%'", col("s").like("a%"));
    same("s RLIKE '^a'", col("s").rlike("^a"));
    same("CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END", when(col("x").gt(0), "pos").otherwise("neg"));
    same("CAST(x AS bigint)", col("x").cast("bigint"));
    same("try_cast(s AS int)", col("s").try_cast("int"));
    same("upper(s)", upper("s"));
    // A synonym computes its twin, named as called (Spark's output name).
    same("substr(s, 2, 3)", substring("s", 2, 3).alias("substr(s, 2, 3)"));
    same("coalesce(a, b)", coalesce("a", "b"));
    same("round(avg(x), 2)", round(avg("x"), 2));
    same("count(*)", count("*"));
    same("COUNT(DISTINCT k)", countDistinct("k"));
    same("sum(x) / count(*)", sum("x").divide(count("*")));
    same("t.x + `weird name`", col("t.x").plus(col("weird name")));
    same("date > 1", col("date").gt(1));
  });

  it("types literals as Spark does", () => {
    expect(expr("1").expr).toEqual({ kind: "literal", value: 1, type: "int" });
    expect(expr("2147483648").expr).toEqual({ kind: "literal", value: 2147483648, type: "long" });
    expect(expr("-2147483648").expr).toEqual({ kind: "literal", value: -2147483648, type: "int" });
    expect(expr("7L").expr).toEqual({ kind: "literal", value: 7, type: "long" });
    expect(expr("1.5").expr).toEqual({ kind: "literal", value: "1.5", type: "decimal(2,1)" });
    expect(expr("1.5e0").expr).toEqual({ kind: "literal", value: 1.5, type: "double" });
    expect(expr("'a' 'b'").expr).toEqual(lit("ab").expr);
    expect(expr("'it\\'s\\n'").expr).toEqual(lit("it's\n").expr);
    expect(expr("\"dq\"").expr).toEqual(lit("dq").expr);
    expect(expr("date '2024-01-01'").expr).toEqual(lit("2024-01-01").cast("date").expr);
  });

  it("takes an alias in a select-list item, with or without AS", () => {
    expect(parseNamedExpression("x * 2 AS twice")).toEqual(col("x").multiply(2).alias("twice").expr);
    expect(parseNamedExpression("x twice")).toEqual(col("x").alias("twice").expr);
    expect(parseNamedExpression("*")).toEqual(col("*").expr);
    expect(parseNamedExpression("t.*")).toEqual(col("t.*").expr);
  });

  it("reports a syntax error as Spark does: where, what was expected, and a caret under the spot", () => {
    expect(() => expr("a +")).toThrow(/^\[PARSE_SYNTAX_ERROR\] Syntax error at or near end of input: expected an expression.*\(line 1, pos 3\)\n\n== SQL ==\na \+\n---\^\^\^$/s);
    expect(() => expr("a = = 1")).toThrow(/Syntax error at or near '='.*\(line 1, pos 4\)/s);
    expect(() => expr("a\n  AND AND b")).toThrow(/at or near 'AND'.*\(line 2, pos 6\)\n\n== SQL ==\na\n  AND AND b\n------\^\^\^/s);
    expect(() => expr("a b")).toThrow(/expected the end of the expression/);
    expect(() => expr("a & 1")).toThrow(/bitwise operator & is not supported yet \(at line 1, position 2\)/);
    expect(() => expr("nosuch(1)")).toThrow(/\[UNRESOLVED_ROUTINE\] Cannot resolve routine `nosuch`/);
    expect(() => expr("upper(a, b)")).toThrow(/\[WRONG_NUM_ARGS.WITHOUT_SUGGESTION\] The `upper` requires 1 parameters but the actual number is 2/);
  });
});
