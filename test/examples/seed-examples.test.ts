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

describe("seed RDD, broadcast and UDF examples", () => {
  const rowsOf = () =>
    transactionCsvFiles(DEMO_DATA).flatMap((csv) =>
      csv.trim().split("\n").slice(1).map((line) => {
        const [id, category, amount] = line.split(",");
        return { id: Number(id), category: category!, amount: amount === "" ? null : parseFloat(amount!) };
      }),
    );
  const jsonLines = (out: string) => out.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

  it("word count: textFile → flatMap → map → reduceByKey", async () => {
    const { readFile } = await import("node:fs/promises");
    const counts = new Map<string, number>();
    for (const line of (await readFile(path.join(ROOT, "README.md"), "utf8")).split("\n")) {
      for (const w of line.toLowerCase().split(/[^a-z0-9']+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([word, n]) => ({ word, n }));
    const lines = jsonLines(await submit("seed-word-count.ts"));
    expect(lines.slice(0, 10)).toEqual(top);
    expect(lines[10]).toEqual({ distinctWords: counts.size });
  });

  it("broadcast lookup table enrichment, then groupBy/sum", async () => {
    const categoryMap: Record<string, string> = { Electronics: "Devices & gadgets", Clothing: "Apparel", Books: "Media" };
    const totals = new Map<string, number>();
    for (const r of rowsOf()) {
      const d = categoryMap[r.category] ?? "Unknown";
      if (r.amount !== null) totals.set(d, (totals.get(d) ?? 0) + r.amount);
    }
    const lines = jsonLines(await submit("seed-broadcast-enrichment.ts"));
    expect(lines.map((l) => l.description)).toEqual([...totals.keys()].sort());
    for (const l of lines) expect(l.total as number).toBeCloseTo(totals.get(l.description as string)!, 4);
  });

  it("a UDF over a column, cached, counted per value and written as Parquet", async () => {
    const counts = new Map<string, number>();
    for (const r of rowsOf()) counts.set(r.category.toUpperCase(), (counts.get(r.category.toUpperCase()) ?? 0) + 1);
    const lines = jsonLines(await submit("seed-udf.ts"));
    expect(lines).toEqual([...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([processed_name, count]) => ({ processed_name, count })));
  });

  it("glom().map(len) and mapPartitions partition statistics", async () => {
    const out = await submit("seed-partition-stats.ts");
    const { recordsPerPartition } = jsonLines(out)[0] as { recordsPerPartition: number[] };
    expect(recordsPerPartition.reduce((a, b) => a + b, 0)).toBe(DEMO_DATA.files * DEMO_DATA.rowsPerFile);
    const stats = [...out.matchAll(/^Partition (\d+): (\d+) records/gm)].map((m) => Number(m[2]));
    expect(stats).toEqual(recordsPerPartition);
    expect(out).toMatch(/Executor status: .*"peakInvocations":[1-9]/);
  });

  it("dynamic allocation: repartition into many tasks, a function per row, a Parquet write (read back by DuckDB)", async () => {
    const out = path.join(ROOT, ".sparkfn", "output", `seed-dynamic-allocation-test-${process.pid}`);
    const { stdout } = await promisify(execFile)(
      "node",
      [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", path.join(ROOT, "examples", "seed-dynamic-allocation.ts"), "--master", "local[2]"],
      { cwd: ROOT, env: { ...process.env, PARTITIONS: "16", OUTPUT: out } },
    );
    const rows = rowsOf();
    expect(jsonLines(stdout)[0]).toEqual({ partitions: 16, rowsWritten: rows.length });
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const duck = await (await DuckDBInstance.create()).connect();
    const back = (await duck.runAndReadAll(`SELECT category, count(*) AS n, sum(amount_cents) AS cents FROM read_parquet('${out}/*.parquet') GROUP BY category ORDER BY category`)).getRowObjectsJson();
    const expected = new Map<string, { n: number; cents: number }>();
    for (const r of rows) {
      const e = expected.get(r.category.toUpperCase()) ?? { n: 0, cents: 0 };
      e.n++;
      if (r.amount !== null) e.cents += Math.round(r.amount * 100);
      expected.set(r.category.toUpperCase(), e);
    }
    expect(back.map((b) => ({ category: b.category, n: Number(b.n), cents: Number(b.cents) }))).toEqual(
      [...expected].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([category, e]) => ({ category, ...e })),
    );
    const { rm } = await import("node:fs/promises");
    await rm(out, { recursive: true, force: true });
  });
});
