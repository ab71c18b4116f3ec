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
   * Queries whose SQL text and DataFrame program plan the same joins (keys, build sides) over
   * the same scans (columns, pushed filters), whichever order each wrote its tables in: the
   * optimizer orders inner joins by the sizes the Parquet footers give. The others' programs
   * were written differently by hand (a subquery placed before the joins, a filter derived
   * from an OR, a cross join with a condition), or differ only in the names the SQL text's
   * subqueries generate (see PLANNED_ALIKE_BUT_NAMES).
   */
  const PLANNED_ALIKE = ["q01", "q03", "q04", "q05", "q06", "q09", "q10", "q12", "q13", "q14", "q19"];
  const explained = async (df: { explain(): Promise<string> }) => {
    const print = console.log;
    console.log = () => undefined;
    try {
      const text = await df.explain();
      const physical = text.slice(text.indexOf("== Physical Plan =="));
      // Indentation aside: projections between them may differ (a program names intermediate columns).
      const optimized = text.slice(text.indexOf("== Optimized Logical Plan =="), text.indexOf("== Physical Plan ==")).split("\n").map((l) => l.trim());
      const lines = physical.split("\n").map((l) => l.trim());
      return { optimized, physical: lines, joins: lines.filter((l) => /HashJoin/.test(l)).map((l) => l.replace(/ \[.*$/, "")) };
    } finally {
      console.log = print;
    }
  };
  const both = async (query: string) => {
    if (!engines) throw new Error("the TPC-H data or engines were not set up (see the error of beforeAll)");
    return [await explained((await sparkQuery(engines, query)).df), await explained((await sparkSqlQuery(engines, query)).df)] as const;
  };
  it.for(PLANNED_ALIKE)("%s: the SQL text and the DataFrame program plan the same joins over the same scans", async (query) => {
    const skeleton = (lines: string[]) => lines.filter((l) => /Join|Scan/.test(l));
    const [api, sql] = await both(query);
    expect(skeleton(api.optimized).length).toBeGreaterThan(0);
    expect(skeleton(sql.optimized)).toEqual(skeleton(api.optimized));
  });

  /**
   * The same plans but for names: the SQL text's subqueries name their keys and values
   * (`__sql_in_inner_5`, `__sql_scalar_0`) where the program chose names. Compared: each
   * join's type and number of keys, each aggregate's number of keys, the scans, and the
   * physical join strategies (broadcast or shuffled, build side).
   */
  const PLANNED_ALIKE_BUT_NAMES = ["q02", "q18", "q20", "q21"];
  it.for(PLANNED_ALIKE_BUT_NAMES)("%s: the SQL text and the DataFrame program plan the same joins over the same scans, but for generated names", async (query) => {
    const count = (list: string) => (list ? list.split(", ").length : 0);
    const shape = (lines: string[]) =>
      lines.flatMap((l) => {
        const join = l.match(/^(?:\+- )?Join (\w+) \[([^\]]*)\](.*)$/);
        if (join) return [`Join ${join[1]} ${count(join[2]!)} keys${join[3] ? " and a condition" : ""}`];
        const aggregate = l.match(/^(?:\+- )?Aggregate \[([^\]]*)\]/);
        if (aggregate) return [`Aggregate ${count(aggregate[1]!)} keys`];
        return /Scan/.test(l) ? [l] : [];
      });
    const [api, sql] = await both(query);
    expect(shape(api.optimized).filter((l) => l.startsWith("Join")).length).toBeGreaterThan(1);
    expect(shape(sql.optimized)).toEqual(shape(api.optimized));
    expect(sql.joins).toEqual(api.joins);
  });

  /**
   * Q16's NOT IN (SELECT s_suppkey ...) keeps NOT IN's null rules, so its logical anti join
   * has a condition where the program's has a key (the program knows s_suppkey is never null);
   * planned, both are the same broadcast hash join on one key, the SQL text's null-aware
   * (Spark's BroadcastHashJoin with isNullAwareAntiJoin), not a nested loop. (The inner join
   * of part and partsupp broadcasts part in both, on the side each wrote it.)
   */
  it("q16: the SQL text's NOT IN plans as the program's anti join does, a broadcast hash join", async () => {
    const [api, sql] = await both("q16");
    const anti = (lines: string[]) => lines.filter((l) => / anti /.test(l));
    expect(anti(api.physical)).toEqual([expect.stringMatching(/^\+- BroadcastHashJoin anti BuildRight \[ps_suppkey = s_suppkey\] broadcast=/)]);
    expect(anti(sql.physical)).toEqual([expect.stringMatching(/^\+- BroadcastHashJoin anti BuildRight \[__sql_in_outer_\d+ = __sql_in_inner_\d+\] null-aware broadcast=/)]);
    expect(sql.physical.filter((l) => /NestedLoop/.test(l))).toEqual([]);
    expect(sql.joins).toHaveLength(api.joins.length);
  });

  it.for(QUERY_NAMES)("%s through spark.sql", async (query) => {
    if (!engines) throw new Error("the TPC-H data or engines were not set up (see the error of beforeAll)");
    const { df, columns } = await sparkSqlQuery(engines, query);
    const [actual, expected] = [await runSpark(df, columns), await runDuck(engines, query)];
    expect(answerMismatch(query, actual, expected)).toBeUndefined();
  });
});
