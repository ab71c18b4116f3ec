import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { col, SparkSession, sum } from "sparkfn";
import { EVENT_LOG_VERSION, SparkfnEvent } from "../../../driver/monitoring/events.ts";
import { SPARKFN_VERSION } from "../../../driver/version.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("the event log", () => {
  it("writes one JSON line per event to spark.eventLog.dir/<appId>.jsonl, every line valid", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-events-"));
    dirs.push(dir);
    const spark = await SparkSession.builder().appName("logged").master("local[2]").config("spark.eventLog.enabled", true).config("spark.eventLog.dir", dir).getOrCreate();
    await spark.range(0, 100, 1, 4).groupBy(col("id").mod(3).alias("k")).agg(sum("id").alias("s")).collect();
    expect(spark.eventLogUri).toBe(path.join(dir, `${spark.appId}.jsonl`));
    await spark.stop();
    const lines = (await readFile(path.join(dir, `${spark.appId}.jsonl`), "utf8")).trim().split("\n");
    const events = lines.map((line) => SparkfnEvent.parse(JSON.parse(line)));
    expect(events.every((e) => e.v === EVENT_LOG_VERSION)).toBe(true);
    expect(events[0]).toMatchObject({ event: "ApplicationStart", appId: spark.appId, appName: "logged", master: "local[2]", sparkfnVersion: SPARKFN_VERSION });
    expect(events.at(-1)).toMatchObject({ event: "ApplicationEnd", appId: spark.appId });
    const kinds = events.map((e) => e.event);
    expect(kinds.filter((k) => k === "JobStart").length).toBe(1);
    expect(kinds.indexOf("JobStart")).toBeLessThan(kinds.indexOf("StageSubmitted"));
    expect(kinds.lastIndexOf("StageCompleted")).toBeLessThan(kinds.indexOf("JobEnd"));
    // 4 map tasks and the reduce tasks each start and end once, with metrics on success.
    const ends = events.filter((e) => e.event === "TaskEnd");
    expect(ends.length).toBe(events.filter((e) => e.event === "TaskStart").length);
    expect(ends.every((e) => e.status === "success" && e.metrics !== undefined)).toBe(true);
    const submitted = events.find((e) => e.event === "StageSubmitted" && e.stageId === 0);
    expect(submitted).toMatchObject({ numTasks: 4, pass: "run" });
    expect(submitted && "plan" in submitted && submitted.plan).toMatch(/Exchange hashpartitioning/);
    // The job's cost estimate counts each task attempt once, at the local master's assumed 2048 MiB.
    const jobEnd = events.find((e) => e.event === "JobEnd");
    const cost = jobEnd && jobEnd.event === "JobEnd" ? jobEnd.cost : undefined;
    expect(cost).toMatchObject({ invocations: ends.length, memoryMiB: 2048, onAws: false });
    const seconds = ends.reduce((t, e) => t + (e.event === "TaskEnd" ? e.durationMs : 0), 0) / 1000;
    expect(cost!.gbSeconds).toBeCloseTo(seconds * 2, 9);
    expect(spark.lastJobCost?.totalUsd).toBe(cost!.totalUsd);
    // Times never go backwards.
    for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
  });

  it("keeps the version constant in step with package.json", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(SPARKFN_VERSION).toBe(pkg.version);
  });
});
