import { describe, expect, it } from "vitest";
import type { CompileContext } from "../../../executor-fn/compile/expression.ts";
import { compileVectorFilter, compileVectorProjection, vectorProjectionSource } from "../../../executor-fn/compile/vector-expression.ts";
import { alias, binary, call, column, literal, unary, type Expr } from "../../../shared/plan/expr.ts";
import type { Row, Scalar, Schema, Value } from "../../../shared/plan/types.ts";
import { batchFromRows, rowsFromBatch } from "../../../shared/batch/batch.ts";
import { valueAt } from "../../../shared/batch/vector.ts";

const schema: Schema = {
  fields: [
    { name: "a", type: "int", nullable: true },
    { name: "b", type: "int", nullable: true },
    { name: "s", type: "string", nullable: true },
    { name: "p", type: "boolean", nullable: true },
    { name: "q", type: "boolean", nullable: true },
  ],
};
/** Rows of a schema as one batch (missing trailing values are null). */
const batchOf = (s: Schema, rows: readonly Value[][]) => batchFromRows(s, rows.map((r): Row => s.fields.map((_, i) => r[i] ?? null)));
/** An expression compiled for a schema, evaluated over one row. */
const compileExpr = (expr: Expr, s: Schema, context?: CompileContext) => {
  const project = compileVectorProjection([expr], s, context);
  return (row: Value[]) => valueAt(project(batchOf(s, [row]))[0]!, 0);
};
const run = (expr: Expr, row: Value[]) => compileExpr(expr, schema)(row);

describe("compiled expressions follow Spark's null semantics", () => {
  // The SQL standard's three-valued truth tables, written out independently.
  const T = true, F = false, U = null;
  const andTable: [Value, Value, Value][] = [[T, T, T], [T, F, F], [T, U, U], [F, F, F], [F, U, F], [U, U, U], [U, F, F], [U, T, U]];
  const orTable: [Value, Value, Value][] = [[T, T, T], [T, F, T], [T, U, T], [F, F, F], [F, U, U], [U, U, U], [U, F, U], [U, T, T]];

  it.each(andTable)("%s AND %s is %s", (p, q, want) => {
    expect(run(binary("and", column("p"), column("q")), [0, 0, "", p, q])).toBe(want);
  });
  it.each(orTable)("%s OR %s is %s", (p, q, want) => {
    expect(run(binary("or", column("p"), column("q")), [0, 0, "", p, q])).toBe(want);
  });

  it("propagates null through arithmetic and comparison; divides by zero to an error (ANSI) or null (legacy)", () => {
    expect(run(binary("add", column("a"), column("b")), [1, null, "", null, null])).toBeNull();
    expect(run(binary("gt", column("a"), column("b")), [null, 2, "", null, null])).toBeNull();
    expect(() => run(binary("divide", column("a"), column("b")), [1, 0, "", null, null])).toThrow(/\[DIVIDE_BY_ZERO\] Division by zero\. Use `try_divide`/);
    expect(() => run(binary("mod", column("a"), column("b")), [1, 0, "", null, null])).toThrow(/\[DIVIDE_BY_ZERO\]/);
    expect(run({ ...binary("divide", column("a"), column("b")), legacy: true } as Expr, [1, 0, "", null, null])).toBeNull();
    expect(run(binary("divide", column("a"), column("b")), [null, 0, "", null, null])).toBeNull();
    expect(run(binary("mod", column("a"), column("b")), [-7, 3, "", null, null])).toBe(-1);
    expect(run(binary("divide", column("a"), column("b")), [7, 2, "", null, null])).toBe(3.5);
    expect(run(binary("eqNullSafe", column("a"), column("b")), [null, null, "", null, null])).toBe(true);
    expect(run(binary("eqNullSafe", column("a"), column("b")), [1, null, "", null, null])).toBe(false);
    expect(run(unary("not", column("p")), [0, 0, "", null, null])).toBeNull();
    // No negative zero, so local threads and Lambda JSON give the same value.
    expect(Object.is(run(binary("multiply", column("a"), column("b")), [-3, 0, "", null, null]), 0)).toBe(true);
    expect(Object.is(run(unary("negate", column("a")), [0, 0, "", null, null]), 0)).toBe(true);
  });

  it("keeps a row in a filter only when the condition is true", () => {
    const keep = compileVectorFilter(binary("gt", column("a"), literal(1)), schema);
    const kept = keep(batchOf(schema, [[2], [1], [null], [5]]));
    expect(Array.from(kept.selection ?? [])).toEqual([0, 3]);
    expect(rowsFromBatch(kept).map((r) => r[0])).toEqual([2, 5]);
  });

  it("evaluates IN with SQL semantics", () => {
    const isin = (values: Scalar[]) => ({ kind: "in", expr: column("a"), values: values.map(literal) }) as Expr;
    expect(run(isin([1, 2]), [2, 0, "", null, null])).toBe(true);
    expect(run(isin([1, 2]), [3, 0, "", null, null])).toBe(false);
    expect(run(isin([1, null]), [3, 0, "", null, null])).toBeNull();
    expect(run(isin([1]), [null, 0, "", null, null])).toBeNull();
  });

  it("takes the first CASE branch whose condition is true, else the otherwise value or null", () => {
    const expr: Expr = {
      kind: "caseWhen",
      branches: [
        { when: binary("gt", column("a"), literal(10)), then: literal("big") },
        { when: binary("gt", column("a"), literal(0)), then: literal("small") },
      ],
      otherwise: null,
    };
    expect([20, 5, -1, null].map((a) => run(expr, [a, 0, "", null, null]))).toEqual(["big", "small", null, null]);
  });
});

describe("casts and functions", () => {
  it.each([
    ["int", "12", 12], ["int", "1.9", 1], ["int", "x", null], ["int", "", null], ["int", "3000000000", null],
    ["double", " 2.5 ", 2.5], ["boolean", "TRUE", true], ["boolean", "no", false], ["boolean", "maybe", null],
    ["date", "2024-02-29", "2024-02-29"], ["date", "2023-02-29", null], ["date", "2024-3-7 10:00:00", "2024-03-07"],
    ["string", 42, "42"],
  ] as const)("legacy cast(%s) of %j is %j (spark.sql.ansi.enabled = false)", (to, value, want) => {
    expect(run({ kind: "cast", expr: literal(value), to, mode: "legacy" }, [])).toBe(want);
  });

  it.each([
    ["int", "1.9"], ["int", "x"], ["int", ""], ["int", "3000000000"], ["boolean", "maybe"], ["date", "2023-02-29"],
  ] as const)("ANSI cast(%s) of %j fails with CAST_INVALID_INPUT, try_cast gives null", (to, value) => {
    expect(() => run({ kind: "cast", expr: literal(value), to }, [])).toThrow("[CAST_INVALID_INPUT]");
    expect(run({ kind: "cast", expr: literal(value), to, mode: "try" }, [])).toBeNull();
  });

  it.each([
    [call("upper", [literal("abc")]), "ABC"],
    [call("lower", [literal("AbC")]), "abc"],
    [call("trim", [literal("  x ")]), "x"],
    [call("length", [literal("héllo")]), 5],
    [call("substring", [literal("Spark SQL"), literal(1), literal(5)]), "Spark"],
    [call("substring", [literal("Spark SQL"), literal(-3), literal(3)]), "SQL"],
    [call("concat", [literal("a"), literal("b"), literal("c")]), "abc"],
    [call("concat", [literal("a"), literal(null)]), null],
    [call("coalesce", [literal(null), literal(null), literal(3)]), 3],
    [call("like", [literal("Electronics"), literal("Elec%")]), true],
    [call("like", [literal("a.c"), literal("a_c")]), true],
    [call("like", [literal("abc"), literal("a\\_c")]), false],
    [call("like", [literal("a+b"), literal("a+b")]), true],
    [call("to_date", [literal("2024-05-17 12:00")]), "2024-05-17"],
    [call("year", [literal("2024-05-17")]), 2024],
    [call("month", [literal("2024-05-17")]), 5],
  ])("%j gives %j", (expr, want) => {
    expect(run(expr, [])).toBe(want);
  });

  it.each([
    [["a,b,,c", ","], ["a", "b", "", "c"]],
    [["one  two three", "\\s+"], ["one", "two", "three"]],
    [["a1b22c", "[0-9]+", 2], ["a", "b22c"]],
    [["abc", ""], ["a", "b", "c"]],
    [["", ","], [""]],
  ] as const)("split(%j) is %j, as Spark's split", ([text, pattern, limit], want) => {
    const args = [literal(text), literal(pattern), ...(limit === undefined ? [] : [literal(limit)])];
    expect(run(call("split", args), [])).toEqual(want);
  });

  it("gives size() of arrays, null for null (-1 with ANSI off), and compares arrays by value", () => {
    expect(run(call("size", [call("split", [literal("a b c"), literal(" ")])]), [])).toBe(3);
    expect(run(call("size", [literal(null)]), [])).toBe(null);
    expect(run({ kind: "call", fn: "size", args: [literal(null)], legacy: true }, [])).toBe(-1);
    const ab = call("split", [literal("a,b"), literal(",")]);
    expect(run(binary("eq", ab, call("split", [literal("a;b"), literal(";")])), [])).toBe(true);
    expect(run(binary("lt", ab, call("split", [literal("a,c"), literal(",")])), [])).toBe(true);
    expect(run({ kind: "cast", expr: ab, to: "string" }, [])).toBe("[a, b]");
  });

  it("draws rand(seed) reproducibly per partition, in [0, 1)", () => {
    const draw = (partition: number) => {
      const f = compileExpr({ kind: "rand", seed: 7 }, schema, { partition });
      return Array.from({ length: 5 }, () => f([]) as number);
    };
    expect(draw(0)).toEqual(draw(0));
    expect(draw(0)).not.toEqual(draw(1));
    expect(draw(3).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("code generation safety", () => {
  it("turns column names into indexes and literals into JSON, never into code", () => {
    const hostile = '"); process.exit(1); ("';
    const s: Schema = { fields: [{ name: hostile, type: "string", nullable: true }] };
    const expr = binary("eq", column(hostile), literal(hostile));
    const source = vectorProjectionSource([expr], s, batchOf(s, [[hostile]]));
    // The name appears only as a JSON string literal (the compared value, once in each of the
    // two row loops: with and without a selection); the column is read by index.
    expect(source.split(JSON.stringify(hostile)).length - 1).toBe(2);
    expect(source.replaceAll(JSON.stringify(hostile), "")).not.toContain("process.exit");
    expect(source).toContain("v0[i]");
    expect(compileExpr(expr, s)([hostile])).toBe(true);
  });

  it("projects several expressions into a new row", () => {
    const project = compileVectorProjection([column("s"), alias(binary("multiply", column("a"), literal(2)), "twice")], schema);
    const out = project(batchOf(schema, [[21, 0, "x"], [1, 0, "y"]]));
    expect(rowsFromBatch({ length: 2, count: 2, selection: null, columns: out })).toEqual([["x", 42], ["y", 2]]);
  });

  it("rejects unknown node kinds and unknown columns with a clear message", () => {
    expect(() => compileExpr({ kind: "eval", code: "1" } as unknown as Expr, schema)).toThrow(/Unknown expression kind "eval"/);
    expect(() => compileExpr(column("nope"), schema)).toThrow(/Column "nope" does not exist. Available columns: a, b, s, p, q/);
    expect(() => compileExpr({ kind: "agg", fn: "sum", arg: column("a") }, schema)).toThrow(/cannot be evaluated per row/);
  });
});
