/**
 * Chaos on the lambda master (issue 20): 3 seeded fault schedules over the chaos job of
 * test/support/chaos.ts, against the emulator's deployed stack (which allows fault injection).
 * Every run must give exactly the fault-free rows, leave nothing under the app's `apps/`
 * prefix or the output's `_temporary/`, and log every attempt.
 *
 * The task deadline is 15 s, above a "slow" attempt's 8 s sleep: an abandoned Lambda
 * invocation cannot be stopped, and a slow one abandoned mid-sleep would write its output
 * after the session cleaned up (those objects are tagged for the bucket's lifecycle rule, not
 * deleted). A hung attempt writes nothing, so abandoning it leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverDeployment, SparkSession } from "sparkfn";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";
import { appScratchUri } from "../../shared/storage/keys.ts";
import type { TaskFault } from "../../shared/task.ts";
import {
  CHAOS_KINDS,
  CHAOS_MAX_FAILURES,
  CHAOS_RATE,
  chaosData,
  checkEventLog,
  checkOutput,
  expectedChaosRows,
  runChaosJob,
  writeChaosInputs,
  writeOlderData,
} from "../support/chaos.ts";

/** Seeds whose schedules strike every kind between them (a hang in 5 and 17, a throttle in 12, ...). */
const SEEDS = [5, 12, 17];

const store = new S3ObjectStore();
const data = chaosData();
const expected = expectedChaosRows(data);
const injected: Partial<Record<TaskFault, number>> = {};
let bucket: string;
let root: string | undefined;

beforeAll(async () => {
  ({ bucket } = await discoverDeployment());
  root = `s3://${bucket}/data/it-chaos-${randomUUID().slice(0, 8)}/`;
  await writeChaosInputs(data, (name, text) => store.put(`${root}in/${name}`, text));
});

afterAll(async () => {
  if (root) {
    const objects = await store.list(root);
    if (objects.length) await store.delete(objects.map((o) => o.uri));
  }
});

describe("chaos on lambda", () => {
  it.each(SEEDS)("seed %i ends with exactly the fault-free output, no leftovers, every attempt logged", async (seed) => {
    const label = `lambda seed ${seed}`;
    const output = `${root}out-${seed}/`;
    const events = `${root}events-${seed}/`;
    const schedule = { seed, rate: CHAOS_RATE, kinds: [...CHAOS_KINDS] };
    const spark = await SparkSession.builder()
      .master("lambda")
      .config("spark.sql.shuffle.partitions", "4")
      .config("spark.sql.autoBroadcastJoinThreshold", "-1")
      .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
      .config("spark.task.maxFailures", String(CHAOS_MAX_FAILURES))
      .config("sparkfn.task.timeout", "15s")
      .config("spark.eventLog.enabled", "true")
      .config("spark.eventLog.dir", events)
      .getOrCreate();
    try {
      await writeOlderData(spark, output);
      spark.conf.set("sparkfn.test.faults", JSON.stringify(schedule));
      try {
        await runChaosJob(spark, `${root}in/`, output);
      } finally {
        spark.conf.unset("sparkfn.test.faults");
      }
      await checkOutput(spark, store, output, expected, label);
    } finally {
      await spark.stop();
    }
    expect((await store.list(appScratchUri(bucket, spark.appId))).map((o) => o.uri), `${label}: objects under apps/`).toEqual([]);
    const accounting = await checkEventLog(`${events}${spark.appId}/`, store, spark.tasksLaunched, schedule, label);
    for (const [kind, n] of Object.entries(accounting.injected)) injected[kind as TaskFault] = (injected[kind as TaskFault] ?? 0) + n;
  });

  it("injected every kind of fault", () => {
    console.info(`chaos on lambda: faults injected by kind ${JSON.stringify(injected)}`);
    expect(Object.keys(injected).sort()).toEqual([...CHAOS_KINDS].sort());
  });
});
