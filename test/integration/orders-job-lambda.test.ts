/**
 * The orders job (test/support/orders-job.ts) on the `lambda` master: the CSV in the
 * deployment's bucket, the executor function in the emulator, Parquet written to the bucket and
 * read back by DuckDB from a local copy.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, it } from "vitest";
import { discoverDeployment, SparkSession } from "sparkfn";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";
import { checkOrdersOutput, ordersCsv, ordersData, runOrdersJob } from "../support/orders-job.ts";

const store = new S3ObjectStore();
let spark: SparkSession | undefined;
let dir: string | undefined;
let prefix: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-orders-lambda-"));
  const { bucket } = await discoverDeployment();
  prefix = `s3://${bucket}/data/orders-${randomUUID().slice(0, 8)}/`;
  spark = await SparkSession.builder().appName("orders-lambda").master("lambda").config("spark.sql.shuffle.partitions", 2).getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
  if (prefix) await store.delete((await store.list(prefix)).map((o) => o.uri));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the orders job on the lambda master", () => {
  it("writes to S3 the per-day and per-hour revenue DuckDB reads with Spark's types and the exact sums", async () => {
    if (!spark || !dir || !prefix) throw new Error("the session was not set up (see the error of beforeAll)");
    const orders = ordersData();
    await store.put(`${prefix}in/orders.csv`, new TextEncoder().encode(ordersCsv(orders)));
    await runOrdersJob(spark, `${prefix}in/orders.csv`, `${prefix}out`);
    // A local copy of the written Parquet files for DuckDB.
    for (const name of ["daily", "hourly"]) {
      const objects = (await store.list(`${prefix}out/${name}/`)).filter((o) => o.uri.endsWith(".parquet"));
      if (objects.length === 0) throw new Error(`no Parquet files under ${prefix}out/${name}/`);
      await mkdir(path.join(dir, name), { recursive: true });
      for (const o of objects) await writeFile(path.join(dir, name, path.basename(o.uri)), await store.get(o.uri));
    }
    const instance = await DuckDBInstance.create(":memory:");
    const duck = await instance.connect();
    try {
      await duck.run("SET TimeZone = 'UTC'");
      await checkOrdersOutput(duck, dir, orders);
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
  });
});
