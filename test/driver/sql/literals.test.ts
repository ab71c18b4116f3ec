/**
 * SQL literals that need more than a value (driver/sql/literals.ts): arithmetic between
 * fractional literals is exact: they are decimals, as Spark's (checked against the same sums
 * on scaled integers); intervals are date arithmetic (checked against the calendar in plain
 * JavaScript), and refused anywhere else; EXTRACT and SUBSTRING ... FROM ... FOR are the
 * functions they name. Names are Spark's (the Spark differential corpus compares them too).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../../driver/index.ts";
import { parseExpression } from "../../../driver/sql/parser.ts";
import { exprName, type Expr } from "../../../shared/plan/expr.ts";


describe("fractional literals", () => {
  it("are decimals of exactly their digits, as Spark's (an exponent or D makes a double)", () => {
    const cases: [string, unknown, string][] = [
      ["0.06", "0.06", "decimal(2,2)"],
      [".06", "0.06", "decimal(2,2)"],
      ["100.50", "100.50", "decimal(5,2)"],
      ["-0.5", "-0.5", "decimal(1,1)"],
      ["1.5BD", "1.5", "decimal(2,1)"],
      ["1e3", 1000, "double"],
      ["1.5D", 1.5, "double"],
    ];
    for (const [text, want, type] of cases) {
      const e = parseExpression(text);
      expect(e.kind === "literal" ? [e.value, e.type] : e, text).toEqual([want, type]);
    }
  });

  it("compute exactly where doubles would not, named as Spark names them", async () => {
    const spark = await SparkSession.builder().appName("sql-fractions").master("local[1]").getOrCreate();
    try {
      // Each expected value is the sum or product of scaled integers, written out.
      const cases: [string, string, string][] = [
        ["0.06 + 0.01", "0.07", "(0.06 + 0.01)"],
        [".06 - 0.01", "0.05", "(0.06 - 0.01)"],
        ["0.1 * 3", "0.3", "(0.1 * 3)"],
        ["1 - 0.95", "0.05", "(1 - 0.95)"],
        ["-0.5 + 1", "0.5", "(-0.5 + 1)"],
        ["0.1 + 0.2 + 0.3", "0.6", "((0.1 + 0.2) + 0.3)"],
      ];
      expect(0.06 + 0.01).not.toBe(0.07); // what a double computation gives instead
      for (const [text, want, name] of cases) {
        expect(exprName(parseExpression(text)), text).toBe(name);
        const [row] = await spark.sql(`SELECT ${text}`).collect();
        expect(row, text).toEqual({ [name]: want });
      }
    } finally {
      await spark.stop();
    }
  });
});

describe("intervals, EXTRACT and SUBSTRING FROM", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().appName("sql-literals").master("local[1]").getOrCreate();
    spark.createDataFrame([{ d: "2024-01-31", s: "abcdef" }, { d: "2023-03-01", s: "xy" }, { d: null, s: null }], "d DATE, s STRING").createOrReplaceTempView("t");
  });
  afterAll(async () => {
    await spark?.stop();
  });

  /** The calendar in plain JavaScript: months added keep the day unless the month is shorter. */
  const addMonths = (d: string, n: number) => {
    const [y, m, day] = d.split("-").map(Number) as [number, number, number];
    const total = y * 12 + (m - 1) + n;
    const [ny, nm] = [Math.floor(total / 12), (total % 12) + 1];
    const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
    return `${ny}-${String(nm).padStart(2, "0")}-${String(Math.min(day, last)).padStart(2, "0")}`;
  };
  const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

  it("adds and subtracts years, months, weeks and days of a date", async () => {
    const df = spark.sql("SELECT d + interval '1' month AS a, d - interval 1 year AS b, d + interval '2' weeks AS c, d - interval '90' day AS e, interval 3 months + d AS f FROM t");
    const got = await df.collect();
    const dates = ["2024-01-31", "2023-03-01"];
    expect(got).toEqual([
      ...dates.map((d) => ({ a: addMonths(d, 1), b: addMonths(d, -12), c: addDays(d, 14), e: addDays(d, -90), f: addMonths(d, 3) })),
      { a: null, b: null, c: null, e: null, f: null },
    ]);
  });

  it("names the results as Spark does", async () => {
    const names = await spark.sql("SELECT d + interval '1' month, d - interval '3' day, extract(YEAR FROM d), substring(s FROM 2 FOR 3), substring(s FROM 2) FROM t").columns();
    expect(names).toEqual(["d + INTERVAL '1' MONTH", "date_add(d, (- extractansiintervaldays(INTERVAL '3' DAY)))", "extract(YEAR FROM d)", "substring(s, 2, 3)", "substring(s, 2, 2147483647)"]);
  });

  it("extracts date fields and cuts strings", async () => {
    const got = await spark.sql("SELECT extract(year FROM d) AS y, extract(month FROM d) AS m, extract(day FROM d) AS dd, extract(doy FROM d) AS doy, substring(s FROM 2 FOR 3) AS a, substring(s FROM 2) AS b FROM t").collect();
    expect(got).toEqual([
      { y: 2024, m: 1, dd: 31, doy: 31, a: "bcd", b: "bcdef" },
      { y: 2023, m: 3, dd: 1, doy: 60, a: "y", b: "y" },
      { y: null, m: null, dd: null, doy: null, a: null, b: null },
    ]);
  });

  it("reads intervals as values of Spark's interval types, and refuses units Spark does not have", async () => {
    // A day is 86 400 000 000 microseconds; a date plus an hour is that date's midnight (UTC) plus an hour.
    const got = await spark.sql("SELECT interval '1' day AS i, d + interval '1' hour AS h FROM t").collect();
    expect(got.map((r) => r.i)).toEqual([86_400_000_000, 86_400_000_000, 86_400_000_000]);
    expect(got.map((r) => (r.h as Date | null)?.toISOString() ?? null)).toEqual(["2024-01-31T01:00:00.000Z", "2023-03-01T01:00:00.000Z", null]);
    expect(() => spark.sql("SELECT interval 1 fortnight FROM t")).toThrow(/INVALID_INTERVAL_FORMAT.INVALID_UNIT/);
    expect(() => spark.sql("SELECT extract(century FROM d) FROM t")).toThrow(/EXTRACT\(century FROM \.\.\.\) is not supported yet/);
  });
});
