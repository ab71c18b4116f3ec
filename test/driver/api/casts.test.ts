/**
 * Casts and coercion through the DataFrame API: the session's spark.sql.ansi.enabled reaches
 * the casts (ANSI errors by default, legacy nulls and wrap-around when off), try_cast, the
 * names Spark gives casts, refusals at analysis, and a string join key beside an int key.
 * Expected values are Spark 4's documented results (checked against PySpark 4.0.1 in
 * test/spark/functions/casts.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, try_cast } from "sparkfn";

describe("casts through the DataFrame API", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().appName("casts").master("local[1]").getOrCreate();
    spark.sparkContext.setLogLevel("OFF");
  });
  afterAll(async () => {
    spark.conf.unset("spark.sql.ansi.enabled");
    await spark.stop();
  });

  const strings = () => spark.createDataFrame([["12"], [" 7 "], ["1.5"], ["abc"], [null]], "s STRING");
  const values = async (df: ReturnType<typeof strings>) => (await df.collect()).map((r) => r.v ?? null);

  it("fails on a value an ANSI cast cannot convert, naming it (Spark 4's default)", async () => {
    await expect(strings().select(col("s").cast("int").alias("v")).collect()).rejects.toThrow(
      `[CAST_INVALID_INPUT] The value '1.5' of the type "STRING" cannot be cast to "INT" because it is malformed.`,
    );
  });

  it("gives null instead with try_cast", async () => {
    expect(await values(strings().select(col("s").try_cast("int").alias("v")))).toEqual([12, 7, null, null, null]);
    expect(await values(strings().select(try_cast("s", "bigint").alias("v")))).toEqual([12, 7, null, null, null]);
  });

  it("gives Spark's legacy results with spark.sql.ansi.enabled = false", async () => {
    spark.conf.set("spark.sql.ansi.enabled", "false");
    try {
      expect(await values(strings().select(col("s").cast("int").alias("v")))).toEqual([12, 7, 1, null, null]);
      const longs = spark.createDataFrame([[2147483648], [4294967297]], "l BIGINT");
      expect(await values(longs.select(col("l").cast("int").alias("v")))).toEqual([-2147483648, 1]);
      // Legacy arithmetic reads a string as a double.
      expect(await values(strings().select(col("s").plus(1).alias("v")))).toEqual([13, 8, 2.5, null, null]);
    } finally {
      spark.conf.unset("spark.sql.ansi.enabled");
    }
  });

  it("names casts as Spark does, and keeps the name through an implicit cast", async () => {
    const df = spark.createDataFrame([[1, "2"]], "i INT, s STRING");
    expect((await df.select(col("s").cast("long"), col("s").try_cast("int"), col("i").plus(col("s"))).schema()).fields.map((f) => [f.name, f.type])).toEqual([
      ["CAST(s AS BIGINT)", "long"],
      ["TRY_CAST(s AS INT)", "int"],
      ["(i + s)", "long"],
    ]);
  });

  it("refuses at analysis what Spark refuses, with Spark's reason", async () => {
    const df = spark.createDataFrame([["2024-02-29", true]], "d DATE, b BOOLEAN");
    await expect(df.select(col("d").cast("int")).collect()).rejects.toThrow(/DATATYPE_MISMATCH\.CAST_WITH_FUNC_SUGGESTION.*cannot cast "DATE" to "INT"/);
    await expect(df.select(col("b").cast("date")).collect()).rejects.toThrow(/cannot cast "BOOLEAN" to "DATE"/);
  });

  it("joins an int key with a string key by casting the string, as Spark", async () => {
    const a = spark.createDataFrame([[1, "x"], [2, "y"], [3, "z"]], "k INT, v STRING");
    const b = spark.createDataFrame([[" 1 ", "p"], ["2", "q"], ["4", "r"]], "s STRING, w STRING");
    const rows = await a.join(b, col("k").equalTo(col("s"))).select("k", "w").collect();
    expect(rows.map((r) => `${r.k}${r.w}`).sort()).toEqual(["1p", "2q"]);
  });
});
