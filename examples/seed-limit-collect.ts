/**
 * The seed's "Driver OOM" example, done safely:
 *
 *   large_df = spark.range(0, 1000000000)
 *   all_data = large_df.collect()                 # DON'T: brings all data to the driver
 *   sample = large_df.limit(1000).collect()       # only 1000 rows reach the driver
 *
 * The limit is pushed into the range, so only 1,000 ids are ever generated.
 * Run: npm run sparkfn -- submit examples/seed-limit-collect.ts --master local[2]
 */
import { SparkSession } from "sparkfn";

const spark = await SparkSession.builder().appName("SafeCollect").getOrCreate();
const largeDf = spark.range(0, 1_000_000_000);
const sample = await largeDf.limit(1000).collect();
console.log(JSON.stringify({ rows: sample.length, first: sample[0], last: sample.at(-1) }));
await spark.stop();
