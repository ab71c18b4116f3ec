/**
 * The examples' input: $INPUT when set (a local path or an s3:// prefix), else the demo's
 * generated transactions written once under .sparkfn/sample/ in the checkout.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { SparkSession } from "sparkfn";
import { DEMO_DATA, transactionCsvFiles } from "./transactions.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

export async function exampleInput(): Promise<string> {
  if (process.env.INPUT) return process.env.INPUT;
  const dir = path.join(ROOT, ".sparkfn", "sample", DEMO_DATA.name);
  if (!existsSync(path.join(dir, "_SUCCESS"))) {
    await mkdir(dir, { recursive: true });
    const files = transactionCsvFiles(DEMO_DATA);
    await Promise.all(files.map((csv, i) => writeFile(path.join(dir, `part-${String(i).padStart(5, "0")}.csv`), csv)));
    await writeFile(path.join(dir, "_SUCCESS"), "");
  }
  return `${dir}/`;
}

/**
 * The same transactions as Parquet (the seed's examples read Parquet): $INPUT when set, else
 * written once by sparkfn itself from the CSV sample under .sparkfn/sample/<name>-parquet/.
 */
export async function exampleParquetInput(spark: SparkSession): Promise<string> {
  if (process.env.INPUT) return process.env.INPUT;
  const dir = path.join(ROOT, ".sparkfn", "sample", `${DEMO_DATA.name}-parquet`);
  if (!existsSync(path.join(dir, "_SUCCESS"))) {
    // Written aside and renamed into place: examples run at the same time must not see half of it.
    const aside = `${dir}.${process.pid}-${Date.now()}`;
    const csv = spark.read.option("header", "true").schema("id LONG, category STRING, amount DOUBLE").csv(await exampleInput());
    await csv.write.parquet(aside);
    try {
      await rename(aside, dir);
    } catch {
      await rm(aside, { recursive: true, force: true }); // another example got there first
    }
  }
  return `${dir}/`;
}
