/**
 * toLocalIterator() holds one partition at a time: measured, not assumed. A child process
 * (run with --expose-gc so each reading is of live memory, not garbage) iterates a result
 * of 10 partitions and records the driver's live heap as it goes, then collects the same
 * result for comparison.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

it("keeps the driver's live heap near one partition while iterating a result 10x larger", async () => {
  const dir = path.join(ROOT, "test/.artifacts");
  await mkdir(dir, { recursive: true });
  const script = path.join(dir, `iterate-${randomUUID().slice(0, 8)}.ts`);
  await writeFile(
    script,
    `import { SparkSession, lit, col, concat } from "sparkfn";
const gc = (globalThis as { gc?: () => void }).gc!;
const live = () => { gc(); return process.memoryUsage().heapUsed; };
const spark = await SparkSession.builder().getOrCreate();
// 10 partitions of 20,000 rows, each row carrying its own 200-character string.
const df = spark.range(0, 200_000, 1, 10).withColumn("pad", concat(col("id").cast("string"), lit("x".repeat(200))));
const base = live();
let peak = 0;
let rows = 0;
for await (const row of df.toLocalIterator()) {
  rows++;
  if (rows % 4_000 === 0) peak = Math.max(peak, live() - base);
  if ((row.pad as string).length < 200) throw new Error("bad row");
}
const before = live();
const all = await df.collect();
const collected = live() - before;
console.log(JSON.stringify({ rows, peak, collected, kept: all.length }));
await spark.stop();
`,
  );
  try {
    const { stdout } = await promisify(execFile)("node", ["--expose-gc", path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", script, "--master", "local[2]"], {
      cwd: ROOT,
      maxBuffer: 1 << 20,
    });
    const { rows, peak, collected, kept } = JSON.parse(stdout.trim().split("\n").at(-1)!) as { rows: number; peak: number; collected: number; kept: number };
    expect(rows).toBe(200_000);
    expect(kept).toBe(200_000);
    // collect() holds all 10 partitions; iterating must hold at most about two (measured: about one).
    console.log(`toLocalIterator peak live heap ${(peak / 2 ** 20).toFixed(1)} MiB vs collect() ${(collected / 2 ** 20).toFixed(1)} MiB`);
    expect(collected).toBeGreaterThan(20 * 2 ** 20);
    expect(peak).toBeLessThan(collected / 5);
  } finally {
    await rm(script, { force: true });
  }
});
