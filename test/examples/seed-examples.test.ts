/** The seed article's DataFrame examples run as job scripts through `sparkfn submit` on local[2]. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEMO_DATA, transactionCsvFiles } from "../../examples/data/transactions.ts";
import { referenceGroupSum } from "../support/reference.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const submit = async (example: string) =>
  (await promisify(execFile)("node", [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", path.join(ROOT, "examples", example), "--master", "local[2]"], { cwd: ROOT })).stdout;

describe("seed examples", () => {
  it("filter → groupBy → sum → collect", async () => {
    const rows = (await submit("seed-filter-groupby-sum.ts")).trim().split("\n").map((l) => JSON.parse(l) as { category: string; "sum(amount)": number });
    const expected = referenceGroupSum(transactionCsvFiles(DEMO_DATA), (a) => a > 1000);
    expect(rows.map((r) => r.category)).toEqual([...expected.keys()].sort());
    for (const row of rows) expect(row["sum(amount)"]).toBeCloseTo(expected.get(row.category)!.sum, 6);
  });

  it("limit(1000).collect() of a billion-row range brings 1000 rows", async () => {
    expect(JSON.parse((await submit("seed-limit-collect.ts")).trim())).toEqual({ rows: 1000, first: { id: 0 }, last: { id: 999 } });
  });

  it("repartition(200) gives 200 partitions and keeps every row", async () => {
    const out = await submit("seed-repartition.ts");
    // Spark packs small files into tasks (each file "costs" its size + 4 MiB, a task holds about
    // (total + files x 4 MiB) / cores): local[2]'s 2 cores get the 8 small files 4 by 4.
    expect(out).toContain("Partitions: 2");
    expect(out).toContain("Partitions after repartition(200): 200");
    expect(out).toContain(`Rows: ${DEMO_DATA.files * DEMO_DATA.rowsPerFile}`);
  });
});

describe("seed salted join", () => {
  it("joins on [join_key, salt] exactly as an independent computation over the salted inputs", async () => {
    const { SparkSession, col, rand } = await import("sparkfn");
    // Recompute the salted inputs with the same seeds, collect them, and join them in plain JS.
    const spark = await SparkSession.builder().master("local[2]").getOrCreate();
    const large = await spark.range(0, 100_000).withColumn("join_key", col("id").mod(2).multiply(col("id").mod(50))).withColumn("salt", rand(7).multiply(10).cast("int")).collect();
    const small = await spark.range(0, 50).withColumnRenamed("id", "join_key").withColumn("salt", rand(11).multiply(10).cast("int")).collect();
    await spark.stop();
    const smallKeys = new Map<string, number>();
    for (const s of small) smallKeys.set(`${s.join_key}/${s.salt}`, (smallKeys.get(`${s.join_key}/${s.salt}`) ?? 0) + 1);
    let joinedRows = 0;
    const keys = new Set<number>();
    for (const l of large) {
      const n = smallKeys.get(`${l.join_key}/${l.salt}`) ?? 0;
      joinedRows += n;
      if (n) keys.add(l.join_key as number);
    }
    expect(JSON.parse((await submit("seed-salted-join.ts")).trim())).toEqual({ joinedRows, keys: keys.size });
  });
});
