/**
 * Decimals through a whole local[2] session: partial and final aggregation across partitions,
 * a range-partitioned sort, CSV and JSON written and read back. Expected values come from plain
 * BigInt arithmetic on the unscaled integers here, not from the engine's decimal module; Spark's
 * own answers for each operation are checked in test/spark/functions/decimals.test.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { avg, col, max, min, SparkSession, sum } from "sparkfn";

let spark: SparkSession;
let dir: string;

beforeAll(async () => {
  spark = await SparkSession.builder().appName("decimals").master("local[2]").getOrCreate();
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-decimals-"));
});

afterAll(async () => {
  await spark.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Unscaled cents as text with 2 places, the way BigDecimal prints them. */
const text = (cents: bigint, scale = 2) => {
  const neg = cents < 0n;
  const digits = (neg ? -cents : cents).toString().padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
};

// 2,000 amounts in decimal(12,2), up to ±10^9, over 7 keys, with nulls; a fixed generator.
let seed = 12345;
const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
const rows = Array.from({ length: 2000 }, (_, i) => {
  const cents = BigInt(next() % 100000) * 1000000n + BigInt(next() % 1000000) - 50000000000n;
  return { k: `k${i % 7}`, cents: i % 11 === 5 ? null : cents };
});

describe("decimals on local[2]", () => {
  it("sums, averages and takes extremes exactly across partitions (sum decimal(22,2), avg decimal(16,6))", async () => {
    const df = spark.createDataFrame(rows.map((r) => [r.k, r.cents === null ? null : text(r.cents)]), "k STRING, amount DECIMAL(12,2)").repartition(3);
    const result = await df.groupBy("k").agg(sum("amount").alias("s"), avg("amount").alias("a"), min("amount").alias("lo"), max("amount").alias("hi")).orderBy("k").collect();
    const schema = await df.groupBy("k").agg(sum("amount").alias("s"), avg("amount").alias("a")).schema();
    expect(schema.fields.map((f) => f.type)).toEqual(["string", "decimal(22,2)", "decimal(16,6)"]);
    const keys = [...new Set(rows.map((r) => r.k))].sort();
    const expected = keys.map((k) => {
      const values = rows.filter((r) => r.k === k && r.cents !== null).map((r) => r.cents!);
      const total = values.reduce((a, b) => a + b, 0n);
      const n = BigInt(values.length);
      // avg to 6 places, HALF_UP: total cents / n, scaled by 10^4.
      const num = total * 10000n;
      const q = num / n;
      const rem = num % n;
      const avgMicros = 2n * (rem < 0n ? -rem : rem) >= n ? q + (num < 0n ? -1n : 1n) : q;
      const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { k, s: text(total), a: text(avgMicros, 6), lo: text(sorted[0]!), hi: text(sorted[sorted.length - 1]!) };
    });
    expect(result).toEqual(expected);
  });

  it("sorts by a decimal through range partitioning, negative values and nulls in place", async () => {
    const df = spark.createDataFrame(rows.map((r, i) => [i, r.cents === null ? null : text(r.cents)]), "id INT, amount DECIMAL(12,2)").repartition(4);
    const got = await df.orderBy(col("amount").desc_nulls_last(), col("id")).collect();
    const expected = rows
      .map((r, i) => ({ id: i, cents: r.cents }))
      .sort((a, b) => (a.cents === null ? (b.cents === null ? a.id - b.id : 1) : b.cents === null ? -1 : a.cents > b.cents ? -1 : a.cents < b.cents ? 1 : a.id - b.id))
      .map((r) => ({ id: r.id, amount: r.cents === null ? null : text(r.cents) }));
    expect(got).toEqual(expected);
  });

  it("reads CSV decimals HALF_UP to the scale, and a malformed or too-wide one as a malformed record", async () => {
    const file = path.join(dir, "amounts.csv");
    await writeFile(file, 'id,amount\n1,12.345\n2,-0.005\n3,1e2\n4,12.3x\n5,123456789012\n6, 7.5 \n7,"1,234.5"\n8,+3\n9,.5\n');
    const read = (mode: string) => spark.read.option("header", "true").option("mode", mode).schema("id INT, amount DECIMAL(12,2)").csv(file).orderBy("id");
    // As PySpark 4.0.1 reads this file: HALF_UP to 2 places, exponents and commas read, spaces
    // not trimmed (Java's BigDecimal), too many digits malformed; null in PERMISSIVE.
    expect(await read("PERMISSIVE").collect()).toEqual([
      { id: 1, amount: "12.35" },
      { id: 2, amount: "-0.01" },
      { id: 3, amount: "100.00" },
      { id: 4, amount: null },
      { id: 5, amount: null },
      { id: 6, amount: null },
      { id: 7, amount: "1234.50" },
      { id: 8, amount: "3.00" },
      { id: 9, amount: "0.50" },
    ]);
    expect((await read("DROPMALFORMED").collect()).map((r) => r.id)).toEqual([1, 2, 3, 7, 8, 9]);
    await expect(read("FAILFAST").collect()).rejects.toThrow(/amounts\.csv:5: malformed record \("12\.3x" is not a valid decimal\(12,2\) for column "amount"\)/);
  });

  it("writes CSV and JSON that read back with the same digits", async () => {
    const df = spark.createDataFrame(rows.slice(0, 300).map((r, i) => [i, r.cents === null ? null : text(r.cents)]), "id INT, amount DECIMAL(12,2)");
    for (const format of ["csv", "json"] as const) {
      const out = path.join(dir, format);
      await df.write.mode("overwrite").format(format).save(out);
      const back = await spark.read.schema("id INT, amount DECIMAL(12,2)").format(format).load(out).orderBy("id").collect();
      expect(back, format).toEqual(rows.slice(0, 300).map((r, i) => ({ id: i, amount: r.cents === null ? null : text(r.cents) })));
    }
  });
});
