/**
 * The engine's behaviour, defined once and run per master (like Kysely's per-dialect loop):
 * test/driver/engine-local.test.ts runs it on local[2], test/integration/engine-lambda.test.ts
 * on the executor function in the emulator. Every expected value is computed here with
 * plain JavaScript over the same input, not by the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  avg, broadcast, coalesce, col, concat, count, countDistinct, length, lit, lower, max, min, month, not, nullif, rand, size, split, SparkSession, substring, sum,
  to_date, trim, upper, when, year, lag, ntile, Window, type Column, type RowObject,
  transform as transformArray, filter as filterArray, aggregate as aggregateArray, exists as existsArray,
} from "sparkfn";
import { seededRandom } from "../../shared/random.ts";
import { rangeSums } from "./reference.ts";
import { SparkfnEvent } from "../../driver/monitoring/events.ts";
import { LocalObjectStore } from "../../shared/storage/local-store.ts";
import { isS3Uri, type ObjectStore } from "../../shared/storage/object-store.ts";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";

export interface EngineSuiteOptions {
  master: string;
  /** Where CSV test files go: a local folder or an s3:// prefix, and how to write them. */
  dataRoot: () => Promise<{ root: string; put(name: string, body: string | Uint8Array): Promise<void>; remove(name: string): Promise<void> }>;
}

interface Tx {
  id: number;
  category: string | null;
  amount: number | null;
}

function transactions(n: number, seed: number): Tx[] {
  const random = seededRandom(seed);
  const categories = ["Books", "Toys", "Home", "Sports", null];
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    category: categories[Math.floor(random() * categories.length)]!,
    amount: random() < 0.05 ? null : Math.round(random() * 500_000) / 100,
  }));
}

const byKey = (rows: RowObject[], key: string) => new Map(rows.map((r) => [r[key], r]));
const close = (a: unknown, b: number) => expect(Math.abs((a as number) - b)).toBeLessThan(1e-6 * Math.max(1, Math.abs(b)));

export function defineEngineSuite({ master, dataRoot }: EngineSuiteOptions): void {
  describe(`engine on ${master}`, () => {
    let spark: SparkSession;
    const data = transactions(2_000, 5);
    let csvPath: string;
    let files: Awaited<ReturnType<EngineSuiteOptions["dataRoot"]>>;

    beforeAll(async () => {
      spark = await SparkSession.builder().appName("engine-suite").master(master).config("spark.sql.shuffle.partitions", 3).getOrCreate();
      files = await dataRoot();
      const { root, put } = files;
      // Four CSV files with a header; nulls are empty fields.
      for (let f = 0; f < 4; f++) {
        const part = data.slice(f * 500, (f + 1) * 500);
        const lines = ["id,category,amount", ...part.map((t) => `${t.id},${t.category ?? ""},${t.amount ?? ""}`)];
        await put(`tx/part-${f}.csv`, lines.join("\n") + "\n");
      }
      csvPath = `${root}tx/`;
    });
    afterAll(async () => {
      await spark.stop();
    });

    const txDf = () => spark.read.option("header", "true").option("inferSchema", "true").csv(csvPath);

    it("reads CSV with header and inferSchema", async () => {
      const df = txDf();
      expect(await df.schema()).toEqual({
        fields: [
          { name: "id", type: "int", nullable: true },
          { name: "category", type: "string", nullable: true },
          { name: "amount", type: "double", nullable: true },
        ],
      });
      expect(await df.count()).toBe(data.length);
      // Small files are packed so each core has work: 4 files → min(4, default parallelism) tasks.
      expect(await df.rdd.getNumPartitions()).toBe(Math.min(4, spark.defaultParallelism));
    });

    describe("file sources", () => {
      it("splits a large CSV file into byte ranges without losing or repeating a row", async () => {
        const random = seededRandom(23);
        // About 2 MB, rows of varying width, one quoted field with a comma.
        const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: i, note: "x".repeat(Math.floor(random() * 60)), amount: Math.round(random() * 100_000) / 100 }));
        await files.put("big/data.csv", ["id,note,amount", ...rows.map((r) => `${r.id},"${r.note},",${r.amount}`)].join("\n") + "\n");
        spark.conf.set("spark.sql.files.maxPartitionBytes", "200k");
        try {
          const df = spark.read.option("header", "true").schema("id INT, note STRING, amount DOUBLE").csv(`${files.root}big/data.csv`);
          const got = await df.agg(count("*").alias("n"), sum("id").alias("ids"), sum("amount").alias("total")).collect();
          expect(got[0]!.n).toBe(rows.length);
          expect(got[0]!.ids).toBe(rows.reduce((a, r) => a + r.id, 0));
          close(got[0]!.total, rows.reduce((a, r) => a + r.amount, 0));
          expect(spark.lastJobMetrics[0]!.tasks.length).toBeGreaterThanOrEqual(8);
        } finally {
          spark.conf.unset("spark.sql.files.maxPartitionBytes");
        }
      });

      it("reads JSON lines (schema inferred), text, gzip and glob paths", async () => {
        const people = [{ name: "ann", age: 31, tags: ["a", "b"] }, { name: "bo", age: null, score: 2.5 }, { name: "cy", age: 40, nested: { x: 1 } }];
        await files.put("json/part-0.json", people.map((p) => JSON.stringify(p)).join("\n") + "\n");
        const json = spark.read.json(`${files.root}json/`);
        expect((await json.schema()).fields.map((f) => [f.name, f.type])).toEqual([["name", "string"], ["age", "int"], ["tags", "array<string>"], ["score", "double"], ["nested", "struct<x:int>"]]);
        expect(await json.orderBy("name").collect()).toEqual([
          { name: "ann", age: 31, tags: ["a", "b"], score: null, nested: null },
          { name: "bo", age: null, tags: null, score: 2.5, nested: null },
          { name: "cy", age: 40, tags: null, score: null, nested: { x: 1 } },
        ]);
        await files.put("text/a.txt", "first line\nsecond, with a comma\n\nlast\n");
        expect((await spark.read.text(`${files.root}text/a.txt`).collect()).map((r) => r.value)).toEqual(["first line", "second, with a comma", "", "last"]);
        const { gzipSync } = await import("node:zlib");
        await files.put("gz/a.csv.gz", gzipSync("k,v\na,1\nb,2\n"));
        await files.put("gz/b.csv", "k,v\nc,3\n");
        await files.put("gz/notes.md", "not data");
        const globbed = spark.read.option("header", "true").option("inferSchema", "true").csv(`${files.root}gz/*.csv*`);
        expect(await globbed.orderBy("k").collect()).toEqual([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "c", v: 3 }]);
      });

      describe("writing files", () => {
        const rows = Array.from({ length: 500 }, (_, i) => ({ id: i, name: i % 7 === 0 ? null : `n,"${i}"`, amount: i % 5 === 0 ? null : i / 4 }));
        const df = () => spark.createDataFrame(rows.map((r) => ({ ...r })), "id INT, name STRING, amount DOUBLE").repartition(4);
        const sorted = (got: RowObject[]) => [...got].sort((a, b) => (a.id as number) - (b.id as number));

        it.each(["csv", "json", "parquet"] as const)("writes %s one file per task, commits with a manifest, and reads it back", async (format) => {
          const out = `${files.root}out-${format}/`;
          await df().write.mode("overwrite").option("header", true).format(format).save(out);
          const reader = spark.read.option("header", "true").schema("id INT, name STRING, amount DOUBLE");
          const back = await reader.format(format).load(out).collect();
          expect(sorted(back)).toEqual(rows);
          // errorifexists (the default) refuses an existing path; ignore leaves it alone.
          await expect(df().write.format(format).save(out)).rejects.toThrow(/already exists\. Use mode\("overwrite"\)/);
          await df().limit(3).write.mode("ignore").format(format).save(out);
          expect((await reader.format(format).load(out).collect()).length).toBe(500);
          // append adds the new files to the manifest.
          await df().limit(10).write.mode("append").option("header", true).format(format).save(out);
          expect((await reader.format(format).load(out).collect()).length).toBe(510);
        });

        it("writes partitionBy folders, reads them back as columns and skips folders a filter excludes", async () => {
          const out = `${files.root}out-partitioned/`;
          const sales = Array.from({ length: 300 }, (_, i) => ({ id: i, year: 2022 + (i % 3), region: i % 4 === 0 ? null : ["north", "south/east"][i % 2]!, amount: i * 1.5 }));
          const df = spark.createDataFrame(sales.map((r) => ({ ...r })), "id INT, year INT, region STRING, amount DOUBLE").repartition(3);
          await df.write.mode("overwrite").partitionBy("year", "region").json(out);
          const store: ObjectStore = isS3Uri(out) ? new S3ObjectStore() : new LocalObjectStore();
          const folders = new Set((await store.list(out)).map((o) => o.uri.slice(out.length)).filter((n) => n.includes("=")).map((n) => n.slice(0, n.lastIndexOf("/"))));
          expect([...folders].sort()).toEqual(
            ["year=2022", "year=2023", "year=2024"].flatMap((y) => [`${y}/region=__HIVE_DEFAULT_PARTITION__`, `${y}/region=north`, `${y}/region=south%2Feast`]).sort(),
          );
          const back = spark.read.json(out);
          expect((await back.schema()).fields.map((f) => [f.name, f.type])).toEqual([["id", "int"], ["amount", "double"], ["year", "int"], ["region", "string"]]);
          const sorted = (rows: RowObject[]) => [...rows].sort((a, b) => (a.id as number) - (b.id as number));
          expect(sorted(await back.collect())).toEqual(sales.map((r) => ({ id: r.id, amount: r.amount, year: r.year, region: r.region })));
          // Partition pruning: only the year=2024 files are read.
          const in2024 = sales.filter((r) => r.year === 2024 && r.region === "north");
          const pruned = await back.filter(col("year").equalTo(2024).and(col("region").equalTo("north"))).collect();
          expect(sorted(pruned)).toEqual(in2024.map((r) => ({ id: r.id, amount: r.amount, year: r.year, region: r.region })));
          expect(spark.lastJobMetrics[0]!.tasks.reduce((n, t) => n + t.metrics.recordsIn, 0)).toBe(in2024.length);
        });

        it("leaves no visible output when a write fails, and overwrite keeps the old data until it commits", async () => {
          const out = `${files.root}out-commit/`;
          const reader = () => spark.read.schema("id INT, name STRING, amount DOUBLE").json(out);
          await df().write.mode("overwrite").json(out);
          // The write runs in stage 1 (4 tasks, after the repartition's map stage 0): task 2 fails for good.
          const failing = Array.from({ length: 4 }, (_, attempt) => ({ stage: 1, partition: 2, attempt, kind: "throw" }));
          spark.conf.set("sparkfn.test.faults", JSON.stringify(failing));
          try {
            await expect(df().filter(col("id").lt(100)).write.mode("overwrite").json(out)).rejects.toThrow(/Task 2 in stage 1 failed/);
          } finally {
            spark.conf.set("sparkfn.test.faults", "[]");
          }
          // The old output is intact, and nothing of the failed job is left (no _temporary, no stray parts).
          expect(sorted(await reader().collect())).toEqual(rows);
          const store: ObjectStore = isS3Uri(out) ? new S3ObjectStore() : new LocalObjectStore();
          const objects = (await store.list(out)).map((o) => o.uri.slice(out.length));
          expect(objects.filter((name) => name.startsWith("_temporary"))).toEqual([]);
          expect(objects.filter((name) => name.startsWith("part-")).length).toBe(4);
          // A successful overwrite replaces it.
          await df().filter(col("id").lt(100)).write.mode("overwrite").json(out);
          expect(sorted(await reader().collect())).toEqual(rows.filter((r) => r.id < 100));
          // A failed first write leaves nothing at all.
          const fresh = `${files.root}out-never/`;
          spark.conf.set("sparkfn.test.faults", JSON.stringify(failing));
          try {
            await expect(df().write.json(fresh)).rejects.toThrow(/failed/);
          } finally {
            spark.conf.set("sparkfn.test.faults", "[]");
          }
          expect(await store.list(fresh)).toEqual([]);
          await expect(spark.read.json(fresh).collect()).rejects.toThrow(/Path does not exist/);
        });
      });

      describe("malformed records", () => {
        const csv = ["id,amount", "1,10.5", "2,oops", "3", "4,7.25"].join("\n") + "\n";
        const jsonl = ['{"id": 1, "amount": 10.5}', "{not json", '{"id": 3, "amount": "x"}', '{"id": 4, "amount": 7.25}'].join("\n") + "\n";
        beforeAll(async () => {
          await files.put("bad/rows.csv", csv);
          await files.put("bad/rows.json", jsonl);
        });

        it("PERMISSIVE (default) keeps them with nulls and the raw record in the corrupt-record column", async () => {
          const df = spark.read.option("header", "true").schema("id INT, amount DOUBLE, _corrupt_record STRING").csv(`${files.root}bad/rows.csv`);
          expect(await df.orderBy("id").collect()).toEqual([
            { id: 1, amount: 10.5, _corrupt_record: null },
            { id: 2, amount: null, _corrupt_record: "2,oops" },
            { id: 3, amount: null, _corrupt_record: "3" },
            { id: 4, amount: 7.25, _corrupt_record: null },
          ]);
          const js = spark.read.schema("id INT, amount DOUBLE, bad STRING").option("columnNameOfCorruptRecord", "bad").json(`${files.root}bad/rows.json`);
          expect(await js.select("id", "amount", "bad").collect()).toEqual([
            { id: 1, amount: 10.5, bad: null },
            { id: null, amount: null, bad: "{not json" },
            { id: 3, amount: null, bad: '{"id": 3, "amount": "x"}' },
            { id: 4, amount: 7.25, bad: null },
          ]);
        });

        it("DROPMALFORMED drops them", async () => {
          const df = spark.read.option("header", "true").option("mode", "DROPMALFORMED").schema("id INT, amount DOUBLE").csv(`${files.root}bad/rows.csv`);
          expect(await df.orderBy("id").collect()).toEqual([{ id: 1, amount: 10.5 }, { id: 4, amount: 7.25 }]);
          const js = spark.read.option("mode", "dropmalformed").schema("id INT, amount DOUBLE").json(`${files.root}bad/rows.json`);
          expect(await js.orderBy("id").collect()).toEqual([{ id: 1, amount: 10.5 }, { id: 4, amount: 7.25 }]);
        });

        it("FAILFAST fails the job naming the file, the line and the reason", async () => {
          const df = spark.read.option("header", "true").option("mode", "FAILFAST").schema("id INT, amount DOUBLE").csv(`${files.root}bad/rows.csv`);
          await expect(df.collect()).rejects.toThrow(/\[BadInput\]: \S*bad\/rows\.csv:3: malformed record \("oops" is not a valid double for column "amount"\); the scan runs in FAILFAST mode/);
          const js = spark.read.option("mode", "FAILFAST").schema("id INT, amount DOUBLE").json(`${files.root}bad/rows.json`);
          await expect(js.collect()).rejects.toThrow(/\S*bad\/rows\.json:2: malformed record \(not JSON: /);
        });
      });
    });

    it("runs the seed example: filter → groupBy → agg → orderBy, in two stages", async () => {
      const rows = await txDf()
        .filter(col("amount").gt(1000))
        .groupBy("category")
        .agg(sum("amount").alias("total"), count("*").alias("n"))
        .orderBy(col("total").desc())
        .collect();
      const expected = new Map<string | null, { total: number; n: number }>();
      for (const t of data) {
        if (t.amount === null || !(t.amount > 1000)) continue;
        const g = expected.get(t.category) ?? { total: 0, n: 0 };
        g.total += t.amount;
        g.n++;
        expected.set(t.category, g);
      }
      expect(rows.length).toBe(expected.size);
      for (const row of rows) {
        const want = expected.get(row.category as string | null)!;
        close(row.total, want.total);
        expect(row.n).toBe(want.n);
      }
      const totals = rows.map((r) => r.total as number);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
    });

    it("computes every aggregate with Spark's null rules, grouped and global", async () => {
      const df = spark.createDataFrame(data.map((t) => ({ ...t })), "id INT, category STRING, amount DOUBLE");
      const rows = await df
        .groupBy("category")
        .agg(sum("amount").alias("s"), avg("amount").alias("a"), min("amount").alias("lo"), max("amount").alias("hi"), count("amount").alias("c"), count("*").alias("rows"), countDistinct("amount").alias("d"))
        .collect();
      const groups = new Map<string | null, Tx[]>();
      for (const t of data) groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
      const got = byKey(rows, "category");
      expect(got.size).toBe(groups.size);
      for (const [category, txs] of groups) {
        const amounts = txs.map((t) => t.amount).filter((a): a is number => a !== null);
        const row = got.get(category)!;
        close(row.s, amounts.reduce((x, y) => x + y, 0));
        close(row.a, amounts.reduce((x, y) => x + y, 0) / amounts.length);
        expect(row.lo).toBe(Math.min(...amounts));
        expect(row.hi).toBe(Math.max(...amounts));
        expect(row.c).toBe(amounts.length);
        expect(row.rows).toBe(txs.length);
        expect(row.d).toBe(new Set(amounts).size);
      }
      const [global] = await df.agg(count("*").alias("n"), sum("id").alias("ids")).collect();
      expect(global).toEqual({ n: data.length, ids: (data.length * (data.length + 1)) / 2 });
    });

    it("aggregates empty input: no groups, and one global row with count 0 and null sum", async () => {
      const empty = txDf().filter(col("amount").lt(-1));
      expect(await empty.groupBy("category").count().collect()).toEqual([]);
      expect(await empty.agg(count("*").alias("n"), sum("amount").alias("s")).collect()).toEqual([{ n: 0, s: null }]);
    });

    it("selects, adds, renames and drops columns", async () => {
      const rows = await spark
        .createDataFrame([{ a: 1, b: 2 }, { a: 3, b: null }])
        .withColumn("c", col("a").plus(col("b")))
        .withColumn("label", when(col("a").gt(2), "big").otherwise("small"))
        .withColumnRenamed("a", "x")
        .drop("b")
        .select("x", "c", "label", lit("k").alias("const"))
        .orderBy("x")
        .collect();
      expect(rows).toEqual([
        { x: 1, c: 3, label: "small", const: "k" },
        { x: 3, c: null, label: "big", const: "k" },
      ]);
    });

    it("sorts with nulls first or last and takes a limit", async () => {
      const values = [5, null, 1, 3, null, 2];
      const df = spark.createDataFrame(values.map((v) => ({ v })), "v INT");
      const asc = (await df.orderBy(col("v").asc()).collect()).map((r) => r.v);
      const descLast = (await df.orderBy(col("v").desc()).collect()).map((r) => r.v);
      const ascLast = (await df.orderBy(col("v").asc_nulls_last()).collect()).map((r) => r.v);
      expect(asc).toEqual([null, null, 1, 2, 3, 5]);
      expect(descLast).toEqual([5, 3, 2, 1, null, null]);
      expect(ascLast).toEqual([1, 2, 3, 5, null, null]);
      expect((await df.orderBy("v").limit(3).collect()).length).toBe(3);
      expect(await df.limit(0).collect()).toEqual([]);
      expect((await txDf().limit(7).collect()).length).toBe(7);
      expect(await df.orderBy(col("v").desc()).first()).toEqual({ v: 5 });
    });

    it("sorts globally across range partitions of balanced size (sampled bounds)", async () => {
      const random = seededRandom(42);
      const values = Array.from({ length: 4000 }, (_, i) => ({ id: i, k: Math.floor(random() * 1_000_000), s: random() < 0.02 ? null : `s${Math.floor(random() * 50)}` }));
      const df = spark.createDataFrame(values, "id INT, k INT, s STRING").repartition(6);
      spark.conf.set("spark.sql.shuffle.partitions", "8");
      // Adaptive execution would merge these small ranges into one task; this test looks at the ranges.
      spark.conf.set("spark.sql.adaptive.enabled", "false");
      try {
        const rows = await df.orderBy(col("k").desc(), "id").collect();
        const expected = [...values].sort((a, b) => b.k - a.k || a.id - b.id);
        expect(rows).toEqual(expected);
        // The sort stage (the last one) ran 8 tasks whose inputs are within 2x of each other.
        const sortStage = spark.lastJobMetrics.at(-1)!;
        const sizes = sortStage.tasks.map((t) => t.metrics.recordsIn);
        expect(sizes.length).toBe(8);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(4000);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * Math.min(...sizes));
        // Strings with nulls (first by default for ascending) order the same way as a plain JS sort.
        const byS = (await df.orderBy("s", "id").select("s", "id").collect()).map((r) => [r.s, r.id]);
        const jsByS = [...values].sort((a, b) => (a.s === b.s ? a.id - b.id : a.s === null ? -1 : b.s === null ? 1 : a.s < b.s ? -1 : 1)).map((v) => [v.s, v.id]);
        expect(byS).toEqual(jsByS);
      } finally {
        spark.conf.set("spark.sql.shuffle.partitions", "3");
        spark.conf.set("spark.sql.adaptive.enabled", "true");
      }
    });

    it("coalesces small shuffle partitions into fewer tasks (AQE), with the same answer", async () => {
      const query = () => spark.range(0, 3000, 1, 4).groupBy(col("id").mod(50).alias("k")).agg(sum("id").alias("s")).collect();
      const expected = new Map<number, number>();
      for (let i = 0; i < 3000; i++) expected.set(i % 50, (expected.get(i % 50) ?? 0) + i);
      const asMap = (rows: RowObject[]) => new Map(rows.map((r) => [r.k as number, r.s as number]));
      spark.conf.set("spark.sql.shuffle.partitions", "8");
      try {
        spark.conf.set("spark.sql.adaptive.enabled", "false");
        expect(asMap(await query())).toEqual(expected);
        expect(spark.lastJobMetrics.at(-1)!.tasks.length).toBe(8);
        spark.conf.set("spark.sql.adaptive.enabled", "true");
        expect(asMap(await query())).toEqual(expected);
        // 50 groups of partial sums are a few hundred bytes: far below the 64m advisory size.
        expect(spark.lastJobMetrics.at(-1)!.tasks.length).toBe(1);
        // With a tiny advisory size the 8 partitions stay apart again.
        spark.conf.set("spark.sql.adaptive.advisoryPartitionSizeInBytes", "1b");
        expect(asMap(await query())).toEqual(expected);
        expect(spark.lastJobMetrics.at(-1)!.tasks.length).toBe(8);
      } finally {
        spark.conf.set("spark.sql.shuffle.partitions", "3");
        spark.conf.unset("spark.sql.adaptive.advisoryPartitionSizeInBytes");
      }
    });

    it("removes duplicates with distinct", async () => {
      const df = spark.createDataFrame([{ a: 1, b: "x" }, { a: 1, b: "x" }, { a: 2, b: "x" }, { a: 1, b: null }, { a: 1, b: null }]);
      const rows = await df.distinct().orderBy("a", "b").collect();
      expect(rows).toEqual([{ a: 1, b: null }, { a: 1, b: "x" }, { a: 2, b: "x" }]);
    });

    it("repartitions by count and by key without losing or duplicating rows", async () => {
      const df = spark.range(0, 1000, 1, 3);
      const round = df.repartition(5);
      expect(await round.rdd.getNumPartitions()).toBe(5);
      expect(await round.count()).toBe(1000);
      const byKeyDf = df.withColumn("k", col("id").mod(7)).repartition(4, "k");
      const sums = await byKeyDf.groupBy("k").agg(sum("id").alias("s")).orderBy("k").collect();
      const expected = Array.from({ length: 7 }, (_, k) => ({ k, s: Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 7 === k).reduce((a, b) => a + b, 0) }));
      expect(sums).toEqual(expected);
    });

    it("handles more partitions than rows, one partition, and empty data", async () => {
      expect(await spark.range(0, 3, 1, 8).count()).toBe(3);
      expect(await spark.range(0, 10, 1, 1).agg(sum("id").alias("s")).collect()).toEqual([{ s: 45 }]);
      expect(await spark.range(0, 0, 1, 2).count()).toBe(0);
      expect(await spark.range(10, 0, -3).orderBy("id").collect()).toEqual([{ id: 1 }, { id: 4 }, { id: 7 }, { id: 10 }]);
    });

    describe("joins", () => {
      type L = { k: number | null; x: string };
      type R = { k: number | null; y: number };
      const random = seededRandom(9);
      const leftSide: L[] = Array.from({ length: 300 }, (_, i) => ({ k: random() < 0.05 ? null : Math.floor(random() * 40), x: `x${i}` }));
      const rightSide: R[] = Array.from({ length: 200 }, (_, i) => ({ k: random() < 0.05 ? null : Math.floor(random() * 50), y: i }));

      /** Reference: a nested loop over the inputs, as SQL defines joins (null keys never match). */
      function reference(how: string, leftRows: L[] = leftSide, rightRows: R[] = rightSide): Record<string, unknown>[] {
        const eq = (l: L, r: R) => l.k !== null && r.k !== null && l.k === r.k;
        const out: Record<string, unknown>[] = [];
        for (const l of leftRows) {
          const matches = rightRows.filter((r) => eq(l, r));
          if (how === "semi") { if (matches.length) out.push({ ...l }); continue; }
          if (how === "anti") { if (!matches.length) out.push({ ...l }); continue; }
          for (const r of matches) out.push({ k: l.k, x: l.x, y: r.y });
          if (!matches.length && (how === "left" || how === "full")) out.push({ k: l.k, x: l.x, y: null });
        }
        if (how === "right" || how === "full") {
          for (const r of rightRows) if (!leftRows.some((l) => eq(l, r))) out.push({ k: r.k, x: null, y: r.y });
        }
        return out;
      }
      const canonical = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();

      const strategies = [
        { name: "shuffled", threshold: "-1", hint: false },
        { name: "broadcast (size under the threshold)", threshold: "10m", hint: false },
        { name: "broadcast (hinted)", threshold: "-1", hint: true },
      ];
      const cases = ["inner", "left", "right", "full", "semi", "anti"].flatMap((how) => strategies.map((s) => [how, s] as const));

      it.each(cases)("%s join on a key name, %o, matches a nested-loop computation", async (how, strategy) => {
        let l = spark.createDataFrame(leftSide.map((r) => ({ ...r })), "k INT, x STRING").repartition(3);
        let r = spark.createDataFrame(rightSide.map((r) => ({ ...r })), "k INT, y INT").repartition(2);
        // The side a broadcast may build on: the right, except for a right join.
        if (strategy.hint) {
          if (how === "right") l = broadcast(l);
          else r = broadcast(r);
        }
        spark.conf.set("spark.sql.autoBroadcastJoinThreshold", strategy.threshold);
        try {
          const joined = l.join(r, "k", how);
          const got = await joined.collect();
          expect(canonical(got)).toEqual(canonical(reference(how)));
          // A full outer join cannot be broadcast: both sides must be shuffled.
          const broadcastExpected = strategy.name !== "shuffled" && how !== "full";
          const plan = await joined.explain();
          expect(plan).toMatch(broadcastExpected ? /BroadcastHashJoin/ : /ShuffledHashJoin/);
          expect(plan).not.toMatch(broadcastExpected ? /ShuffledHashJoin/ : /BroadcastHashJoin/);
        } finally {
          spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
        }
      });

      it.each(["inner", "left", "right", "full", "semi", "anti"])("%s join with one key holding half the rows splits the skewed partition (AQE)", async (how) => {
        const skewRandom = seededRandom(17);
        // Left: 4,000 rows, half of them under key 7; right: one row per key, plus a few unmatched.
        // x is random text, so shuffle blocks of the hot key do not compress away the skew.
        const noise = () => Math.floor(skewRandom() * 2 ** 48).toString(36);
        const left: L[] = Array.from({ length: 4000 }, (_, i) => ({ k: i % 2 === 0 ? 7 : Math.floor(skewRandom() * 60), x: `x${i}-${noise()}` }));
        const right: R[] = Array.from({ length: 70 }, (_, i) => ({ k: i < 65 ? i : null, y: i }));
        const l = spark.createDataFrame(left.map((r) => ({ ...r })), "k INT, x STRING").repartition(8);
        const r = spark.createDataFrame(right.map((r) => ({ ...r })), "k INT, y INT");
        const conf = {
          "spark.sql.shuffle.partitions": "6",
          "spark.sql.adaptive.coalescePartitions.enabled": "false",
          "spark.sql.adaptive.advisoryPartitionSizeInBytes": "4k",
          "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes": "4k",
          "spark.sql.adaptive.skewJoin.skewedPartitionFactor": "3",
          // Both sides are small enough to broadcast; this test is about shuffled joins.
          "spark.sql.autoBroadcastJoinThreshold": "-1",
        };
        for (const [key, value] of Object.entries(conf)) spark.conf.set(key, value);
        try {
          const got = await l.join(r, "k", how).collect();
          expect(canonical(got)).toEqual(canonical(reference(how, left, right)));
          // The join stage ran more tasks than partitions where the left side may be split.
          const joinTasks = spark.lastJobMetrics.at(-1)!.tasks.length;
          if (["inner", "left", "semi", "anti"].includes(how)) expect(joinTasks).toBeGreaterThan(6);
          else expect(joinTasks).toBe(6);
        } finally {
          spark.conf.set("spark.sql.shuffle.partitions", "3");
          for (const key of Object.keys(conf).slice(1)) spark.conf.unset(key);
        }
      });

      it("joins on a Column condition with an extra non-equi part", async () => {
        const l = spark.createDataFrame(leftSide.map((r) => ({ ...r })), "k INT, x STRING");
        const r = spark.createDataFrame(rightSide.map((r) => ({ code: r.k, y: r.y })), "code INT, y INT");
        const got = await l.join(r, col("k").equalTo(col("code")).and(col("y").gt(100)), "inner").collect();
        const want = leftSide.flatMap((a) => rightSide.filter((b) => a.k !== null && a.k === b.k && b.y > 100).map((b) => ({ k: a.k, x: a.x, code: b.k, y: b.y })));
        expect(canonical(got)).toEqual(canonical(want));
      });

      it("cross joins without a key, and reports a column both sides have as ambiguous", async () => {
        const l = spark.createDataFrame([{ a: 1 }, { a: 2 }]);
        const r = spark.createDataFrame([{ b: "p" }, { b: "q" }, { b: "r" }]);
        expect((await l.join(r).collect()).length).toBe(6);
        const same = spark.createDataFrame([{ a: 3 }]);
        await expect(l.join(same, col("a").equalTo(col("a"))).collect()).rejects.toThrow(/AMBIGUOUS_REFERENCE.*`a`.*df\.alias/);
      });

      it("self-joins a DataFrame through aliases (col(\"e.name\")), keeping both sides' columns", async () => {
        const people = [
          { id: 1, name: "ann", manager: null },
          { id: 2, name: "bob", manager: 1 },
          { id: 3, name: "cat", manager: 1 },
          { id: 4, name: "dan", manager: 2 },
          { id: 5, name: "eve", manager: 9 },
        ];
        const df = spark.createDataFrame(people, "id INT, name STRING, manager INT").repartition(3, col("id"));
        const joined = df.alias("e").join(df.alias("m"), col("e.manager").equalTo(col("m.id")), "left");
        expect(await joined.columns()).toEqual(["id", "name", "manager", "id", "name", "manager"]);
        const got = await joined.select(col("e.name"), col("m.name").alias("boss")).collect();
        const want = people.map((p) => ({ name: p.name, boss: people.find((m) => m.id === p.manager)?.name ?? null }));
        expect(canonical(got)).toEqual(canonical(want));
        const reports = await df.alias("m").join(df.alias("e"), col("m.id").equalTo(col("e.manager")), "semi").select("name").collect();
        expect(reports.map((r) => r.name).sort()).toEqual(["ann", "bob"]);
      });
    });

    it("unions by position and by name, keeping duplicates", async () => {
      const a = spark.createDataFrame([{ x: 1, y: "a" }, { x: 2, y: "b" }]);
      const b = spark.createDataFrame([{ y: "c", x: 3 }, { y: "a", x: 1 }]);
      const byName = await a.unionByName(b).orderBy("x", "y").collect();
      expect(byName).toEqual([{ x: 1, y: "a" }, { x: 1, y: "a" }, { x: 2, y: "b" }, { x: 3, y: "c" }]);
      const byPosition = await a.select("y", "x").union(b).orderBy("y", "x").collect();
      expect(byPosition).toEqual([{ y: "a", x: 1 }, { y: "a", x: 1 }, { y: "b", x: 2 }, { y: "c", x: 3 }]);
      expect(await a.union(a).union(a).count()).toBe(6);
      expect(await a.union(b.select("x", "y")).distinct().count()).toBe(3);
      await expect(a.union(b).collect()).rejects.toThrow(/column 1 is long \("x"\) in the first input but string \("y"\) in input 2/);
      await expect(a.unionByName(spark.createDataFrame([{ x: 1 }])).collect()).rejects.toThrow(/unionByName: input 2 lacks y/);
    });

    it("drops duplicate rows by a subset of columns, keeping one whole row per key", async () => {
      const rows = data.map((t) => ({ ...t }));
      const df = spark.createDataFrame(rows, "id INT, category STRING, amount DOUBLE");
      const deduped = await df.dropDuplicates(["category"]).collect();
      expect(new Set(deduped.map((r) => r.category))).toEqual(new Set(data.map((t) => t.category)));
      expect(deduped.length).toBe(new Set(data.map((t) => t.category)).size);
      const byId = new Map(data.map((t) => [t.id, t]));
      // Every kept row is a real input row (its columns come from one row).
      for (const r of deduped) expect(byId.get(r.id as number)).toEqual(r);
      expect(await df.dropDuplicates().count()).toBe(data.length);
    });

    it("splits rows at random (randomSplit) after a shuffle without losing or repeating one, and samples by seed", async () => {
      const ids = Array.from({ length: 3000 }, (_, i) => i);
      const df = spark.range(0, ids.length, 1, 4).repartition(3, col("id"));
      const splits = df.randomSplit([1, 2, 3], 11);
      const got = await Promise.all(splits.map(async (s) => (await s.collect()).map((r) => r.id as number)));
      expect(got.flat().sort((a, b) => a - b)).toEqual(ids);
      // Each split's share: within 6 standard deviations of the binomial's mean (weights 1/6, 2/6, 3/6).
      got.forEach((rows, i) => {
        const p = (i + 1) / 6;
        expect(Math.abs(rows.length - ids.length * p)).toBeLessThan(6 * Math.sqrt(ids.length * p * (1 - p)));
      });
      const sampled = async () => (await df.sample(0.2, 5).collect()).map((r) => r.id as number).sort((a, b) => a - b);
      expect(await sampled()).toEqual(await sampled());
    });

    it("coalesces partitions without losing rows", async () => {
      const df = txDf().coalesce(2);
      expect(await df.rdd.getNumPartitions()).toBe(2);
      expect(await df.count()).toBe(data.length);
      expect(await spark.range(0, 100, 1, 10).coalesce(3).agg(sum("id").alias("s")).collect()).toEqual([{ s: 4950 }]);
      expect(await spark.range(0, 10, 1, 2).coalesce(5).rdd.getNumPartitions()).toBe(2);
    });

    it("iterates over the rows partition by partition with toLocalIterator", async () => {
      const df = spark.range(0, 1000, 1, 4).withColumn("sq", col("id").multiply(col("id")));
      const seen: number[] = [];
      for await (const row of df.toLocalIterator()) {
        expect(row.sq).toBe((row.id as number) ** 2);
        seen.push(row.id as number);
      }
      expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });

    it("caches: later queries read the stored rows, even after the input is gone", async () => {
      await files.put("cached/part-0.csv", "k,v\na,1\nb,2\na,3\n");
      await files.put("cached/part-1.csv", "k,v\nb,4\nc,5\n");
      const df = spark.read.option("header", "true").option("inferSchema", "true").csv(`${files.root}cached/`).filter(col("v").gt(1));
      df.cache();
      const query = () => df.groupBy("k").agg(sum("v").alias("s")).orderBy("k").collect();
      const expected = [{ k: "a", s: 3 }, { k: "b", s: 6 }, { k: "c", s: 5 }];
      expect(await query()).toEqual(expected);
      await files.remove("cached/part-0.csv");
      await files.remove("cached/part-1.csv");
      expect(await query()).toEqual(expected);
      expect(await df.count()).toBe(4);
      expect(await df.explain()).toContain("InMemoryRelation");
      await df.unpersist();
      await expect(query()).rejects.toThrow(/Path does not exist/);
    });

    it("evaluates every column expression like an independent JavaScript computation", async () => {
      type In = { n: number | null; m: number | null; s: string | null; b: boolean | null; d: string | null };
      const input: In[] = [
        { n: 7, m: 2, s: " Spark SQL ", b: true, d: "2024-02-29" },
        { n: -3, m: 0, s: "électrique", b: false, d: "2023-11-05" },
        { n: null, m: 5, s: null, b: null, d: null },
        { n: 10, m: null, s: "a_b%c", b: true, d: "2024-7-4 10:00" },
        { n: 0, m: -4, s: "", b: false, d: "1999-12-31 23:59:59" },
      ];
      const df = spark.createDataFrame(input.map((r) => ({ ...r })), "n INT, m INT, s STRING, b BOOLEAN, d STRING");
      const N = (f: (r: In) => unknown) => (r: In) => f(r);
      // Spark's cast of text to a date: yyyy[-m[m][-d[d]]], anything after a space or T ignored (a malformed one is an error with ANSI on).
      const sparkDate = (d: string | null) => {
        if (d === null) return null;
        const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$/.exec(d.trim());
        if (!m) throw new Error(`the test's dates must be valid: ${d}`);
        return `${m[1]}-${(m[2] ?? "1").padStart(2, "0")}-${(m[3] ?? "1").padStart(2, "0")}`;
      };
      const both = (a: unknown, b: unknown, f: () => unknown) => (a === null || b === null ? null : f());
      const cases: [string, Column, (r: In) => unknown][] = [
        ["plus", col("n").plus(col("m")), N((r) => both(r.n, r.m, () => r.n! + r.m!))],
        ["minus", col("n").minus(1), N((r) => (r.n === null ? null : r.n - 1))],
        ["multiply", col("n").multiply(col("m")), N((r) => both(r.n, r.m, () => r.n! * r.m!))],
        // A zero divisor fails the job with ANSI on (checked below): Spark's idiom nullif(m, 0) divides by null instead.
        ["divide", col("n").divide(nullif(col("m"), lit(0))), N((r) => (r.n === null || r.m === null || r.m === 0 ? null : r.n / r.m))],
        ["mod", col("n").mod(nullif(col("m"), lit(0))), N((r) => (r.n === null || r.m === null || r.m === 0 ? null : r.n % r.m))],
        ["equalTo", col("n").equalTo(10), N((r) => (r.n === null ? null : r.n === 10))],
        ["notEqual", col("n").notEqual(col("m")), N((r) => both(r.n, r.m, () => r.n !== r.m))],
        ["gt", col("n").gt(col("m")), N((r) => both(r.n, r.m, () => r.n! > r.m!))],
        ["geq", col("n").geq(0), N((r) => (r.n === null ? null : r.n >= 0))],
        ["lt", col("n").lt(0), N((r) => (r.n === null ? null : r.n < 0))],
        ["leq", col("m").leq(2), N((r) => (r.m === null ? null : r.m <= 2))],
        ["eqNullSafe", col("n").eqNullSafe(col("m")), N((r) => r.n === r.m)],
        ["and", col("b").and(col("n").gt(0)), N((r) => { const x = r.b, y = r.n === null ? null : r.n > 0; return x === false || y === false ? false : x === null || y === null ? null : true; })],
        ["or", col("b").or(col("n").gt(0)), N((r) => { const x = r.b, y = r.n === null ? null : r.n > 0; return x === true || y === true ? true : x === null || y === null ? null : false; })],
        ["not", not(col("b")), N((r) => (r.b === null ? null : !r.b))],
        ["isNull", col("s").isNull(), N((r) => r.s === null)],
        ["isNotNull", col("n").isNotNull(), N((r) => r.n !== null)],
        ["isin", col("n").isin(7, 0), N((r) => (r.n === null ? null : r.n === 7 || r.n === 0))],
        ["between", col("n").between(0, 7), N((r) => (r.n === null ? null : r.n >= 0 && r.n <= 7))],
        ["like", col("s").like("%b\\%c"), N((r) => (r.s === null ? null : /^.*b%c$/.test(r.s)))],
        ["cast", col("n").cast("string"), N((r) => (r.n === null ? null : String(r.n)))],
        ["when", when(col("n").gt(5), "big").when(col("n").gt(-5), "small").otherwise("other"), N((r) => (r.n !== null && r.n > 5 ? "big" : r.n !== null && r.n > -5 ? "small" : "other"))],
        ["lit", lit(3.5), N(() => 3.5)],
        ["upper", upper("s"), N((r) => (r.s === null ? null : r.s.toUpperCase()))],
        ["lower", lower(col("s")), N((r) => (r.s === null ? null : r.s.toLowerCase()))],
        ["length", length("s"), N((r) => (r.s === null ? null : [...r.s].length))],
        ["substring", substring("s", 2, 3), N((r) => (r.s === null ? null : [...r.s].slice(1, 4).join("")))],
        ["concat", concat("s", lit("!")), N((r) => (r.s === null ? null : `${r.s}!`))],
        ["trim", trim("s"), N((r) => (r.s === null ? null : r.s.trim()))],
        ["coalesce", coalesce("m", "n", lit(0)), N((r) => r.m ?? r.n ?? 0)],
        ["to_date", to_date("d"), N((r) => sparkDate(r.d))],
        ["year", year("d"), N((r) => (r.d === null ? null : Number(sparkDate(r.d)!.slice(0, 4))))],
        ["month", month("d"), N((r) => (r.d === null ? null : Number(sparkDate(r.d)!.slice(5, 7))))],
        ["alias", col("n").alias("renamed"), N((r) => r.n)],
        ["split", split("s", "\\s+"), N((r) => (r.s === null ? null : r.s.split(/\s+/)))],
        // size(NULL) is null with ANSI on (Spark 4's default; -1 with it off).
        ["size", size(split("s", "")), N((r) => (r.s === null ? null : r.s === "" ? 1 : [...r.s].length))],
        // Lambdas: built on the driver, their bodies evaluated inline by the executors.
        ["transform", transformArray(split("s", " "), (w) => length(w)), N((r) => (r.s === null ? null : r.s.split(" ").map((w) => [...w].length)))],
        ["filter", filterArray(split("s", " "), (w, i) => i.gt(0).and(length(w).gt(0))), N((r) => (r.s === null ? null : r.s.split(" ").filter((w, i) => i > 0 && w.length > 0)))],
        ["aggregate", aggregateArray(split("s", " "), lit(0), (acc, w) => acc.plus(length(w)).plus(col("m"))), N((r) => (r.s === null ? null : r.m === null ? null : r.s.split(" ").reduce((acc, w) => acc + [...w].length + r.m!, 0)))],
        ["exists", existsArray(split("s", " "), (w) => w.equalTo("SQL")), N((r) => (r.s === null ? null : r.s.split(" ").includes("SQL")))],
      ];
      const rows = await df.select(col("n").alias("key"), ...cases.map(([name, c]) => c.alias(name))).collect();
      expect(rows.length).toBe(input.length);
      // JSON (Lambda payloads, shuffle files) has no negative zero, so -0 counts as 0.
      const plain = (v: unknown) => (v === 0 ? 0 : v);
      rows.forEach((row, i) => {
        for (const [name, , expected] of cases) {
          expect({ name, row: i, value: plain(row[name]) }).toEqual({ name, row: i, value: plain(expected(input[i]!)) });
        }
      });
      await expect(df.select(col("n").divide(col("m"))).collect()).rejects.toThrow(/\[DIVIDE_BY_ZERO\] Division by zero/);
      const r = await spark.range(0, 200, 1, 3).select(rand(5).alias("r")).collect();
      expect(r.every((x) => (x.r as number) >= 0 && (x.r as number) < 1)).toBe(true);
      expect(new Set(r.map((x) => x.r)).size).toBeGreaterThan(190);
    });

    it("takes decimals nested in arrays and structs from createDataFrame, exactly", async () => {
      const cents = [[125, 250, null], [1, 99999]];
      const text = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, "0")}`;
      const df = spark.createDataFrame(cents.map((row, i) => [row.map((c) => (c === null ? null : text(c))), { id: i, price: text(row[0]!) }]), "a ARRAY<DECIMAL(7,2)>, s STRUCT<id: INT, price: DECIMAL(7,2)>");
      const rows = await df.orderBy(col("s.id")).select(transformArray("a", (x) => x.multiply(2)).alias("doubled"), col("s.price").alias("price")).collect();
      expect(rows).toEqual(cents.map((row) => ({ doubled: row.map((c) => (c === null ? null : text(2 * c))), price: text(row[0]!) })));
      // A value with more digits than the type holds is refused, naming the row and field.
      expect(() => spark.createDataFrame([[["123456.78"]]], "a ARRAY<DECIMAL(7,2)>")).toThrow(/row 0: a decimal\(7,2\) in field "a"/);
    });

    it("groups, counts distinct and sorts by array values", async () => {
      const df = spark.createDataFrame([{ s: "a b" }, { s: "b a" }, { s: "a  b" }, { s: "c" }]).withColumn("parts", split("s", "\\s+"));
      const groups = await df.groupBy("parts").agg(count("*").alias("n")).orderBy("parts").collect();
      expect(groups).toEqual([{ parts: ["a", "b"], n: 2 }, { parts: ["b", "a"], n: 1 }, { parts: ["c"], n: 1 }]);
      expect(await df.agg(countDistinct("parts").alias("d")).collect()).toEqual([{ d: 3 }]);
    });

    it("shows a table, prints the schema, and has the groupBy shortcuts", async () => {
      const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "a", v: 3 }, { k: "b", v: 10 }], "k STRING, v INT");
      const shown = await df.orderBy("k", "v").show(2);
      expect(shown).toBe(["+---+---+", "|  k|  v|", "+---+---+", "|  a|  1|", "|  a|  3|", "+---+---+"].join("\n"));
      // Doubles print as Spark prints them (their cast to a string).
      const doubles = await spark.createDataFrame([{ x: 1 }, { x: 2.5 }, { x: 1e21 }], "x DOUBLE").show();
      expect(doubles).toBe(["+------+", "|     x|", "+------+", "|   1.0|", "|   2.5|", "|1.0E21|", "+------+"].join("\n"));
      expect(await df.printSchema()).toBe(["root", " |-- k: string (nullable = true)", " |-- v: integer (nullable = true)"].join("\n"));
      expect(await df.columns()).toEqual(["k", "v"]);
      const g = df.groupBy("k");
      const by = async (x: ReturnType<typeof g.count>) => Object.fromEntries((await x.orderBy("k").collect()).map((r) => [r.k as string, Object.values(r)[1]]));
      expect(await by(g.count())).toEqual({ a: 2, b: 1 });
      expect(await by(g.sum("v"))).toEqual({ a: 4, b: 10 });
      expect(await by(g.avg("v"))).toEqual({ a: 2, b: 10 });
      expect(await by(g.min("v"))).toEqual({ a: 1, b: 10 });
      expect(await by(g.max("v"))).toEqual({ a: 3, b: 10 });
      expect(await df.head(2)).toHaveLength(2);
      expect(await df.take(5)).toHaveLength(3);
    });

    it("collects binary values as Uint8Arrays and shows them as Spark 4.0.1's show() prints them", async () => {
      const values = [Uint8Array.from([0x0a, 0x1b]), new Uint8Array(0), null, new Uint8Array(12).fill(0xff)];
      const df = spark.createDataFrame(values.map((b, i) => ({ i, b })), "i INT, b BINARY");
      const rows = await df.orderBy("i").collect();
      expect(rows.map((r) => r.b)).toEqual(values);
      expect(rows[0]!.b).toBeInstanceOf(Uint8Array);
      // Spark's df.show() of the same rows (PySpark 4.0.1; its NULL row left out here: Spark 4 prints NULL where
      // sparkfn's show() still prints null, for every type).
      const shown = df.where("b IS NOT NULL").orderBy("i").select("b");
      expect(await shown.show()).toBe(["+--------------------+", "|                   b|", "+--------------------+", "|             [0A 1B]|", "|                  []|", "|[FF FF FF FF FF F...|", "+--------------------+"].join("\n"));
      expect(await spark.createDataFrame([{ b: Uint8Array.from([0x41]) }]).schema()).toEqual({ fields: [{ name: "b", type: "binary", nullable: true }] });
    });

    it("takes spark.conf.set into account for the next query", async () => {
      const grouped = spark.range(0, 100).groupBy(col("id").mod(3).alias("k")).count();
      spark.conf.set("spark.sql.shuffle.partitions", 5);
      expect(await grouped.rdd.getNumPartitions()).toBe(5);
      expect(spark.conf.get("spark.sql.shuffle.partitions")).toBe("5");
      spark.conf.set("spark.sql.shuffle.partitions", 3);
      expect(await grouped.rdd.getNumPartitions()).toBe(3);
    });

    it("enforces spark.driver.maxResultSize before fetching stored results", async () => {
      const df = spark.range(0, 20_000, 1, 4).withColumn("pad", lit("x".repeat(50)));
      spark.conf.set("sparkfn.result.inlineMaxBytes", "1k"); // every partition's rows are stored
      spark.conf.set("spark.driver.maxResultSize", "500k");
      try {
        const before = spark.resultBytesFetched;
        await expect(df.collect()).rejects.toThrow(
          /^Total size of serialized results of \d tasks \(\d+\.\d KiB\) is bigger than spark\.driver\.maxResultSize \(500\.0 KiB\)$/,
        );
        // The sizes were checked as tasks reported them: no stored result was downloaded.
        expect(spark.resultBytesFetched - before).toBe(0);
        spark.conf.set("spark.driver.maxResultSize", "10m");
        const rows = await df.collect();
        expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
        expect(spark.resultBytesFetched - before).toBeGreaterThan(20_000 * 50);
      } finally {
        spark.conf.set("sparkfn.result.inlineMaxBytes", "1m");
        spark.conf.set("spark.driver.maxResultSize", "1g");
      }
    });

    it("takes incrementally: one partition first, then four times more, until it has n rows", async () => {
      // (A projection keeps PushLimitIntoRange from shrinking the range itself.)
      const df = spark.range(0, 1600, 1, 16).withColumn("next", col("id").plus(1));
      expect(await df.take(5)).toEqual([0, 1, 2, 3, 4].map((id) => ({ id, next: id + 1 })));
      expect(spark.lastJobTasks.map((s) => s.tasks)).toEqual([1]);
      // 100 rows per partition: 1 partition, then 4 more, then 11 (the rest) to reach 550.
      const rows = await df.limit(550).collect();
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 550 }, (_, i) => i));
      expect(spark.lastJobTasks.map((s) => s.tasks)).toEqual([1, 4, 11]);
      // Filters that keep few rows make it try more partitions, never fewer rows than asked.
      expect((await df.filter(col("id").mod(400).equalTo(0)).limit(3).collect()).map((r) => r.id)).toEqual([0, 400, 800]);
    });

    it("skips the first n rows with offset, over every partition in order, before a limit takes its rows", async () => {
      const df = spark.range(0, 1600, 1, 16).withColumn("next", col("id").plus(1));
      const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.id);
      const upTo = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
      expect(ids(await df.offset(1595).collect())).toEqual(upTo(1595, 1600));
      expect(ids(await df.orderBy(col("id").desc()).offset(3).limit(4).collect())).toEqual([1596, 1595, 1594, 1593]);
      expect(ids(await df.filter(col("id").mod(400).equalTo(0)).offset(1).collect())).toEqual([400, 800, 1200]);
      expect(await df.offset(2000).collect()).toEqual([]);
      expect((await df.offset(0).collect()).length).toBe(1600);
    });

    describe("injected faults", () => {
      const job = () => spark.range(0, 1000, 1, 4).groupBy(col("id").mod(5).alias("k")).agg(sum("id").alias("s")).orderBy("k").collect();
      const expected = Array.from({ length: 5 }, (_, k) => ({ k, s: Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 5 === k).reduce((a, b) => a + b, 0) }));
      const withFaults = async <T>(faults: object[], body: () => Promise<T>, conf: Record<string, string> = {}): Promise<T> => {
        spark.conf.set("sparkfn.test.faults", JSON.stringify(faults));
        for (const [k, v] of Object.entries(conf)) spark.conf.set(k, v);
        try {
          return await body();
        } finally {
          spark.conf.set("sparkfn.test.faults", "[]");
          spark.conf.set("spark.task.maxFailures", "4");
        }
      };
      const stage0 = () => spark.lastJobTasks.find((s) => s.stageId === 0)!;

      it("retries a task that throws once, and the answer is right", async () => {
        expect(await withFaults([{ stage: 0, partition: 1, attempt: 0, kind: "throw" }], job)).toEqual(expected);
        expect(stage0()).toEqual({ stageId: 0, tasks: 4, attempts: 5 });
      });

      it("retries a task whose process exits", async () => {
        expect(await withFaults([{ stage: 0, partition: 2, attempt: 0, kind: "exit" }], job)).toEqual(expected);
        expect(stage0().attempts).toBe(5);
      });

      it("backs off from throttling without counting it as a failure", async () => {
        const faults = [0, 1, 2].map((attempt) => ({ stage: 0, partition: 3, attempt, kind: "throttle" }));
        expect(await withFaults(faults, job, { "spark.task.maxFailures": "1" })).toEqual(expected);
        expect(stage0().attempts).toBe(4 + 3);
      });

      it("recomputes only the map task whose shuffle output was lost, then retries the reducers", async () => {
        expect(await withFaults([{ stage: 0, partition: 2, attempt: 0, kind: "loseOutput" }], job)).toEqual(expected);
        // Stage 0: 4 tasks, one ran twice (attempt 0 lost its output, attempt 1 replaced it).
        expect(stage0()).toEqual({ stageId: 0, tasks: 4, attempts: 5 });
      });

      it("recomputes a broadcast join's lost build side, then retries the probe tasks", async () => {
        const names = Array.from({ length: 10 }, (_, k) => ({ k, name: `n${k}` }));
        const probe = spark.range(0, 200, 1, 3).withColumn("k", col("id").mod(10));
        const joined = () => probe.join(broadcast(spark.createDataFrame(names, "k LONG, name STRING")), "k").collect();
        const expected = Array.from({ length: 200 }, (_, id) => ({ k: id % 10, id, name: `n${id % 10}` }));
        const got = await withFaults([{ stage: 0, partition: 0, attempt: 0, kind: "loseOutput" }], joined);
        const sorted = [...got].sort((a, b) => (a.id as number) - (b.id as number));
        expect(sorted).toEqual(expected);
        // Stage 0 is the build side: one of its tasks ran twice.
        const build = stage0();
        expect(build.attempts).toBe(build.tasks + 1);
      });

      it("combines map outputs before the reducers read them (a two-level exchange), recovering a lost combined object and a lost map object", async () => {
        const wide = () => spark.range(0, 4000, 1, 8).groupBy(col("id").mod(5).alias("k")).agg(sum("id").alias("s")).orderBy("k").collect();
        const sums = Array.from({ length: 5 }, (_, k) => ({ k, s: Array.from({ length: 4000 }, (_, i) => i).filter((i) => i % 5 === k).reduce((a, b) => a + b, 0) }));
        // Map objects of a few hundred bytes: groups of 2-4 maps.
        const conf = { "sparkfn.shuffle.combine.threshold": "1", "sparkfn.shuffle.combine.groupBytes": "1k" };
        const faults = [
          { stage: 0, partition: 0, attempt: 0, kind: "loseOutput", combiner: true },
          // Map 7 is in the last group, never combiner 0's (there are at least two groups).
          { stage: 0, partition: 7, attempt: 0, kind: "loseOutput" },
        ];
        try {
          expect(await withFaults([], wide, conf)).toEqual(sums);
          const [maps, combiners] = spark.lastJobMetrics;
          expect([maps!.stageId, combiners!.stageId]).toEqual([0, 0]);
          expect(maps!.tasks.length).toBe(8);
          expect(combiners!.tasks.length).toBeGreaterThanOrEqual(2);
          expect(combiners!.tasks.length).toBeLessThanOrEqual(4);
          // Map 7's object is lost: its combiner fails, map 7 runs again; combiner 0's object is
          // lost: the reducers fail, it runs again.
          expect(await withFaults(faults, wide, conf)).toEqual(sums);
          const [again, recombined] = spark.lastJobMetrics;
          expect(again!.tasks.find((t) => t.partition === 7)!.attempt).toBe(1);
          expect(recombined!.tasks.find((t) => t.partition === 0)!.attempt).toBe(1);
          expect(recombined!.tasks.find((t) => t.partition === 0)!.attempt).toBe(1);
          // A straggling combiner (held back 8 s) is copied, and the copy's output is read.
          const slow = [{ stage: 0, partition: 0, attempt: 0, kind: "slow", combiner: true }];
          expect(await withFaults(slow, wide, { ...conf, "spark.speculation": "true" })).toEqual(sums);
          expect(spark.lastJobMetrics[1]!.tasks.find((t) => t.partition === 0)!.attempt).toBeGreaterThanOrEqual(1);
        } finally {
          spark.conf.unset("spark.speculation");
          spark.conf.unset("sparkfn.shuffle.combine.threshold");
          spark.conf.unset("sparkfn.shuffle.combine.groupBytes");
        }
      });

      it("reads the last combiner's group as the maps wrote it, with speculation on, instead of waiting for it", async () => {
        // 48 maps of about 500 bytes, groups of 2: ten groups or more, so the reducers need not
        // wait for the last combiner (combine.ts): once every map and every other combiner is
        // done, the one left (usually combiner 0, held back 8 s and never copied: minTaskRuntime
        // 60 s; another if the machine is slow enough for it to finish first) is abandoned.
        const wide = () => spark.range(0, 24_000, 1, 48).groupBy(col("id").mod(97).alias("k")).agg(sum("id").alias("s")).collect();
        const conf = { "sparkfn.shuffle.combine.threshold": "1", "sparkfn.shuffle.combine.groupBytes": "1280", "spark.speculation": "true", "spark.speculation.minTaskRuntime": "60s" };
        const events: SparkfnEvent[] = [];
        spark.addListener({ onEvent: (e) => events.push(e) });
        try {
          const rows = await withFaults([{ stage: 0, partition: 0, attempt: 0, kind: "slow", combiner: true }], wide, conf);
          expect(new Map(rows.map((r) => [r.k as number, r.s as number]))).toEqual(rangeSums(24_000, 97));
          const [maps, combiners, reducers] = spark.lastJobMetrics;
          expect(maps!.tasks.length).toBe(48);
          const jobId = events.find((e) => e.event === "JobStart")!.jobId;
          const pass = events.find((e) => e.event === "StageSubmitted" && e.jobId === jobId && e.pass === "combine");
          const groups = pass && pass.event === "StageSubmitted" ? pass.numTasks : 0;
          expect(groups).toBeGreaterThanOrEqual(10);
          // Every combiner but one finished; the reducers read the other group's map objects (two or more) instead.
          expect(combiners!.tasks.length).toBe(groups - 1);
          const stopped = events.find((e) => e.event === "StageCompleted" && e.jobId === jobId && e.pass === "combine");
          expect(stopped && stopped.event === "StageCompleted" ? [stopped.result, stopped.unfinished] : []).toEqual(["stopped", 1]);
          for (const t of reducers!.tasks) expect(t.metrics.requests.get).toBeGreaterThanOrEqual(groups - 1 + 2);
        } finally {
          for (const k of ["sparkfn.shuffle.combine.threshold", "sparkfn.shuffle.combine.groupBytes", "spark.speculation", "spark.speculation.minTaskRuntime"]) spark.conf.unset(k);
        }
      });

      it("runs a speculative copy of a straggler (spark.speculation) and takes the copy's result", async () => {
        // Partition 1 of stage 0 sleeps 8 s before running; its copies do not (attempt 1, and on the
        // lambda master attempt 2 as well: two copies go at once when slots are idle). A copy wins.
        const straggler = [{ stage: 0, partition: 1, attempt: 0, kind: "slow" }];
        expect(await withFaults(straggler, job, { "spark.speculation": "true" })).toEqual(expected);
        const winners = spark.lastJobMetrics.find((s) => s.stageId === 0)!.tasks.map((t) => [t.partition, t.attempt]);
        expect(winners.filter(([p]) => p !== 1)).toEqual([[0, 0], [2, 0], [3, 0]]);
        expect(winners.find(([p]) => p === 1)![1]).toBeGreaterThanOrEqual(1);
        spark.conf.unset("spark.speculation");
      });

      it("starts a one-wave reduce stage as two attempts per task within sparkfn.speculation.hedgeBudget, with the same answers", async () => {
        const events: SparkfnEvent[] = [];
        spark.addListener({ onEvent: (e) => events.push(e) });
        const grouped = () => spark.range(0, 1000, 1, 4).groupBy(col("id").mod(5).alias("k")).agg(sum("id").alias("s")).collect();
        try {
          const rows = await withFaults([], grouped, { "spark.speculation": "true", "sparkfn.speculation.hedgeBudget": "0.5" });
          expect([...rows].sort((a, b) => (a.k as number) - (b.k as number))).toEqual(expected);
        } finally {
          spark.conf.unset("spark.speculation");
          spark.conf.unset("sparkfn.speculation.hedgeBudget");
        }
        const jobId = events.find((e) => e.event === "JobStart")!.jobId;
        const mine = events.filter((e) => "jobId" in e && e.jobId === jobId);
        const starts = mine.flatMap((e) => (e.event === "TaskStart" ? [e] : []));
        // The map stage is the job's first: its 4 tasks are more than half the job's 4 so far, so no
        // hedge at its start (speculation, and the budget's 2 copies in its tail, may still copy a
        // map task once some task of the stage has ended).
        const firstMapEnd = mine.findIndex((e) => e.event === "TaskEnd" && e.stageId === 0);
        const early = mine.slice(0, firstMapEnd).flatMap((e) => (e.event === "TaskStart" && e.stageId === 0 ? [[e.attempt, e.speculative]] : []));
        expect(early.length).toBeGreaterThan(0);
        for (const start of early) expect(start).toEqual([0, false]);
        // The reduce stage (fewer tasks than the 4 before it, so at most half the job's): each task as its original and a hedge
        // (two hedges where the budget holds two copies per task: MAX_HEDGES).
        const reducers = starts.filter((e) => e.stageId === 1);
        const partitions = [...new Set(reducers.map((e) => e.partition))];
        expect(partitions.length).toBeGreaterThan(0);
        for (const p of partitions) {
          const mine = reducers.filter((e) => e.partition === p).map((e) => [e.attempt, e.speculative]);
          expect(mine.slice(0, 2)).toEqual([[0, false], [1, true]]);
        }
      });

      it("reads reducers' slices from slice files (sparkfn.shuffle.inlineIndexMaxBytes=0) with the same answers, through a lost map output and a speculative copy", async () => {
        const store: ObjectStore = isS3Uri(spark.scratchUri) ? new S3ObjectStore() : new LocalObjectStore();
        const sliceFiles = async () => (await store.list(spark.scratchUri)).filter((o) => o.uri.includes("/inputs/slices-stage-")).length;
        const before = await sliceFiles();
        const conf = { "sparkfn.shuffle.inlineIndexMaxBytes": "0" };
        try {
          expect(await withFaults([], job, conf)).toEqual(expected);
          expect(await sliceFiles()).toBeGreaterThan(before);
          // Map 2's output is lost: it is recomputed, and the reducers get slices naming the new object.
          expect(await withFaults([{ stage: 0, partition: 2, attempt: 0, kind: "loseOutput" }], job, conf)).toEqual(expected);
          expect(stage0()).toEqual({ stageId: 0, tasks: 4, attempts: 5 });
          // A slow reducer's copy reads the same range of the same slice file.
          const slowReducer = [{ stage: 1, partition: 0, attempt: 0, kind: "slow" }];
          expect(await withFaults(slowReducer, job, { ...conf, "spark.speculation": "true", "spark.sql.adaptive.enabled": "false" })).toEqual(expected);
          const reducers = spark.lastJobMetrics.find((s) => s.stageId === 1)!.tasks;
          expect(reducers.find((t) => t.partition === 0)!.attempt).toBeGreaterThan(0);
        } finally {
          spark.conf.unset("sparkfn.shuffle.inlineIndexMaxBytes");
          spark.conf.unset("spark.speculation");
          spark.conf.unset("spark.sql.adaptive.enabled");
        }
      });

      it("runs independent stages at the same time: a join's right side does not wait for a slow left side", async () => {
        const left = spark.range(0, 300, 1, 2).withColumn("k", col("id").mod(10));
        const right = spark.range(0, 10, 1, 2).withColumnRenamed("id", "k").withColumn("name", concat(lit("n"), col("k").cast("string")));
        spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
        try {
          // Stage 0 (left side) has a task that sleeps 8 s; stage 1 (right side) finishes first.
          const rows = await withFaults([{ stage: 0, partition: 0, attempt: 0, kind: "slow" }], () => left.join(right, "k").collect());
          expect(rows.length).toBe(300);
          for (const r of rows) expect(r.name).toBe(`n${r.k}`);
          expect(spark.lastJobMetrics.map((s) => s.stageId)).toEqual([1, 0, 2]);
        } finally {
          spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
        }
      });

      it("abandons an attempt that hangs past sparkfn.task.timeout and retries it elsewhere", async () => {
        // On lambda the hung invocation keeps its execution environment until the function's own
        // timeout (60 s on the emulator deploy); the driver does not wait for it.
        const hang = [{ stage: 0, partition: 2, attempt: 0, kind: "hang" }];
        const events: SparkfnEvent[] = [];
        spark.addListener({ onEvent: (e) => events.push(e) });
        try {
          expect(await withFaults(hang, job, { "sparkfn.task.timeout": "3s" })).toEqual(expected);
          expect(stage0()).toEqual({ stageId: 0, tasks: 4, attempts: 5 });
          // The event log shows the abandoned attempt and its retry.
          const jobId = events.find((e) => e.event === "JobStart")!.jobId;
          const ends = events.flatMap((e) => (e.event === "TaskEnd" && e.jobId === jobId && e.stageId === 0 && e.partition === 2 ? [[e.attempt, e.status, e.willRetry]] : []));
          expect(ends).toEqual([[0, "abandoned", true], [1, "success", false]]);
        } finally {
          spark.conf.unset("sparkfn.task.timeout");
        }
      });

      it("detects a corrupted shuffle object by its checksum and recomputes the map task that wrote it", async () => {
        expect(await withFaults([{ stage: 0, partition: 1, attempt: 0, kind: "corruptOutput" }], job)).toEqual(expected);
        expect(stage0()).toEqual({ stageId: 0, tasks: 4, attempts: 5 });
      });

      it("fails with an error naming the object when a map output stays corrupt", async () => {
        const always = Array.from({ length: 12 }, (_, attempt) => ({ stage: 0, partition: 1, attempt, kind: "corruptOutput" }));
        await expect(withFaults(always, job)).rejects.toThrow(/shuffle block \S+\/stage-0-map-00001-attempt-\d+\.blocks \(bytes \d+-\d+\) is corrupt: /);
      });

      it("reports every retry, recomputation and speculative attempt as events, in order", async () => {
        const events: SparkfnEvent[] = [];
        spark.addListener({ onEvent: (e) => events.push(e) });
        const faults = [
          { stage: 0, partition: 0, attempt: 0, kind: "throw" },
          { stage: 0, partition: 0, attempt: 1, kind: "exit" },
          { stage: 0, partition: 1, attempt: 0, kind: "throttle" },
          { stage: 0, partition: 2, attempt: 0, kind: "loseOutput" },
          { stage: 0, partition: 3, attempt: 0, kind: "slow" },
        ];
        try {
          expect(await withFaults(faults, job, { "spark.speculation": "true" })).toEqual(expected);
        } finally {
          spark.conf.unset("spark.speculation");
        }
        const jobId = events.find((e) => e.event === "JobStart")!.jobId;
        const mine = events.filter((e) => "jobId" in e && e.jobId === jobId);
        const ends = (partition: number) =>
          mine.flatMap((e) => (e.event === "TaskEnd" && e.stageId === 0 && e.partition === partition ? [[e.attempt, e.status, e.willRetry, e.speculative]] : []));
        // After its retries a task succeeds once: attempt `retry`, or (speculation is on, and a
        // retry on a fresh container can be slow) a copy of it, the other attempts abandoned.
        const settled = (partition: number, retry: number) => {
          const rest = ends(partition).filter(([attempt]) => (attempt as number) >= retry);
          expect(rest.filter(([, status]) => status === "success")).toHaveLength(1);
          for (const [attempt, status, willRetry, speculative] of rest) {
            expect(willRetry).toBe(false);
            expect(speculative).toBe(attempt !== retry);
            if (status !== "success") expect(status).toBe("abandoned");
          }
        };
        // Partition 0 threw, then its process exited, then it succeeded.
        expect(ends(0).slice(0, 2)).toEqual([[0, "failed", true, false], [1, "failed", true, false]]);
        settled(0, 2);
        expect(ends(1).slice(0, 1)).toEqual([[0, "throttled", true, false]]);
        settled(1, 1);
        // Partition 2's output vanished after it succeeded: a reducer's fetch failure reruns it as attempt 1.
        expect(ends(2)).toEqual([[0, "success", false, false], [1, "success", false, false]]);
        expect(mine.some((e) => e.event === "StageSubmitted" && e.stageId === 0 && e.pass === "recompute")).toBe(true);
        expect(mine.some((e) => e.event === "TaskEnd" && e.stageId === 1 && e.status === "fetchFailed" && e.willRetry)).toBe(true);
        // Partition 3 straggled: attempt 0 was abandoned and a speculative copy won (of one or two:
        // two go at once when slots are idle); any other copy was abandoned.
        expect(ends(3)).toContainEqual([0, "abandoned", false, false]);
        const copies = ends(3).filter(([attempt]) => (attempt as number) > 0);
        expect(copies.filter(([, status]) => status === "success")).toHaveLength(1);
        for (const [, status, willRetry, speculative] of copies) {
          expect([status === "success" || status === "abandoned", willRetry, speculative]).toEqual([true, false, true]);
        }
        // Each attempt starts before it ends; the job starts first and ends last.
        for (const end of mine.filter((e) => e.event === "TaskEnd")) {
          const start = mine.findIndex((e) => e.event === "TaskStart" && e.stageId === end.stageId && e.partition === end.partition && e.attempt === end.attempt);
          expect(start).toBeGreaterThanOrEqual(0);
          expect(start).toBeLessThan(mine.indexOf(end));
        }
        expect(mine[0]!.event).toBe("JobStart");
        expect(mine.at(-1)).toMatchObject({ event: "JobEnd", result: "succeeded" });
        for (const e of mine) expect(SparkfnEvent.safeParse(e).success).toBe(true);
      });

      it("fails after spark.task.maxFailures attempts, naming the partition and the error", async () => {
        const faults = [0, 1, 2].map((attempt) => ({ stage: 0, partition: 1, attempt, kind: "throw" }));
        await expect(withFaults(faults, job, { "spark.task.maxFailures": "3" })).rejects.toThrow(
          /^Task 1 in stage 0 failed 3 time\(s\); last error \[Internal\]: Error: injected fault: the task threw$/,
        );
      });
    });

    it("spills an aggregation past a small sparkfn.executor.memoryBudget and still gets the right answer", async () => {
      const n = 60_000;
      const query = () =>
        spark
          .range(0, n, 1, 4)
          .withColumn("k", col("id").mod(20_000))
          .groupBy("k")
          .agg(sum("id").alias("s"), count("*").alias("c"), countDistinct(col("id").mod(7)).alias("d"))
          .collect();
      // Ids k, k + 20000, k + 40000: three of them per key, distinct mod 7 unless equal.
      const expected = new Map<number, [number, number, number]>();
      for (let k = 0; k < 20_000; k++) {
        const ids = [k, k + 20_000, k + 40_000];
        expected.set(k, [ids.reduce((a, b) => a + b, 0), 3, new Set(ids.map((i) => i % 7)).size]);
      }
      const asMap = (rows: RowObject[]) => new Map(rows.map((r) => [r.k as number, [r.s, r.c, r.d] as [number, number, number]]));
      spark.conf.set("sparkfn.executor.memoryBudget", "64k");
      spark.conf.set("spark.sql.shuffle.partitions", "2");
      try {
        expect(asMap(await query())).toEqual(expected);
        const [map, reduce] = spark.lastJobMetrics;
        const spilled = (stage: typeof map) => stage!.tasks.reduce((n, t) => n + t.metrics.spill.files, 0);
        // The reduce side wrote sorted runs to local disk; the map side flushed partial states instead.
        expect(spilled(reduce)).toBeGreaterThan(1);
        expect(reduce!.tasks.reduce((n, t) => n + t.metrics.spill.bytes, 0)).toBeGreaterThan(0);
        expect(map!.tasks.reduce((n, t) => n + t.metrics.recordsOut, 0)).toBeGreaterThan(20_000);
      } finally {
        spark.conf.unset("sparkfn.executor.memoryBudget");
        spark.conf.set("spark.sql.shuffle.partitions", "3");
      }
      // With the default budget nothing spills.
      expect(asMap(await query())).toEqual(expected);
      expect(spark.lastJobMetrics.flatMap((s) => s.tasks).every((t) => t.metrics.spill.files === 0)).toBe(true);
    });

    it("spills a window partition larger than a small memory budget and still gets the right running totals", async () => {
      const n = 20_000;
      const w = Window.partitionBy("g").orderBy("id");
      const query = () =>
        spark
          .range(0, n, 1, 4)
          .withColumn("g", col("id").mod(2))
          .select(col("id"), sum("id").over(w).alias("running"), lag("id", 2).over(w).alias("back2"), ntile(4).over(w).alias("quarter"))
          .collect();
      spark.conf.set("sparkfn.executor.memoryBudget", "64k");
      spark.conf.set("spark.sql.shuffle.partitions", "2");
      try {
        const rows = await query();
        expect(rows.length).toBe(n);
        // Per parity g, the ids g, g + 2, ..., in order: the running sum, the id two back, the quarter of the group.
        const totals = [0, 0];
        const expected = new Map<number, [number, number | null, number]>();
        for (let id = 0; id < n; id++) {
          const g = id % 2;
          totals[g]! += id;
          const position = Math.floor(id / 2);
          expected.set(id, [totals[g]!, position >= 2 ? id - 4 : null, Math.floor(position / (n / 2 / 4)) + 1]);
        }
        for (const r of rows) expect([r.running, r.back2, r.quarter]).toEqual(expected.get(r.id as number));
        const windowStage = spark.lastJobMetrics.at(-1)!;
        expect(windowStage.tasks.reduce((total, t) => total + t.metrics.spill.files, 0)).toBeGreaterThan(2);
      } finally {
        spark.conf.unset("sparkfn.executor.memoryBudget");
        spark.conf.set("spark.sql.shuffle.partitions", "3");
      }
    });

    it("writes one shuffle object per map task (not one per reduce partition) and reads slices with ranged GETs", async () => {
      const store: ObjectStore = isS3Uri(spark.scratchUri) ? new S3ObjectStore() : new LocalObjectStore();
      const listing = async () => (await store.list(spark.scratchUri)).filter((o) => o.uri.includes("/shuffle/"));
      const shuffleObjects = async () => new Set((await listing()).map((o) => o.uri));
      const before = await shuffleObjects();
      spark.conf.set("spark.sql.shuffle.partitions", "8");
      spark.conf.set("spark.sql.adaptive.enabled", "false");
      try {
        const rows = await spark.range(0, 8000, 1, 8).groupBy(col("id").mod(100).alias("k")).agg(sum("id").alias("s")).collect();
        const expected = new Map<number, number>();
        for (let i = 0; i < 8000; i++) expected.set(i % 100, (expected.get(i % 100) ?? 0) + i);
        expect(new Map(rows.map((r) => [r.k, r.s]))).toEqual(expected);
        const written = [...(await shuffleObjects())].filter((uri) => !before.has(uri));
        const [map, reduce] = spark.lastJobMetrics;
        // M = 8 map tasks, R = 8 reduce partitions: 8 objects and 8 PUTs, not 64.
        expect(map!.tasks.length).toBe(8);
        expect(reduce!.tasks.length).toBe(8);
        expect(written.length).toBe(8);
        expect(map!.tasks.reduce((n, t) => n + t.metrics.requests.put, 0)).toBe(8);
        // Shuffle metrics agree with the bucket: bytes written = the objects' sizes, all read back once.
        type Shuffle = SparkSession["lastJobMetrics"][number]["tasks"][number]["metrics"]["shuffle"];
        const total = (stage: typeof map, f: (m: Shuffle) => number) => stage!.tasks.reduce((n, t) => n + f(t.metrics.shuffle), 0);
        const sizes = (await listing()).filter((o) => !before.has(o.uri)).reduce((n, o) => n + o.size, 0);
        expect(total(map, (s) => s.bytesWritten)).toBe(sizes);
        expect(total(reduce, (s) => s.bytesRead)).toBe(sizes);
        expect(total(map, (s) => s.recordsWritten)).toBe(total(reduce, (s) => s.recordsRead));
        // Partial aggregation: each map task sends at most one row per key (100 keys).
        expect(total(map, (s) => s.recordsWritten)).toBeLessThanOrEqual(8 * 100);
        // Each reducer reads its slice of each map output: at most one ranged GET per map output
        // (plus, on a cold container, one for the stage plan).
        for (const t of reduce!.tasks) {
          expect(t.metrics.requests.get).toBeGreaterThanOrEqual(8);
          expect(t.metrics.requests.get).toBeLessThanOrEqual(8 + 1);
          expect(t.metrics.requests.list).toBe(0);
        }
      } finally {
        spark.conf.set("spark.sql.shuffle.partitions", "3");
        spark.conf.unset("spark.sql.adaptive.enabled");
      }
    });

    it("tracks active jobs, stages and invocations (sc.statusTracker, sc.getExecutorMemoryStatus)", async () => {
      const sc = spark.sparkContext;
      expect(sc.applicationId).toBe(spark.appId);
      const seen: { jobs: number[]; stages: ReturnType<ReturnType<typeof sc.statusTracker>["getStageInfos"]> }[] = [];
      spark.addListener({
        onEvent: (e) => {
          if (e.event === "TaskEnd") seen.push({ jobs: sc.statusTracker().getActiveJobIds(), stages: sc.statusTracker().getStageInfos() });
        },
      });
      const launchedBefore = spark.tasksLaunched;
      const before = await sc.getExecutorMemoryStatus();
      await spark.range(0, 1000, 1, 4).groupBy(col("id").mod(3).alias("k")).count().collect();
      // While tasks ran, the job was active and its stage counted its tasks.
      const map = seen.find((s) => s.stages.some((st) => st.numTasks === 4))!;
      expect(map.jobs.length).toBe(1);
      const stage = map.stages.find((st) => st.numTasks === 4)!;
      expect(stage.numCompletedTasks + stage.numActiveTasks + stage.numFailedTasks).toBeLessThanOrEqual(4);
      expect(sc.statusTracker().getActiveJobIds()).toEqual([]);
      const after = await sc.getExecutorMemoryStatus();
      expect(after.totalInvocations - before.totalInvocations).toBe(spark.tasksLaunched - launchedBefore);
      expect(after.activeInvocations).toBe(0);
      expect(after.peakInvocations).toBeGreaterThanOrEqual(1);
      expect(after.peakTaskMemoryBytes).toBeGreaterThan(0);
      // The lambda master reports the function's configured memory (the stack's default, 2048 MiB).
      if (master === "lambda") expect(after.memoryPerExecutorMiB).toBe(2048);
      else expect(after.memoryPerExecutorMiB).toBeGreaterThan(100);
    });

    it("aggregates a million rows", async () => {
      const n = 1_000_000;
      const rows = await spark
        .range(0, n, 1, 4)
        .withColumn("k", col("id").mod(10))
        .groupBy("k")
        .agg(sum("id").alias("s"), count("*").alias("c"), max("id").alias("hi"))
        .orderBy("k")
        .collect();
      // Ids k, k+10, ... below n: count c = n/10, sum = c*k + 10*c*(c-1)/2.
      const c = n / 10;
      expect(rows).toEqual(Array.from({ length: 10 }, (_, k) => ({ k, s: c * k + (10 * c * (c - 1)) / 2, c, hi: n - 10 + k })));
    });

    it("names an unknown column, with the columns that exist, before running anything", async () => {
      await expect(txDf().select("amount", "nope").collect()).rejects.toThrow('Column "nope" does not exist. Available columns: id, category, amount.');
      // A string beside a number is cast, as in Spark (a malformed one fails the task); two strings are refused before running.
      await expect(txDf().filter(col("category").plus(col("category")).gt(0)).collect()).rejects.toThrow(/category is string, expected a number/);
    });
  });
}
