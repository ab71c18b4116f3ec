/**
 * RANGE frames with interval offsets over a timestamp in a session time zone with daylight
 * saving: a day offset moves the wall clock (23 hours across the 2024 spring-forward of Los
 * Angeles), as Spark's TimeAdd does. The counts below are what PySpark 4.0.1 answered for the
 * same statement (written down by hand).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "sparkfn";

let spark: SparkSession;

beforeAll(async () => {
  spark = await SparkSession.builder().appName("interval-frames").master("local[1]").config("spark.sql.session.timeZone", "America/Los_Angeles").getOrCreate();
});

afterAll(async () => {
  await spark.stop();
});

describe("interval window frames", () => {
  it("move a timestamp by days on the session zone's wall clock", async () => {
    const rows = await spark
      .sql(
        `SELECT id, count(*) OVER (ORDER BY t RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) AS c,
           count(*) OVER (ORDER BY t RANGE BETWEEN INTERVAL 24 HOURS PRECEDING AND CURRENT ROW) AS h
         FROM (SELECT id, timestamp_micros(m) AS t FROM VALUES (1, 1710005400000000L), (2, 1710088200000000L), (3, 1710091800000000L), (4, 1710145800000000L) AS v(id, m)) ORDER BY id`,
      )
      .collect();
    expect(rows).toEqual([
      { id: 1, c: 1, h: 1 },
      { id: 2, c: 2, h: 2 },
      { id: 3, c: 2, h: 2 },
      { id: 4, c: 3, h: 3 },
    ]);
  });
});
