/**
 * The seed article's debugging example (PySpark): event log, log level, executor status, records per
 * partition with glom(), and per-partition statistics with mapPartitions:
 *
 *   sc.setLogLevel("INFO")
 *   status = sc.getExecutorMemoryStatus()
 *   df.rdd.glom().map(len).collect()  # Shows records per partition
 *   def partition_stats(iterator):
 *       start = time.time(); count = sum(1 for _ in iterator)
 *       yield (count, time.time() - start)
 *   stats = df.rdd.mapPartitions(partition_stats).collect()
 *
 * Executors are Lambda invocations that come and go, so getExecutorMemoryStatus() reports
 * them as a whole (running now, peak, memory per function). mapPartitions gets the
 * partition's elements as an array.
 *
 * Run: npm run sparkfn -- submit examples/seed-partition-stats.ts --master local[2]
 */
import { SparkSession } from "sparkfn";
import { exampleParquetInput } from "./data/local-sample.ts";

// As the seed: an event log of the run (for `sparkfn report`), under /tmp/spark-events by default.
const spark = await SparkSession.builder()
  .appName("Partition stats")
  .config("spark.eventLog.enabled", "true")
  .config("spark.eventLog.dir", process.env.EVENT_LOG_DIR ?? "/tmp/spark-events")
  .getOrCreate();
const sc = spark.sparkContext;
sc.setLogLevel(process.env.LOG_LEVEL ?? "WARN"); // "INFO" as in the seed shows every task's log lines

const df = spark.read.parquet(await exampleParquetInput());

// Track task distribution: records per partition.
console.log(JSON.stringify({ recordsPerPartition: await df.rdd.glom().map((rows: unknown[]) => rows.length).collect() }));

// Identify skewed partitions.
const partitionStats = (rows: unknown[]) => {
  const start = Date.now();
  let count = 0;
  for (const _ of rows) count++;
  return [[count, (Date.now() - start) / 1000]];
};
const stats = (await df.rdd.mapPartitions(partitionStats).collect()) as [number, number][];
stats.forEach(([count, duration], i) => console.log(`Partition ${i}: ${count} records, ${duration.toFixed(2)}s`));

// Monitor executor status programmatically (after the jobs, so the peaks are filled in).
console.log(`Executor status: ${JSON.stringify(await sc.getExecutorMemoryStatus())}`);
await spark.stop();
