/**
 * The job registry the default stack bundles into its driver function: each export of
 * `jobs` can be started by a queue message `{ "job": "<name>", "args": { ... } }`, e.g.
 *
 *   npm run sparkfn -- jobs send daily-sales --args '{"input": "s3://<bucket>/data/transactions/"}'
 *
 * Jobs write their outputs with mode("overwrite") under a path derived from their arguments,
 * so a run that is retried after a failure replaces its own partial attempt, never mixes.
 */
import { col, count, sum, type JobContext, type JobRegistry, type SparkSession } from "sparkfn";

async function dailySales(spark: SparkSession, { args, bucket }: JobContext) {
  const input = String(args.input ?? `s3://${bucket}/data/transactions/`);
  const output = String(args.output ?? `s3://${bucket}/data/reports/daily-sales/`);
  const minAmount = Number(args.minAmount ?? 1000);
  const totals = spark.read
    .option("header", "true")
    .option("inferSchema", "true")
    .csv(input)
    .filter(col("amount").gt(minAmount))
    .groupBy("category")
    .agg(sum("amount").alias("total"), count("*").alias("orders"));
  await totals.write.mode("overwrite").option("header", true).csv(output);
  return { output };
}

/** The number of orders of each category: `category,orders`. */
async function categoryOrders(spark: SparkSession, { args, bucket }: JobContext) {
  const input = String(args.input ?? `s3://${bucket}/data/transactions/`);
  const output = String(args.output ?? `s3://${bucket}/data/reports/category-orders/`);
  const orders = spark.read.option("header", "true").option("inferSchema", "true").csv(input).groupBy("category").agg(count("*").alias("orders"));
  await orders.write.mode("overwrite").option("header", true).csv(output);
  return { output };
}

export const jobs: JobRegistry = {
  "daily-sales": dailySales,
  "category-orders": categoryOrders,
};
