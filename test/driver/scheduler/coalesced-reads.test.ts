/**
 * Adaptive coalescing on local[2] with map-output tables: a reducer that reads many adjacent
 * reduce partitions issues at most one ranged GET per map object (plus its stage plan), and
 * aggregations and joins give the answers computed here, coalesced or not.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { col, SparkSession, sum } from "sparkfn";
import { rangeSums } from "../../support/reference.ts";

let spark: SparkSession;

beforeAll(async () => {
  spark = await SparkSession.builder().master("local[2]").config("spark.sql.shuffle.partitions", "40").getOrCreate();
});

afterAll(async () => {
  await spark.stop();
});

const sums = (n: number, keys: number) => rangeSums(n, keys);

it("reads all of a coalesced reducer's partitions of each map object with one ranged GET", async () => {
  for (const adaptive of ["true", "false"]) {
    spark.conf.set("spark.sql.adaptive.enabled", adaptive);
    const rows = await spark.range(0, 6000, 1, 6).groupBy(col("id").mod(37).alias("k")).agg(sum("id").alias("s")).collect();
    expect(new Map(rows.map((r) => [r.k as number, r.s as number]))).toEqual(sums(6000, 37));
    const [map, reduce] = spark.lastJobMetrics;
    expect(map!.tasks.length).toBe(6);
    if (adaptive === "true") {
      // 40 tiny partitions coalesce into one reducer, which reads each of the 6 map objects once.
      expect(reduce!.tasks.length).toBe(1);
      expect(reduce!.tasks[0]!.metrics.requests.get).toBeLessThanOrEqual(6 + 1);
    } else {
      expect(reduce!.tasks.length).toBe(40);
      for (const t of reduce!.tasks) expect(t.metrics.requests.get).toBeLessThanOrEqual(6 + 1);
    }
  }
  spark.conf.unset("spark.sql.adaptive.enabled");
});

it("joins two shuffled sides read as map slices, coalesced or not", async () => {
  spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
  try {
    const expected = new Map<number, number>();
    for (let id = 0; id < 3000; id += 3) expected.set(id % 50, (expected.get(id % 50) ?? 0) + 1);
    for (const adaptive of ["true", "false"]) {
      spark.conf.set("spark.sql.adaptive.enabled", adaptive);
      const left = spark.range(0, 3000, 1, 4).withColumn("k", col("id").mod(50));
      const right = spark.range(0, 3000, 3, 3).select(col("id").alias("rid"));
      const rows = await left.join(right, col("id").equalTo(col("rid"))).groupBy("k").count().collect();
      expect(new Map(rows.map((r) => [r.k as number, r.count as number]))).toEqual(expected);
    }
  } finally {
    spark.conf.unset("spark.sql.adaptive.enabled");
    spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
  }
});
