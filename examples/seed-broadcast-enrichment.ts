/**
 * The seed article's driver example (Scala): a small lookup table broadcast to every
 * executor, used inside a map over the rows, then a groupBy/sum and a collect:
 *
 *   val categoryMap = Map("A" -> "Electronics", "B" -> "Clothing")
 *   val broadcastMap = spark.sparkContext.broadcast(categoryMap)
 *   val enriched = transactions.map { row =>
 *     val description = broadcastMap.value.getOrElse(row.getAs[String]("category_code"), "Unknown")
 *     (row.getAs[String]("id"), description, row.getAs[Double]("amount"))
 *   }
 *   val summary = enriched.groupBy(_._2).agg(sum(_._3)).collect()
 *
 * In sparkfn the broadcast variable is passed to the function in its captures object
 * (functions travel as source text, without their surrounding scope). The value is stored
 * once in the app's scratch space; executors fetch it once per warm container.
 *
 * Run: npm run sparkfn -- submit examples/seed-broadcast-enrichment.ts --master local[2]
 */
import { SparkSession, sum } from "sparkfn";
import { exampleInput } from "./data/local-sample.ts";

const spark = await SparkSession.builder().appName("Driver Operations").getOrCreate();

// The driver reads the schema and builds the plan.
const transactions = spark.read.option("header", "true").option("inferSchema", "true").csv(await exampleInput());

// The driver broadcasts a small lookup table to all executors.
const categoryMap: Record<string, string> = { Electronics: "Devices & gadgets", Clothing: "Apparel", Books: "Media" };
const broadcastMap = spark.sparkContext.broadcast(categoryMap);

// A transformation over the rows (as objects), with the broadcast table in its captures.
const enriched = transactions.rdd.map((row, { lookup }) => [row.id, lookup.value[row.category as string] ?? "Unknown", row.amount], { lookup: broadcastMap });

// Back to a DataFrame for the aggregation; the action runs it and brings the summary to the driver.
const summary = await spark.createDataFrame(enriched, "id LONG, description STRING, amount DOUBLE").groupBy("description").agg(sum("amount").alias("total")).orderBy("description").collect();
for (const row of summary) console.log(JSON.stringify(row)); // runs on the driver
await spark.stop();
