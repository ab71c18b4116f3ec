/**
 * TPC-H as an engine test: `tpchgen-cli` (installed from PyPI into bench/.venv when missing)
 * generates SF 0.01 into a temporary directory, and each of the 22 DataFrame queries of
 * bench/tpch/queries.mts, and each official SQL text of bench/tpch/sql.mts run through
 * spark.sql, must give DuckDB's answer to that same SQL text over the same files, with the
 * benchmark's comparison (bench/tpch/compare.mts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerMismatch, type ExpectedAnswer } from "../../bench/tpch/compare.mts";
import { ensureTpchgen, tpchData } from "../../bench/tpch/generate.mts";
import { addDays, addMonths, addYears } from "../../bench/tpch/queries.mts";
import { openEngines, QUERY_NAMES, runDuck, runSpark, sparkQuery, sparkSqlQuery, type TpchEngines } from "../../bench/tpch/suite.mts";
import { geometricMean, tpchRatioName, tpchSqlRatioName } from "../../bench/tpch.mts";

describe("the comparison of answers", () => {
  const expected: ExpectedAnswer = {
    columns: ["k", "n", "total", "share"],
    kinds: ["exact", "exact", "money", "float"],
    rows: [
      ["a", 3, 1000.25, 0.5],
      ["b", 4, 2.5, 0.25],
    ],
  };
  const actual = (rows: ExpectedAnswer["rows"], columns = expected.columns) => ({ columns, rows });

  it("accepts double rounding within the tolerances, and names the query and row otherwise", () => {
    expect(answerMismatch("q01", actual([["a", 3, 1000.2549, 0.5 * (1 + 1e-9)], ["b", 4, 2.5, 0.25]]), expected)).toBeUndefined();
    expect(answerMismatch("q01", actual([["a", 3, 1000.27, 0.5], ["b", 4, 2.5, 0.25]]), expected)).toMatch(/^q01: answers differ at row 1 at column total\n {2}sparkfn: \{ k: "a"/);
    expect(answerMismatch("q01", actual([["a", 3, 1000.25, 0.5], ["b", 5, 2.5, 0.25]]), expected)).toMatch(/^q01: answers differ at row 2 at column n/);
    expect(answerMismatch("q01", actual([["a", 3, 1000.25, 0.5001], ["b", 4, 2.5, 0.25]]), expected)).toMatch(/column share/);
  });

  it("checks columns, row counts and order (except for queries whose ORDER BY may tie)", () => {
    expect(answerMismatch("q01", actual(expected.rows, ["k", "n", "total", "other"]), expected)).toMatch(/^q01: columns differ/);
    expect(answerMismatch("q01", actual(expected.rows.slice(0, 1)), expected)).toMatch(/row 2 .*\(sparkfn has 1 rows, duckdb 2\)/);
    const swapped = actual([expected.rows[1]!, expected.rows[0]!]);
    expect(answerMismatch("q01", swapped, expected)).toMatch(/row 1 at column k/);
    expect(answerMismatch("q03", swapped, expected)).toBeUndefined();
  });

  it("computes date bounds and the headline as the benchmark reports them", () => {
    expect(addDays("1998-12-01", -90)).toBe("1998-09-02");
    expect(addMonths("1993-10-01", 3)).toBe("1994-01-01");
    expect(addYears("1994-01-01", 1)).toBe("1995-01-01");
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(tpchRatioName(1)).toBe("tpch_sf1_vs_duckdb");
    expect(tpchRatioName(0.01)).toBe("tpch_sf0.01_vs_duckdb");
    expect(tpchSqlRatioName(1)).toBe("tpch_sql_sf1_vs_duckdb");
  });
});

describe("TPC-H SF 0.01: sparkfn's DataFrame queries and spark.sql over the official text give DuckDB's answers", () => {
  let dir: string | undefined;
  let engines: TpchEngines | undefined;

  beforeAll(async () => {
    // tpchgen-cli comes from PyPI into an ignored venv, as the emulator does: a failure here fails the suite.
    await ensureTpchgen();
    dir = await mkdtemp(path.join(tmpdir(), "sparkfn-tpch-test-"));
    const data = await tpchData(dir, 0.01);
    engines = await openEngines(data, "tpch-test");
  }, 300_000);

  afterAll(async () => {
    await engines?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.for(QUERY_NAMES)("%s", async (query) => {
    if (!engines) throw new Error("the TPC-H data or engines were not set up (see the error of beforeAll)");
    const { df, columns } = await sparkQuery(engines, query);
    const [actual, expected] = [await runSpark(df, columns), await runDuck(engines, query)];
    expect(answerMismatch(query, actual, expected)).toBeUndefined();
    // Not a vacuous agreement: every query has rows at SF 0.01.
    expect(expected.rows.length).toBeGreaterThan(0);
  });

  /**
   * Queries whose DataFrame program joins the tables in the order the SQL text names them:
   * the SQL text and the program plan the same joins (keys, build sides) over the same scans
   * (columns, pushed filters). The others' programs were written in another join order, or
   * with a subquery placed before the joins, by hand.
   */
  const PLANNED_ALIKE = ["q01", "q03", "q06", "q10", "q12", "q14", "q19"];
  it.for(PLANNED_ALIKE)("%s: the SQL text and the DataFrame program plan the same joins over the same scans", async (query) => {
    if (!engines) throw new Error("the TPC-H data or engines were not set up (see the error of beforeAll)");
    const skeleton = async (df: { explain(): Promise<string> }) => {
      const print = console.log;
      console.log = () => undefined;
      try {
        const text = await df.explain();
        const optimized = text.slice(text.indexOf("== Optimized Logical Plan =="), text.indexOf("== Physical Plan =="));
        // Indentation aside: projections between them may differ (a program names intermediate columns).
        return optimized.split("\n").filter((l) => /Join|Scan/.test(l)).map((l) => l.trim());
      } finally {
        console.log = print;
      }
    };
    const [api, sql] = [await skeleton((await sparkQuery(engines, query)).df), await skeleton((await sparkSqlQuery(engines, query)).df)];
    expect(api.length).toBeGreaterThan(0);
    expect(sql).toEqual(api);
  });

  it.for(QUERY_NAMES)("%s through spark.sql", async (query) => {
    if (!engines) throw new Error("the TPC-H data or engines were not set up (see the error of beforeAll)");
    const { df, columns } = await sparkSqlQuery(engines, query);
    const [actual, expected] = [await runSpark(df, columns), await runDuck(engines, query)];
    expect(answerMismatch(query, actual, expected)).toBeUndefined();
  });
});
