/**
 * The seed article's executor example (PySpark): a Python UDF applied per row on the
 * executors, a cached result, an aggregation and a Parquet write:
 *
 *   def complex_transformation(value):
 *       time.sleep(0.01); return value.upper()
 *   transform_udf = udf(complex_transformation, StringType())
 *   processed = df.withColumn("processed_name", transform_udf(col("name")))
 *   processed.cache()
 *   result = processed.groupBy("country").count()
 *   result.write.mode("overwrite").parquet("s3://bucket/output/")
 *
 * The demo data has no names or countries: the UDF upper-cases the category instead, and
 * the rows are counted per processed category. The UDF's function travels as source text.
 *
 * Run: npm run sparkfn -- submit examples/seed-udf.ts --master local[2]
 *      OUTPUT=s3://<bucket>/output/seed-udf/ INPUT=s3://<bucket>/data/transactions-parquet/ npm run sparkfn -- submit examples/seed-udf.ts --master lambda
 */
import * as path from "node:path";
import { col, SparkSession, udf } from "sparkfn";
import { exampleParquetInput } from "./data/local-sample.ts";

const output = process.env.OUTPUT ?? path.resolve(import.meta.dirname, "../.sparkfn/output/seed-udf/");
const spark = await SparkSession.builder().appName("Executor UDF").getOrCreate();

// This function executes on the executors, once per row (nulls arrive as null).
const complexTransformation = (value: string | null) => (value === null ? null : value.toUpperCase());
const transformUdf = udf(complexTransformation, "string");

const df = spark.read.parquet(await exampleParquetInput());

// Each partition is processed by one task on one executor (one Lambda invocation).
const processed = df.withColumn("processed_name", transformUdf(col("category")));

// Executors' results are kept for the next jobs.
processed.cache();

// Executors aggregate locally before the shuffle.
const result = processed.groupBy("processed_name").count();

// Executors write the result; the driver commits it as a whole.
await result.write.mode("overwrite").parquet(output);
for (const row of await spark.read.parquet(output).orderBy("processed_name").collect()) console.log(JSON.stringify(row));
await spark.stop();
