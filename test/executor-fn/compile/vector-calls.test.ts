/**
 * Math and comparison functions in generated loops (executor-fn/compile/vector-calls.ts), without
 * Spark: the code they compile to (raw-number kernels, inline null handling), their typing
 * (shared/plan/resolve.ts) and their errors. Values are Spark's, worked out by hand here; the
 * differential tests (test/spark/functions/) check them against Spark itself.
 */
import { describe, expect, it } from "vitest";
import { compileVectorFilter, compileVectorProjection, vectorProjectionSource } from "../../../executor-fn/compile/vector-expression.ts";
import { batchFromRows } from "../../../shared/batch/batch.ts";
import { valueAt } from "../../../shared/batch/vector.ts";
import { call, column, literal, type Expr } from "../../../shared/plan/expr.ts";
import { SparkArithmeticError } from "../../../shared/plan/functions/math.ts";
import { AnalysisError, typeOf } from "../../../shared/plan/resolve.ts";
import type { Row, Schema, Value } from "../../../shared/plan/types.ts";

const schema: Schema = {
  fields: [
    { name: "i", type: "int", nullable: true },
    { name: "l", type: "long", nullable: true },
    { name: "d", type: "double", nullable: true },
    { name: "s", type: "string", nullable: true },
    { name: "t", type: "string", nullable: true },
  ],
};
const c = column;
const batchOf = (rows: readonly Value[][]) => batchFromRows(schema, rows.map((r): Row => schema.fields.map((_, k) => r[k] ?? null)));
/** The values of one expression over rows of (i, l, d, s, t). */
const values = (expr: Expr, rows: Value[][]) => {
  const [v] = compileVectorProjection([expr], schema)(batchOf(rows));
  return rows.map((_, k) => valueAt(v!, k));
};
const source = (expr: Expr) => vectorProjectionSource([expr], schema, batchOf([[1, 1, 1, "a", "b"]]));

describe("math functions compile to kernels over raw numbers", () => {
  it("calls the kernel only for non-null arguments, with no boxed helper", () => {
    const expr = call("round", [c("d"), literal(2)]);
    expect(source(expr)).toContain("K[0](");
    expect(source(expr)).not.toContain("$.");
    expect(values(expr, [[0, 0, 2.675], [0, 0, 0.125], [0, 0, null], [0, 0, -2.5]])).toEqual([2.68, 0.13, null, -2.5]);
  });

  it("gives Spark's values: half up, half even, floor to long, positive remainders", () => {
    expect(values(call("round", [c("d")]), [[0, 0, -2.5], [0, 0, 2.5], [0, 0, -0.4]])).toEqual([-3, 3, 0]);
    expect(values(call("bround", [c("d"), literal(2)]), [[0, 0, 0.125], [0, 0, 0.375]])).toEqual([0.12, 0.38]);
    expect(values(call("round", [c("i"), literal(-1)]), [[15], [-15], [14]])).toEqual([20, -20, 10]);
    expect(values(call("floor", [c("d")]), [[0, 0, -0.5], [0, 0, NaN], [0, 0, 1e300]])).toEqual([-1, 0, 2 ** 63]);
    expect(values(call("pmod", [c("i"), literal(3)]), [[-7], [7], [null]])).toEqual([2, 1, null]);
    // Java's int arithmetic wraps inside pmod: (-1 % -2^31 + -2^31) overflows to 2^31 - 1.
    expect(values(call("pmod", [c("i"), literal(-2147483648)]), [[-1]])).toEqual([2147483647]);
    expect(values(call("atan2", [c("d"), literal(-1)]), [[0, 0, -0]])).toEqual([Math.PI]);
  });

  it("gives null where Spark's logarithms do (x <= 0), and types them nullable", () => {
    const ln = call("ln", [c("d")]);
    expect(values(ln, [[0, 0, 0], [0, 0, -1], [0, 0, Math.E]])).toEqual([null, null, 1]);
    expect(values(call("log", [literal(2), c("d")]), [[0, 0, 8], [0, 0, 0]])).toEqual([3, null]);
    const notNull: Schema = { fields: [{ name: "d", type: "double", nullable: false }] };
    expect(typeOf(ln, notNull)).toEqual({ type: "double", nullable: true });
    expect(typeOf(call("sqrt", [c("d")]), notNull)).toEqual({ type: "double", nullable: false });
  });

  it("fails with Spark's error class where ANSI mode does: int overflow, pmod by zero", () => {
    const overflow = () => values(call("abs", [c("i")]), [[5], [-2147483648]]);
    expect(overflow).toThrow(SparkArithmeticError);
    expect(overflow).toThrow(/^\[ARITHMETIC_OVERFLOW\] abs\(-2147483648\) = 2147483648 overflows int/);
    try {
      values(call("pmod", [c("l"), c("i")]), [[0, 7]]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SparkArithmeticError);
      expect((error as SparkArithmeticError).errorClass).toBe("DIVIDE_BY_ZERO");
      expect((error as SparkArithmeticError).category).toBe("badInput");
    }
  });

  it("filters with a kernel inside the condition", () => {
    const positive = compileVectorFilter({ kind: "binary", op: "gt", left: call("abs", [c("d")]), right: literal(1) }, schema);
    expect(Array.from(positive(batchOf([[0, 0, -2], [0, 0, 0.5], [0, 0, null], [0, 0, 3]])).selection ?? [])).toEqual([0, 3]);
  });
});

describe("comparison and null functions", () => {
  it("are inline over numbers: greatest/least skip nulls, NaN is the greatest, nullif and nanvl", () => {
    const greatest = call("greatest", [c("i"), c("d")]);
    expect(source(greatest)).not.toContain("$.");
    expect(values(greatest, [[1, 0, NaN], [null, 0, -2.5], [null, 0, null], [3, 0, 2]])).toEqual([NaN, -2.5, null, 3]);
    expect(values(call("least", [c("i"), c("d")]), [[1, 0, NaN], [3, 0, 2]])).toEqual([1, 2]);
    expect(values(call("nullif", [c("i"), c("d")]), [[1, 0, 1], [1, 0, 2], [null, 0, 1]])).toEqual([null, 1, null]);
    expect(values(call("nanvl", [c("d"), c("i")]), [[1, 0, NaN], [1, 0, 2], [1, 0, null], [null, 0, NaN]])).toEqual([1, 2, null, null]);
    expect(values(call("isnan", [c("d")]), [[0, 0, NaN], [0, 0, null]])).toEqual([true, false]);
  });

  it("take the boxed helpers over strings (code point order: emoji after U+E000)", () => {
    const greatest = call("greatest", [c("s"), c("t")]);
    expect(source(greatest)).toContain("$.greatest(");
    expect(values(greatest, [[0, 0, 0, "😀", "\ue000"], [0, 0, 0, null, "b"]])).toEqual(["😀", "b"]);
    expect(values(call("nullif", [c("s"), c("t")]), [[0, 0, 0, "a", "a"], [0, 0, 0, "a", "b"]])).toEqual([null, "a"]);
    expect(values(call("nvl2", [c("i"), c("s"), c("t")]), [[1, 0, 0, "x", "y"], [null, 0, 0, "x", "y"]])).toEqual(["x", "y"]);
    expect(values(call("nvl", [c("s"), c("t")]), [[0, 0, 0, null, "y"], [0, 0, 0, null, null]])).toEqual(["y", null]);
  });
});

describe("typing", () => {
  it("keeps Spark's result types: int stays int through abs and round, floor and ceil give long, pmod widens", () => {
    expect(typeOf(call("abs", [c("i")]), schema).type).toBe("int");
    expect(typeOf(call("round", [c("l"), literal(-2)]), schema).type).toBe("long");
    expect(typeOf(call("floor", [c("i")]), schema).type).toBe("long");
    expect(typeOf(call("ceil", [c("d")]), schema).type).toBe("long");
    expect(typeOf(call("pmod", [c("i"), c("l")]), schema).type).toBe("long");
    expect(typeOf(call("pmod", [c("i"), literal(3)]), schema).type).toBe("int");
    expect(typeOf(call("sqrt", [c("i")]), schema).type).toBe("double");
    expect(typeOf(call("greatest", [c("i"), c("l")]), schema)).toEqual({ type: "long", nullable: true });
    expect(typeOf(call("isnan", [c("d")]), schema)).toEqual({ type: "boolean", nullable: false });
  });

  it("refuses what cannot be typed, naming the argument and the fix", () => {
    expect(() => typeOf(call("round", [c("d"), c("i")]), schema)).toThrow(AnalysisError);
    expect(() => typeOf(call("round", [c("d"), c("i")]), schema)).toThrow(/scale must be an integer literal/);
    expect(() => typeOf(call("abs", [c("s")]), schema)).toThrow(/abs\(\): s is string, expected a number\. Use cast\(\)/);
    expect(() => typeOf(call("greatest", [c("i"), c("s")]), schema)).toThrow(/different types/);
    expect(() => call("greatest", [c("i")])).toThrow(/greatest\(\) takes 2 or more argument/);
  });
});
