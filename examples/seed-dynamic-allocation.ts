/**
 * The seed article's dynamic allocation example (Scala):
 *
 *   val spark = SparkSession.builder()
 *     .config("spark.dynamicAllocation.enabled", "true")
 *     .config("spark.dynamicAllocation.minExecutors", "2")
 *     .config("spark.dynamicAllocation.maxExecutors", "100")
 *     ...
 *   val data = spark.read.parquet("hdfs:///large_dataset")
 *   val processed = data.repartition(1000).map(row => expensiveOperation(row))
 *   processed.write.parquet("hdfs:///output")
 *
 * On Lambda, allocation is always dynamic: each task is an invocation, at most
 * spark.dynamicAllocation.maxExecutors at a time, and nothing is left running afterwards.
 * minExecutors is a deployment setting here (the stack's provisioned concurrency, a warm
 * pool); the other settings have no meaning on functions and are only warned about.
 *
 * Run: npm run sparkfn -- submit examples/seed-dynamic-allocation.ts --master local[2]
 *      PARTITIONS=16 npm run sparkfn -- submit examples/seed-dynamic-allocation.ts --master local[2]
 */
import * as path from "node:path";
import { SparkSession } from "sparkfn";
import { exampleParquetInput } from "./data/local-sample.ts";

const partitions = Number(process.env.PARTITIONS ?? 1000);
const output = process.env.OUTPUT ?? path.resolve(import.meta.dirname, "../.sparkfn/output/seed-dynamic-allocation/");
const spark = await SparkSession.builder().appName("Dynamic allocation").config("spark.dynamicAllocation.maxExecutors", 100).getOrCreate();

const data = spark.read.parquet(await exampleParquetInput());

// Many tasks (one invocation each); every row goes through a function on the executors.
// The function travels as source text, so expensiveOperation's body is written inside it.
const processed = data.repartition(partitions).rdd.map((row) => {
  const r = row as { id: number; category: string; amount: number | null };
  return { id: r.id, category: r.category.toUpperCase(), amount_cents: r.amount === null ? null : Math.round(r.amount * 100) };
});
await spark.createDataFrame(processed, "id LONG, category STRING, amount_cents LONG").write.mode("overwrite").parquet(output);
console.log(JSON.stringify({ partitions: await processed.getNumPartitions(), rowsWritten: await spark.read.parquet(output).count() }));
await spark.stop();
