/**
 * String functions in generated loops (executor-fn/compile/vector-calls.ts), without Spark:
 * kernels called on raw values with null in, null out (locate's NULL position gives 0), code
 * point counting, their typing (shared/plan/resolve.ts) and their errors. Values are worked
 * out by hand; test/spark/functions/strings.test.ts checks them against Spark itself.
 */
import { describe, expect, it } from "vitest";
import { compileVectorProjection, vectorProjectionSource } from "../../../executor-fn/compile/vector-expression.ts";
import { batchFromRows } from "../../../shared/batch/batch.ts";
import { valueAt } from "../../../shared/batch/vector.ts";
import { BadInputError } from "../../../shared/errors.ts";
import { call, column as c, literal, type Expr } from "../../../shared/plan/expr.ts";
import { AnalysisError, typeOf } from "../../../shared/plan/resolve.ts";
import type { Row, Schema, Value } from "../../../shared/plan/types.ts";

const schema: Schema = {
  fields: [
    { name: "s", type: "string", nullable: true },
    { name: "n", type: "int", nullable: true },
    { name: "b", type: "boolean", nullable: true },
  ],
};
const batchOf = (rows: readonly Value[][]) => batchFromRows(schema, rows.map((r): Row => schema.fields.map((_, k) => r[k] ?? null)));
const values = (expr: Expr, rows: Value[][]) => {
  const [v] = compileVectorProjection([expr], schema)(batchOf(rows));
  return rows.map((_, k) => valueAt(v!, k));
};

describe("string functions compile to kernels", () => {
  it("call the kernel with raw values, and give null for a null argument", () => {
    const expr = call("lpad", [c("s"), c("n"), literal("ab")]);
    expect(vectorProjectionSource([expr], schema, batchOf([["x", 1]]))).toContain("K[0](");
    expect(values(expr, [["😀x", 5], ["héllo", 3], [null, 5], ["x", null], ["x", -1]])).toEqual(["aba😀x", "hél", null, null, ""]);
  });

  it("count code points, not UTF-16 units", () => {
    expect(values(call("reverse", [c("s")]), [["a😀b"], [""]])).toEqual(["b😀a", ""]);
    expect(values(call("instr", [c("s"), literal("b")]), [["😀😀b"], ["abc"], ["xyz"]])).toEqual([3, 2, 0]);
    expect(values(call("right", [c("s"), c("n")]), [["x😀y", 2], ["x😀y", 0]])).toEqual(["😀y", ""]);
    expect(values(call("ascii", [c("s")]), [["😀"], [""]])).toEqual([0x1f600, 0]);
  });

  it("locate gives 0 for a NULL position, null for a null string", () => {
    const expr = call("locate", [literal("l"), c("s"), c("n")]);
    expect(values(expr, [["hello", null], [null, 1], ["hello", 4], ["hello", 0]])).toEqual([0, null, 4, 0]);
  });

  it("title-case the first letter of each space-separated word, with Unicode's full mappings", () => {
    expect(values(call("initcap", [c("s")]), [["ß straße"], ["ǆemal ﬁx-it"], ["HELLO\tWORLD"]])).toEqual(["Ss Straße", "ǅemal Fix-it", "Hello\tworld"]);
  });

  it("refuses arguments of the wrong type, naming the argument and the fix", () => {
    expect(() => typeOf(call("repeat", [c("s"), c("s")]), schema)).toThrow(AnalysisError);
    expect(() => typeOf(call("repeat", [c("s"), c("s")]), schema)).toThrow('repeat(): argument 2 (s) is string, expected an int. Use cast("int")');
    expect(() => typeOf(call("reverse", [c("b")]), schema)).toThrow('reverse(): argument 1 (b) is boolean, expected a string. Use cast("string")');
    expect(typeOf(call("soundex", [c("s")]), schema)).toEqual({ type: "string", nullable: true });
    expect(typeOf(call("levenshtein", [literal("a"), literal("b")]), schema)).toEqual({ type: "int", nullable: false });
  });

  it("refuses to repeat a string beyond what a string can hold, with a clear error", () => {
    const repeat = () => values(call("repeat", [c("s"), c("n")]), [["abcd", 2 ** 30]]);
    expect(repeat).toThrow(BadInputError);
    expect(repeat).toThrow(/repeat\(\): 4 characters 1073741824 times is too long/);
  });
});
