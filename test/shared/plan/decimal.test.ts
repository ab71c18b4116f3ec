/**
 * shared/plan/decimal.ts: text in and out, HALF_UP rounding, Spark's result types and the
 * double rounding of products and quotients. Expected values were computed independently with
 * Python's decimal module (quantize with ROUND_HALF_UP; a product in Context(prec=38,
 * ROUND_HALF_UP); a quotient quantized to 38 places first), not with this module; the
 * differential suite (test/spark/functions/decimals.test.ts) checks the same rules against Spark.
 */
import { describe, expect, it } from "vitest";
import {
  adjustPrecisionScale,
  arithmetic,
  arithmeticType,
  avgType,
  decimalText,
  floorType,
  parseDecimalText,
  rescale,
  roundTo,
  roundType,
  sumType,
  type Decimal,
} from "../../../shared/plan/decimal.ts";
import { parseDdlSchema, parseTypeName, widerNumeric } from "../../../shared/plan/types.ts";

const D = (precision: number, scale: number): Decimal => ({ precision, scale });

describe("decimal text", () => {
  it("prints the plain text with exactly `scale` fraction digits, as BigDecimal.toPlainString", () => {
    expect(decimalText(1230n, 2)).toBe("12.30");
    expect(decimalText(-5n, 2)).toBe("-0.05");
    expect(decimalText(0n, 3)).toBe("0.000");
    expect(decimalText(7n, 0)).toBe("7");
    expect(decimalText(-(10n ** 37n), 38)).toBe(`-0.${"0".repeat(0)}1${"0".repeat(37)}`);
  });

  it("reads Java's BigDecimal syntax, rounding HALF_UP to the scale", () => {
    expect(parseDecimalText("1.005", 2)).toBe(101n);
    expect(parseDecimalText("-1.005", 2)).toBe(-101n);
    expect(parseDecimalText("1e3", 0)).toBe(1000n);
    expect(parseDecimalText("+.5", 0)).toBe(1n);
    expect(parseDecimalText("-2.5", 0)).toBe(-3n);
    expect(parseDecimalText("12.", 1)).toBe(120n);
    for (const bad of ["", ".", "abc", "1.2.3", "1e", "--1", "NaN", "Infinity"]) expect(parseDecimalText(bad, 2), bad).toBeUndefined();
  });

  it("rescales with HALF_UP away from zero", () => {
    expect(rescale(25n, 1, 0)).toBe(3n);
    expect(rescale(-25n, 1, 0)).toBe(-3n);
    expect(rescale(24n, 1, 0)).toBe(2n);
    expect(rescale(3n, 0, 2)).toBe(300n);
  });
});

describe("decimal types", () => {
  it("parses DDL names: decimal(p,s), dec, numeric, and decimal alone as decimal(10,0)", () => {
    expect(parseTypeName("DECIMAL(10, 2)")).toBe("decimal(10,2)");
    expect(parseTypeName("numeric(5)")).toBe("decimal(5,0)");
    expect(parseTypeName("decimal")).toBe("decimal(10,0)");
    expect(parseDdlSchema("a DECIMAL(10,2), b INT").fields.map((f) => f.type)).toEqual(["decimal(10,2)", "int"]);
    expect(() => parseTypeName("decimal(39,2)")).toThrow(/DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION/);
    expect(() => parseTypeName("decimal(5,6)")).toThrow(/scale must be between 0 and the precision/);
  });

  it("follows Spark's DecimalPrecision for + - * / % (precision loss allowed)", () => {
    expect(arithmeticType("add", D(10, 2), D(5, 3))).toBe("decimal(12,3)");
    expect(arithmeticType("multiply", D(10, 2), D(10, 2))).toBe("decimal(21,4)");
    expect(arithmeticType("divide", D(10, 2), D(10, 0))).toBe("decimal(21,13)");
    expect(arithmeticType("mod", D(10, 2), D(1, 0))).toBe("decimal(3,2)");
    // Beyond 38 digits: the integer digits are kept, at least min(s, 6) fraction digits.
    expect(arithmeticType("multiply", D(38, 10), D(38, 10))).toBe("decimal(38,6)");
    expect(arithmeticType("divide", D(38, 10), D(38, 10))).toBe("decimal(38,6)");
    expect(adjustPrecisionScale(40, 2)).toBe("decimal(38,2)");
  });

  it("types sum, avg, round and floor as Spark does", () => {
    expect(sumType(D(10, 2))).toBe("decimal(20,2)");
    expect(sumType(D(35, 2))).toBe("decimal(38,2)");
    expect(avgType(D(10, 2))).toBe("decimal(14,6)");
    expect(roundType(D(10, 2), 1)).toBe("decimal(10,1)");
    expect(roundType(D(10, 2), 5)).toBe("decimal(11,2)");
    expect(roundType(D(10, 2), -2)).toBe("decimal(9,0)");
    expect(floorType(D(10, 2))).toBe("decimal(9,0)");
  });

  it("widens a decimal with integers and decimals, and gives a double beside a double", () => {
    expect(widerNumeric("decimal(5,2)", "int")).toBe("decimal(12,2)");
    expect(widerNumeric("decimal(5,2)", "decimal(10,0)")).toBe("decimal(12,2)");
    expect(widerNumeric("decimal(5,2)", "double")).toBe("double");
  });
});

describe("decimal arithmetic", () => {
  it("divides to 38 places first, then to the result's scale (HALF_UP both times)", () => {
    const out = D(9, 6);
    expect(arithmetic("divide", 1n, D(3, 0), 3n, D(3, 0), out, true)).toBe(333333n);
    expect(arithmetic("divide", 2n, D(3, 0), 3n, D(3, 0), out, true)).toBe(666667n);
    expect(arithmetic("divide", -2n, D(3, 0), 3n, D(3, 0), out, true)).toBe(-666667n);
  });

  it("fails (ANSI) or gives null (legacy) past the result's precision, and on a zero divisor", () => {
    const a = 123456789012345678901234567890123456n; // 36 digits
    expect(() => arithmetic("multiply", a, D(38, 0), a, D(38, 0), D(38, 0), true)).toThrow(/NUMERIC_VALUE_OUT_OF_RANGE/);
    expect(arithmetic("multiply", a, D(38, 0), a, D(38, 0), D(38, 0), false)).toBeNull();
    expect(() => arithmetic("divide", 1n, D(3, 0), 0n, D(3, 0), D(9, 6), true)).toThrow(/DIVIDE_BY_ZERO/);
    expect(arithmetic("mod", 1n, D(3, 0), 0n, D(3, 0), D(3, 0), false)).toBeNull();
  });

  it("adds and subtracts exactly at the larger scale", () => {
    expect(arithmetic("add", 6n, D(2, 2), 1n, D(2, 2), D(3, 2), true)).toBe(7n); // 0.06 + 0.01 = 0.07
    expect(arithmetic("subtract", 125n, D(5, 2), 5n, D(3, 1), D(6, 2), true)).toBe(75n); // 1.25 - 0.5 = 0.75
  });

  it("rounds HALF_UP, HALF_EVEN, FLOOR and CEILING", () => {
    expect(roundTo(-75n, 1, 0, "HALF_UP")).toBe(-8n);
    expect(roundTo(-725n, 2, 1, "HALF_EVEN")).toBe(-72n);
    expect(roundTo(-735n, 2, 1, "HALF_EVEN")).toBe(-74n);
    expect(roundTo(-725n, 2, 0, "FLOOR")).toBe(-8n);
    expect(roundTo(-725n, 2, 0, "CEILING")).toBe(-7n);
    expect(roundTo(12345n, 2, -1, "HALF_UP")).toBe(120n);
  });
});
