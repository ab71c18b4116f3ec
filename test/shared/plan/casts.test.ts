/**
 * The cast rules (shared/plan/casts.ts) against reference values written from Spark 4's
 * documented behaviour (and checked once by hand in PySpark 4.0.1): ANSI failures with Spark's
 * error classes and messages, try_cast's nulls, legacy wrap-around and saturation, Java's
 * double formatting, and the pairs Spark refuses at analysis.
 */
import { describe, expect, it } from "vitest";
import { CAST_RULES, castRefusal, castValue, CastError, type CastMode, type CastType } from "../../../shared/plan/casts.ts";
import { javaDoubleText } from "../../../shared/plan/java-number-text.ts";
import type { DataType, Value } from "../../../shared/plan/types.ts";

type Row = readonly [Value, DataType, DataType, Value | "CAST_INVALID_INPUT" | "CAST_OVERFLOW"];

/** [value, from, to, ANSI result or the error class]. */
const ANSI: readonly Row[] = [
  [" 12 ", "string", "int", 12],
  ["\t12\n", "string", "int", 12],
  ["+1", "string", "int", 1],
  ["-0", "string", "int", 0],
  ["00012", "string", "int", 12],
  ["1e3", "string", "int", "CAST_INVALID_INPUT"],
  ["1.5", "string", "int", "CAST_INVALID_INPUT"],
  [".5", "string", "int", "CAST_INVALID_INPUT"],
  ["0x10", "string", "int", "CAST_INVALID_INPUT"],
  ["", "string", "int", "CAST_INVALID_INPUT"],
  ["\u00a012", "string", "int", "CAST_INVALID_INPUT"],
  ["１２", "string", "int", "CAST_INVALID_INPUT"],
  ["2147483647", "string", "int", 2147483647],
  ["2147483648", "string", "int", "CAST_INVALID_INPUT"],
  ["-2147483648", "string", "int", -2147483648],
  ["2147483648", "string", "long", 2147483648],
  ["9223372036854775808", "string", "long", "CAST_INVALID_INPUT"],
  ["1.9", "string", "long", "CAST_INVALID_INPUT"],
  ["NaN", "string", "double", NaN],
  ["nan", "string", "double", NaN],
  ["-nan", "string", "double", "CAST_INVALID_INPUT"],
  ["Infinity", "string", "double", Infinity],
  ["-inf", "string", "double", -Infinity],
  ["+INFINITY", "string", "double", Infinity],
  ["Infinityx", "string", "double", "CAST_INVALID_INPUT"],
  ["1e400", "string", "double", Infinity],
  [" 1.5 ", "string", "double", 1.5],
  ["1.5d", "string", "double", 1.5],
  ["1.5F", "string", "double", 1.5],
  ["-.5", "string", "double", -0.5],
  ["0.", "string", "double", 0],
  [".", "string", "double", "CAST_INVALID_INPUT"],
  ["1e", "string", "double", "CAST_INVALID_INPUT"],
  ["0x10", "string", "double", "CAST_INVALID_INPUT"],
  ["1_0", "string", "double", "CAST_INVALID_INPUT"],
  [" t ", "string", "boolean", true],
  ["YES", "string", "boolean", true],
  ["0", "string", "boolean", false],
  ["2", "string", "boolean", "CAST_INVALID_INPUT"],
  ["0.0", "string", "boolean", "CAST_INVALID_INPUT"],
  ["\u3000true", "string", "boolean", "CAST_INVALID_INPUT"],
  ["2024", "string", "date", "2024-01-01"],
  ["2024-1-9", "string", "date", "2024-01-09"],
  ["2024-01-01T10:00", "string", "date", "2024-01-01"],
  ["2024-01-01 garbage", "string", "date", "2024-01-01"],
  ["2024-01-01garbage", "string", "date", "CAST_INVALID_INPUT"],
  ["2023-02-29", "string", "date", "CAST_INVALID_INPUT"],
  ["2024-02-29", "string", "date", "2024-02-29"],
  ["+2024-01-01", "string", "date", "2024-01-01"],
  ["24-01-01", "string", "date", "CAST_INVALID_INPUT"],
  [2147483647.9, "double", "int", 2147483647],
  [-2147483648.9, "double", "int", -2147483648],
  [2147483648, "double", "int", "CAST_OVERFLOW"],
  [NaN, "double", "int", "CAST_OVERFLOW"],
  [Infinity, "double", "int", "CAST_OVERFLOW"],
  [-Infinity, "double", "long", "CAST_OVERFLOW"],
  [1e19, "double", "long", "CAST_OVERFLOW"],
  [2147483648, "double", "long", 2147483648],
  [-1.5, "double", "int", -1],
  [2147483648, "long", "int", "CAST_OVERFLOW"],
  [-2147483649, "long", "int", "CAST_OVERFLOW"],
  [-2147483648, "long", "int", -2147483648],
  [true, "boolean", "int", 1],
  [false, "boolean", "double", 0],
  [2, "int", "boolean", true],
  [0, "long", "boolean", false],
  [NaN, "double", "boolean", true],
  [-0, "double", "boolean", false],
  [true, "boolean", "string", "true"],
  [-1, "int", "string", "-1"],
  [9007199254740992, "long", "string", "9007199254740992"],
  [1e21, "long", "string", "1000000000000000000000"],
  ["2024-02-29", "date", "string", "2024-02-29"],
  [["a", "b"], "array<string>", "string", "[a, b]"],
  [[], "array<string>", "string", "[]"],
  [null, "string", "int", null],
  [null, "double", "int", null],
];

describe("ANSI casts (Spark 4's default)", () => {
  it.each(ANSI)("%j from %s to %s is %j", (value, from, to, expected) => {
    if (expected === "CAST_INVALID_INPUT" || expected === "CAST_OVERFLOW") {
      expect(() => castValue(value, from, to, "ansi")).toThrow(CastError);
      expect(() => castValue(value, from, to, "ansi")).toThrow(`[${expected}]`);
      expect(castValue(value, from, to, "try")).toBeNull();
    } else {
      expect(castValue(value, from, to, "ansi")).toStrictEqual(expected);
      expect(castValue(value, from, to, "try")).toStrictEqual(expected);
    }
  });

  it("names the value and the types as Spark does", () => {
    expect(() => castValue("abc", "string", "int")).toThrow(
      `[CAST_INVALID_INPUT] The value 'abc' of the type "STRING" cannot be cast to "INT" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead.`,
    );
    expect(() => castValue(2147483648, "double", "int")).toThrow(`[CAST_OVERFLOW] The value 2.147483648E9D of the type "DOUBLE" cannot be cast to "INT" due to an overflow.`);
    expect(() => castValue(NaN, "double", "long")).toThrow(`The value NaN of the type "DOUBLE" cannot be cast to "BIGINT"`);
    expect(() => castValue(2147483648, "long", "int")).toThrow(`The value 2147483648L of the type "BIGINT" cannot be cast to "INT"`);
  });

  it("a date sparkfn cannot hold is DATETIME_OVERFLOW in every mode (Spark computes it, PySpark cannot collect it)", () => {
    for (const mode of ["ansi", "try", "legacy"] as const) expect(() => castValue("10000-01-01", "string", "date", mode)).toThrow("[DATETIME_OVERFLOW]");
  });
});

/** [value, from, to, legacy result] (spark.sql.ansi.enabled = false). */
const LEGACY: readonly (readonly [Value, DataType, DataType, Value])[] = [
  ["1.5", "string", "int", 1],
  ["-1.5", "string", "int", -1],
  ["1.", "string", "int", 1],
  [".5", "string", "int", 0],
  ["2147483647.9", "string", "int", 2147483647],
  ["1e3", "string", "int", null],
  ["2147483648", "string", "int", null],
  ["+", "string", "int", null],
  ["1.9", "string", "long", 1],
  ["abc", "string", "double", null],
  ["2", "string", "boolean", null],
  ["2023-02-29", "string", "date", null],
  [2147483648, "double", "int", 2147483647],
  [-2147483649, "double", "int", -2147483648],
  [NaN, "double", "int", 0],
  [Infinity, "double", "int", 2147483647],
  [NaN, "double", "long", 0],
  [-Infinity, "double", "long", -9223372036854775808],
  [2147483648, "long", "int", -2147483648],
  [-2147483649, "long", "int", 2147483647],
  [4294967297, "long", "int", 1],
  [-9223372036854775808, "long", "int", 0],
  ["2024-02-29", "date", "int", null],
  ["2024-02-29", "date", "boolean", null],
];

describe("legacy casts (ANSI off)", () => {
  it.each(LEGACY)("%j from %s to %s is %j", (value, from, to, expected) => {
    expect(castValue(value, from, to, "legacy")).toStrictEqual(expected);
  });
});

describe("Java's Double.toString, as Spark casts doubles to strings", () => {
  it.each([
    [1e10, "1.0E10"], [1e-5, "1.0E-5"], [-0, "-0.0"], [0, "0.0"], [1e7, "1.0E7"], [1e6, "1000000.0"], [9999999, "9999999.0"], [0.001, "0.001"],
    [0.0001, "1.0E-4"], [123456789.125, "1.23456789125E8"], [0.1, "0.1"], [1e21, "1.0E21"], [100, "100.0"], [NaN, "NaN"], [-Infinity, "-Infinity"],
    [1.7976931348623157e308, "1.7976931348623157E308"], [12345678912345.5, "1.23456789123455E13"], [-1.5, "-1.5"],
  ])("%d prints as %s", (x, text) => {
    expect(javaDoubleText(x)).toBe(text);
  });

  it("prints the shortest digits where Java 17 prints more (a known difference: the same double either way)", () => {
    // Java 17: 4.9E-324, 9.999999999999999E22, 1.9999999999999998E23 (JDK-4511638, fixed in Java 19).
    for (const [x, java] of [[4.9e-324, "4.9E-324"], [1e23, "9.999999999999999E22"], [2e23, "1.9999999999999998E23"]] as const) {
      expect(Number(javaDoubleText(x))).toBe(Number(java));
    }
    expect(javaDoubleText(1e23)).toBe("1.0E23");
  });
});

describe("the pairs Spark refuses at analysis", () => {
  const refused = (from: DataType, to: DataType, mode: CastMode = "ansi") => castRefusal(from, to, mode, "CAST(x)");

  it("refuses dates to numbers and numbers to dates, with Spark's conditions", () => {
    expect(refused("date", "int")).toMatch(/^\[DATATYPE_MISMATCH\.CAST_WITH_FUNC_SUGGESTION\].*cannot cast "DATE" to "INT"/);
    expect(refused("int", "date")).toMatch(/CAST_WITH_FUNC_SUGGESTION.*cannot cast "INT" to "DATE"/);
    expect(refused("date", "boolean")).toMatch(/CAST_WITH_CONF_SUGGESTION.*with ANSI mode on.*spark\.sql\.ansi\.enabled/);
    expect(refused("boolean", "date")).toMatch(/CAST_WITHOUT_SUGGESTION/);
    expect(refused("array<string>", "int")).toMatch(/cannot cast "ARRAY<STRING>" to "INT"/);
    expect(refused("string", "array<string>")).toMatch(/cannot cast "STRING" to "ARRAY<STRING>"/);
  });

  it("allows dates to numbers and booleans with ANSI off, not with try_cast", () => {
    expect(refused("date", "int", "legacy")).toBeUndefined();
    expect(refused("date", "boolean", "legacy")).toBeUndefined();
    expect(refused("date", "int", "try")).toBeDefined();
    expect(refused("int", "date", "legacy")).toBeDefined();
  });

  it("has a rule for every pair of the table's types", () => {
    const types = Object.keys(CAST_RULES) as CastType[];
    for (const from of types) for (const to of types) expect(CAST_RULES[from][to], `${from} to ${to}`).toBeDefined();
  });
});
