/**
 * Interval text both ways (shared/plan/intervals.ts) against what PySpark 4.0.1 printed for the
 * same values (CAST(... AS STRING) and literal column names), written down here by hand:
 * microseconds and months are computed from the fields in each row, not by the code under test.
 */
import { describe, expect, it } from "vitest";
import { decimalToInterval, intervalText, intervalToDecimal, intervalToInterval, intervalToWhole, parseDayTime, parseIntervalString, parseYearMonth, wholeToInterval } from "../../../shared/plan/intervals.ts";
import { elementOf, intervalOf, intervalType, parseTypeName, typeName, type DataType } from "../../../shared/plan/types.ts";

const S = 1_000_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("interval types", () => {
  it("are spelled as Spark's simpleString, read from DDL in any case, and refuse fields out of order", () => {
    expect(parseTypeName("INTERVAL DAY TO SECOND")).toBe("interval day to second");
    expect(parseTypeName("interval  Year to Month")).toBe("interval year to month");
    expect(parseTypeName("INTERVAL HOUR")).toBe("interval hour");
    expect(typeName("interval minute to second")).toBe("interval minute to second");
    expect(intervalOf("interval second to day" as DataType)).toBeNull();
    expect(intervalOf("interval day to month" as DataType)).toBeNull();
    expect(intervalOf("interval year to month")).toEqual({ kind: "yearmonth", start: 0, end: 1 });
    expect(intervalType("daytime", 1, 3)).toBe("interval hour to second");
    expect(parseTypeName("ARRAY<INTERVAL DAY TO SECOND>")).toBe("array<interval day to second>");
    expect(elementOf(parseTypeName("array<interval month>"))).toBe("interval month");
    expect(parseTypeName("struct<a: interval year to month, b: int>")).toBe("struct<a:interval year to month,b:int>");
  });
});

describe("interval text as Spark writes it", () => {
  const cases: readonly [number, DataType, string][] = [
    [D + 2 * H + 3 * M + 4 * S, "interval day to second", "INTERVAL '1 02:03:04' DAY TO SECOND"],
    [-(D + 2 * H + 3 * M + 4.5 * S), "interval day to second", "INTERVAL '-1 02:03:04.5' DAY TO SECOND"],
    [3 * D, "interval day", "INTERVAL '3' DAY"],
    [H, "interval hour", "INTERVAL '01' HOUR"],
    [36 * H, "interval hour", "INTERVAL '36' HOUR"],
    [D + 2 * H, "interval day to hour", "INTERVAL '1 02' DAY TO HOUR"],
    [1.5 * S, "interval second", "INTERVAL '01.5' SECOND"],
    [3, "interval second", "INTERVAL '00.000003' SECOND"],
    [M + S, "interval minute to second", "INTERVAL '01:01' MINUTE TO SECOND"],
    [2 * H + 3 * M + 4 * S + 123456, "interval hour to second", "INTERVAL '02:03:04.123456' HOUR TO SECOND"],
    [-H, "interval day to hour", "INTERVAL '-0 01' DAY TO HOUR"],
    [14, "interval year to month", "INTERVAL '1-2' YEAR TO MONTH"],
    [-23, "interval year to month", "INTERVAL '-1-11' YEAR TO MONTH"],
    [24, "interval year", "INTERVAL '2' YEAR"],
    [5, "interval month", "INTERVAL '5' MONTH"],
  ];
  it.each(cases)("%d as %s is %s", (v, t, text) => {
    expect(intervalText(v, t)).toBe(text);
  });
});

describe("interval strings read as Spark's literals and casts read them", () => {
  it("reads exactly the type's fields: a sign, the leading field unbounded, the others in range, up to nine fraction digits (truncated)", () => {
    expect(parseDayTime("1 2:03:04", 0, 3)).toBe(D + 2 * H + 3 * M + 4 * S);
    expect(parseDayTime("-3", 0, 0)).toBe(-3 * D);
    expect(parseDayTime("36", 1, 1)).toBe(36 * H);
    expect(parseDayTime("2:03:04.123456789", 1, 3)).toBe(2 * H + 3 * M + 4 * S + 123456);
    expect(parseDayTime("1.5", 3, 3)).toBe(1.5 * S);
    expect(parseYearMonth("+1-11", 0, 1)).toBe(23);
    expect(parseYearMonth("-1-11", 0, 1)).toBe(-23);
    expect(parseYearMonth("14", 1, 1)).toBe(14);
    expect(() => parseDayTime("1 25:00:00", 0, 3)).toThrow(/hour 25 outside range \[0, 23\]/);
    expect(() => parseDayTime("1 2", 0, 3)).toThrow(/does not match/);
    expect(() => parseYearMonth("1-12", 0, 1)).toThrow(/month 12 outside range/);
    expect(() => parseDayTime("106751992", 0, 0)).toThrow(/outside range/);
    expect(() => parseYearMonth("178956971", 0, 0)).toThrow(/outside range/);
  });

  it("casts the fields' text or the whole literal naming the type's fields; anything else does not convert", () => {
    expect(parseIntervalString("1 02:03:04", "interval day to second")).toBe(D + 2 * H + 3 * M + 4 * S);
    expect(parseIntervalString("INTERVAL '1 02:03:04' DAY TO SECOND", "interval day to second")).toBe(D + 2 * H + 3 * M + 4 * S);
    expect(parseIntervalString("INTERVAL -'1-2' YEAR TO MONTH", "interval year to month")).toBe(-14);
    expect(parseIntervalString("INTERVAL '3' DAY", "interval day to second")).toBeNull();
    expect(parseIntervalString("bad", "interval day")).toBeNull();
  });
});

describe("interval conversions of casts", () => {
  it("counts the end field, truncating toward zero, and truncates to a narrower end field", () => {
    expect(intervalToWhole(-(D + 12 * H), "interval day to second")).toBe(-129600);
    expect(intervalToWhole(D + 12 * H, "interval day to hour")).toBe(36);
    expect(intervalToWhole(14, "interval year to month")).toBe(14);
    expect(intervalToWhole(26, "interval year")).toBe(2);
    expect(wholeToInterval(3, "interval hour")).toBe(3 * H);
    expect(wholeToInterval(2147483647, "interval year")).toBeUndefined();
    expect(intervalToInterval(D + 2 * H + 3 * M + 4 * S, "interval day")).toBe(D);
    expect(intervalToInterval(26, "interval year")).toBe(24);
  });

  it("reads and gives decimals counting the end field, rounded half up (Spark: 1.5 s to DECIMAL(10,0) is 2, 1.0000005 to INTERVAL SECOND is 1.000001)", () => {
    expect(intervalToDecimal(1.5 * S, "interval second", 0)).toBe(2n);
    expect(intervalToDecimal(-1.5 * S, "interval second", 0)).toBe(-2n);
    expect(intervalToDecimal(36 * H, "interval hour", 3)).toBe(36000n);
    expect(intervalToDecimal(18, "interval year to month", 2)).toBe(1800n);
    expect(decimalToInterval(10000005n, 7, "interval second")).toBe(S + 1);
    expect(decimalToInterval(25n, 1, "interval month")).toBe(3);
    expect(decimalToInterval(15n, 1, "interval day")).toBe(D + 12 * H);
    expect(decimalToInterval(10n ** 30n, 0, "interval month")).toBeUndefined();
  });
});
