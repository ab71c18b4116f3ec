/**
 * Date functions in generated loops (executor-fn/compile/vector-calls.ts), without Spark:
 * kernels over "YYYY-MM-DD" values, null in and null out, their typing
 * (shared/plan/resolve.ts) and their errors. Expected values come from JavaScript's Date in
 * UTC (proleptic Gregorian, as Spark's), Intl's English names and ISO-week rule written out
 * here, over seeded random dates from 0001-01-01 to 9999-12-31 and hand-picked edges;
 * test/spark/functions/dates.test.ts checks the functions against Spark itself.
 */
import { describe, expect, it } from "vitest";
import { compileVectorProjection, vectorProjectionSource } from "../../../executor-fn/compile/vector-expression.ts";
import { batchFromRows } from "../../../shared/batch/batch.ts";
import { valueAt } from "../../../shared/batch/vector.ts";
import { BadInputError, UserError } from "../../../shared/errors.ts";
import { call, column as c, literal, type Expr } from "../../../shared/plan/expr.ts";
import { AnalysisError, typeOf } from "../../../shared/plan/resolve.ts";
import type { Row, Schema, Value } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

const schema: Schema = {
  fields: [
    { name: "d", type: "date", nullable: true },
    { name: "n", type: "int", nullable: true },
    { name: "e", type: "date", nullable: true },
    { name: "s", type: "string", nullable: true },
    { name: "l", type: "long", nullable: true },
    { name: "x", type: "double", nullable: true },
  ],
};
const batchOf = (rows: readonly Value[][]) => batchFromRows(schema, rows.map((r): Row => schema.fields.map((_, k) => r[k] ?? null)));
const values = (expr: Expr, rows: Value[][]) => {
  const [v] = compileVectorProjection([expr], schema)(batchOf(rows));
  return rows.map((_, k) => valueAt(v!, k));
};
const lit = literal;

// ---- the reference: JavaScript's Date in UTC -------------------------------------------

const DAY = 86_400_000;
/** Milliseconds of a UTC date; setUTCFullYear, since Date.UTC maps years 0-99 to 1900-1999. */
function utc(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime();
}
const parts = (s: string) => s.split("-").map(Number) as [number, number, number];
const ms = (s: string) => utc(...parts(s));
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const ref = {
  addDays: (s: string, n: number) => iso(ms(s) + n * DAY),
  datediff: (a: string, b: string) => Math.round((ms(a) - ms(b)) / DAY),
  lastDay: (s: string) => {
    const [y, m] = parts(s);
    return iso(utc(y, m + 1, 0));
  },
  addMonths: (s: string, n: number) => {
    const [y, m, d] = parts(s);
    const last = new Date(utc(y, m + n + 1, 0)).getUTCDate();
    return iso(utc(y, m + n, Math.min(d, last)));
  },
  dayOfWeek: (s: string) => new Date(ms(s)).getUTCDay() + 1,
  dayOfYear: (s: string) => Math.round((ms(s) - utc(parts(s)[0], 1, 1)) / DAY) + 1,
  /** ISO 8601: the week of the Thursday in the same Monday-to-Sunday week. */
  isoWeek: (s: string) => {
    const t = ms(s);
    const thursday = t + (4 - (new Date(t).getUTCDay() || 7)) * DAY;
    const jan1 = utc(new Date(thursday).getUTCFullYear(), 1, 1);
    return Math.floor((thursday - jan1) / DAY / 7) + 1;
  },
  english: (s: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-US", { timeZone: "UTC", ...options }).format(new Date(ms(s))),
};

/** Seeded random dates over 0001..9999, plus the edges every function must get right. */
const random = prng(20240229);
const EDGES = ["2000-02-29", "1900-02-28", "1900-03-01", "2024-02-29", "2023-01-31", "2024-01-31", "2020-12-31", "2021-01-03", "2027-01-01", "1582-10-04", "1582-10-15", "0001-01-01", "9999-12-31", "1970-01-01", "1969-12-31", "0004-02-29"];
const DATES = [...EDGES, ...Array.from({ length: 300 }, () => iso(utc(1, 1, 1) + Math.floor(random() * 3_652_059) * DAY))];

describe("date functions compile to kernels", () => {
  it("call the kernel with raw values, and give null for a null argument", () => {
    const expr = call("date_add", [c("d"), c("n")]);
    expect(vectorProjectionSource([expr], schema, batchOf([["2024-01-01", 1]]))).toContain("K[0](");
    expect(values(expr, [["2024-02-28", 1], [null, 1], ["2024-02-28", null], ["2000-02-29", -365]])).toEqual(["2024-02-29", null, null, ref.addDays("2000-02-29", -365)]);
  });

  it("date_add, date_sub, datediff and last_day agree with Date over 0001..9999", () => {
    const rows = DATES.map((d, i) => [d, Math.floor(random() * 2000) - 1000, DATES[(i * 7 + 3) % DATES.length]!]);
    const inRange = (d: string, n: number) => ms(d) + n * DAY >= utc(1, 1, 1) && ms(d) + n * DAY <= utc(9999, 12, 31);
    const safe = rows.filter(([d, n]) => inRange(d as string, n as number) && inRange(d as string, -(n as number)));
    expect(values(call("date_add", [c("d"), c("n")]), safe)).toEqual(safe.map(([d, n]) => ref.addDays(d as string, n as number)));
    expect(values(call("date_sub", [c("d"), c("n")]), safe)).toEqual(safe.map(([d, n]) => ref.addDays(d as string, -(n as number))));
    expect(values(call("datediff", [c("d"), c("e")]), rows)).toEqual(rows.map(([d, , e]) => ref.datediff(d as string, e as string)));
    expect(values(call("last_day", [c("d")]), rows)).toEqual(rows.map(([d]) => ref.lastDay(d as string)));
  });

  it("add_months keeps the day or takes the month's last one", () => {
    const rows = DATES.map((d) => [d, Math.floor(random() * 48) - 24]).filter(([d, n]) => {
      const y = parts(d as string)[0] + Math.floor((parts(d as string)[1] - 1 + (n as number)) / 12);
      return y >= 1 && y <= 9999;
    });
    expect(values(call("add_months", [c("d"), c("n")]), rows)).toEqual(rows.map(([d, n]) => ref.addMonths(d as string, n as number)));
    expect(values(call("add_months", [lit("2024-01-31"), lit(1)]), [[]])).toEqual(["2024-02-29"]);
    expect(values(call("add_months", [lit("2023-01-31"), lit(1)]), [[]])).toEqual(["2023-02-28"]);
  });

  it("extracts fields as Date and the ISO week rule give them", () => {
    const rows = DATES.map((d) => [d]);
    const get = (fn: "year" | "quarter" | "month" | "dayofmonth" | "dayofweek" | "dayofyear" | "weekofyear") => values(call(fn, [c("d")]), rows);
    expect(get("year")).toEqual(DATES.map((d) => new Date(ms(d)).getUTCFullYear()));
    expect(get("month")).toEqual(DATES.map((d) => new Date(ms(d)).getUTCMonth() + 1));
    expect(get("quarter")).toEqual(DATES.map((d) => Math.ceil((new Date(ms(d)).getUTCMonth() + 1) / 3)));
    expect(get("dayofmonth")).toEqual(DATES.map((d) => new Date(ms(d)).getUTCDate()));
    expect(get("dayofweek")).toEqual(DATES.map(ref.dayOfWeek));
    expect(get("dayofyear")).toEqual(DATES.map(ref.dayOfYear));
    expect(get("weekofyear")).toEqual(DATES.map(ref.isoWeek));
    // Hand-checked ISO weeks: 2021-01-03 is in week 53 of 2020, 2024-12-30 in week 1 of 2025.
    expect(values(call("weekofyear", [c("d")]), [["2021-01-03"], ["2024-12-30"], ["2027-01-01"], ["2026-12-31"]])).toEqual([53, 1, 53, 53]);
  });

  it("next_day and trunc", () => {
    const rows = DATES.map((d) => [d]).filter(([d]) => (d as string) < "9999-12-25");
    const nextMonday = rows.map(([d]) => ref.addDays(d as string, ((8 - (ref.dayOfWeek(d as string) - 1)) % 7) || 7));
    expect(values(call("next_day", [c("d"), lit("monday")]), rows)).toEqual(nextMonday);
    expect(values(call("next_day", [c("d"), lit("MO")]), rows)).toEqual(nextMonday);
    const rowsT = DATES.map((d) => [d]).filter(([d]) => (d as string) > "0001-01-07");
    expect(values(call("trunc", [c("d"), lit("week")]), rowsT)).toEqual(rowsT.map(([d]) => ref.addDays(d as string, -((ref.dayOfWeek(d as string) + 5) % 7))));
    expect(values(call("trunc", [c("d"), lit("YY")]), rowsT)).toEqual(rowsT.map(([d]) => `${(d as string).slice(0, 4)}-01-01`));
    expect(values(call("trunc", [c("d"), lit("quarter")]), [["2024-05-17"], ["2024-12-31"]])).toEqual(["2024-04-01", "2024-10-01"]);
    expect(values(call("trunc", [c("d"), lit("mon")]), [["2024-05-17"]])).toEqual(["2024-05-01"]);
    expect(values(call("trunc", [c("d"), lit("day")]), [["2024-05-17"]])).toEqual([null]);
  });

  it("months_between: whole months on equal days or month ends, else days over 31, rounded to 8 digits", () => {
    const rows = DATES.map((d, i) => [d, null, DATES[(i * 13 + 5) % DATES.length]!]);
    const expected = (a: string, b: string, round: boolean) => {
      const [y1, m1, d1] = parts(a);
      const [y2, m2, d2] = parts(b);
      const months = (y1 - y2) * 12 + (m1 - m2);
      if (d1 === d2 || (ref.lastDay(a) === a && ref.lastDay(b) === b)) return months;
      const v = months + (d1 - d2) / 31;
      return round ? Math.round(v * 1e8) / 1e8 : v;
    };
    expect(values(call("months_between", [c("d"), c("e"), lit(true)]), rows)).toEqual(rows.map(([a, , b]) => expected(a as string, b as string, true)));
    expect(values(call("months_between", [c("d"), c("e"), lit(false)]), rows)).toEqual(rows.map(([a, , b]) => expected(a as string, b as string, false)));
    expect(values(call("months_between", [c("d"), c("e")]), [["2024-03-31", null, "2024-02-29"], ["2024-03-30", null, "2024-02-29"]])).toEqual([1, 1.03225806]);
  });

  it("make_date builds dates and refuses invalid ones", () => {
    const rows = DATES.map((d) => parts(d));
    const expr = call("make_date", [lit(0), lit(0), lit(0)]);
    expect(expr.kind).toBe("call");
    const made = rows.map(([y, m, d]) => values(call("make_date", [lit(y), lit(m), lit(d)]), [[]])[0]);
    expect(made).toEqual(DATES);
    expect(() => values(call("make_date", [lit(2023), lit(2), lit(29)]), [[]])).toThrow(/\[DATETIME_FIELD_OUT_OF_BOUNDS\].*not a leap year/);
    expect(() => values(call("make_date", [lit(2023), lit(13), lit(1)]), [[]])).toThrow(/\[DATETIME_FIELD_OUT_OF_BOUNDS\]/);
    expect(() => values(call("make_date", [lit(10000), lit(1), lit(1)]), [[]])).toThrow(/\[DATETIME_OVERFLOW\].*\+10000-01-01/);
  });

  it("to_date casts strings as Spark (trimmed, short forms, anything after a space or T) and errors on malformed ones", () => {
    const ok: [string, string][] = [[" 2024-1-5 ", "2024-01-05"], ["2024", "2024-01-01"], ["2024-02", "2024-02-01"], ["2024-02-29T10:00", "2024-02-29"], ["2024-02-29 garbage", "2024-02-29"], ["\t2024-02-29\n", "2024-02-29"], ["+2024-01-01", "2024-01-01"], ["02024-01-01", "2024-01-01"]];
    expect(values(call("to_date", [c("s")]), ok.map(([s]) => [null, null, null, s]))).toEqual(ok.map(([, d]) => d));
    for (const bad of ["2024-02-30", "2024-02-", "999-01-01", "2024/01/01", "", "   ", "x", "2024-001-01", "2024 01"]) {
      expect(() => values(call("to_date", [c("s")]), [[null, null, null, bad]])).toThrow(BadInputError);
      expect(() => values(call("to_date", [c("s")]), [[null, null, null, bad]])).toThrow(`[CAST_INVALID_INPUT] The value '${bad}'`);
    }
    // A string where a date is expected is cast the same way.
    expect(values(call("year", [c("s")]), [[null, null, null, "2024-02-29"], [null, null, null, "0000-06-01"]])).toEqual([2024, 0]);
    expect(() => values(call("date_add", [c("s"), lit(1)]), [[null, null, null, "bad"]])).toThrow(/CAST_INVALID_INPUT/);
  });

  it("date_format writes the pattern's fields as Intl names them", () => {
    const rows = DATES.map((d) => [d]);
    const fmt = (p: string) => values(call("date_format", [c("d"), lit(p)]), rows);
    expect(fmt("yyyy-MM-dd")).toEqual(DATES);
    expect(fmt("dd/MM/yy")).toEqual(DATES.map((d) => `${d.slice(8)}/${d.slice(5, 7)}/${d.slice(2, 4)}`));
    expect(fmt("EEE, MMM")).toEqual(DATES.map((d) => `${ref.english(d, { weekday: "short" })}, ${ref.english(d, { month: "short" })}`));
    expect(fmt("EEEE MMMM")).toEqual(DATES.map((d) => `${ref.english(d, { weekday: "long" })} ${ref.english(d, { month: "long" })}`));
    expect(fmt("D DDD d M y")).toEqual(DATES.map((d) => `${ref.dayOfYear(d)} ${String(ref.dayOfYear(d)).padStart(3, "0")} ${Number(d.slice(8))} ${Number(d.slice(5, 7))} ${Number(d.slice(0, 4))}`));
    expect(values(call("date_format", [c("d"), lit("yyyy-MM-dd'T'HH:mm:ss.SSS a h k G Q qqq QQQQ 'it''s'")]), [["2024-05-17"]])).toEqual(["2024-05-17T00:00:00.000 AM 12 24 AD 2 Q2 2nd quarter it's"]);
  });

  it("to_date with a pattern reads what date_format writes, and errors on what does not fit", () => {
    const rows = DATES.map((d) => [d]);
    for (const p of ["yyyy-MM-dd", "dd/MM/yyyy", "yyyyMMdd", "d MMM yyyy", "MMMM d, yyyy", "yyyy-DDD", "M-d-y HH:mm"]) {
      const texts = values(call("date_format", [c("d"), lit(p)]), rows);
      expect(values(call("to_date", [c("s"), lit(p)]), texts.map((t) => [null, null, null, t]))).toEqual(DATES);
    }
    const parse = (s: string, p: string) => values(call("to_date", [c("s"), lit(p)]), [[null, null, null, s]])[0];
    expect(parse("24-01-05", "yy-MM-dd")).toBe("2024-01-05");
    expect(parse("69-01-05", "yy-MM-dd")).toBe("2069-01-05");
    expect(parse("jan 5 2024", "MMM d yyyy")).toBe("2024-01-05");
    expect(parse("12", "MM")).toBe("1970-12-01");
    expect(parse("2024-01-05 5 pm", "yyyy-MM-dd h a")).toBe("2024-01-05");
    for (const [s, p] of [["2024-1-5", "yyyy-MM-dd"], ["2024-02-30", "yyyy-MM-dd"], ["2024-01-05x", "yyyy-MM-dd"], ["2023-366", "yyyy-DDD"], ["2024-01-05 24", "yyyy-MM-dd HH"], ["+2024-01-05", "yyyy-MM-dd"], ["2024-032-03", "yyyy-DDD-MM"]]) {
      expect(() => parse(s!, p!)).toThrow(`[CANNOT_PARSE_TIMESTAMP] Text '${s}'`);
    }
  });

  it("refuses patterns as Spark does, naming the letter", () => {
    const format = (p: string) => () => values(call("date_format", [c("d"), lit(p)]), [["2024-01-05"]]);
    expect(format("YYYY")).toThrow(UserError);
    expect(format("YYYY")).toThrow(/DATETIME_PATTERN_RECOGNITION.*week-based pattern letter 'Y'/);
    expect(format("e")).toThrow(/\[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN\]/);
    expect(format("yyyy-MM-ddA")).toThrow(/\[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER\].*'A'/);
    expect(format("QQQQQ")).toThrow(/\[INVALID_DATETIME_PATTERN.LENGTH\]/);
    expect(format("MMMMM")).toThrow(/DATETIME_PATTERN_RECOGNITION.*too many pattern letters 'MMMMM'/);
    expect(format("yyyy z")).toThrow(/\[UNSUPPORTED_DATETIME_PATTERN\] sparkfn does not support the datetime pattern letter 'z'/);
    expect(() => values(call("to_date", [c("s"), lit("yyyy-MM-dd E")]), [[null, null, null, "2024-01-05 Fri"]])).toThrow(/DATETIME_PATTERN_RECOGNITION/);
    // A literal pattern is checked once, before any row (as Spark's): it fails on null dates too;
    // a pattern from a column is checked on the rows that have a date.
    expect(format("A")).toThrow(/ILLEGAL_CHARACTER/);
    expect(() => values(call("date_format", [c("d"), lit("A")]), [[null]])).toThrow(/ILLEGAL_CHARACTER/);
    expect(values(call("date_format", [c("d"), c("s")]), [[null, null, null, "A"], ["2024-01-05", null, null, "yyyy"]])).toEqual([null, "2024"]);
  });

  it("errors for dates outside 0001-01-01..9999-12-31 and for a bad day of week", () => {
    expect(() => values(call("date_add", [c("d"), c("n")]), [["9999-12-31", 1]])).toThrow(/\[DATETIME_OVERFLOW\].*date_add\(9999-12-31, 1\) is \+10000-01-01/);
    expect(() => values(call("date_sub", [c("d"), c("n")]), [["0001-01-01", 1]])).toThrow(/\[DATETIME_OVERFLOW\].*0000-12-31/);
    expect(() => values(call("add_months", [c("d"), c("n")]), [["2024-01-01", 2147483647]])).toThrow(/\[ARITHMETIC_OVERFLOW\]/);
    expect(() => values(call("add_months", [c("d"), c("l")]), [["2024-01-01", null, null, null, 2 ** 40]])).toThrow(/\[CAST_OVERFLOW\]/);
    expect(() => values(call("next_day", [c("d"), lit("xx")]), [["2024-01-01"]])).toThrow(/\[ILLEGAL_DAY_OF_WEEK\] Illegal input for day of week: xx/);
  });

  it("current_date is today in UTC", () => {
    const before = iso(Date.now());
    const [today] = values(call("current_date", []), [[]]);
    expect([before, iso(Date.now())]).toContain(today);
    expect(typeOf(call("current_date", []), schema)).toEqual({ type: "date", nullable: false });
  });

  it("types results as Spark and refuses arguments of the wrong type, naming the argument and the fix", () => {
    expect(typeOf(call("date_add", [c("d"), c("n")]), schema)).toEqual({ type: "date", nullable: true });
    expect(typeOf(call("datediff", [lit("2024-01-01"), lit("2023-01-01")]), schema)).toEqual({ type: "int", nullable: false });
    expect(typeOf(call("trunc", [lit("2024-01-01"), lit("year")]), schema)).toEqual({ type: "date", nullable: true });
    expect(typeOf(call("months_between", [c("d"), c("e"), lit(true)]), schema)).toEqual({ type: "double", nullable: true });
    expect(typeOf(call("date_format", [c("d"), lit("yyyy")]), schema)).toEqual({ type: "string", nullable: true });
    expect(typeOf(call("make_date", [c("l"), c("n"), c("n")]), schema).type).toBe("date");
    expect(() => typeOf(call("date_add", [c("d"), c("l")]), schema)).toThrow(AnalysisError);
    expect(() => typeOf(call("date_add", [c("d"), c("l")]), schema)).toThrow('date_add() takes an int as argument 2, but l is long. Use cast("int")');
    expect(() => typeOf(call("year", [c("n")]), schema)).toThrow("year() takes a date (or a timestamp, or a date string) as argument 1, but n is int.");
    // date_format takes a timestamp: a string is cast to one, as Spark casts it; a number is refused.
    expect(typeOf(call("date_format", [c("s"), lit("yyyy")]), schema)).toEqual({ type: "string", nullable: true });
    expect(() => typeOf(call("date_format", [c("n"), lit("yyyy")]), schema)).toThrow(/date_format\(\) takes a timestamp \(or a date, or a timestamp string\) as argument 1, but n is int\./);
    expect(() => typeOf(call("months_between", [c("d"), c("x")]), schema)).toThrow(AnalysisError);
  });
});
