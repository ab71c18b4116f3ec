import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../../driver/index.ts";

describe("collect() row objects", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().appName("collect-objects").master("local[1]").getOrCreate();
  });
  afterAll(async () => {
    await spark.stop();
  });

  it("keys each row by column name in column order, nulls included", async () => {
    const rows = await spark.createDataFrame([[1, "a", null], [2, null, 2.5]], "id INT, s STRING, x DOUBLE").collect();
    expect(rows).toEqual([
      { id: 1, s: "a", x: null },
      { id: 2, s: null, x: 2.5 },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(["id", "s", "x"]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it("gives a timestamp_ntz as its wall clock's ISO text, never a Date, and takes that text or microseconds in createDataFrame", async () => {
    const micros = Date.UTC(2024, 2, 10, 2, 30) * 1000 + 5;
    const df = spark.createDataFrame([["2024-03-10T02:30:00.5"], [micros], [null]], "n TIMESTAMP_NTZ");
    expect((await df.schema()).fields[0]!.type).toBe("timestamp_ntz");
    expect(await df.collect()).toEqual([{ n: "2024-03-10T02:30:00.5" }, { n: "2024-03-10T02:30:00.000005" }, { n: null }]);
    expect(() => spark.createDataFrame([[new Date(0)]], "n TIMESTAMP_NTZ")).toThrow(/timestamp_ntz/);
  });

  it("makes columns named __proto__ or constructor own properties, never the prototype", async () => {
    const df = spark.createDataFrame([[1, 2]], "a INT, b INT").withColumnRenamed("a", "__proto__").withColumnRenamed("b", "constructor");
    const [row] = await df.collect();
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe(1);
    expect(Object.getOwnPropertyDescriptor(row, "constructor")?.value).toBe(2);
    expect(Object.keys(row!)).toEqual(["__proto__", "constructor"]);
  });
});
