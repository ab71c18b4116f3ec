/**
 * Lost shuffle output met by several reducers at once (found by the chaos test, seed 2): the
 * map task runs again once, with one new attempt number, not once per reducer with the same
 * number (two attempts writing one attempt-scoped object).
 */
import { expect, it } from "vitest";
import { col, SparkSession, sum, type SparkfnEvent } from "sparkfn";

it("re-runs a lost map output once when two reducers report it at the same time", async () => {
  // Map 0's output is lost; its rerun (attempt 1) hangs past the 2 s deadline, so both
  // reducers, which fail within milliseconds of each other, report the loss while it runs.
  const faults = [
    { stage: 0, partition: 0, attempt: 0, kind: "loseOutput" },
    { stage: 0, partition: 0, attempt: 1, kind: "hang" },
  ];
  const spark = await SparkSession.builder()
    .master("local[2]")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
    .getOrCreate();
  const events: SparkfnEvent[] = [];
  try {
    // Both workers started first: a worker's start-up counts against the task deadline.
    await spark.range(0, 2, 1, 2).collect();
    spark.conf.set("sparkfn.task.timeout", "2s");
    spark.conf.set("sparkfn.test.faults", JSON.stringify(faults));
    spark.addListener({ onEvent: (e) => events.push(e) });
    const rows = await spark.range(0, 1000, 1, 2).groupBy(col("id").mod(100).alias("k")).agg(sum("id").alias("s")).collect();
    const expected = new Map<number, number>();
    for (let id = 0; id < 1000; id++) expected.set(id % 100, (expected.get(id % 100) ?? 0) + id);
    expect(new Map(rows.map((r) => [r.k as number, r.s as number]))).toEqual(expected);
    const starts = events.flatMap((e) => (e.event === "TaskStart" ? [`${e.stageId}/${e.partition}/${e.attempt}`] : []));
    // Both reducers lost map 0's output (each ran a second attempt) ...
    expect(starts.filter((s) => s.startsWith("1/")).sort()).toEqual(["1/0/0", "1/0/1", "1/1/0", "1/1/1"]);
    // ... and map 0 ran attempts 0, 1 (hung) and 2, each once.
    expect(starts.filter((s) => s.startsWith("0/0/"))).toEqual(["0/0/0", "0/0/1", "0/0/2"]);
    expect(events.filter((e) => e.event === "StageSubmitted" && e.pass === "recompute").length).toBe(1);
  } finally {
    await spark.stop();
  }
});
