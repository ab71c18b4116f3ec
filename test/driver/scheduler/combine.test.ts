/**
 * The two-level exchange on local[2] (driver/scheduler/combine.ts): combiners merge groups of
 * map objects, reducers read the combined objects (one ranged GET per group, not per map),
 * and the answers are the ones computed here, with lost or damaged map and combined outputs
 * recovered. Grouping itself is checked on a hand-made table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, sum, type SparkfnEvent } from "sparkfn";
import { combineGroups, MAX_GROUP_MAPS } from "../../../driver/scheduler/combine.ts";
import { MapOutputs } from "../../../driver/scheduler/map-outputs.ts";
import { emptyTaskMetrics, TASK_PROTOCOL_VERSION, type TaskSuccess } from "../../../shared/task.ts";
import { packMapIndex } from "../../../shared/shuffle-index.ts";
import { rangeSums } from "../../support/reference.ts";

/** A map output of `sizes` bytes per reduce partition (one row per non-empty block). */
const mapResult = (partition: number, sizes: readonly number[]): TaskSuccess => ({
  status: "ok",
  version: TASK_PROTOCOL_VERSION,
  stageId: 0,
  partition,
  attempt: 0,
  output: { kind: "shuffle", uri: `s3://b/map-${partition}`, partitions: sizes.length, index: packMapIndex(sizes, sizes.map((s) => (s > 0 ? 1 : 0))) },
  metrics: emptyTaskMetrics(),
});

describe("combineGroups", () => {
  const outputs = (maps: number, bytesPerMap: number, partitions = 4) => MapOutputs.of(0, Array.from({ length: maps }, (_, m) => mapResult(m, Array.from({ length: partitions }, () => bytesPerMap / partitions))));

  it("leaves a stage under the threshold, or with the threshold 0, as it is", () => {
    expect(combineGroups(outputs(10, 400), { threshold: 41, groupBytes: 1000 })).toBeUndefined();
    expect(combineGroups(outputs(10, 400), { threshold: 0, groupBytes: 1000 })).toBeUndefined();
    expect(combineGroups(outputs(10, 400), { threshold: 40, groupBytes: 1000 })).toBeDefined();
  });

  it("groups consecutive maps up to the group's bytes, covering every map once", () => {
    const groups = combineGroups(outputs(10, 400), { threshold: 1, groupBytes: 1000 })!;
    // 400-byte objects: two fit in 1,000 bytes, a third would not.
    expect(groups).toEqual([0, 2, 4, 6, 8].map((from) => ({ from, count: 2 })));
  });

  it("caps a group's maps, and declines when groups would be nearly as many as maps", () => {
    const groups = combineGroups(outputs(2500, 4), { threshold: 1, groupBytes: 2 ** 30 })!;
    expect(groups.map((g) => g.count)).toEqual([MAX_GROUP_MAPS, MAX_GROUP_MAPS, 500]);
    // Objects larger than a group: one map per group is no combining at all.
    expect(combineGroups(outputs(10, 4000), { threshold: 1, groupBytes: 1000 })).toBeUndefined();
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
