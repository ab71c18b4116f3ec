/**
 * rand() and randn() draw Spark's own numbers (shared/xorshift-random.ts: XORShiftRandom from
 * seed + partition, java.util.Random's nextDouble and nextGaussian), so over the same rows in
 * the same partitions (3 slices, as parallelize cuts them on both sides) every value equals
 * Spark's, bit for bit: through the DataFrame API and through SQL text, several seeds (0,
 * negative, NULL as 0), and two generators in one projection.
 */
import { describe, it } from "vitest";
import { col, rand, randn } from "sparkfn";
import { chainCase, useChainDifferential } from "../../support/chain-differential.ts";

const ROWS = Array.from({ length: 300 }, (_, i) => [i, i % 7 === 0 ? null : `s${i}`]);

describe("rand and randn agree with Spark value for value", () => {
  const d = useChainDifferential("random", { df: { schema: "id INT, s STRING", rows: ROWS } });

  it("through the DataFrame API", async () => {
    await d.agree([
      chainCase("rand(42)", (df) => df.select(col("id"), rand(42).alias("r")), ["select", ["id", { $expr: "rand(42) AS r" }]]),
      chainCase("randn(42)", (df) => df.select(col("id"), randn(42).alias("n")), ["select", ["id", { $expr: "randn(42) AS n" }]]),
      chainCase("rand(-7), randn(0)", (df) => df.select(col("id"), rand(-7).alias("a"), randn(0).alias("b")), ["select", ["id", { $expr: "rand(-7) AS a" }, { $expr: "randn(0) AS b" }]]),
      chainCase("rand over a filter", (df) => df.filter(col("s").isNotNull()).select(col("id"), rand(3).multiply(100).alias("r")), ["filter", [{ $expr: "s IS NOT NULL" }]], ["select", ["id", { $expr: "rand(3) * 100 AS r" }]]),
    ]);
  });

  it("through SQL text: rand, random, randn, NULL and large seeds", async () => {
    const texts = ["rand(42)", "random(42)", "randn(7)", "rand(NULL)", "randn(NULL)", "rand(2147483648L)", "rand(-9007199254740000L)"];
    await d.agree(texts.map((t) => chainCase(t, (df) => df.selectExpr("id", `${t} AS v`), ["selectExpr", ["id", `${t} AS v`]])));
  });
});
