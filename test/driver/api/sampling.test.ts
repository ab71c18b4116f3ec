/**
 * df.sample and df.randomSplit on local[2]: the counts a Bernoulli or Poisson draw should give
 * (within 6 standard deviations), the same rows for the same seed, splits that cover every
 * row once, and PySpark's argument checks. Spark's own rows cannot be the oracle here: its
 * draws come from its generator over its partitions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession } from "../../../driver/index.ts";

let spark: SparkSession;
beforeAll(async () => {
  spark = await SparkSession.builder().appName("sampling").master("local[2]").getOrCreate();
});
afterAll(async () => {
  await spark?.stop();
});

const N = 20_000;
const within = (got: number, mean: number, variance: number) => expect(Math.abs(got - mean)).toBeLessThan(6 * Math.sqrt(variance));

describe("sample and randomSplit", () => {
  it("keeps each row with probability fraction, the same rows for the same seed", async () => {
    const df = spark.range(0, N, 1, 4);
    const ids = async (seed: number) => (await df.sample(0.25, seed).collect()).map((r) => r.id as number);
    const [a, b, c] = await Promise.all([ids(1), ids(1), ids(2)]);
    within(a.length, N * 0.25, N * 0.25 * 0.75);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it("draws a Poisson number of copies with replacement (mean and variance N × fraction)", async () => {
    const rows = (await spark.range(0, N, 1, 4).sample(true, 1.5, 9).collect()).map((r) => r.id as number);
    within(rows.length, N * 1.5, N * 1.5);
    const copies = new Map<number, number>();
    for (const id of rows) copies.set(id, (copies.get(id) ?? 0) + 1);
    // P(no copy) = e^-1.5: the rows drawn none are about N × 0.223.
    const none = N - copies.size;
    within(none, N * Math.exp(-1.5), N * Math.exp(-1.5) * (1 - Math.exp(-1.5)));
  });

  it("splits by normalized weights, every row in exactly one split, the columns kept", async () => {
    const df = spark.range(0, N, 1, 3).withColumn("twice", col("id").multiply(2));
    const splits = df.randomSplit([0.5, 0.25, 0.25], 3);
    const parts = await Promise.all(splits.map((s) => s.collect()));
    const seen = parts.flat().map((r) => r.id as number).sort((x, y) => x - y);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    for (const r of parts.flat()) expect(r.twice).toBe((r.id as number) * 2);
    [0.5, 0.25, 0.25].forEach((p, i) => within(parts[i]!.length, N * p, N * p * (1 - p)));
    // Weights need not sum to 1; a zero weight gives an empty split.
    const [x, none] = df.randomSplit([2, 0], 3);
    expect([await x!.count(), await none!.count()]).toEqual([N, 0]);
  });

  it("refuses fractions and weights PySpark refuses, naming the fix", () => {
    const df = spark.range(0, 10);
    expect(() => df.sample(false, 1.5)).toThrow(/at most 1.*sample\(true, 1.5\)/);
    expect(() => df.sample(-0.5)).toThrow(/0 or more/);
    expect(() => df.randomSplit([1, -1])).toThrow(/weights must be numbers, 0 or more/);
    expect(() => df.randomSplit([0, 0])).toThrow(/sum to more than 0/);
  });
});
