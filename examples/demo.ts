/**
 * `npm run demo`: the seed article's first example, run on the deployed executor functions.
 *
 *   df = spark.read.option("header", "true").option("inferSchema", "true").csv("s3://bucket/data/transactions/")
 *   df.filter(df["amount"] > 1000).groupBy("category").sum("amount").collect()
 *
 * The npm script has already started the emulator (if none ran) and deployed the stack;
 * this uploads the generated sample data and runs the job with master "lambda".
 */
import { col, count, discoverDeployment, SparkSession, sum } from "sparkfn";
import { datasetPartKey, datasetPrefix } from "../shared/storage/keys.ts";
import { s3Uri } from "../shared/storage/object-store.ts";
import { S3ObjectStore } from "../shared/storage/s3-store.ts";
import { DEMO_DATA, transactionCsvFiles } from "./data/transactions.ts";

const { bucket } = await discoverDeployment();
const files = transactionCsvFiles(DEMO_DATA);
const store = new S3ObjectStore();
await Promise.all(files.map((csv, i) => store.put(s3Uri(bucket, datasetPartKey(DEMO_DATA.name, i, "csv")), csv)));
const input = s3Uri(bucket, datasetPrefix(DEMO_DATA.name));
console.log(`Uploaded ${files.length} CSV files (${DEMO_DATA.files * DEMO_DATA.rowsPerFile} rows) to ${input}`);

const spark = await SparkSession.builder().appName("demo").master("lambda").config("spark.sql.shuffle.partitions", 4).getOrCreate();
try {
  const df = spark.read.option("header", "true").option("inferSchema", "true").csv(input);
  const started = performance.now();
  await df
    .filter(col("amount").gt(1000))
    .groupBy("category")
    .agg(sum("amount").alias("total"), count("*").alias("n"))
    .orderBy(col("total").desc())
    .show();
  console.log(`Ran on the executor function in ${((performance.now() - started) / 1000).toFixed(2)}s`);
} finally {
  await spark.stop();
}
