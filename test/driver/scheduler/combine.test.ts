/**
 * The two-level exchange on local[2] (driver/scheduler/combine.ts): combiners merge groups of
 * map objects, reducers read the combined objects (one ranged GET per group, not per map),
 * and the answers are the ones computed here, with lost or damaged map and combined outputs
 * recovered. The gate that sizes groups and starts each combiner when its maps are done is
 * checked on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, sum, type SparkfnEvent } from "sparkfn";
import { CombineGate, MAX_GROUP_MAPS } from "../../../driver/scheduler/combine.ts";
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

  it("fails every waiter when the map stage fails", async () => {
    const gate = new CombineGate(10, options);
    const waiting = gate.ready(3);
    gate.fail(new Error("map 7 failed"));
    await expect(gate.groups).rejects.toThrow("map 7 failed");
    await expect(waiting).rejects.toThrow("map 7 failed");
    await expect(gate.ready(1)).rejects.toThrow("map 7 failed");
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

  const query = () => spark.range(0, 24_000, 1, 12).groupBy(col("id").mod(97).alias("k")).agg(sum("id").alias("s"), sum(col("id").mod(7)).alias("m"));

  /** The query's answer, with `faults` injected (sparkfn.test.faults) when given. */
  const check = async (faults: object[] = []) => {
    if (faults.length) spark.conf.set("sparkfn.test.faults", JSON.stringify(faults));
    try {
      const rows = await query().collect();
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
