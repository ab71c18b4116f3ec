import { afterAll, describe, expect, it } from "vitest";
import { col, count, SparkSession, sum } from "../../driver/index.ts";

/** Shuffle bytes written by the last job's map tasks. */
const shuffleBytes = (spark: SparkSession) => spark.lastJobMetrics.flatMap((s) => s.tasks).reduce((n, t) => n + t.metrics.shuffle.bytesWritten, 0);

describe("spark.shuffle.compress", () => {
  const sessions: SparkSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.stop();
  });

  async function run(compress: string | undefined) {
    const builder = SparkSession.builder().appName(`shuffle-compress-${compress}`).master("local[2]").config("spark.sql.shuffle.partitions", 2);
    const spark = await (compress === undefined ? builder : builder.config("spark.shuffle.compress", compress)).getOrCreate();
    sessions.push(spark);
    // Every row is shuffled (a repartition), with a compressible string column.
    const rows = await spark
      .range(0, 50_000)
      .withColumn("g", col("id").mod(7))
      .withColumn("label", col("g").cast("string"))
      .repartition(2)
      .groupBy("label")
      .agg(count("*").alias("n"), sum("id").alias("s"))
      .collect();
    return { rows: rows.sort((a, b) => String(a.label).localeCompare(String(b.label))), bytes: shuffleBytes(spark) };
  }

  it("is off by default on local[N]; on, the same answers take fewer shuffle bytes", async () => {
    const byDefault = await run(undefined);
    const off = await run("false");
    const on = await run("true");
    // Independent: ids 0..49999 grouped by id % 7.
    const expected = Array.from({ length: 7 }, (_, g) => {
      let n = 0;
      let s = 0;
      for (let id = g; id < 50_000; id += 7) {
        n++;
        s += id;
      }
      return { label: String(g), n, s };
    });
    for (const r of [byDefault, off, on]) expect(r.rows).toEqual(expected);
    expect(byDefault.bytes).toBe(off.bytes);
    expect(on.bytes).toBeLessThan(off.bytes * 0.75);
  });
});
