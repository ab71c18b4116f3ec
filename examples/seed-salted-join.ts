/**
 * The seed's fix for skewed joins, salting:
 *
 *   skewed_df = large_df.withColumn("salt", (rand() * 10).cast("int"))
 *   salted_join = skewed_df.join(
 *       small_df.withColumn("salt", (rand() * 10).cast("int")),
 *       ["join_key", "salt"]
 *   ).drop("salt")
 *
 * (As in the article, both sides draw their salt at random, so only rows whose salts agree
 * meet; seeds make the run reproducible. A production version replicates the small side
 * once per salt value instead.)
 * Run: npm run sparkfn -- submit examples/seed-salted-join.ts --master local[2]
 */
import { col, count, rand, SparkSession } from "sparkfn";

const spark = await SparkSession.builder().appName("SaltedJoin").getOrCreate();

// Half of the large side has join_key 0: a skewed key.
const largeDf = spark.range(0, 100_000).withColumn("join_key", col("id").mod(2).multiply(col("id").mod(50)));
const smallDf = spark.range(0, 50).withColumnRenamed("id", "join_key").withColumn("label", col("join_key").cast("string"));

const skewedDf = largeDf.withColumn("salt", rand(7).multiply(10).cast("int"));
const saltedJoin = skewedDf.join(smallDf.withColumn("salt", rand(11).multiply(10).cast("int")), ["join_key", "salt"]).drop("salt");

const perKey = await saltedJoin.groupBy("join_key").agg(count("*").alias("rows")).orderBy("join_key").collect();
console.log(JSON.stringify({ joinedRows: perKey.reduce((n, r) => n + (r.rows as number), 0), keys: perKey.length }));
await spark.stop();
