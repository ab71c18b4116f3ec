import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IllegalArgumentError } from "../../../shared/errors.ts";
import { SparkSession } from "../../../driver/index.ts";

describe("spark.range checks its arguments where it is called, as Spark does", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().appName("range-args").master("local[1]").getOrCreate();
  });
  afterAll(() => spark.stop());

  it.each([
    [[0, 10, 0], "range(0, 10, 0): step cannot be 0; use a positive step to count up or a negative one to count down."],
    [[0, 10, 0.5], "range(0, 10, 0.5): step must be a whole number between -(2^53 - 1) and 2^53 - 1, got 0.5."],
    [[Number.NaN], "range(0, NaN, 1): end must be a whole number between -(2^53 - 1) and 2^53 - 1, got NaN."],
    [[0, 10, 1, 0], "range(0, 10, 1): numPartitions must be a whole number of at least 1, got 0."],
  ] as [Parameters<SparkSession["range"]>, string][])("refuses range(%j) with an IllegalArgumentError", (args, message) => {
    let thrown: unknown;
    try {
      spark.range(...args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalArgumentError);
    expect((thrown as Error).message).toBe(message);
  });

  it("still makes a valid range", async () => {
    expect(await spark.range(10, 0, -3).orderBy("id").collect()).toEqual([{ id: 1 }, { id: 4 }, { id: 7 }, { id: 10 }]);
  });
});
