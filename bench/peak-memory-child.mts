/**
 * Child process of the cold-start benchmark: runs the seed aggregation (amount > 1000,
 * group by category, sum) over one CSV file on `local[1]` — the executor's code in a worker
 * thread of this process — and prints this process's peak RSS and the task metrics' peak.
 *
 *   node --import tsx bench/peak-memory-child.mts <file.csv>
 */
import { col, SparkSession, sum } from "../driver/index.ts";
import { TRANSACTIONS_DDL } from "./data.mts";

const file = process.argv[2];
if (!file) throw new Error("usage: peak-memory-child.mts <file.csv>");
const spark = await SparkSession.builder()
  .appName("bench-peak-memory")
  .master("local[1]")
  .config("spark.sql.shuffle.partitions", 1)
  .config("spark.sql.files.maxPartitionBytes", "4g")
  .getOrCreate();
const rows = await spark.read.option("header", "true").schema(TRANSACTIONS_DDL).csv(file).filter(col("amount").gt(1000)).groupBy("category").agg(sum("amount").alias("total")).collect();
const taskPeak = Math.max(...spark.lastJobMetrics.flatMap((s) => s.tasks.map((t) => t.metrics.peakMemoryBytes)));
await spark.stop();
console.log(JSON.stringify({ groups: rows.length, maxRssBytes: process.resourceUsage().maxRSS * 1024, taskPeakBytes: taskPeak }));
process.exit(0);
