/**
 * The examples' input: $INPUT when set (a local path or an s3:// prefix), else the demo's
 * generated transactions written once under .sparkfn/sample/ in the checkout.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
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
 * one Parquet file per CSV part under .sparkfn/sample/<name>-parquet/, written once with
 * hyparquet-writer (not by a sparkfn job, so an example's own jobs are the only ones it runs).
 */
export async function exampleParquetInput(): Promise<string> {
  if (process.env.INPUT) return process.env.INPUT;
  const dir = path.join(ROOT, ".sparkfn", "sample", `${DEMO_DATA.name}-parquet`);
  if (!existsSync(path.join(dir, "_SUCCESS"))) {
    // Written aside and renamed into place: examples run at the same time must not see half of it.
    const aside = `${dir}.${process.pid}-${Date.now()}`;
    await mkdir(aside, { recursive: true });
    const files = transactionCsvFiles(DEMO_DATA);
    await Promise.all(
      files.map((csv, i) => {
        const rows = csv.trim().split("\n").slice(1).map((line) => line.split(","));
        const buffer = parquetWriteBuffer({
          columnData: [
            { name: "id", data: rows.map((r) => Number(r[0])), type: "INT32" },
            { name: "category", data: rows.map((r) => r[1]!), type: "STRING" },
            { name: "amount", data: rows.map((r) => (r[2] === "" ? null : Number(r[2]))), type: "DOUBLE" },
          ],
        });
        return writeFile(path.join(aside, `part-${String(i).padStart(5, "0")}.parquet`), new Uint8Array(buffer));
      }),
    );
    await writeFile(path.join(aside, "_SUCCESS"), "");
    try {
      await rename(aside, dir);
    } catch {
      await rm(aside, { recursive: true, force: true }); // another example got there first
    }
  }
  return `${dir}/`;
}
