/**
 * Run status markers against a fake bucket that enforces S3's conditional writes: a claim
 * never passes a run id to another job, and a finish writes only over its own claim.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunOwnershipLostError, RunStatusStore, type RunStatus } from "../../../driver/batch/run-status.ts";
import { fakeBucket, type FakeBucket } from "../../support/fake-s3-bucket.ts";

let bucket: FakeBucket;
let runs: RunStatusStore;
const marker = (runId: string) => JSON.parse(bucket.objects.get(`runs/${runId}.json`)!.body) as RunStatus;

beforeEach(async () => {
  bucket = await fakeBucket("engine");
  runs = new RunStatusStore(bucket.s3, "engine", 60_000);
});
afterEach(() => bucket.close());

describe("run claims", () => {
  it("claim a new run id for its job, and skip a succeeded run of the same job", async () => {
    const claim = await runs.claim("r-1", "daily-sales");
    expect(claim).toMatchObject({ kind: "claimed", status: { runId: "r-1", job: "daily-sales", status: "running", attempts: 1 } });
    if (claim.kind !== "claimed") return;
    await runs.finish(claim, { status: "succeeded" });
    expect(await runs.claim("r-1", "daily-sales")).toMatchObject({ kind: "done", status: { job: "daily-sales", status: "succeeded" } });
  });

  it.each(["succeeded", "failed", "running"] as const)("refuse a run id whose marker belongs to another job (%s), leaving the marker alone", async (state) => {
    const claim = await runs.claim("shared-id", "daily-sales");
    if (claim.kind !== "claimed") throw new Error("expected a claim");
    if (state !== "running") await runs.finish(claim, state === "succeeded" ? { status: "succeeded" } : { status: "failed", error: "boom" });
    const before = bucket.objects.get("runs/shared-id.json");
    // A failed run would be taken over, a succeeded one skipped as done: neither may happen across jobs.
    expect(await runs.claim("shared-id", "weekly-report")).toMatchObject({ kind: "otherJob", status: { job: "daily-sales", status: state } });
    expect(bucket.objects.get("runs/shared-id.json")).toEqual(before);
  });

  it("name the message that claimed the run, and the one that took it over", async () => {
    const first = await runs.claim("r-5", "daily-sales", new Date(), "m-1");
    expect(marker("r-5")).toMatchObject({ status: "running", messageId: "m-1" });
    expect(await runs.claim("r-5", "daily-sales", new Date(), "m-2")).toMatchObject({ kind: "busy", status: { messageId: "m-1" } });
    if (first.kind !== "claimed") throw new Error("expected a claim");
    await runs.finish(first, { status: "failed", error: "boom" });
    expect(await runs.claim("r-5", "daily-sales", new Date(), "m-2")).toMatchObject({ kind: "claimed", status: { attempts: 2, messageId: "m-2" } });
    expect(marker("r-5")).toMatchObject({ status: "running", messageId: "m-2" });
  });

  it("take over a failed run of the same job, counting the attempt", async () => {
    const first = await runs.claim("r-2", "daily-sales");
    if (first.kind !== "claimed") throw new Error("expected a claim");
    await runs.finish(first, { status: "failed", error: "boom" });
    expect(await runs.claim("r-2", "daily-sales")).toMatchObject({ kind: "claimed", status: { status: "running", attempts: 2 } });
  });
});

describe("finishing a run", () => {
  it("writes the outcome over its own claim", async () => {
    const claim = await runs.claim("r-3", "daily-sales");
    if (claim.kind !== "claimed") throw new Error("expected a claim");
    await runs.finish(claim, { status: "succeeded", result: { rows: 3 } });
    expect(marker("r-3")).toMatchObject({ status: "succeeded", result: { rows: 3 }, attempts: 1 });
  });

  it("writes nothing and reports lost ownership when the marker changed since the claim", async () => {
    const claim = await runs.claim("r-4", "daily-sales");
    if (claim.kind !== "claimed") throw new Error("expected a claim");
    // Another driver took the run over (its own running marker, a new ETag).
    const takeover: RunStatus = { ...claim.status, startedAt: new Date(Date.now() + 1000).toISOString(), attempts: 2 };
    bucket.put("runs/r-4.json", JSON.stringify(takeover));
    await expect(runs.finish(claim, { status: "failed", error: "too late" })).rejects.toBeInstanceOf(RunOwnershipLostError);
    expect(marker("r-4")).toEqual(takeover);
    expect(bucket.refused()).toBeGreaterThanOrEqual(1);
  });
});
