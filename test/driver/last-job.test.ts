/**
 * After a job, the session keeps the job's task metrics (lastJobMetrics, lastJobTasks) but not
 * its results: the rows a collect() returned must not stay reachable from the session.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SparkSession } from "sparkfn";

let spark: SparkSession | undefined;
afterEach(async () => {
  await spark?.stop();
  spark = undefined;
});

/** What the session holds of its last job, as JSON (the field is private: read it reflectively). */
const retained = (session: SparkSession) => JSON.stringify(Reflect.get(session, "lastJob"));

describe("the last job's record", () => {
  it("holds metrics, not result rows, once collect() returned", async () => {
    spark = await SparkSession.builder().master("local[2]").getOrCreate();
    const marker = "row-payload-7f3a";
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, text: `${marker}-${i}` }));
    const collected = await spark.createDataFrame(rows).collect();
    expect(collected.length).toBe(40);
    expect(retained(spark)).not.toContain(marker);
    // The metrics are still there: one stage, its tasks read the 40 rows.
    const [stage] = spark.lastJobMetrics;
    expect(stage!.tasks.length).toBeGreaterThan(0);
    expect(stage!.tasks.reduce((n, t) => n + t.metrics.recordsIn, 0)).toBe(40);
    expect(spark.lastJobTasks).toEqual([{ stageId: stage!.stageId, tasks: stage!.tasks.length, attempts: stage!.tasks.length }]);
  });

  it("holds no rows after an incremental take (limit) either", async () => {
    spark = await SparkSession.builder().master("local[2]").getOrCreate();
    const marker = "taken-payload-91c2";
    const df = spark.createDataFrame(Array.from({ length: 10 }, (_, i) => ({ text: `${marker}-${i}` })));
    expect((await df.limit(3).collect()).length).toBe(3);
    expect(spark.lastJobMetrics.length).toBeGreaterThan(0);
    expect(retained(spark)).not.toContain(marker);
  });
});
