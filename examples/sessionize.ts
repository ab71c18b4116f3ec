/**
 * Sessionisation: a user's clicks belong to one session until a gap of more than 30 minutes
 * starts the next, found with lag() and a running sum over a window per user, as in PySpark:
 *
 *   w = Window.partitionBy("user").orderBy("t")
 *   df.withColumn("new", when(lag("t").over(w).isNull() | (col("t") - lag("t").over(w) > 1800), 1).otherwise(0))
 *     .withColumn("session", sum("new").over(w))
 *     .groupBy("user", "session").agg(count("*").alias("clicks"), min("t").alias("start"), max("t").alias("end"))
 *
 * Run: npm run sparkfn -- submit examples/sessionize.ts --master local[2]   (or --master lambda)
 */
import { col, count, lag, max, min, SparkSession, sum, when, Window } from "sparkfn";
import { clicks, SESSION_GAP_SECONDS } from "./data/analytics.ts";

const spark = await SparkSession.builder().appName("Sessionize").getOrCreate();
const events = spark.createDataFrame(clicks(), "user STRING, t LONG");
const byTime = Window.partitionBy("user").orderBy("t");
const sessions = events
  .withColumn("gap", col("t").minus(lag("t").over(byTime)))
  .withColumn("new", when(col("gap").isNull().or(col("gap").gt(SESSION_GAP_SECONDS)), 1).otherwise(0))
  .withColumn("session", sum("new").over(byTime))
  .groupBy("user", "session")
  .agg(count("*").alias("clicks"), min("t").alias("start"), max("t").alias("end"))
  .orderBy("user", "session");
for (const row of await sessions.collect()) console.log(JSON.stringify(row));
await spark.stop();
