/**
 * Function kernels, one core: the kernel benchmark's transactions CSV, read by
 *   (a) sparkfn `local[1]` (one input partition, one shuffle partition) and
 *   (b) DuckDB (`SET threads=1`),
 * through one family of functions each; answers are cross-checked.
 *
 *   timestamp  ts read as a TIMESTAMP (text parsed in UTC), group by hour(ts), count, and
 *              the latest date_trunc('day', ts)
 *   regex      count the rows whose ts text matches ^2024-0[1-3].*:[0-2]\d$ (rlike / regexp_matches),
 *              and of them the distinct regexp_extract(ts, '(\d\d):(\d\d)', 2) (the minute)
 *   window     a running total: sum(amount) over (partition by id % 100 order by id rows
 *              between unbounded preceding and current row) over every row, read from the
 *              Parquet file; each engine returns per partition the running total's sum and
 *              its last value, so no engine pays for shipping a million rows to JavaScript
 *   decimal    amount read as DECIMAL(12,2), group by category: the exact sum (decimal(22,2)
 *              in sparkfn, DECIMAL(38,2) in DuckDB; compared as text, digit for digit) and count
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { col, count, countDistinct, date_trunc, hour, max, regexp_extract, SparkSession, sum, Window } from "../driver/index.ts";
import type { BenchContext, Benchmark } from "./harness.mts";
import { dataset } from "./data.mts";

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const DUCK_COLUMNS = (ts: string) => `{'id': 'BIGINT', 'category': 'VARCHAR', 'amount': 'DOUBLE', 'customer_id': 'INTEGER', 'ts': '${ts}'}`;
const PATTERN = "^2024-0[1-3].*:[0-2][0-9]$";

async function duckRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

interface HourAnswer {
  hours: number;
  rows: number;
  /** The latest day, as epoch milliseconds. */
  latestDay: number;
}

function hourAnswer(rows: readonly Record<string, unknown>[], latest: unknown): HourAnswer {
  const ms = latest instanceof Date ? latest.getTime() : Number((latest as { micros: bigint }).micros / 1000n);
  return { hours: rows.length, rows: rows.reduce((a, r) => a + Number(r.n), 0), latestDay: ms };
}

function same<T extends object>(what: string, a: T, b: T): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: answers differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

interface RunningAnswer {
  partitions: number;
  /** Per partition (by key), the sum of the running totals and the last (largest: amounts are positive) one. */
  totals: number[];
  lasts: number[];
}

function runningAnswer(rows: readonly Record<string, unknown>[]): RunningAnswer {
  const sorted = [...rows].sort((a, b) => Number(a.p) - Number(b.p));
  return { partitions: rows.length, totals: sorted.map((r) => Number(r.total)), lasts: sorted.map((r) => Number(r.last)) };
}

/** Same per-partition sums from two engines, up to the rounding of float sums in different orders. */
function close(what: string, a: RunningAnswer, b: RunningAnswer): void {
  const near = (x: number, y: number) => Math.abs(x - y) <= Math.max(1e-6, Math.abs(x) * 1e-9);
  const ok = a.partitions === b.partitions && a.totals.every((t, i) => near(t, b.totals[i]!)) && a.lasts.every((t, i) => near(t, b.lasts[i]!));
  if (!ok) throw new Error(`${what}: answers differ: ${JSON.stringify(a).slice(0, 300)} vs ${JSON.stringify(b).slice(0, 300)}`);
}

export const functions: Benchmark = {
  name: "functions",
  title: "Function kernels, one core",
  ratios: [
    { name: "timestamp_hour_vs_duckdb", target: "<= 3" },
    { name: "regex_vs_duckdb", target: "<= 3" },
    { name: "running_total_vs_duckdb", target: "<= 3" },
    { name: "decimal_sum_vs_duckdb", target: "<= 3" },
  ],
  async run(ctx: BenchContext) {
    const rows = ctx.options.rows;
    const data = await dataset(ctx.options.dataDir, rows, ctx.setting("customers", Math.max(1, Math.round(rows / 10))), (m) => ctx.log(m));
    ctx.info("size", `${rows.toLocaleString("en-US")} transactions (CSV ${(data.csvBytes / 1e6).toFixed(1)} MB)`);
    const spark = await SparkSession.builder()
      .appName("bench-functions")
      .master("local[1]")
      .config("spark.sql.shuffle.partitions", 1)
      .config("spark.sql.files.maxPartitionBytes", "4g")
      .getOrCreate();
    const duck = await DuckDBInstance.create(":memory:");
    const connection = await duck.connect();
    try {
      await connection.run("SET threads = 1");
      await connection.run("SET TimeZone = 'UTC'");
      const csv = (ts: string) => `read_csv(${sqlString(data.transactionsCsv)}, header = true, columns = ${DUCK_COLUMNS(ts)})`;
      const transactions = (ts: string) => spark.read.option("header", "true").schema(`id LONG, category STRING, amount DOUBLE, customer_id INT, ts ${ts}`).csv(data.transactionsCsv);

      const byHour = transactions("TIMESTAMP").groupBy(hour("ts").alias("h")).agg(count("*").alias("n"), max(date_trunc("day", "ts")).alias("latest"));
      const sparkHour = await ctx.time("timestamp: sparkfn local[1]", async () => {
        const out = await byHour.collect();
        return hourAnswer(out, new Date(Math.max(...out.map((r) => (r.latest as Date).getTime()))));
      });
      const duckHour = await ctx.time("timestamp: duckdb threads=1", async () => {
        const out = await duckRows(connection, `SELECT hour(ts) AS h, count(*) AS n, max(date_trunc('day', ts)) AS latest FROM ${csv("TIMESTAMP")} GROUP BY 1`);
        const latest = out.map((r) => r.latest as Date).reduce((a, b) => (a > b ? a : b));
        return hourAnswer(out, latest);
      });
      same("timestamp", sparkHour.answer, duckHour.answer);
      ctx.ratio("timestamp_hour_vs_duckdb", sparkHour.median / duckHour.median, "<= 3");

      const matching = transactions("STRING").filter(col("ts").rlike(PATTERN)).agg(count("*").alias("n"), countDistinct(regexp_extract("ts", "(\\d\\d):(\\d\\d)", 2)).alias("minutes"));
      const sparkRegex = await ctx.time("regex: sparkfn local[1]", async () => {
        const [r] = await matching.collect();
        return { n: Number(r!.n), minutes: Number(r!.minutes) };
      });
      const duckRegex = await ctx.time("regex: duckdb threads=1", async () => {
        const [r] = await duckRows(connection, `SELECT count(*) AS n, count(DISTINCT regexp_extract(ts, '(\\d\\d):(\\d\\d)', 2)) AS minutes FROM ${csv("VARCHAR")} WHERE regexp_matches(ts, ${sqlString(PATTERN)})`);
        return { n: Number(r!.n), minutes: Number(r!.minutes) };
      });
      same("regex", sparkRegex.answer, duckRegex.answer);
      ctx.info("regexMatches", sparkRegex.answer);
      ctx.ratio("regex_vs_duckdb", sparkRegex.median / duckRegex.median, "<= 3");

      const running = spark.read
        .parquet(data.transactionsParquet)
        .withColumn("p", col("id").mod(100))
        .withColumn("rt", sum("amount").over(Window.partitionBy("p").orderBy("id").rowsBetween(Window.unboundedPreceding, Window.currentRow)))
        .groupBy("p")
        .agg(sum("rt").alias("total"), max("rt").alias("last"));
      const sparkWindow = await ctx.time("running total: sparkfn local[1]", async () => runningAnswer(await running.collect()));
      const duckWindow = await ctx.time("running total: duckdb threads=1", async () =>
        runningAnswer(
          await duckRows(
            connection,
            `SELECT p, sum(rt) AS total, max(rt) AS last FROM (SELECT id % 100 AS p, sum(amount) OVER (PARTITION BY id % 100 ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rt FROM read_parquet(${sqlString(data.transactionsParquet)})) GROUP BY p`,
          ),
        ),
      );
      close("running total", sparkWindow.answer, duckWindow.answer);
      ctx.info("runningTotalPartitions", sparkWindow.answer.partitions);
      ctx.ratio("running_total_vs_duckdb", sparkWindow.median / duckWindow.median, "<= 3");

      const decimalSums = spark.read.option("header", "true").schema("id LONG, category STRING, amount DECIMAL(12,2), customer_id INT, ts STRING").csv(data.transactionsCsv).groupBy("category").agg(sum("amount").alias("total"), count("*").alias("n"));
      const byCategory = (rows: readonly Record<string, unknown>[]) => [...rows].map((r) => `${String(r.category)}=${String(r.total)}/${Number(r.n)}`).sort();
      const sparkDecimal = await ctx.time("decimal sum: sparkfn local[1]", async () => byCategory(await decimalSums.collect()));
      const duckDecimal = await ctx.time("decimal sum: duckdb threads=1", async () =>
        byCategory(await duckRows(connection, `SELECT category, sum(amount)::VARCHAR AS total, count(*) AS n FROM read_csv(${sqlString(data.transactionsCsv)}, header = true, columns = ${DUCK_COLUMNS("VARCHAR").replace("'DOUBLE'", "'DECIMAL(12,2)'")}) GROUP BY category`)),
      );
      same("decimal sum", sparkDecimal.answer, duckDecimal.answer);
      ctx.ratio("decimal_sum_vs_duckdb", sparkDecimal.median / duckDecimal.median, "<= 3");
    } finally {
      connection.closeSync();
      duck.closeSync();
      await spark.stop();
    }
  },
};
