/**
 * A 200 MB+ CSV object on the emulator's S3, read by the executor function in byte-range
 * splits (8 or more tasks): the row count and sums must match what the test computed while
 * generating the file, so no row straddling a split edge is lost or read twice.
 */
import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { count, discoverDeployment, SparkSession, sum } from "sparkfn";
import { seededRandom } from "../../shared/random.ts";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";

const store = new S3ObjectStore();
let uri: string | undefined;

afterAll(async () => {
  if (uri) await store.delete([uri]);
});

it("reads a 200 MB+ CSV in byte-range splits with exactly the rows and sums of the generated data", async () => {
  const { bucket } = await discoverDeployment();
  uri = `s3://${bucket}/data/it-large-${randomUUID().slice(0, 8)}/transactions.csv`;
  const random = seededRandom(2026);
  const categories = ["Books", "Toys", "Home", "Sports", "Garden", "Music"];
  const chunks: string[] = ["id,category,amount,note\n"];
  let bytes = chunks[0]!.length;
  let rows = 0;
  let idSum = 0;
  let amountCents = 0;
  const perCategory = new Map<string, number>();
  while (bytes < 210 * 2 ** 20) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const id = rows++;
      const category = categories[Math.floor(random() * categories.length)]!;
      const cents = Math.floor(random() * 1_000_000);
      idSum += id;
      amountCents += cents;
      perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
      // Notes of varying width (some quoted with a comma) move the line breaks around the split edges.
      const note = random() < 0.1 ? `"a, ${"z".repeat(Math.floor(random() * 40))}"` : "n".repeat(Math.floor(random() * 60));
      lines.push(`${id},${category},${(cents / 100).toFixed(2)},${note}`);
    }
    const chunk = lines.join("\n") + "\n";
    chunks.push(chunk);
    bytes += chunk.length;
  }
  await store.put(uri, Buffer.from(chunks.join("")));

  const spark = await SparkSession.builder().master("lambda").getOrCreate();
  try {
    const df = spark.read.option("header", "true").schema("id LONG, category STRING, amount DOUBLE, note STRING").csv(uri);
    const [totals] = await df.agg(count("*").alias("n"), sum("id").alias("ids"), sum("amount").alias("amount")).collect();
    expect(totals!.n).toBe(rows);
    expect(totals!.ids).toBe(idSum);
    expect(Math.round((totals!.amount as number) * 100)).toBe(amountCents);
    const scanTasks = spark.lastJobMetrics[0]!.tasks.length;
    expect(scanTasks).toBeGreaterThanOrEqual(8);
    const byCategory = await df.groupBy("category").count().collect();
    expect(new Map(byCategory.map((r) => [r.category, r.count]))).toEqual(perCategory);
    console.log(`large CSV: ${(bytes / 2 ** 20).toFixed(0)} MiB, ${rows} rows, ${scanTasks} scan tasks`);
  } finally {
    await spark.stop();
  }
});
