/**
 * Word count, the RDD API's first example (the issue's `textFile → flatMap → map → reduceByKey`):
 *
 *   counts = sc.textFile(path).flatMap(lambda line: line.split()) \
 *              .map(lambda word: (word, 1)).reduceByKey(lambda a, b: a + b)
 *
 * Functions travel to the executors as source text: each may use only its arguments (and a
 * captures object, see seed-broadcast-enrichment.ts). Pairs are 2-element arrays.
 *
 * Run: npm run sparkfn -- submit examples/seed-word-count.ts --master local[2]
 *      INPUT=s3://<bucket>/data/books/ npm run sparkfn -- submit examples/seed-word-count.ts --master lambda
 */
import * as path from "node:path";
import { SparkSession } from "sparkfn";

const input = process.env.INPUT ?? path.resolve(import.meta.dirname, "../README.md");
const spark = await SparkSession.builder().appName("WordCount").getOrCreate();
const sc = spark.sparkContext;

const counts = sc
  .textFile(input)
  .flatMap((line: string) => line.toLowerCase().split(/[^a-z0-9']+/).filter((w) => w.length > 0))
  .map((word: string) => [word, 1] as [string, number])
  .reduceByKey((a: number, b: number) => a + b);

// The 10 most frequent words (ties by word), computed on the executors; only 10 pairs come back.
const top = await counts.sortBy(([word, n]: [string, number]) => [-n, word]).take(10);
for (const [word, n] of top) console.log(JSON.stringify({ word, n }));
console.log(JSON.stringify({ distinctWords: await counts.count() }));
await spark.stop();
