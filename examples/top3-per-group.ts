/**
 * The three largest sales of each category, with row_number() over a window per category
 * (ties broken by id, so the choice is defined), as in PySpark:
 *
 *   w = Window.partitionBy("category").orderBy(col("cents").desc(), "id")
 *   df.withColumn("rank", row_number().over(w)).filter(col("rank") <= 3)
 *
 * Run: npm run sparkfn -- submit examples/top3-per-group.ts --master local[2]   (or --master lambda)
 */
import { col, row_number, SparkSession, Window } from "sparkfn";
import { sales } from "./data/analytics.ts";

const spark = await SparkSession.builder().appName("Top3PerGroup").getOrCreate();
const df = spark.createDataFrame(sales(), "id INT, category STRING, region STRING, month INT, cents INT");
const largestFirst = Window.partitionBy("category").orderBy(col("cents").desc(), "id");
const top = df
  .withColumn("rank", row_number().over(largestFirst))
  .filter(col("rank").leq(3))
  .select("category", "rank", "id", "cents")
  .orderBy("category", "rank");
for (const row of await top.collect()) console.log(JSON.stringify(row));
await spark.stop();
