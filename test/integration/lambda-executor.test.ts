/**
 * What only the lambda master has: the stack deployed with cdklocal, tasks as invocations
 * of the executor function through the Lambda API, S3 for input and shuffle.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, DeploymentNotFoundError, discoverDeployment, lit, SparkSession, sum, TaskFailedError, type Deployment } from "sparkfn";
import { lambdaClient } from "../../driver/aws/clients.ts";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const store = new S3ObjectStore();
let deployment: Deployment;
let prefix: string;
let spark: SparkSession;

beforeAll(async () => {
  deployment = await discoverDeployment();
  prefix = `s3://${deployment.bucket}/data/it-${randomUUID().slice(0, 8)}/`;
  spark = await SparkSession.builder().master("lambda").config("spark.sql.shuffle.partitions", 4).getOrCreate();
});

afterAll(async () => {
  await spark.stop();
  await store.delete((await store.list(prefix)).map((o) => o.uri));
});

describe("lambda master on the emulator", () => {
  it("discovers the deployed stack from its CloudFormation outputs", () => {
    expect(deployment.stackName).toBe("Sparkfn");
    expect(deployment.bucket).toMatch(/^sparkfn-enginebucket/);
    expect(deployment.executorFunction).toMatch(/^Sparkfn-EngineExecutor/);
  });

  it("writes one shuffle object per map task under the app's scratch prefix, and deletes them at stop()", async () => {
    for (let f = 0; f < 3; f++) await store.put(`${prefix}shuffle-in/part-${f}.csv`, `k,v\n${[1, 2, 3, 4].map((i) => `${(i + f) % 3},${i}`).join("\n")}\n`);
    const session = spark;
    const rows = await session.read.option("header", "true").option("inferSchema", "true").csv(`${prefix}shuffle-in/`).groupBy("k").agg(sum("v").alias("s")).orderBy("k").collect();
    const expected = new Map<number, number>();
    for (let f = 0; f < 3; f++) for (const i of [1, 2, 3, 4]) expected.set((i + f) % 3, (expected.get((i + f) % 3) ?? 0) + i);
    expect(rows).toEqual([...expected].sort((a, b) => a[0] - b[0]).map(([k, s]) => ({ k, s })));
    const objects = (await store.list(`s3://${deployment.bucket}/apps/${session.appId}/`)).filter((o) => o.uri.includes("/shuffle/"));
    // groupBy shuffles once (3 map tasks) and orderBy once (as many map tasks as adaptive
    // execution left to the groupBy's reduce stage): one object per map task.
    const [groupMaps, sortMaps] = session.lastJobMetrics.map((stage) => stage.tasks.length);
    expect(groupMaps).toBe(3);
    expect(objects.length).toBe(3 + sortMaps!);
    await session.stop();
    expect(await store.list(`s3://${deployment.bucket}/apps/${session.appId}/`)).toEqual([]);
    // getOrCreate() after stop() starts a new session (with a new app id) for the next tests.
    spark = await SparkSession.builder().master("lambda").config("spark.sql.shuffle.partitions", 4).getOrCreate();
    expect(spark.appId).not.toBe(session.appId);
  });

  it("returns a result larger than a Lambda response (6 MB) through S3", async () => {
    const rows = await spark.range(0, 70_000, 1, 1).withColumn("pad", lit("y".repeat(100))).collect();
    expect(rows.length).toBe(70_000);
    expect(rows[69_999]).toEqual({ id: 69_999, pad: "y".repeat(100) });
    expect(JSON.stringify(rows).length).toBeGreaterThan(6 * 1024 * 1024);
  });

  it("sends a task input too large for the invocation payload through S3", async () => {
    // 2 KiB stands in for Lambda's 6 MB request limit: every task's input here is larger.
    // The invoker is set up when a session starts: stop the shared one, restart it after.
    await spark.stop();
    const small = await SparkSession.builder().master("lambda").config("sparkfn.task.inlinePayloadMaxBytes", "2k").config("spark.sql.shuffle.partitions", 3).getOrCreate();
    try {
      const data = Array.from({ length: 400 }, (_, i) => ({ k: `key-${i % 7}`, v: i, note: "x".repeat(20) }));
      const rows = await small.createDataFrame(data).repartition(2).groupBy("k").agg(sum("v").alias("s")).orderBy("k").collect();
      const expected = new Map<string, number>();
      for (const d of data) expected.set(d.k, (expected.get(d.k) ?? 0) + d.v);
      expect(rows).toEqual([...expected].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, s]) => ({ k, s })));
      const inputs = (await store.list(`s3://${deployment.bucket}/apps/${small.appId}/`)).filter((o) => o.uri.includes("/inputs/"));
      expect(inputs.length).toBeGreaterThan(0);
    } finally {
      await small.stop();
      spark = await SparkSession.builder().master("lambda").config("spark.sql.shuffle.partitions", 4).getOrCreate();
    }
  });

  it("answers a malformed task payload sent through the Lambda API with a clear error", async () => {
    const client = lambdaClient({ maxConcurrency: 1, requestTimeoutMs: 60_000 });
    try {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: deployment.executorFunction,
          Payload: new TextEncoder().encode(JSON.stringify({ version: 2, appId: "app-x", stageId: -1 })),
        }),
      );
      expect(response.FunctionError).toBeUndefined();
      const body = JSON.parse(new TextDecoder().decode(response.Payload));
      expect(body.status).toBe("error");
      expect(body.error.type).toBe("InvalidTask");
      expect(body.error.message).toMatch(/^invalid task payload: /);
      expect(body.error.message).toMatch(/stageId: /);
      expect(body.error.message).toMatch(/stage: /);
    } finally {
      client.destroy();
    }
  });

  it("fails the job with the partition and the object when a file lacks a column", async () => {
    await store.put(`${prefix}bad/part-0.csv`, "id,category,amount\n1,a,5\n");
    await store.put(`${prefix}bad/part-1.csv`, "id,kind,amount\n2,b,7\n");
    const df = spark.read.option("header", "true").schema("id INT, category STRING, amount DOUBLE").csv(`${prefix}bad/`);
    const error = await df.filter(col("amount").gt(1)).collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as Error).message).toContain("Task 1 in stage 0 failed 1 time(s)");
    expect((error as Error).message).toContain(`${prefix}bad/part-1.csv: column "category" not found in the header; the header has: id, kind, amount`);
  });

  it("refuses a local input path, saying how to upload it", async () => {
    await expect(spark.read.csv("/tmp/local.csv").collect()).rejects.toThrow(/local path.*cannot see this machine's files\. Upload it first/);
  });

  it("says how to fix a missing stack", async () => {
    const error = await discoverDeployment({ stackName: "NoSuchStack" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentNotFoundError);
    expect((error as Error).message).toMatch(/Cannot find the sparkfn stack "NoSuchStack".*npm run deploy:local/);
  });

  it("runs a job script with sparkfn submit --master lambda, and exits non-zero with the error on failure", async () => {
    await store.put(`${prefix}submit/part-0.csv`, "category,amount\na,1500\nb,200\na,2500\n");
    const dir = path.join(ROOT, "test/.artifacts");
    await mkdir(dir, { recursive: true });
    const job = path.join(dir, `job-${randomUUID().slice(0, 8)}.ts`);
    await writeFile(
      job,
      [
        'import { SparkSession, col } from "sparkfn";',
        "const spark = await SparkSession.builder().appName(\"submitted\").getOrCreate();",
        `const df = spark.read.option("header", "true").option("inferSchema", "true").csv(${JSON.stringify(`${prefix}submit/`)});`,
        'const rows = await df.filter(col("amount").gt(1000)).groupBy("category").sum("amount").collect();',
        'console.log(JSON.stringify({ master: spark.master, rows }));',
        "await spark.stop();",
      ].join("\n"),
    );
    const run = promisify(execFile);
    const cli = path.join(ROOT, "driver/bin/sparkfn.mjs");
    const { stdout } = await run("node", [cli, "submit", job, "--master", "lambda", "--conf", "spark.sql.shuffle.partitions=2"], { cwd: ROOT });
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({ master: { kind: "lambda" }, rows: [{ category: "a", "sum(amount)": 4000 }] });

    const failed = await run("node", [cli, "submit", job, "--master", "yarn"], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/sparkfn: Unknown master "yarn": use local, local\[N\], local\[\*\] or lambda/);
  });
});
