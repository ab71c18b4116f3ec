/**
 * The seed's "Insufficient parallelism" example:
 *
 *   print(f"Partitions: {df.rdd.getNumPartitions()}")
 *   df_repartitioned = df.repartition(200)
 *
 * Run: npm run sparkfn -- submit examples/seed-repartition.ts --master local[2]
 */
import { SparkSession } from "sparkfn";
import { exampleInput } from "./data/local-sample.ts";

const spark = await SparkSession.builder().appName("Parallelism").getOrCreate();
const df = spark.read.option("header", "true").csv(await exampleInput());
console.log(`Partitions: ${await df.rdd.getNumPartitions()}`);

const dfRepartitioned = df.repartition(200);
console.log(`Partitions after repartition(200): ${await dfRepartitioned.rdd.getNumPartitions()}`);
console.log(`Rows: ${await dfRepartitioned.count()}`);
await spark.stop();
