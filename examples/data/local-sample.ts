/**
 * The examples' input: $INPUT when set (a local path or an s3:// prefix), else the demo's
 * generated transactions written once under .sparkfn/sample/ in the checkout.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
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
