import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../../driver/index.ts";
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
});
