/** The orders job (test/support/orders-job.ts) on local[2]: CSV in, Parquet out, checked through DuckDB. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, it } from "vitest";
import { SparkSession } from "sparkfn";
import { checkOrdersOutput, ordersCsv, ordersData, runOrdersJob } from "../support/orders-job.ts";

let dir: string;
let spark: SparkSession;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-orders-"));
  spark = await SparkSession.builder().appName("orders").master("local[2]").config("spark.sql.shuffle.partitions", 3).getOrCreate();
});

afterAll(async () => {
  await spark.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the orders job on local[2]", () => {
  it("writes per-day and per-hour revenue with decimal money columns that DuckDB reads with Spark's types and the exact sums", async () => {
    const orders = ordersData();
    await writeFile(path.join(dir, "orders.csv"), ordersCsv(orders));
    await runOrdersJob(spark, path.join(dir, "orders.csv"), path.join(dir, "out"));
    const instance = await DuckDBInstance.create(":memory:");
    const duck = await instance.connect();
    try {
      await duck.run("SET TimeZone = 'UTC'");
      await checkOrdersOutput(duck, path.join(dir, "out"), orders);
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
  });
});
