import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession } from "../../../driver/index.ts";
import { absoluteLocation } from "../../../shared/storage/local-store.ts";

describe("relative local paths", () => {
  let dir: string;
  let cwd: string;
  let spark: SparkSession;

  beforeAll(async () => {
    cwd = process.cwd();
    dir = await mkdtemp(path.join(tmpdir(), "sparkfn-relative-"));
    await mkdir(path.join(dir, "a/.data/region"), { recursive: true });
    await mkdir(path.join(dir, "plain/region"), { recursive: true });
    await writeFile(path.join(dir, "a/.data/region/part-0.txt"), "x\ny\n");
    await writeFile(path.join(dir, "plain/region/part-0.txt"), "x\n");
    process.chdir(dir);
    spark = await SparkSession.builder().appName("relative-paths").master("local[1]").getOrCreate();
  });

  afterAll(async () => {
    await spark.stop();
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves them against the working directory where they are given, keeping S3 URIs and trailing slashes", () => {
    expect(absoluteLocation("out/x")).toBe(path.join(dir, "out/x"));
    expect(absoluteLocation("out/x/")).toBe(`${path.join(dir, "out/x")}/`);
    expect(absoluteLocation("s3://bucket/key")).toBe("s3://bucket/key");
    expect(absoluteLocation(`file://${dir}/y`)).toBe(path.join(dir, "y"));
  });

  it("writes Parquet and CSV to a relative path and reads them back", async () => {
    const df = spark.range(0, 10);
    await df.write.mode("overwrite").parquet("out/numbers");
    expect(await spark.read.parquet("out/numbers").count()).toBe(10);
    await df.write.mode("overwrite").option("header", "true").csv("out/numbers-csv");
    expect(await spark.read.option("header", "true").csv("out/numbers-csv").count()).toBe(10);
  });

  it("reads a relative directory under a dotted folder, and a relative glob", async () => {
    expect(await spark.read.text("a/.data/region").count()).toBe(2);
    expect(await spark.read.text("plain/region/*").count()).toBe(1);
  });

  for (const format of ["csv", "json", "parquet"] as const) {
    for (const partitioned of [false, true]) {
      it(`writes ${format}${partitioned ? " partitioned by a column" : ""} to a relative path, reads it back with the same rows, and a second overwrite replaces it`, async () => {
        // Rows computed here: id 0..19, k = id % 3, name = "n" + id.
        const expected = Array.from({ length: 20 }, (_, id) => ({ id, k: id % 3, name: `n${id}` }));
        const df = spark.createDataFrame(expected.map((r) => [r.id, r.k, r.name]), "id INT, k INT, name STRING");
        const where = `out/${format}-${partitioned ? "by-k" : "flat"}`;
        const write = (frame: typeof df) => {
          const writer = frame.write.mode("overwrite").option("header", "true");
          return partitioned ? writer.partitionBy("k")[format](where) : writer[format](where);
        };
        await write(df);
        const read = () => (format === "csv" ? spark.read.option("header", "true").schema("id INT, k INT, name STRING").csv(where) : spark.read[format](where));
        const rows = (await read().collect()).map((r) => ({ id: Number(r.id), k: Number(r.k), name: String(r.name) }));
        expect(rows.sort((a, b) => a.id - b.id)).toEqual(expected);
        // The committed output holds its _SUCCESS manifest at the relative path's absolute place.
        expect((await import("node:fs")).existsSync(path.join(dir, where, "_SUCCESS"))).toBe(true);
        // Overwrite again with fewer rows: the read-back sees only the new ones.
        await write(df.filter(col("id").lt(5)));
        expect((await read().count())).toBe(5);
      });
    }
  }
});
