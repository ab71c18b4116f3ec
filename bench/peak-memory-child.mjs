/**
 * Child process of the cold-start benchmark: runs the seed aggregation (amount > 1000,
 * group by category, sum) over one CSV file on `local[1]` — the executor's code in a worker
 * thread of this process — and prints this process's peak RSS and the task metrics' peak.
 * It runs the compiled package (dist/, `npm run build`) with plain node, as an installed
 * sparkfn runs: no TypeScript loader in the process.
 *
 *   node bench/peak-memory-child.mjs <file.csv> <ddl>
 */
import { readFileSync } from "node:fs";
import { col, SparkSession, sum } from "../dist/driver/index.js";

const [file, ddl] = process.argv.slice(2);
if (!file || !ddl) throw new Error("usage: peak-memory-child.mjs <file.csv> <ddl>");
const spark = await SparkSession.builder()
  .appName("bench-peak-memory")
  .master("local[1]")
  .config("spark.sql.shuffle.partitions", 1)
  .config("spark.sql.files.maxPartitionBytes", "4g")
  .getOrCreate();
const rows = await spark.read.option("header", "true").schema(ddl).csv(file).filter(col("amount").gt(1000)).groupBy("category").agg(sum("amount").alias("total")).collect();
const taskPeak = Math.max(...spark.lastJobMetrics.flatMap((s) => s.tasks.map((t) => t.metrics.peakMemoryBytes)));
await spark.stop();
/**
 * This process's own peak RSS. Linux keeps getrusage's ru_maxrss across fork and exec, so a
 * child of a large process (the benchmark runner, holding DuckDB and its data) would report
 * its parent's peak; VmHWM belongs to the new address space exec made.
 */
function peakRss() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
console.log(JSON.stringify({ groups: rows.length, maxRssBytes: peakRss(), taskPeakBytes: taskPeak }));
process.exit(0);
