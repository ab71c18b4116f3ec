/**
 * Lost shuffle output met by several reducers at once (found by the chaos test, seed 2): the
 * map task runs again once, with one new attempt number, not once per reducer with the same
 * number (two attempts writing one attempt-scoped object). And a rerun map task that finds its
 * own inputs lost recovers them first.
 */
import { readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { col, SparkSession, sum, type SparkfnEvent } from "sparkfn";

/** local[2] with two reduce partitions, never coalesced. */
const twoPartitions = () => SparkSession.builder().master("local[2]").config("spark.sql.shuffle.partitions", "2").config("spark.sql.adaptive.coalescePartitions.enabled", "false").getOrCreate();

it("re-runs a lost map output once when two reducers report it at the same time", async () => {
  // Map 0's output is lost; its rerun (attempt 1) hangs past the 2 s deadline, so both
  // reducers, which fail within milliseconds of each other, report the loss while it runs.
  const faults = [
    { stage: 0, partition: 0, attempt: 0, kind: "loseOutput" },
    { stage: 0, partition: 0, attempt: 1, kind: "hang" },
  ];
  const spark = await twoPartitions();
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

it("re-runs a lost map output whose own input was lost since: the parent stage's maps first, then it", async () => {
  // Three stages: range -> groupBy(k) -> groupBy(k % 5). Stage 1's map 0 loses its output
  // (loseOutput); once stage 1 is done, every object stage 0 wrote is deleted too (an
  // executor's disk gone, or a lifecycle rule). The reducer that finds stage 1's object
  // missing reruns stage 1's map 0, which finds stage 0's objects missing in its turn.
  const spark = await twoPartitions();
  const events: SparkfnEvent[] = [];
  try {
    spark.conf.set("sparkfn.test.faults", JSON.stringify([{ stage: 1, partition: 0, attempt: 0, kind: "loseOutput" }]));
    const scratch = spark.scratchUri;
    spark.addListener({
      onEvent: (e) => {
        events.push(e);
        if (e.event !== "StageCompleted" || e.stageId !== 1 || e.pass !== "run") return;
        const stage0 = readdirSync(scratch, { recursive: true, encoding: "utf8" }).filter((f) => /stage-0-map-\d+-attempt-\d+\.blocks$/.test(f));
        expect(stage0.length).toBeGreaterThan(0);
        for (const f of stage0) rmSync(path.join(scratch, f));
      },
    });
    const rows = await spark
      .range(0, 1000, 1, 2)
      .groupBy(col("id").mod(100).alias("k"))
      .agg(sum("id").alias("s"))
      .groupBy(col("k").mod(5).alias("g"))
      .agg(sum("s").alias("t"))
      .collect();
    const expected = new Map<number, number>();
    for (let id = 0; id < 1000; id++) expected.set((id % 100) % 5, (expected.get((id % 100) % 5) ?? 0) + id);
    expect(new Map(rows.map((r) => [r.g as number, r.t as number]))).toEqual(expected);
    const passes = events.flatMap((e) => (e.event === "StageSubmitted" && e.pass === "recompute" ? [e.stageId] : []));
    // Stage 1's map 0 was recomputed, and stage 0's maps (both lost) for it, first.
    expect(passes).toContain(1);
    expect(passes.filter((id) => id === 0).length).toBeGreaterThanOrEqual(1);
    const recomputed = events.flatMap((e) => (e.event === "TaskEnd" && e.status === "success" && e.stageId === 0 && e.attempt > 0 ? [e.partition] : []));
    expect([...new Set(recomputed)].sort()).toEqual([0, 1]);
  } finally {
    spark.conf.unset("sparkfn.test.faults");
    await spark.stop();
  }
});
