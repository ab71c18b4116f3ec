/**
 * A monthly report: one row per region, one column per month, each the month's sales (null
 * where a region sold nothing that month), with a yearly total per region, as in PySpark:
 *
 *   df.groupBy("region").pivot("month", list(range(1, 13))).agg(sum("cents"))
 *
 * Run: npm run sparkfn -- submit examples/monthly-pivot.ts --master local[2]   (or --master lambda)
 */
import { SparkSession, sum } from "sparkfn";
import { sales } from "./data/analytics.ts";

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

const spark = await SparkSession.builder().appName("MonthlyPivot").getOrCreate();
const df = spark.createDataFrame(sales(), "id INT, category STRING, region STRING, month INT, cents INT");
const report = df.groupBy("region").pivot("month", MONTHS).agg(sum("cents"));
const totals = df.groupBy("region").agg(sum("cents").alias("year"));
for (const row of await report.join(totals, "region").orderBy("region").collect()) console.log(JSON.stringify(row));
await spark.stop();
