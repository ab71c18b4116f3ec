/**
 * The seed article's first example ("Driver code starts here"):
 *
 *   df = spark.read.parquet("s3://bucket/data/")
 *   filtered_df = df.filter(df["amount"] > 1000)
 *   grouped_df = filtered_df.groupBy("category").sum("amount")
 *   results = grouped_df.collect()
 *
 * Run: npm run sparkfn -- submit examples/seed-filter-groupby-sum.ts --master local[2]
 *      INPUT=s3://<bucket>/data/transactions-parquet/ npm run sparkfn -- submit examples/seed-filter-groupby-sum.ts --master lambda
 * Locally the input is the demo's transactions, written once as Parquet files.
 */
import { col, SparkSession } from "sparkfn";
import { exampleParquetInput } from "./data/local-sample.ts";

const spark = await SparkSession.builder().appName("DriverExecutorDemo").getOrCreate();

// This runs on the driver: it only builds a plan.
const df = spark.read.parquet(await exampleParquetInput());

// Transformations create the execution plan (lazy evaluation).
const filteredDf = df.filter(col("amount").gt(1000));
const groupedDf = filteredDf.groupBy("category").sum("amount");

// The action triggers execution on the executors; results come back to the driver.
const results = await groupedDf.orderBy("category").collect();
for (const row of results) console.log(JSON.stringify(row));
await spark.stop();
