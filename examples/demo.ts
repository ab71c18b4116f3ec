/**
 * `npm run demo`: the seed article's first example on the deployed engine.
 *
 *   df = spark.read.csv("s3://bucket/transactions/")
 *   df.filter(df["amount"] > 1000).groupBy("category").sum("amount").collect()
 *
 * The npm script has already started the emulator (if none ran) and deployed the stack;
 * this uploads the generated sample data and runs the job on the executor functions.
 */
import { connectLambda, formatTable, runGroupedSum } from "sparkfn";
import { datasetPartKey, datasetPrefix } from "../shared/storage/keys.ts";
import { s3Uri } from "../shared/storage/object-store.ts";
import { DEMO_DATA, transactionCsvFiles } from "./data/transactions.ts";

const connection = await connectLambda();
try {
  const { bucket, executorFunction } = connection.deployment;
  const files = transactionCsvFiles(DEMO_DATA);
  await Promise.all(
    files.map((csv, i) => connection.store.put(s3Uri(bucket, datasetPartKey(DEMO_DATA.name, i, "csv")), csv)),
  );
  const input = s3Uri(bucket, datasetPrefix(DEMO_DATA.name));
  console.log(`Uploaded ${files.length} CSV files (${DEMO_DATA.files * DEMO_DATA.rowsPerFile} rows) to ${input}`);
  console.log(`Running filter(amount > 1000).groupBy(category).sum(amount) on ${executorFunction} ...`);

  const started = performance.now();
  const { rows, tasks } = await runGroupedSum(connection, {
    input,
    filter: { column: "amount", op: "gt", value: 1000 },
    groupBy: "category",
    sum: "amount",
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const recordsIn = tasks.reduce((n, t) => n + t.metrics.recordsIn, 0);

  rows.sort((a, b) => b.sum - a.sum);
  console.log(formatTable(["category", "sum(amount)", "count"], rows.map((r) => [r.key, r.sum.toFixed(2), r.count])));
  console.log(`${tasks.length} tasks read ${recordsIn} rows in ${seconds}s`);
} finally {
  await connection.close();
}
