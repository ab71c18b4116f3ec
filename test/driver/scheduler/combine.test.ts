/**
 * The two-level exchange on local[2] (driver/scheduler/combine.ts): combiners merge groups of
 * map objects, reducers read the combined objects (one ranged GET per group, not per map),
 * and the answers are the ones computed here, with lost or damaged map and combined outputs
 * recovered. The gate that sizes groups and starts each combiner when its maps are done is
 * checked on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, sum, type SparkfnEvent } from "sparkfn";
import { CombineGate, MAX_GROUP_MAPS, mayLeaveUncombined, mixedOutputs } from "../../../driver/scheduler/combine.ts";
import { MapOutputs } from "../../../driver/scheduler/map-outputs.ts";
import { packMapIndex } from "../../../shared/shuffle-index.ts";
import { emptyTaskMetrics, TASK_PROTOCOL_VERSION, type TaskSuccess } from "../../../shared/task.ts";
import { rangeSums } from "../../support/reference.ts";

describe("CombineGate", () => {
  const options = { threshold: 40, groupBytes: 1000 };

  it("combines a stage whose maps × partitions reaches the threshold, never with the threshold 0", () => {
    expect(CombineGate.wanted(10, 4, options)).toBe(true);
    expect(CombineGate.wanted(10, 3, options)).toBe(false);
    expect(CombineGate.wanted(10, 4, { ...options, threshold: 0 })).toBe(false);
    expect(CombineGate.wanted(10, 4, undefined)).toBe(false);
  });

  it("sizes groups from the first 1% of maps, and opens each group once all its maps are done, in any order", async () => {
    const gate = new CombineGate(250, options);
    const opened: number[] = [];
    // 250 maps: the size is chosen after 3 have finished, from their mean size (400 bytes: 2 maps a group).
    gate.mapDone(5, 300);
    gate.mapDone(0, 500);
    gate.ready(0).then(() => opened.push(0));
    gate.ready(2).then(() => opened.push(2));
    gate.mapDone(1, 400);
    const groups = await gate.groups;
    expect(groups!.length).toBe(125);
    expect(groups![0]).toEqual({ from: 0, count: 2 });
    expect(groups!.at(-1)).toEqual({ from: 248, count: 2 });
    await gate.ready(0);
    expect(opened).toEqual([0]);
    // Group 2 is maps 4 and 5 (5 finished first).
    gate.mapDone(4, 400);
    await gate.ready(2);
    expect(opened).toEqual([0, 2]);
    const one = gate.ready(1).then(() => opened.push(1));
    gate.mapDone(3, 400);
    gate.mapDone(3, 400); // a second success of the same map (a speculative copy) counts once
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(opened).toEqual([0, 2]);
    gate.mapDone(2, 400);
    await one;
    expect(opened).toEqual([0, 2, 1]);
  });

  it("caps a group at MAX_GROUP_MAPS maps, and declines when maps are larger than half a group", async () => {
    const tiny = new CombineGate(5000, options);
    for (let m = 0; m < 50; m++) tiny.mapDone(m, 0);
    expect((await tiny.groups)!.map((g) => g.count)).toEqual([MAX_GROUP_MAPS, MAX_GROUP_MAPS, MAX_GROUP_MAPS, MAX_GROUP_MAPS, MAX_GROUP_MAPS]);
    const large = new CombineGate(10, options);
    large.mapDone(0, 600);
    expect(await large.groups).toBeUndefined();
  });

  it("leaves one combiner unfinished at most, in a stage of ten groups or more", () => {
    expect(mayLeaveUncombined(102, 101)).toBe(true);
    expect(mayLeaveUncombined(10, 9)).toBe(true);
    expect(mayLeaveUncombined(102, 100)).toBe(false);
    expect(mayLeaveUncombined(102, 102)).toBe(false);
    expect(mayLeaveUncombined(9, 8)).toBe(false);
    expect(mayLeaveUncombined(1, 0)).toBe(false);
  });

  it("fails every waiter when the map stage fails", async () => {
    const gate = new CombineGate(10, options);
    const waiting = gate.ready(3);
    gate.fail(new Error("map 7 failed"));
    await expect(gate.groups).rejects.toThrow("map 7 failed");
    await expect(waiting).rejects.toThrow("map 7 failed");
    await expect(gate.ready(1)).rejects.toThrow("map 7 failed");
  });
});

describe("mixedOutputs", () => {
  /** An answer of `uri` with two reduce partitions of `bytes` bytes each. */
  const answer = (partition: number, uri: string, bytes: number): TaskSuccess => ({
    status: "ok",
    version: TASK_PROTOCOL_VERSION,
    stageId: 0,
    partition,
    attempt: 0,
    metrics: emptyTaskMetrics(),
    output: { kind: "shuffle", uri, partitions: 2, index: packMapIndex([bytes, bytes], [1, 1]) },
  });

  it("keeps the finished groups' combined objects and the unfinished groups' map objects, in map order", () => {
    const groups = [{ from: 0, count: 2 }, { from: 2, count: 2 }, { from: 4, count: 1 }];
    const maps = MapOutputs.of(0, Array.from({ length: 5 }, (_, m) => answer(m, `map-${m}`, m + 1)));
    const combined = new MapOutputs(0, 3);
    combined.record(0, answer(0, "combined-0", 10));
    combined.record(2, answer(2, "combined-2", 30));
    const { outputs, entries } = mixedOutputs(maps, combined, groups, [true, false, true]);
    expect(entries).toEqual([{ kind: "group", group: 0 }, { kind: "map", map: 2 }, { kind: "map", map: 3 }, { kind: "group", group: 2 }]);
    expect(outputs.uris).toEqual(["combined-0", "map-2", "map-3", "combined-2"]);
    expect([0, 1, 2, 3].map((i) => outputs.size(i, 1))).toEqual([10, 3, 4, 30]);
    // Every byte of the shuffle is read once, through one table or the other.
    expect(outputs.partitionTotals(2)).toEqual([10 + 3 + 4 + 30, 10 + 3 + 4 + 30]);
  });
});

describe("a combined shuffle on local[2]", () => {
  let spark: SparkSession;
  const events: SparkfnEvent[] = [];

  beforeAll(async () => {
    spark = await SparkSession.builder()
      .master("local[2]")
      .config("spark.sql.shuffle.partitions", "8")
      .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
      .config("sparkfn.shuffle.combine.threshold", "1")
      // 12 maps of a few KB each: groups of about 3 maps.
      .config("sparkfn.shuffle.combine.groupBytes", "8k")
      .getOrCreate();
    spark.addListener({ onEvent: (e) => events.push(e) });
    // Workers started before any deadline or fault applies.
    await spark.range(0, 2, 1, 2).collect();
  });

  afterAll(async () => {
    await spark.stop();
  });

  const query = (maps = 12) => spark.range(0, 24_000, 1, maps).groupBy(col("id").mod(97).alias("k")).agg(sum("id").alias("s"), sum(col("id").mod(7)).alias("m"));

  /** The query's answer, with `faults` injected (sparkfn.test.faults) when given. */
  const check = async (faults: object[] = [], maps = 12) => {
    if (faults.length) spark.conf.set("sparkfn.test.faults", JSON.stringify(faults));
    try {
      const rows = await query(maps).collect();
      expect(new Map(rows.map((r) => [r.k as number, r.s as number]))).toEqual(rangeSums(24_000, 97));
      expect(new Map(rows.map((r) => [r.k as number, r.m as number]))).toEqual(rangeSums(24_000, 97, (id) => id % 7));
    } finally {
      spark.conf.unset("sparkfn.test.faults");
    }
  };

  const passes = () => events.flatMap((e) => (e.event === "StageSubmitted" ? [`${e.stageId}:${e.pass}:${e.numTasks}`] : []));

  it("combines the maps' outputs, and each reducer reads one range per combined object", async () => {
    events.length = 0;
    await check();
    const combine = passes().find((p) => p.includes(":combine:"));
    expect(combine).toBeDefined();
    const combiners = Number(combine!.split(":")[2]);
    expect(combiners).toBeGreaterThan(1);
    expect(combiners).toBeLessThanOrEqual(6);
    const [map, combined, reduce] = spark.lastJobMetrics;
    expect(map!.tasks.length).toBe(12);
    expect(combined!.stageId).toBe(map!.stageId);
    expect(combined!.tasks.length).toBe(combiners);
    // A combiner reads each of its maps' objects once (and the stage plan).
    expect(combined!.tasks.reduce((n, t) => n + t.metrics.requests.get, 0)).toBeLessThanOrEqual(12 + combiners);
    expect(reduce!.tasks.length).toBe(8);
    // One ranged GET per combined object (and the stage plan), where 12 maps would take 12.
    for (const t of reduce!.tasks) expect(t.metrics.requests.get).toBeLessThanOrEqual(combiners + 1);
  });

  it("recombines a lost combined object", async () => {
    events.length = 0;
    await check([{ stage: 0, partition: 1, attempt: 0, kind: "loseOutput", combiner: true }]);
    expect(passes().filter((p) => p.includes(":recombine:"))).toEqual(["0:recombine:1"]);
    expect(passes().some((p) => p.includes(":recompute:"))).toBe(false);
  });

  it("recomputes a map whose output a combiner finds missing, then combines it", async () => {
    events.length = 0;
    await check([{ stage: 0, partition: 4, attempt: 0, kind: "loseOutput" }]);
    expect(passes().filter((p) => p.includes(":recompute:"))).toEqual(["0:recompute:1"]);
    const fetchFailed = events.filter((e) => e.event === "TaskEnd" && e.status === "fetchFailed");
    // The combiner of map 4 reported it (stage 0), not a reducer.
    expect(fetchFailed.map((e) => (e.event === "TaskEnd" ? e.stageId : -1))).toEqual([0]);
  });

  it("does not pass a damaged map block on: the combiner finds it by its checksum and the map runs again", async () => {
    events.length = 0;
    await check([{ stage: 0, partition: 7, attempt: 0, kind: "corruptOutput" }]);
    expect(passes().filter((p) => p.includes(":recompute:"))).toEqual(["0:recompute:1"]);
    const failed = events.find((e) => e.event === "TaskEnd" && e.status === "fetchFailed");
    expect(failed && failed.event === "TaskEnd" ? failed.error : "").toMatch(/checksum mismatch/);
  });

  it("does not hold the reducers for the last of ten or more combiners with speculation on: its group's map objects are read instead", async () => {
    // 48 maps of about 1 KB in groups of about 3 (at least ten groups). Combiner 0 is held back
    // 8 s (minTaskRuntime 60 s: no copy of it); the others finish long before.
    spark.conf.set("spark.speculation", "true");
    spark.conf.set("spark.speculation.minTaskRuntime", "60s");
    spark.conf.set("sparkfn.shuffle.combine.groupBytes", "3k");
    try {
      events.length = 0;
      const started = performance.now();
      await check([{ stage: 0, partition: 0, attempt: 0, kind: "slow", combiner: true }], 48);
      expect(performance.now() - started).toBeLessThan(8_000);
      const combiners = Number(passes().find((p) => p.includes(":combine:"))!.split(":")[2]);
      expect(combiners).toBeGreaterThanOrEqual(10);
      const [map, combined, reduce] = spark.lastJobMetrics;
      expect(map!.tasks.length).toBe(48);
      expect(combined!.tasks.map((t) => t.partition).sort((a, b) => a - b)).toEqual(Array.from({ length: combiners - 1 }, (_, g) => g + 1));
      const ends = events.flatMap((e) => (e.event === "TaskEnd" && e.stageId === 0 && e.partition === 0 && e.attempt === 0 && e.status !== "success" ? [e.status] : []));
      // Map 0 and combiner 0 share (stage, partition, attempt): the combiner's attempt is the one abandoned.
      expect(ends).toEqual(["abandoned"]);
      // The combine pass is logged as stopped early with one task unfinished; the maps' pass and the reducers' as succeeded.
      const completed = events.flatMap((e) => (e.event === "StageCompleted" ? [`${e.stageId}:${e.pass}:${e.result}:${e.unfinished ?? "-"}`] : []));
      expect(completed).toEqual(["0:run:succeeded:-", "0:combine:stopped:1", "1:run:succeeded:-"]);
      // Each reducer reads the other combined objects, group 0's maps (at least two), and its stage plan.
      for (const t of reduce!.tasks) {
        expect(t.metrics.requests.get).toBeGreaterThanOrEqual(combiners - 1 + 2 + 1);
        expect(t.metrics.requests.get).toBeLessThanOrEqual(combiners - 1 + 48 + 1);
      }
      // A lost map object of that group is recomputed, and a lost combined object recombined,
      // through the mixed table.
      events.length = 0;
      await check([
        { stage: 0, partition: 0, attempt: 0, kind: "slow", combiner: true },
        { stage: 0, partition: 1, attempt: 0, kind: "loseOutput" },
        { stage: 0, partition: 1, attempt: 0, kind: "loseOutput", combiner: true },
      ], 48);
      expect(passes().filter((p) => p.includes(":recompute:") || p.includes(":recombine:")).sort()).toEqual(["0:recombine:1", "0:recompute:1"]);
      // Under ten groups (the 12 maps' four), the readers wait for every combiner.
      spark.conf.set("sparkfn.shuffle.combine.groupBytes", "8k");
      events.length = 0;
      const waited = performance.now();
      await check([{ stage: 0, partition: 0, attempt: 0, kind: "slow", combiner: true }]);
      expect(performance.now() - waited).toBeGreaterThanOrEqual(8_000);
      expect(spark.lastJobMetrics[1]!.tasks.find((t) => t.partition === 0)!.attempt).toBe(0);
    } finally {
      spark.conf.unset("spark.speculation");
      spark.conf.unset("spark.speculation.minTaskRuntime");
      spark.conf.set("sparkfn.shuffle.combine.groupBytes", "8k");
    }
  });

  it("joins two combined sides, and leaves a stage under the threshold uncombined", async () => {
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
    try {
      const expected = new Map<number, number>();
      for (let id = 0; id < 3000; id += 3) expected.set(id % 50, (expected.get(id % 50) ?? 0) + 1);
      for (const threshold of ["1", "1000000"]) {
        spark.conf.set("sparkfn.shuffle.combine.threshold", threshold);
        events.length = 0;
        const left = spark.range(0, 3000, 1, 6).withColumn("k", col("id").mod(50));
        const right = spark.range(0, 3000, 3, 6).select(col("id").alias("rid"));
        const rows = await left.join(right, col("id").equalTo(col("rid"))).groupBy("k").count().collect();
        expect(new Map(rows.map((r) => [r.k as number, r.count as number]))).toEqual(expected);
        const combines = passes().filter((p) => p.includes(":combine:")).length;
        // Both sides of the join, then the aggregation's shuffle.
        expect(combines).toBe(threshold === "1" ? 3 : 0);
      }
    } finally {
      spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
      spark.conf.set("sparkfn.shuffle.combine.threshold", "1");
    }
  });
});
