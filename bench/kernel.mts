/**
 * 1. Executor kernel, one core: the same queries on the same generated files by
 *    (a) sparkfn `local[1]`, one input partition and one shuffle partition,
 *    (b) DuckDB (`SET threads=1`), and, for the CSV aggregation,
 *    (c) a hand-written single-pass JavaScript loop over the file.
 *
 * Queries (every engine returns its rows to JavaScript; answers are cross-checked):
 *   agg   amount > 1000, group by category, sum(amount)          (CSV and Parquet)
 *   join  transactions ⋈ customers on customer_id, group by segment, sum(amount), count
 *   sort  select id, amount order by amount desc, id — all rows collected
 *
 * sparkfn's time is the whole job: planning, the task on a worker thread (scan, filter,
 * partial aggregate, shuffle write, shuffle read, final aggregate) and the result's trip
 * back. Every engine's input schema is declared, so no run pays for inference.
 */
import { readFileSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { col, count, SparkSession, sum } from "../driver/index.ts";
import type { BenchContext, Benchmark } from "./harness.mts";
import { CUSTOMERS_DDL, dataset, TRANSACTIONS_DDL, type Dataset } from "./data.mts";

interface AggAnswer {
  groups: number;
  /** Sum of the groups' totals, rounded to cents. */
  totalCents: number;
}

const aggAnswer = (rows: readonly Record<string, unknown>[]): AggAnswer => ({
  groups: rows.length,
  totalCents: Math.round(rows.reduce((a, r) => a + Number(r.total), 0) * 100),
});

/** The seed query as a plain script would write it: one pass over the text, a Map of sums. */
export function handwrittenCsvAgg(file: string): AggAnswer {
  const text = readFileSync(file, "utf8");
  const sums = new Map<string, number>();
  let pos = text.indexOf("\n") + 1; // skip the header
  const end = text.length;
  while (pos < end) {
    const c1 = text.indexOf(",", pos);
    const c2 = text.indexOf(",", c1 + 1);
    const c3 = text.indexOf(",", c2 + 1);
    let nl = text.indexOf("\n", c3 + 1);
    if (nl < 0) nl = end;
    if (c3 > c2 + 1) {
      const amount = +text.slice(c2 + 1, c3);
      if (amount > 1000) {
        const category = text.slice(c1 + 1, c2);
        sums.set(category, (sums.get(category) ?? 0) + amount);
      }
    }
    pos = nl + 1;
  }
  return aggAnswer([...sums.values()].map((total) => ({ total })));
}

const DUCK_TRANSACTIONS = "{'id': 'BIGINT', 'category': 'VARCHAR', 'amount': 'DOUBLE', 'customer_id': 'INTEGER', 'ts': 'VARCHAR'}";
const DUCK_CUSTOMERS = "{'customer_id': 'INTEGER', 'segment': 'VARCHAR', 'country': 'VARCHAR', 'since': 'INTEGER'}";
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function duckQueries(data: Dataset) {
  const tCsv = `read_csv(${sqlString(data.transactionsCsv)}, header = true, columns = ${DUCK_TRANSACTIONS})`;
  const cCsv = `read_csv(${sqlString(data.customersCsv)}, header = true, columns = ${DUCK_CUSTOMERS})`;
  const tParquet = `read_parquet(${sqlString(data.transactionsParquet)})`;
  const agg = (from: string) => `SELECT category, sum(amount) AS total FROM ${from} WHERE amount > 1000 GROUP BY category`;
  return {
    aggCsv: agg(tCsv),
    aggParquet: agg(tParquet),
    join: `SELECT c.segment, sum(t.amount) AS total, count(*) AS n FROM ${tCsv} t JOIN ${cCsv} c ON t.customer_id = c.customer_id GROUP BY c.segment`,
    sort: `SELECT id, amount FROM ${tCsv} ORDER BY amount DESC NULLS LAST, id`,
  };
}

async function duckRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

const joinAnswer = (rows: readonly Record<string, unknown>[]) => ({
  groups: rows.length,
  rows: rows.reduce((a, r) => a + Number(r.n), 0),
  totalCents: Math.round(rows.reduce((a, r) => a + Number(r.total), 0) * 100),
});

const sortAnswer = (rows: readonly Record<string, unknown>[]) => ({ rows: rows.length, first: Number(rows[0]?.id), last: Number(rows[rows.length - 1]?.id) });

/** Same answer from two engines (float sums may differ in the last cents). */
function agree<T extends object>(what: string, a: T, b: T): void {
  const x = a as Record<string, number>;
  const y = b as Record<string, number>;
  for (const key of Object.keys(x)) {
    const tolerance = key === "totalCents" ? Math.max(2, Math.abs(x[key]!) * 1e-12) : 0;
    if (!(Math.abs(x[key]! - y[key]!) <= tolerance)) throw new Error(`${what}: answers differ on ${key}: ${x[key]} vs ${y[key]}`);
  }
}

export const kernel: Benchmark = {
  name: "kernel",
  title: "Executor kernel, one core",
  ratios: [
    { name: "kernel_csv_agg_vs_duckdb", target: "<= 2" },
    { name: "kernel_parquet_agg_vs_duckdb", target: "<= 3" },
    { name: "kernel_csv_agg_vs_handwritten", target: "<= 1.2" },
    { name: "join_vs_duckdb", target: "<= 3" },
    { name: "sort_vs_duckdb", target: "<= 3" },
  ],
  async run(ctx: BenchContext) {
    const rows = ctx.options.rows;
    const customers = ctx.setting("customers", Math.max(1, Math.round(rows / 10)));
    const data = await dataset(ctx.options.dataDir, rows, customers, (m) => ctx.log(m));
    ctx.info("rows", rows);
    ctx.info("customers", customers);
    ctx.info("csvBytes", data.csvBytes);
    ctx.info("expected", data.check);
    ctx.info("size", `${rows.toLocaleString("en-US")} transactions (CSV ${(data.csvBytes / 1e6).toFixed(1)} MB, one file; the same rows as one Parquet file), ${customers.toLocaleString("en-US")} customers`);
    const expected: AggAnswer = { groups: data.check.groups, totalCents: data.check.totalCents };

    // (a) sparkfn local[1]: one input partition, one shuffle partition. Each query gets its own
    // session (a fresh worker thread), as each `sparkfn submit` job does: V8 sizes a worker's
    // old generation from what it ran before, and after a 1M-row CSV scan it marks the heap on
    // every Parquet job (about 10 ms each; see the README's Performance section).
    const sessions: SparkSession[] = [];
    const session = async (name: string) => {
      await sessions[sessions.length - 1]?.stop();
      const spark = await SparkSession.builder()
        .appName(`bench-kernel-${name}`)
        .master("local[1]")
        .config("spark.sql.shuffle.partitions", 1)
        .config("spark.sql.files.maxPartitionBytes", "4g")
        .getOrCreate();
      sessions.push(spark);
      return spark;
    };
    let spark = await session("csv");
    const duck = await DuckDBInstance.create(":memory:");
    const connection = await duck.connect();
    try {
      await connection.run("SET threads = 1");
      const sql = duckQueries(data);
      const transactionsCsv = () => spark.read.option("header", "true").schema(TRANSACTIONS_DDL).csv(data.transactionsCsv);
      const seedAgg = (df: ReturnType<typeof transactionsCsv>) => df.filter(col("amount").gt(1000)).groupBy("category").agg(sum("amount").alias("total"));

      const csvDf = seedAgg(transactionsCsv());
      ctx.info("sparkfnCsvAggTasks", await csvDf.rdd.getNumPartitions());
      const sparkCsv = await ctx.time("agg csv: sparkfn local[1]", async () => aggAnswer(await csvDf.collect()));
      agree("agg csv sparkfn", expected, sparkCsv.answer);
      const duckCsv = await ctx.time("agg csv: duckdb threads=1", async () => aggAnswer(await duckRows(connection, sql.aggCsv)));
      agree("agg csv duckdb", expected, duckCsv.answer);
      const hand = await ctx.time("agg csv: hand-written JS loop", () => handwrittenCsvAgg(data.transactionsCsv));
      agree("agg csv hand-written", expected, hand.answer);
      ctx.ratio("kernel_csv_agg_vs_duckdb", sparkCsv.median / duckCsv.median, "<= 2");
      ctx.ratio("kernel_csv_agg_vs_handwritten", sparkCsv.median / hand.median, "<= 1.2");
      ctx.info("csvMBps", { sparkfn: data.csvBytes / 1e3 / sparkCsv.median, duckdb: data.csvBytes / 1e3 / duckCsv.median, handwritten: data.csvBytes / 1e3 / hand.median });

      spark = await session("parquet");
      const parquetDf = seedAgg(spark.read.parquet(data.transactionsParquet));
      const sparkParquet = await ctx.time("agg parquet: sparkfn local[1]", async () => aggAnswer(await parquetDf.collect()));
      agree("agg parquet sparkfn", expected, sparkParquet.answer);
      const duckParquet = await ctx.time("agg parquet: duckdb threads=1", async () => aggAnswer((await duckRows(connection, sql.aggParquet))));
      agree("agg parquet duckdb", expected, duckParquet.answer);
      ctx.ratio("kernel_parquet_agg_vs_duckdb", sparkParquet.median / duckParquet.median, "<= 3");

      spark = await session("join");
      const customersDf = spark.read.option("header", "true").schema(CUSTOMERS_DDL).csv(data.customersCsv);
      const joinDf = transactionsCsv().join(customersDf, "customer_id").groupBy("segment").agg(sum("amount").alias("total"), count("*").alias("n"));
      // explain() prints its text, as PySpark's does; keep it out of the report.
      const print = console.log;
      console.log = () => undefined;
      const explained = await joinDf.explain().finally(() => (console.log = print));
      ctx.info("sparkfnJoinStrategy", /broadcast/i.test(explained) ? "broadcast hash join" : "shuffled hash join");
      const sparkJoin = await ctx.time("join: sparkfn local[1]", async () => joinAnswer(await joinDf.collect()));
      const duckJoin = await ctx.time("join: duckdb threads=1", async () => joinAnswer(await duckRows(connection, sql.join)));
      agree("join", sparkJoin.answer, duckJoin.answer);
      ctx.ratio("join_vs_duckdb", sparkJoin.median / duckJoin.median, "<= 3");

      spark = await session("sort");
      const sortDf = transactionsCsv().select("id", "amount").orderBy(col("amount").desc(), col("id"));
      const sparkSort = await ctx.time("sort: sparkfn local[1]", async () => sortAnswer(await sortDf.collect()));
      const duckSort = await ctx.time("sort: duckdb threads=1", async () => sortAnswer(await duckRows(connection, sql.sort)));
      agree("sort", sparkSort.answer, duckSort.answer);
      ctx.ratio("sort_vs_duckdb", sparkSort.median / duckSort.median, "<= 3");
    } finally {
      connection.closeSync();
      duck.closeSync();
      await sessions[sessions.length - 1]?.stop();
    }
  },
};
