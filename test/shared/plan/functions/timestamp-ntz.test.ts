/**
 * timestamp_ntz's own rules (shared/plan/functions/timestamp-ntz.ts, timestamps.ts's
 * parseTimestampNtz, timestamp-casts.ts's ntz rows): wall clocks as text and back, the text
 * syntax (a zone read and ignored, a time alone refused), and the casts that do and do not use
 * the session time zone. Expected values come from Date.UTC and offsets written out by hand.
 */
import { describe, expect, it } from "vitest";
import { localDateTimeText, localDateTimeValue } from "../../../../shared/plan/functions/timestamp-ntz.ts";
import { parseTimestampNtz } from "../../../../shared/plan/functions/timestamps.ts";
import { timestampCast, timestampCastRefusal } from "../../../../shared/plan/functions/timestamp-casts.ts";
import { timeZone } from "../../../../shared/plan/functions/time-zone.ts";
import { SparkDateTimeError } from "../../../../shared/plan/functions/calendar.ts";

const wall = (...f: [number, number, number, number?, number?, number?]) => Date.UTC(f[0], f[1] - 1, f[2], f[3] ?? 0, f[4] ?? 0, f[5] ?? 0) * 1000;
const LA = timeZone("America/Los_Angeles");
const H = 3_600_000_000;

describe("timestamp_ntz text", () => {
  it("shows a wall clock as ISO local date-time text, the fraction as Spark trims it", () => {
    expect(localDateTimeText(wall(2024, 3, 10, 2, 30))).toBe("2024-03-10T02:30:00");
    expect(localDateTimeText(wall(2024, 3, 10, 2, 30) + 500_000)).toBe("2024-03-10T02:30:00.5");
    expect(localDateTimeText(wall(1969, 12, 31, 23, 59, 59) + 1)).toBe("1969-12-31T23:59:59.000001");
    expect(localDateTimeText(-62135596800000000)).toBe("0001-01-01T00:00:00");
  });

  it("reads what users give a timestamp_ntz column: wall clock text, microseconds as they are, a Date left for the schema check", () => {
    expect(localDateTimeValue("2024-03-10T02:30:00.5")).toBe(wall(2024, 3, 10, 2, 30) + 500_000);
    expect(localDateTimeValue("2024-03-10")).toBe(wall(2024, 3, 10));
    expect(localDateTimeValue(wall(2024, 3, 10))).toBe(wall(2024, 3, 10));
    expect(localDateTimeValue("not a time")).toBe("not a time");
    const d = new Date(0);
    expect(localDateTimeValue(d)).toBe(d);
  });

  it("parses Spark's text syntax, ignoring a zone in it but refusing an unknown one, a time alone, fields out of range", () => {
    expect(parseTimestampNtz("2024-03-07 12:34:56+08:00")).toBe(wall(2024, 3, 7, 12, 34, 56));
    expect(parseTimestampNtz("2024-03-07T12:34:56.123456789Z")).toBe(wall(2024, 3, 7, 12, 34, 56) + 123_456);
    expect(parseTimestampNtz("2024-03-07 12:34:56 America/New_York")).toBe(wall(2024, 3, 7, 12, 34, 56));
    expect(parseTimestampNtz(" 2024-03 ")).toBe(wall(2024, 3, 1));
    for (const bad of ["12:34:56", "T12:34", "2024-02-30", "2024-03-07 24:00:00", "2024-03-07 12:34:56 Nowhere/City", ""]) {
      expect(() => parseTimestampNtz(bad), bad).toThrow(/CAST_INVALID_INPUT/);
    }
  });
});

describe("timestamp_ntz casts", () => {
  const cast = (from: Parameters<typeof timestampCast>[0], to: Parameters<typeof timestampCast>[1], v: unknown) => (timestampCast(from, to, LA) as (v: unknown) => unknown)(v);

  it("keeps the wall clock to and from strings and dates, whatever the session time zone", () => {
    expect(cast("timestamp_ntz", "string", wall(2024, 3, 10, 2, 30))).toBe("2024-03-10 02:30:00");
    expect(cast("timestamp_ntz", "date", wall(1969, 12, 31, 23, 30))).toBe("1969-12-31");
    expect(cast("date", "timestamp_ntz", "2024-03-10")).toBe(wall(2024, 3, 10));
    expect(cast("string", "timestamp_ntz", "2024-03-10 02:30:00")).toBe(wall(2024, 3, 10, 2, 30));
  });

  it("reads a wall clock in the session time zone to and from timestamps: the spring gap moves forward, the fall overlap takes the earlier offset", () => {
    // 02:30 does not exist in Los Angeles on 2024-03-10: java.time moves it to 03:30 PDT (-7h).
    expect(cast("timestamp_ntz", "timestamp", wall(2024, 3, 10, 2, 30))).toBe(wall(2024, 3, 10, 10, 30));
    // 01:30 on 2024-11-03 happens twice: the earlier offset (PDT, -7h).
    expect(cast("timestamp_ntz", "timestamp", wall(2024, 11, 3, 1, 30))).toBe(wall(2024, 11, 3, 8, 30));
    expect(cast("timestamp", "timestamp_ntz", wall(2024, 11, 3, 9, 30))).toBe(wall(2024, 11, 3, 1, 30));
    expect(cast("timestamp", "timestamp_ntz", wall(2024, 1, 1, 8) + H)).toBe(wall(2024, 1, 1, 1));
  });

  it("refuses numbers and booleans either way, without a setting that allows them (CAST_WITHOUT_SUGGESTION)", () => {
    expect(timestampCastRefusal("timestamp_ntz", "long")).toMatch(/CAST_WITHOUT_SUGGESTION.*"TIMESTAMP_NTZ" to "BIGINT"/);
    expect(timestampCastRefusal("int", "timestamp_ntz")).toMatch(/CAST_WITHOUT_SUGGESTION.*"INT" to "TIMESTAMP_NTZ"/);
    expect(timestampCastRefusal("boolean", "timestamp_ntz")).toMatch(/CAST_WITHOUT_SUGGESTION/);
    expect(timestampCastRefusal("timestamp", "timestamp_ntz")).toBeUndefined();
    expect(() => timestampCast("double", "timestamp_ntz", LA)).toThrow(SparkDateTimeError);
  });

  it("gives null for malformed text in try and legacy mode", () => {
    expect((timestampCast("string", "timestamp_ntz", LA, "try") as (v: unknown) => unknown)("bad")).toBeNull();
    expect((timestampCast("string", "timestamp_ntz", LA, "legacy") as (v: unknown) => unknown)("12:00")).toBeNull();
  });
});
