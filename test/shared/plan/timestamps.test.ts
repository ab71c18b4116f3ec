/**
 * The timestamp rules on their own (shared/plan/functions/time-zone.ts, timestamps.ts,
 * timestamp-casts.ts): zone ids as java.time reads them, offsets through daylight saving and
 * local mean time, java.time's resolution of gaps and overlaps, Spark's timestamp text syntax
 * and its text of a timestamp. Expected instants come from Date.UTC and offsets written out
 * by hand from the tz database, not from the code under test.
 */
import { describe, expect, it } from "vitest";
import { localToUtc, offsetAt, timeZone, TimeZoneError } from "../../../shared/plan/functions/time-zone.ts";
import { daysOfTimestamp, parseTimestamp, timestampText, isTimestampValue, MIN_MICROS, END_MICROS } from "../../../shared/plan/functions/timestamps.ts";
import { timestampCast, timestampCastRefusal } from "../../../shared/plan/functions/timestamp-casts.ts";
import { SparkDateTimeError } from "../../../shared/plan/functions/calendar.ts";

const H = 3_600_000;
const utcMs = (...f: [number, number, number, number?, number?, number?]) => Date.UTC(f[0], f[1] - 1, f[2], f[3] ?? 0, f[4] ?? 0, f[5] ?? 0);
const utcUs = (...f: [number, number, number, number?, number?, number?]) => utcMs(...f) * 1000;

describe("time zones", () => {
  it("reads zone ids as java.time's ZoneId.of with SHORT_IDS: offsets, UTC/GMT/UT prefixes, regions, short ids", () => {
    expect(timeZone("+08:00")).toMatchObject({ kind: "fixed", offsetMs: 8 * H });
    expect(timeZone("-05:30")).toMatchObject({ kind: "fixed", offsetMs: -5.5 * H });
    expect(timeZone("+8")).toMatchObject({ kind: "fixed", offsetMs: 8 * H });
    expect(timeZone("+0530")).toMatchObject({ kind: "fixed", offsetMs: 5.5 * H });
    expect(timeZone("+5:30")).toMatchObject({ kind: "fixed", offsetMs: 5.5 * H }); // Spark's (+|-)h:mm
    expect(timeZone("+8:5")).toMatchObject({ kind: "fixed", offsetMs: 8 * H + 5 * 60_000 }); // and (+|-)hh:m after it
    expect(timeZone("Z")).toMatchObject({ kind: "fixed", offsetMs: 0 });
    expect(timeZone("UTC")).toMatchObject({ kind: "fixed", offsetMs: 0 });
    expect(timeZone("GMT+8")).toMatchObject({ kind: "fixed", offsetMs: 8 * H });
    expect(timeZone("UTC-03:00")).toMatchObject({ kind: "fixed", offsetMs: -3 * H });
    expect(timeZone("EST")).toMatchObject({ kind: "fixed", offsetMs: -5 * H });
    expect(timeZone("PST")).toMatchObject({ kind: "region", id: "America/Los_Angeles" });
    expect(timeZone("Europe/Paris").kind).toBe("region");
    for (const bad of ["Nowhere/City", "+19:00", "+8:555", "", "UTC+", "Europe/Paris; DROP"]) expect(() => timeZone(bad), bad).toThrow(TimeZoneError);
    expect(() => timeZone("Mars/Olympus")).toThrow(/INVALID_TIMEZONE.*"Mars\/Olympus".*America\/Los_Angeles/);
  });

  it("gives a region's offset through daylight saving, half-hour and 45-minute zones, and local mean time", () => {
    const la = timeZone("America/Los_Angeles");
    expect(offsetAt(la, utcMs(2024, 1, 15, 12))).toBe(-8 * H);
    expect(offsetAt(la, utcMs(2024, 7, 15, 12))).toBe(-7 * H);
    // The 2024 spring change is at 10:00Z (02:00 PST), the fall change at 09:00Z (02:00 PDT).
    expect(offsetAt(la, utcMs(2024, 3, 10, 9, 59, 59))).toBe(-8 * H);
    expect(offsetAt(la, utcMs(2024, 3, 10, 10))).toBe(-7 * H);
    expect(offsetAt(la, utcMs(2024, 11, 3, 8, 59, 59))).toBe(-7 * H);
    expect(offsetAt(la, utcMs(2024, 11, 3, 9))).toBe(-8 * H);
    // Before standard time (1883-11-18 12:07:02 local): local mean time, -7:52:58.
    expect(offsetAt(la, utcMs(1880, 1, 1))).toBe(-(7 * H + 52 * 60_000 + 58_000));
    expect(offsetAt(timeZone("Asia/Kolkata"), utcMs(2024, 3, 7))).toBe(5.5 * H);
    expect(offsetAt(timeZone("Asia/Kathmandu"), utcMs(2024, 3, 7))).toBe(5.75 * H);
  });

  it("resolves wall-clock times as java.time does: a gap moves later by its length, an overlap takes the earlier offset", () => {
    const la = timeZone("America/Los_Angeles");
    // 02:30 on 2024-03-10 does not exist: it is 03:30 PDT = 10:30Z.
    expect(localToUtc(la, utcMs(2024, 3, 10, 2, 30))).toBe(utcMs(2024, 3, 10, 10, 30));
    // 01:30 on 2024-11-03 happens twice: the first (PDT, -7) = 08:30Z.
    expect(localToUtc(la, utcMs(2024, 11, 3, 1, 30))).toBe(utcMs(2024, 11, 3, 8, 30));
    expect(localToUtc(la, utcMs(2024, 7, 1, 12))).toBe(utcMs(2024, 7, 1, 19));
    expect(localToUtc(timeZone("+05:30"), utcMs(2024, 1, 1))).toBe(utcMs(2023, 12, 31, 18, 30));
  });
});

describe("timestamp text", () => {
  const utc = timeZone("UTC");
  const la = timeZone("America/Los_Angeles");
  const now = () => utcMs(2026, 12, 2, 22, 0);

  it("reads Spark's cast syntax: missing fields, T or space, fractions (cut past six digits), zones in the text", () => {
    const cases: [string, number][] = [
      ["2024-03-07 12:34:56", utcUs(2024, 3, 7, 12, 34, 56)],
      ["2024-03-07T12:34:56.5", utcUs(2024, 3, 7, 12, 34, 56) + 500_000],
      ["2024-03-07 12:34:56.1234567", utcUs(2024, 3, 7, 12, 34, 56) + 123_456],
      [" 2024-03-07 ", utcUs(2024, 3, 7)],
      ["2024-03", utcUs(2024, 3, 1)],
      ["2024", utcUs(2024, 1, 1)],
      ["+2024-01-01", utcUs(2024, 1, 1)],
      ["2024-3-7 1:2:3", utcUs(2024, 3, 7, 1, 2, 3)],
      ["2024-03-07 12:34", utcUs(2024, 3, 7, 12, 34)],
      ["2024-03-07T12:34:56Z", utcUs(2024, 3, 7, 12, 34, 56)],
      ["2024-03-07 12:34:56+08:00", utcUs(2024, 3, 7, 4, 34, 56)],
      ["2024-03-07 12:34:56-0530", utcUs(2024, 3, 7, 18, 4, 56)],
      ["2024-03-07 12:34:56 GMT+8", utcUs(2024, 3, 7, 4, 34, 56)],
      ["2024-03-07 12:34:56 America/Los_Angeles", utcUs(2024, 3, 7, 20, 34, 56)],
      ["2024-03-07 12:34:56 UTC", utcUs(2024, 3, 7, 12, 34, 56)],
      ["12:34:56", utcUs(2026, 12, 2, 12, 34, 56)],
    ];
    for (const [text, expected] of cases) expect(parseTimestamp(text, utc, now), text).toBe(expected);
    // Without a zone in the text, the session's: LA's gap and overlap as java.time resolves them.
    expect(parseTimestamp("2024-03-10 02:30:00", la)).toBe(utcUs(2024, 3, 10, 10, 30));
    expect(parseTimestamp("2024-11-03 01:30:00", la)).toBe(utcUs(2024, 11, 3, 8, 30));
  });

  it("refuses malformed text with Spark's CAST_INVALID_INPUT naming it", () => {
    for (const bad of ["bad", "", "2024-02-30", "2024-03-07 24:00:00", "2024-03-07 12:60", "2024-03-07X", "2024-03-07 12:34:56 Nowhere/City", "24-03-07", "10000-01-01"]) {
      expect(() => parseTimestamp(bad, utc), bad).toThrow(SparkDateTimeError);
    }
    expect(() => parseTimestamp("nope", utc)).toThrow(/\[CAST_INVALID_INPUT\] The value 'nope' of the type "STRING" cannot be cast to "TIMESTAMP"/);
  });

  it("writes a timestamp as Spark's cast to string does: trailing zeros of the fraction dropped, in the zone", () => {
    expect(timestampText(utcUs(2024, 3, 7, 12, 34, 56) + 100_000, utc)).toBe("2024-03-07 12:34:56.1");
    expect(timestampText(utcUs(2024, 3, 7, 12, 34, 56) + 123_456, utc)).toBe("2024-03-07 12:34:56.123456");
    expect(timestampText(utcUs(1969, 12, 31, 23, 59, 59) + 999_999, utc)).toBe("1969-12-31 23:59:59.999999");
    expect(timestampText(utcUs(2024, 3, 7, 4, 0), la)).toBe("2024-03-06 20:00:00");
    expect(timestampText(MIN_MICROS, utc)).toBe("0001-01-01 00:00:00");
    expect(daysOfTimestamp(utcUs(2024, 3, 7, 4, 0), la)).toBe(utcMs(2024, 3, 6) / 86_400_000);
  });

  it("holds 0001-01-01 to 9999-12-31 only, as whole microseconds", () => {
    expect(isTimestampValue(MIN_MICROS)).toBe(true);
    expect(isTimestampValue(END_MICROS)).toBe(false);
    expect(isTimestampValue(MIN_MICROS - 1000)).toBe(false); // (a double at -6e16 steps by 8)
    expect(isTimestampValue(0.5)).toBe(false);
  });
});

describe("timestamp casts", () => {
  const utc = timeZone("UTC");
  const cast = (from: "string" | "date" | "long" | "int" | "double" | "timestamp", to: "string" | "date" | "long" | "int" | "double" | "timestamp", v: unknown) =>
    (timestampCast(from, to, utc) as (v: unknown) => unknown)(v);

  it("numbers are seconds since the epoch both ways; a timestamp floors to whole seconds; dates are midnight", () => {
    expect(cast("long", "timestamp", 1700000000)).toBe(1700000000 * 1e6);
    expect(cast("double", "timestamp", -1.25)).toBe(-1_250_000);
    expect(cast("timestamp", "long", -500_000)).toBe(-1);
    expect(cast("timestamp", "double", -500_000)).toBe(-0.5);
    expect(cast("timestamp", "date", utcUs(2024, 3, 7, 23, 59))).toBe("2024-03-07");
    expect(cast("date", "timestamp", "2024-03-07")).toBe(utcUs(2024, 3, 7));
    expect(() => cast("timestamp", "int", utcUs(2100, 1, 1))).toThrow(/CAST_OVERFLOW/);
    expect(() => cast("double", "timestamp", NaN)).toThrow(/CAST_INVALID_INPUT/);
    expect(() => cast("long", "timestamp", 253402300800)).toThrow(/DATETIME_OVERFLOW/);
  });

  it("refuses booleans either way at analysis, as Spark 4 with ANSI on", () => {
    expect(timestampCastRefusal("boolean", "timestamp")).toMatch(/CAST_WITH_CONF_SUGGESTION.*"BOOLEAN" to "TIMESTAMP"/);
    expect(timestampCastRefusal("timestamp", "boolean")).toMatch(/"TIMESTAMP" to "BOOLEAN"/);
    expect(timestampCastRefusal("string", "timestamp")).toBeUndefined();
    expect(timestampCastRefusal("null", "timestamp")).toBeUndefined();
  });
});
