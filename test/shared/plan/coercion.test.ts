/**
 * Implicit coercion (shared/plan/coercion.ts): the types Spark 4 gives a string beside numbers,
 * booleans and dates (written from Spark's ANSI and legacy coercion rules, and checked once in
 * PySpark 4.0.1), that names do not change, and that Spark's refusals stay refusals.
 */
import { describe, expect, it } from "vitest";
import { binary, call, column, exprName, literal, unary, type Expr } from "../../../shared/plan/expr.ts";
import { coerce } from "../../../shared/plan/coercion.ts";
import { typeOf } from "../../../shared/plan/resolve.ts";
import type { DataType, Schema } from "../../../shared/plan/types.ts";

const schema: Schema = {
  fields: (
    [
      ["i", "int"], ["l", "long"], ["d", "double"], ["b", "boolean"], ["dt", "date"], ["s", "string"],
    ] as const
  ).map(([name, type]) => ({ name, type, nullable: true })),
};
const [i, l, d, b, dt, s] = ["i", "l", "d", "b", "dt", "s"].map(column) as [Expr, Expr, Expr, Expr, Expr, Expr];

const typed = (e: Expr, ansi = true): DataType => typeOf(coerce(e, schema, { ansi }), schema).type;

/** Every cast the coercion inserted: [the operand's name, the target type, its mode]. */
function implicitCasts(e: Expr): [string, DataType, string][] {
  const out: [string, DataType, string][] = [];
  const visit = (x: Expr): void => {
    if (x.kind === "cast" && x.implicit) out.push([exprName(x.expr), x.to, x.mode ?? "ansi"]);
    for (const v of Object.values(x)) {
      if (Array.isArray(v)) v.forEach((c) => c && typeof c === "object" && ("kind" in c ? visit(c as Expr) : Object.values(c).forEach((y) => y && typeof y === "object" && "kind" in y && visit(y as Expr))));
      else if (v && typeof v === "object" && "kind" in v) visit(v as Expr);
    }
  };
  visit(e);
  return out;
}

describe("ANSI coercion (Spark 4's default)", () => {
  it.each([
    ["i + s", binary("add", i, s), "long"],
    ["s + i", binary("add", s, i), "long"],
    ["l * s", binary("multiply", l, s), "long"],
    ["d - s", binary("subtract", d, s), "double"],
    ["s / i", binary("divide", s, i), "double"],
    ["-s", unary("negate", s), "double"],
    ["sqrt(s)", call("sqrt", [s]), "double"],
    ["floor(s)", call("floor", [s]), "long"],
    ["pmod(s, i)", call("pmod", [s, i]), "long"],
    ["coalesce(i, s)", call("coalesce", [i, s]), "long"],
    ["coalesce(s, d)", call("coalesce", [s, d]), "double"],
    ["coalesce(b, s)", call("coalesce", [b, s]), "boolean"],
    ["coalesce(dt, s)", call("coalesce", [dt, s]), "date"],
    ["nvl2(i, s, 2)", call("nvl2", [i, s, literal(2)]), "long"],
    ["nullif(i, s)", call("nullif", [i, s]), "int"],
    ["i = s", binary("eq", i, s), "boolean"],
    ["NOT s", unary("not", s), "boolean"],
  ] as const)("%s is %s", (_name, e, type) => {
    expect(typed(e)).toBe(type);
  });

  it("casts only the string, marks the cast implicit and keeps the name", () => {
    const e = coerce(binary("add", i, s), schema);
    expect(implicitCasts(e)).toEqual([["s", "long", "ansi"]]);
    expect(exprName(e)).toBe("(i + s)");
    expect(implicitCasts(coerce(binary("eq", d, s), schema))).toEqual([["s", "double", "ansi"]]);
    expect(implicitCasts(coerce(binary("lt", dt, s), schema))).toEqual([["s", "date", "ansi"]]);
    expect(implicitCasts(coerce(binary("eq", s, b), schema))).toEqual([["s", "boolean", "ansi"]]);
  });

  it("casts a string argument of an aggregate to what it takes", () => {
    expect(implicitCasts(coerce({ kind: "agg", fn: "sum", arg: s }, schema))).toEqual([["s", "double", "ansi"]]);
    expect(implicitCasts(coerce({ kind: "agg", fn: "bool_and", arg: s }, schema))).toEqual([["s", "boolean", "ansi"]]);
    expect(implicitCasts(coerce({ kind: "agg", fn: "min", arg: s }, schema))).toEqual([]);
  });

  it("leaves what Spark refuses for the analyzer to refuse", () => {
    for (const e of [binary("add", s, s), binary("eq", i, b), call("greatest", [i, s]), call("coalesce", [i, b]), binary("add", i, b)]) {
      expect(() => typed(e)).toThrow();
    }
  });
});

describe("legacy coercion (ANSI off)", () => {
  it.each([
    ["i + s", binary("add", i, s), "double"],
    ["s + s", binary("add", s, s), "double"],
    ["coalesce(i, s)", call("coalesce", [i, s]), "string"],
    ["coalesce(dt, s)", call("coalesce", [dt, s]), "string"],
    ["i = b", binary("eq", i, b), "boolean"],
  ] as const)("%s is %s", (_name, e, type) => {
    expect(typed(e, false)).toBe(type);
  });

  it("compares a string with an int as an int, through a legacy cast", () => {
    expect(implicitCasts(coerce(binary("eq", i, s), schema, { ansi: false }))).toEqual([["s", "int", "legacy"]]);
  });

  it("makes every explicit cast but try_cast a legacy cast", () => {
    const e = coerce({ kind: "cast", expr: s, to: "int" }, schema, { ansi: false });
    expect(e).toMatchObject({ kind: "cast", mode: "legacy" });
    expect(coerce({ kind: "cast", expr: s, to: "int", mode: "try" }, schema, { ansi: false })).toMatchObject({ mode: "try" });
    expect(coerce({ kind: "cast", expr: s, to: "int" }, schema)).not.toHaveProperty("mode");
  });

  it("allows a date cast to an int with ANSI off only (null), as Spark", () => {
    expect(() => typeOf({ kind: "cast", expr: dt, to: "int" }, schema)).toThrow(/CAST_WITH_FUNC_SUGGESTION/);
    expect(typeOf(coerce({ kind: "cast", expr: dt, to: "int" }, schema, { ansi: false }), schema).type).toBe("int");
  });
});
