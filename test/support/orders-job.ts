/**
 * A PySpark-style job over orders with a timestamp and decimal money columns (issue 15's "done
 * when" job), shared by its local[2] and lambda tests: read CSV with a DDL schema, add tax to
 * amount, and write per-day and per-hour revenue as Parquet with date_trunc, date_format, round,
 * collect_set and approx_count_distinct. The check is independent of the engine: the expected
 * values are computed here with BigInt arithmetic on the generated orders, and the written files
 * are read by DuckDB, whose types must be the ones Spark writes (DECIMAL, TIMESTAMP WITH TIME
 * ZONE, BIGINT).
 */
import { expect } from "vitest";
import type { DuckDBConnection } from "@duckdb/node-api";
import { approx_count_distinct, avg, coalesce, col, collect_set, count, date_format, date_trunc, lit, max, round, size, sum, type SparkSession } from "sparkfn";

export interface Order {
  readonly id: number;
  readonly customer: string;
  /** Epoch seconds, UTC. */
  readonly ts: number;
  /** Cents (decimal(10,2)). */
  readonly amount: bigint;
  /** Cents (decimal(8,2)), or null. */
  readonly tax: bigint | null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const timestampText = (s: number) => {
  const d = new Date(s * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
/** Unscaled digits as text at `scale` places, as BigDecimal.toPlainString prints them. */
export const plain = (v: bigint, scale = 2) => {
  const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, "0");
  return `${v < 0n ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
};
const halfUp = (num: bigint, den: bigint) => {
  const q = num / den;
  const r = num % den;
  return 2n * (r < 0n ? -r : r) >= den ? q + (num < 0n ? -1n : 1n) : q;
};

/** 1,200 orders over three days from 2024-03-09 (across hours), 40 customers, fixed by a seed. */
export function ordersData(): Order[] {
  let seed = 20240309;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const start = Date.UTC(2024, 2, 9) / 1000;
  return Array.from({ length: 1200 }, (_, i) => ({
    id: i + 1,
    customer: `c${next() % 40}`,
    ts: start + (next() % (3 * 86_400)),
    amount: BigInt(next() % 5_000_000) + 99n, // up to 50,000.98
    tax: i % 13 === 0 ? null : BigInt(next() % 400_000),
  }));
}

export function ordersCsv(orders: readonly Order[]): string {
  const lines = orders.map((o) => `${o.id},${o.customer},${timestampText(o.ts)},${plain(o.amount)},${o.tax === null ? "" : plain(o.tax)}`);
  return `order_id,customer,ts,amount,tax\n${lines.join("\n")}\n`;
}

/** The job, as a PySpark user writes it; outputs `${output}/daily` and `${output}/hourly`. */
export async function runOrdersJob(spark: SparkSession, input: string, output: string): Promise<void> {
  const orders = spark.read.option("header", "true").schema("order_id INT, customer STRING, ts TIMESTAMP, amount DECIMAL(10,2), tax DECIMAL(8,2)").csv(input);
  const priced = orders.withColumn("gross", col("amount").plus(coalesce(col("tax"), lit(0))));
  await priced
    .groupBy(date_trunc("day", "ts").alias("day"))
    .agg(
      sum("gross").alias("revenue"),
      round(avg("amount"), 2).alias("avg_amount"),
      count("*").alias("orders"),
      approx_count_distinct("customer").alias("customers"),
      size(collect_set("customer")).alias("distinct_customers"),
    )
    .write.mode("overwrite")
    .parquet(`${output}/daily`);
  await priced
    .groupBy(date_format("ts", "yyyy-MM-dd HH").alias("hour"))
    .agg(sum("amount").alias("revenue"), max("gross").alias("largest"), count("*").alias("orders"))
    .write.mode("overwrite")
    .parquet(`${output}/hourly`);
}

/** Checks the job's Parquet output (local folders `daily`, `hourly` under `dir`) through DuckDB against the orders. */
export async function checkOrdersOutput(duck: DuckDBConnection, dir: string, orders: readonly Order[]): Promise<void> {
  const rows = async (sql: string) => (await duck.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  const read = (name: string) => `read_parquet('${`${dir}/${name}`.replaceAll("'", "''")}/*.parquet')`;

  const types = async (name: string) => Object.fromEntries((await rows(`DESCRIBE SELECT * FROM ${read(name)}`)).map((r) => [r.column_name, r.column_type]));
  // Spark's types: sum(decimal(13,2)) is decimal(23,2); round(avg(decimal(10,2)), 2) is decimal(11,2).
  expect(await types("daily")).toEqual({ day: "TIMESTAMP WITH TIME ZONE", revenue: "DECIMAL(23,2)", avg_amount: "DECIMAL(11,2)", orders: "BIGINT", customers: "BIGINT", distinct_customers: "INTEGER" });
  expect(await types("hourly")).toEqual({ hour: "VARCHAR", revenue: "DECIMAL(20,2)", largest: "DECIMAL(13,2)", orders: "BIGINT" });

  const gross = (o: Order) => o.amount + (o.tax ?? 0n);
  const group = <K extends string | number>(key: (o: Order) => K) => {
    const m = new Map<K, Order[]>();
    for (const o of orders) m.set(key(o), [...(m.get(key(o)) ?? []), o]);
    return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };

  const daily = await rows(`SELECT epoch_us(day) AS day, revenue::VARCHAR AS revenue, avg_amount::VARCHAR AS avg_amount, orders, customers, distinct_customers FROM ${read("daily")} ORDER BY day`);
  const expectedDaily = group((o) => Math.floor(o.ts / 86_400) * 86_400).map(([day, os]) => {
    const n = BigInt(os.length);
    const total = os.reduce((a, o) => a + o.amount, 0n);
    // avg is decimal(14,6) (HALF_UP), then round(.., 2) HALF_UP again, as Spark evaluates it.
    const avg6 = halfUp(total * 10_000n, n);
    return { day: day * 1_000_000, revenue: plain(os.reduce((a, o) => a + gross(o), 0n)), avg_amount: plain(halfUp(avg6, 10_000n)), orders: os.length, distinct_customers: new Set(os.map((o) => o.customer)).size };
  });
  expect(daily.map((r) => ({ day: Number(r.day), revenue: r.revenue, avg_amount: r.avg_amount, orders: Number(r.orders), distinct_customers: Number(r.distinct_customers) }))).toEqual(expectedDaily);
  // HyperLogLog++ at Spark's default relative error (5%): within it of the exact count.
  daily.forEach((r, i) => expect(Math.abs(Number(r.customers) - expectedDaily[i]!.distinct_customers)).toBeLessThanOrEqual(Math.ceil(0.05 * expectedDaily[i]!.distinct_customers)));

  const hourly = await rows(`SELECT hour, revenue::VARCHAR AS revenue, largest::VARCHAR AS largest, orders FROM ${read("hourly")} ORDER BY hour`);
  const expectedHourly = group((o) => timestampText(o.ts).slice(0, 13)).map(([hour, os]) => ({
    hour,
    revenue: plain(os.reduce((a, o) => a + o.amount, 0n)),
    largest: plain(os.map(gross).reduce((a, b) => (a > b ? a : b))),
    orders: os.length,
  }));
  expect(hourly.map((r) => ({ ...r, orders: Number(r.orders) }))).toEqual(expectedHourly);
}
