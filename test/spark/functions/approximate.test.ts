/**
 * approx_count_distinct, percentile, median, mode and percentile_approx / approx_percentile
 * (executor-fn/operators/aggregate/{hll,frequencies,quantile-summaries}.ts) against real Spark 4:
 * df.groupBy(g).agg(...) on sparkfn and `SELECT g, <agg> FROM t GROUP BY g` on Spark, the
 * rows cut into 3 input partitions and aggregated through 2 shuffle partitions on both sides,
 * so that partial states really merge.
 *
 * The approximate ones are ports of Spark's algorithms (HyperLogLog++ with its hash, tables and
 * rounding; Greenwald-Khanna QuantileSummaries with its buffer, compressions and merge order),
 * so their answers must be Spark's exactly, like the exact ones: over 0, 1, 10, 1,000 and
 * 100,000 distinct values, every rsd precision range (linear counting, bias correction, raw),
 * and a group past QuantileSummaries' 50,000-value head buffer. Groups hold nulls, NaN,
 * ±Infinity, -0.0, one row and only nulls.
 *
 * mode(x) is checked where one value is the most frequent: among equally frequent values Spark
 * returns whichever its hash map meets first (sparkfn the lowest); mode(x, true) is Spark's
 * deterministic form, the lowest of them, and is checked over ties.
 */
import { describe, it } from "vitest";
import { approx_count_distinct, approx_percentile, lit, median, mode, percentile, percentile_approx, split, type Column } from "sparkfn";
import type { Value } from "../../../shared/plan/types.ts";
import { prng, shuffleInPlace } from "../../support/prng.ts";
import { useGroupedDifferential, type AggCheck, type GroupedTable } from "../../support/spark-differential.ts";

const SCHEMA = "g INT, x DOUBLE, i INT, l BIGINT, s STRING, b BOOLEAN, d DATE";
type Row = [number | null, number | null, number | null, number | null, string | null, boolean | null, string | null];

const date = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);

/** Edge-case groups: 1 plain with nulls, 2 one row, 3 only nulls, 4 NaN, 5 infinities, 6 zeros of both signs, 7 duplicates, 8 random. */
function edgeRows(): Row[] {
  const random = prng(77);
  const rows: Row[] = [];
  const add = (g: number | null, x: number | null, i: number | null, l: number | null, s: string | null, b: boolean | null, d: string | null) => rows.push([g, x, i, l, s, b, d]);
  add(1, 1.5, 3, 30, "b", true, "2024-02-29");
  add(1, null, null, null, null, null, null);
  add(1, -2.25, -4, -40, "a", false, "1970-01-01");
  add(1, 4, 12, 2 ** 40, "c", true, "1969-12-31");
  add(1, 0.125, 20, -(2 ** 52), "b", true, "2000-01-01");
  add(2, 3.5, 7, 70, "only", false, "1999-12-31");
  for (let k = 0; k < 3; k++) add(3, null, null, null, null, null, null);
  add(4, NaN, 1, 1, "n1", true, "2024-01-01");
  add(4, 2, 2, 2, "n2", true, "2024-01-02");
  add(4, 5, 3, 3, "n3", true, "2024-01-03");
  add(4, NaN, 1, 1, "n1", true, "2024-01-01");
  add(5, Infinity, 1, 1, "i1", false, "0001-01-01");
  add(5, 1, 2, 2, "i2", false, "9999-12-31");
  add(5, -Infinity, 3, 3, "i3", null, "1582-10-15");
  add(6, -0, 5, 5, "z1", true, "2024-03-01");
  add(6, 0, 5, 5, "z2", true, "2024-03-01");
  add(6, -0, 1, 1, "z3", false, "2024-03-02");
  add(6, 0.5, 1, 1, "z4", true, "2024-03-03");
  for (let k = 0; k < 40; k++) add(7, k % 5, k % 7, (k % 3) * 1_000_000_007, `dup${k % 4}`, k % 2 === 0, date(k % 6));
  for (let k = 0; k < 300; k++) {
    const x = random() < 0.05 ? null : Math.round((random() - 0.4) * 1e6) / 1e3;
    const i = random() < 0.05 ? null : Math.floor(random() * 60) - 20;
    add(8, x, i, i === null ? null : i * 1_000_003, random() < 0.05 ? null : `r${Math.floor(random() * 50)}`, random() < 0.1 ? null : random() < 0.6, date(Math.floor(random() * 40000) - 10000));
  }
  add(null, 2, 6, 8, "nk1", true, "2024-05-05");
  add(null, 3, 7, 9, "nk2", false, null);
  return shuffled(rows, random);
}

/** A seeded shuffle: both sides see the rows in the same order, each group spread over the partitions. */
const shuffled = shuffleInPlace;

/** Group g holds `distinct` distinct values (each of the columns), each repeated `repeat` times. */
function distinctRows(groups: readonly { g: number; distinct: number; repeat?: number }[], seed: number): Row[] {
  const random = prng(seed);
  const rows: Row[] = [];
  for (const { g, distinct, repeat = 1 } of groups) {
    for (let k = 0; k < distinct; k++) {
      for (let r = 0; r < repeat; r++) {
        rows.push([g, k * 1.25 - distinct / 3, k - Math.floor(distinct / 2), k * 7_919 + 2 ** 33, `v${k}`, k % 2 === 0, date(k % 50_000)]);
      }
    }
  }
  return shuffled(rows, random);
}

const grouped = (rows: readonly Row[], groupBy: readonly string[] = ["g"]): GroupedTable => ({ schema: SCHEMA, rows: rows as unknown as Value[][], groupBy });
const check = (sql: string, column: Column): AggCheck => ({ sql, column });

const COUNTS: AggCheck[] = [
  ...["x", "i", "l", "s", "b", "d"].map((c) => check(`approx_count_distinct(${c})`, approx_count_distinct(c))),
  check("approx_count_distinct(x, 0.01D)", approx_count_distinct("x", 0.01)),
  check("approx_count_distinct(s, 0.1D)", approx_count_distinct("s", 0.1)),
  check("approx_count_distinct(i, 0.3D)", approx_count_distinct("i", 0.3)),
  check("approx_count_distinct(l, 0.02D)", approx_count_distinct("l", 0.02)),
];

const PERCENTAGES = [0, 0.001, 0.25, 0.5, 0.9, 0.999, 1];
/** A percentage as SQL: 0 and 1 are ints on both sides (lit(1)), the others doubles (0.5D, as lit(0.5)). */
const pct = (p: number) => (Number.isInteger(p) ? String(p) : `${p}D`);

const EXACT: AggCheck[] = [
  ...PERCENTAGES.map((p) => check(`percentile(x, ${pct(p)})`, percentile("x", p))),
  check("percentile(i, 0.3D)", percentile("i", 0.3)),
  check("percentile(l, 0.75D)", percentile("l", 0.75)),
  ...["x", "i", "l"].map((c) => check(`median(${c})`, median(c))),
];

const APPROX: AggCheck[] = [
  ...PERCENTAGES.map((p) => check(`percentile_approx(x, ${pct(p)})`, percentile_approx("x", p))),
  check("percentile_approx(i, 0.5D, 100)", percentile_approx("i", 0.5, 100)),
  check("percentile_approx(l, 0.2D, 10)", percentile_approx("l", 0.2, 10)),
  check("percentile_approx(d, 0.5D)", percentile_approx("d", 0.5)),
  check("percentile_approx(x, 0.4D, 1)", percentile_approx("x", 0.4, 1)),
  check("approx_percentile(x, 0.75D, 50)", approx_percentile("x", 0.75, 50)),
  check("approx_percentile(i, 0.1D)", approx_percentile("i", 0.1)),
];

const DETERMINISTIC_MODES: AggCheck[] = ["x", "i", "l", "s", "b", "d"].map((c) => check(`mode(${c}, true)`, mode(c, true)));

describe("approximate and order-statistic aggregates agree with Spark (3 input partitions, 2 shuffle partitions)", () => {
  const spark = useGroupedDifferential({ partitions: 3, shufflePartitions: 2 });

  it("approx_count_distinct of every type and rsd over the edge-case groups", async () => {
    await spark.agree(grouped(edgeRows()), COUNTS);
  });

  it("approx_count_distinct over 0, 1, 10, 1,000 and 100,000 distinct values (linear counting, bias correction, raw estimate)", async () => {
    const rows = distinctRows([{ g: 1, distinct: 1, repeat: 5 }, { g: 2, distinct: 10, repeat: 3 }, { g: 3, distinct: 1000, repeat: 2 }, { g: 4, distinct: 100_000 }], 5);
    rows.push([5, null, null, null, null, null, null]);
    await spark.agree(grouped(rows), COUNTS);
    await spark.agree(grouped(rows, []), COUNTS);
    await spark.agree(grouped([], []), COUNTS);
  });

  it("percentile and median (exact, interpolated) with NaN, infinities, -0.0, duplicates, one row, only nulls", async () => {
    await spark.agree(grouped(edgeRows()), EXACT);
  });

  it("percentile_approx / approx_percentile of doubles, ints, longs and dates, accuracies 1 to 10000", async () => {
    await spark.agree(grouped(edgeRows()), APPROX);
  });

  it("percentile_approx and percentile over 1,000 and 160,000 values (past the 50,000-value head buffer and the compression threshold)", async () => {
    const rows = distinctRows([{ g: 1, distinct: 1000, repeat: 2 }, { g: 2, distinct: 160_000 }], 9);
    await spark.agree(grouped(rows), [...APPROX, check("percentile(x, 0.37D)", percentile("x", 0.37)), check("median(l)", median("l"))]);
  });

  it("mode(x, true): the lowest of equally frequent values; mode(x) where one value is the most frequent", async () => {
    await spark.agree(grouped(edgeRows()), DETERMINISTIC_MODES);
    const unique: Row[] = [];
    const random = prng(3);
    for (const [g, values] of [[1, [2.5, 2.5, 1, NaN, 3]], [2, [NaN, NaN, 1, 2]], [3, [-0, -0, 7]], [4, [Infinity, 1, Infinity]], [5, [9]], [6, [null, null]]] as const) {
      for (const v of values) {
        const whole = v === null || !Number.isFinite(v) ? null : Math.floor(v) + 0;
        unique.push([g, v, whole, whole === null ? null : whole * 3, v === null ? null : `m${v}`, v === null ? null : v > 2, whole === null ? null : date(whole)]);
      }
    }
    await spark.agree(grouped(shuffled(unique, random)), [check("mode(x)", mode("x")), check("mode(x, false)", mode("x", false))]);
  });

  it("global aggregates over the edge-case rows and over no rows", async () => {
    const all = [...COUNTS, ...EXACT, ...APPROX, ...DETERMINISTIC_MODES];
    await spark.agree(grouped(edgeRows(), []), all);
    await spark.agree(grouped([], []), all);
  });

  it("refuses what Spark refuses: percentages out of [0, 1] or null, accuracy 0, rsd above 0.39, dates in percentile, booleans anywhere numeric", async () => {
    await spark.agree(grouped(edgeRows()), [
      check("percentile(x, 1.5D)", percentile("x", 1.5)),
      check("percentile(x, -0.1D)", percentile("x", -0.1)),
      check("percentile(x, NULL)", percentile("x", lit(null))),
      check("percentile_approx(x, 1.5D)", percentile_approx("x", 1.5)),
      check("percentile_approx(x, 0.5D, 0)", percentile_approx("x", 0.5, 0)),
      check("percentile_approx(x, NULL)", percentile_approx("x", lit(null))),
      check("approx_count_distinct(s, 0.5D)", approx_count_distinct("s", 0.5)),
      check("percentile(d, 0.5D)", percentile("d", 0.5)),
      check("median(b)", median("b")),
      check("percentile_approx(b, 0.5D)", percentile_approx("b", 0.5)),
      // An array of strings is no array of percentages for Spark either (sparkfn has no array<double> yet).
      check("percentile(x, split('0.1,0.5', ','))", percentile("x", split(lit("0.1,0.5"), ","))),
      check("percentile_approx(x, split('0.1,0.5', ','))", percentile_approx("x", split(lit("0.1,0.5"), ","))),
    ]);
  });
});
