/**
 * The batch driver's handling of messages, with a fake bucket (S3's conditional writes), a
 * recording queue client and a stand-in session: which messages run, which go to the
 * dead-letter queue and why, and how the function's deadline leaves time for stop().
 */
import type { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBatchDriver, type BatchDriverOptions } from "../../../driver/batch/batch-driver.ts";
import type { JobRegistry } from "../../../driver/batch/message.ts";
import type { RunStatus } from "../../../driver/batch/run-status.ts";
import type { SparkSession } from "../../../driver/session.ts";
import { checkOutputLocation } from "../../../driver/sinks/output-guard.ts";
import { fakeBucket, type FakeBucket } from "../../support/fake-s3-bucket.ts";

let bucket: FakeBucket;
let deadLetters: { body: string; reason: string }[];
let logs: { level: string; message: string; fields: Record<string, unknown> }[];
const sqs = { send: async (command: SendMessageCommand) => void deadLetters.push({ body: command.input.MessageBody!, reason: command.input.MessageAttributes!.sparkfnError!.StringValue! }) } as unknown as SQSClient;

/** A session that records when stop() began and ended; stop takes `stopMs`. */
function fakeSession(stopMs = 0) {
  const session = {
    appId: "app-test",
    stopStartedAt: undefined as number | undefined,
    stoppedAt: undefined as number | undefined,
    async stop() {
      session.stopStartedAt = Date.now();
      await new Promise((r) => setTimeout(r, stopMs));
      session.stoppedAt = Date.now();
    },
  };
  return session;
}

function driver(jobs: JobRegistry, extra: Partial<BatchDriverOptions> = {}, session = fakeSession()) {
  return createBatchDriver({
    jobs,
    s3: bucket.s3,
    sqs,
    bucket: "engine",
    deadLetterQueueUrl: "http://queue/dlq",
    staleAfterMs: 60_000,
    log: (level, message, fields) => void logs.push({ level, message, fields }),
    openSession: async () => session as unknown as SparkSession,
    ...extra,
  });
}

const record = (messageId: string, body: object) => ({ messageId, body: JSON.stringify(body) });
const plenty = () => 600_000;
const marker = (runId: string) => {
  const object = bucket.objects.get(`runs/${runId}.json`);
  return object && (JSON.parse(object.body) as RunStatus);
};

beforeEach(async () => {
  bucket = await fakeBucket("engine");
  deadLetters = [];
  logs = [];
});
afterEach(() => bucket.close());

describe("the job registry", () => {
  it.each(["constructor", "toString", "valueOf", "hasOwnProperty"])("refuses the inherited name %s as an unknown job, listing the registered ones", async (name) => {
    let ran = 0;
    const run = driver({ "daily-sales": async () => void ran++, "weekly-report": async () => void ran++ });
    const response = await run([record("m-1", { job: name, runId: "chosen-run" })], plenty);
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters).toEqual([{ body: JSON.stringify({ job: name, runId: "chosen-run" }), reason: `unknown job "${name}"; the registered jobs are: daily-sales, weekly-report` }]);
    expect(ran).toBe(0);
    expect(marker("chosen-run")).toBeUndefined();
  });
});

describe("run ids", () => {
  it("sends a message reusing another job's run id to the dead-letter queue, naming both jobs, and runs nothing", async () => {
    const ran: string[] = [];
    const run = driver({ "daily-sales": async () => void ran.push("daily-sales"), "weekly-report": async () => void ran.push("weekly-report") });
    expect((await run([record("m-1", { job: "daily-sales", runId: "r-1" })], plenty)).batchItemFailures).toEqual([]);
    expect(marker("r-1")).toMatchObject({ job: "daily-sales", status: "succeeded" });
    const reused = record("m-2", { job: "weekly-report", runId: "r-1" });
    expect((await run([reused], plenty)).batchItemFailures).toEqual([]);
    expect(ran).toEqual(["daily-sales"]);
    expect(deadLetters).toEqual([{ body: reused.body, reason: 'run id "r-1" belongs to job "daily-sales" (its run is succeeded), not to "weekly-report"; send the message with a new run id' }]);
    expect(marker("r-1")).toMatchObject({ job: "daily-sales", status: "succeeded" });
  });

  it("does not overwrite the marker of a driver that took the run over while the job ran", async () => {
    let takeover: RunStatus | undefined;
    const run = driver({
      "daily-sales": async () => {
        // Meanwhile, another driver takes the run over (a new marker, a new ETag).
        takeover = { ...marker("r-2")!, startedAt: new Date(Date.now() + 1).toISOString(), attempts: 2 };
        bucket.put("runs/r-2.json", JSON.stringify(takeover));
        return { rows: 1 };
      },
    });
    const response = await run([record("m-1", { job: "daily-sales", runId: "r-2" })], plenty);
    expect(response.batchItemFailures).toEqual([]);
    expect(marker("r-2")).toEqual(takeover);
    expect(logs.find((l) => l.level === "WARN")).toMatchObject({ message: "run taken over by another driver; its outcome is not recorded here", fields: { runId: "r-2", outcome: "succeeded" } });
  });
});

describe("duplicate messages", () => {
  /** A job held until released, counting its runs; `started` resolves once it runs. */
  function heldJob() {
    let release!: () => void;
    let started!: () => void;
    const held = { runs: 0, gate: new Promise<void>((r) => (release = r)), started: new Promise<void>((r) => (started = r)), release: () => release() };
    const job = async () => {
      held.runs++;
      started();
      await held.gate;
      return { rows: 1 };
    };
    return { held, job };
  }

  it("drops another message with the run id of a run in progress, which runs once", async () => {
    const { held, job } = heldJob();
    const run = driver({ "daily-sales": job });
    const body = { job: "daily-sales", runId: "r-8" };
    const first = run([record("m-1", body)], plenty);
    await held.started;
    expect(marker("r-8")).toMatchObject({ status: "running", messageId: "m-1" });
    // An exact duplicate (another SQS message) while the first runs: not held back for the visibility timeout.
    expect((await run([record("m-2", body)], plenty)).batchItemFailures).toEqual([]);
    held.release();
    expect((await first).batchItemFailures).toEqual([]);
    expect(held.runs).toBe(1);
    expect(marker("r-8")).toMatchObject({ status: "succeeded", attempts: 1, messageId: "m-1" });
    expect(deadLetters).toEqual([]);
    expect(logs.find((l) => l.message.startsWith("run in progress under another message"))).toMatchObject({ fields: { runId: "r-8", messageId: "m-2", heldBy: "m-1" } });
  });

  it("leaves the same message, delivered again while its run is in progress, for a later delivery", async () => {
    const { held, job } = heldJob();
    const run = driver({ "daily-sales": job });
    const first = run([record("m-1", { job: "daily-sales", runId: "r-9" })], plenty);
    await held.started;
    expect((await run([record("m-1", { job: "daily-sales", runId: "r-9" })], plenty)).batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    held.release();
    await first;
    expect(held.runs).toBe(1);
  });
});

describe("failed jobs", () => {
  it("sends a job refused as a user error (an output the guard refuses) to the dead-letter queue with its reason, not back to the queue", async () => {
    const run = driver({
      "daily-sales": async (_spark, { args }) => checkOutputLocation(String(args.output), [String(args.input)]),
    });
    const message = record("m-1", { job: "daily-sales", runId: "r-6", args: { input: "s3://engine/data/tx/", output: "s3://engine/" } });
    const response = await run([message], plenty);
    expect(response.batchItemFailures).toEqual([]);
    const reason = 'Refusing to write to s3://engine/: it is the root of bucket "engine"';
    expect(deadLetters).toEqual([{ body: message.body, reason: expect.stringContaining(reason) }]);
    expect(marker("r-6")).toMatchObject({ status: "failed", error: expect.stringContaining(reason) });
  });

  it("reports a job that failed otherwise back to the queue, for another delivery", async () => {
    const run = driver({ "daily-sales": async () => Promise.reject(new Error("connection reset")) });
    const response = await run([record("m-1", { job: "daily-sales", runId: "r-7" })], plenty);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    expect(deadLetters).toEqual([]);
    expect(marker("r-7")).toMatchObject({ status: "failed", error: "connection reset" });
  });
});

describe("the function's deadline", () => {
  // The function has 2 s left; 200 ms stay free at the end; stop() is given 800 ms.
  const budget = { safetyMarginMs: 200, stopReserveMs: 800 };

  it("cancels a job at the deadline minus the stop reserve, and stop() ends before the margin", async () => {
    const session = fakeSession(500);
    const run = driver({ "daily-sales": () => new Promise(() => undefined) }, budget, session);
    const started = Date.now();
    const end = started + 2_000;
    const response = await run([record("m-1", { job: "daily-sales", runId: "r-3" })], () => end - Date.now());
    const returned = Date.now();
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    expect(marker("r-3")).toMatchObject({ status: "failed", error: expect.stringMatching(/did not finish within the driver function's time limit/) });
    // Cancelled about 1 s in (2 s - 200 ms - 800 ms), stopped within the reserve, returned before the margin.
    expect(session.stopStartedAt! - started).toBeGreaterThanOrEqual(900);
    expect(session.stopStartedAt! - started).toBeLessThan(1_300);
    expect(session.stoppedAt).toBeLessThanOrEqual(end - budget.safetyMarginMs);
    expect(returned).toBeLessThanOrEqual(end - budget.safetyMarginMs + 100);
  });

  it("returns before the margin even when stop() hangs, saying the scratch data is left behind", async () => {
    const session = fakeSession(60_000);
    const run = driver({ "daily-sales": () => new Promise(() => undefined) }, budget, session);
    const end = Date.now() + 2_000;
    const response = await run([record("m-1", { job: "daily-sales", runId: "r-4" })], () => end - Date.now());
    expect(Date.now()).toBeLessThanOrEqual(end - budget.safetyMarginMs + 100);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    expect(session.stoppedAt).toBeUndefined();
    expect(logs.find((l) => l.level === "ERROR" && l.message.startsWith("the session did not stop"))).toMatchObject({ fields: { runId: "r-4", appId: "app-test" } });
  });

  it("leaves a message for a later delivery when too little time is left to run it", async () => {
    let ran = 0;
    const run = driver({ "daily-sales": async () => void ran++ }, budget);
    const response = await run([record("m-1", { job: "daily-sales", runId: "r-5" })], () => 900);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-1" }]);
    expect(ran).toBe(0);
    expect(marker("r-5")).toBeUndefined();
  });
});
