/**
 * The walking skeleton end to end on the emulator: the stack deployed with cdklocal, data
 * on S3, tasks run as invocations of the executor function through the Lambda API.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLambda, DeploymentNotFoundError, discoverDeployment, runGroupedSum, TaskFailedError, type LambdaConnection } from "sparkfn";
import { lambdaClient } from "../../driver/aws/clients.ts";
import { datasetPartKey, datasetPrefix } from "../../shared/storage/keys.ts";
import { s3Uri } from "../../shared/storage/object-store.ts";
import { transactionCsvFiles } from "../../examples/data/transactions.ts";
import { referenceGroupSum } from "../support/reference.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dataset = `it-${randomUUID().slice(0, 8)}`;
const files = transactionCsvFiles({ rowsPerFile: 3_000, files: 12, seed: 11 });
let connection: LambdaConnection;
let input: string;

beforeAll(async () => {
  connection = await connectLambda({ maxConcurrency: 4 });
  const { bucket } = connection.deployment;
  await Promise.all(files.map((csv, i) => connection.store.put(s3Uri(bucket, datasetPartKey(dataset, i, "csv")), csv)));
  input = s3Uri(bucket, datasetPrefix(dataset));
});

afterAll(async () => {
  const objects = await connection.store.list(s3Uri(connection.deployment.bucket, `data/${dataset}`));
  await connection.store.delete(objects.map((o) => o.uri));
  await connection.close();
});

describe("lambda executor on the emulator", () => {
  it("discovers the deployed stack from its CloudFormation outputs", () => {
    expect(connection.deployment.stackName).toBe("Sparkfn");
    expect(connection.deployment.bucket).toMatch(/^sparkfn-enginebucket/);
    expect(connection.deployment.executorFunction).toMatch(/^Sparkfn-EngineExecutor/);
  });

  it("runs filter → groupBy → sum as one task per object and matches an independent computation", async () => {
    const { rows, tasks } = await runGroupedSum(connection, {
      input,
      filter: { column: "amount", op: "gt", value: 1000 },
      groupBy: "category",
      sum: "amount",
    });
    const expected = referenceGroupSum(files, (a) => a > 1000);
    expect(tasks.length).toBe(files.length);
    expect(tasks.map((t) => t.partition)).toEqual(files.map((_, i) => i));
    expect(new Set(rows.map((r) => r.key))).toEqual(new Set(expected.keys()));
    for (const row of rows) {
      const want = expected.get(row.key!)!;
      expect(row.count).toBe(want.count);
      expect(Math.abs(row.sum - want.sum)).toBeLessThan(1e-6);
    }
    // Metrics come back from the executor: every row read once, one GET per object.
    expect(tasks.reduce((n, t) => n + t.metrics.recordsIn, 0)).toBe(3_000 * files.length);
    expect(tasks.every((t) => t.metrics.requests.get === 1 && t.metrics.bytesRead > 0)).toBe(true);
    expect(tasks.every((t) => t.metrics.peakMemoryBytes > 0)).toBe(true);
  });

  it("answers a malformed task payload sent through the Lambda API with a clear error", async () => {
    const client = lambdaClient({ maxConcurrency: 1, requestTimeoutMs: 60_000 });
    try {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: connection.deployment.executorFunction,
          Payload: new TextEncoder().encode(JSON.stringify({ version: 1, appId: "app-x", stageId: -1 })),
        }),
      );
      expect(response.FunctionError).toBeUndefined();
      const body = JSON.parse(new TextDecoder().decode(response.Payload));
      expect(body.status).toBe("error");
      expect(body.error.type).toBe("InvalidTask");
      expect(body.error.message).toMatch(/^invalid task payload: /);
      expect(body.error.message).toMatch(/stageId: /);
      expect(body.error.message).toMatch(/input: /);
    } finally {
      client.destroy();
    }
  });

  it("fails the job on bad input with the partition, the object and the line", async () => {
    const { bucket } = connection.deployment;
    const name = `${dataset}-bad`;
    const good = "id,category,amount\n1,a,5\n";
    const bad = "id,category,amount\n1,a,5\n2,b,12x\n";
    await connection.store.put(s3Uri(bucket, datasetPartKey(name, 0, "csv")), good);
    await connection.store.put(s3Uri(bucket, datasetPartKey(name, 1, "csv")), bad);
    try {
      const error = await runGroupedSum(connection, { input: s3Uri(bucket, datasetPrefix(name)), groupBy: "category", sum: "amount" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      const message = (error as Error).message;
      expect(message).toContain("Task 1 in stage 0 failed 1 time(s)");
      expect(message).toContain(`${s3Uri(bucket, datasetPartKey(name, 1, "csv"))}:3: column "amount" is not a number: "12x"`);
    } finally {
      await connection.store.delete([0, 1].map((i) => s3Uri(bucket, datasetPartKey(name, i, "csv"))));
    }
  });

  it("says how to fix a missing input and a missing stack", async () => {
    const missing = s3Uri(connection.deployment.bucket, "data/does-not-exist/");
    await expect(runGroupedSum(connection, { input: missing, groupBy: "a", sum: "b" })).rejects.toThrow(
      `No input found at ${missing}`,
    );
    const error = await discoverDeployment({ stackName: "NoSuchStack" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentNotFoundError);
    expect((error as Error).message).toMatch(/Cannot find the sparkfn stack "NoSuchStack".*npm run deploy:local/);
  });

  it("serves the same job from the sparkfn CLI, and exits non-zero with a message on failure", async () => {
    const run = promisify(execFile);
    const cli = [path.join(ROOT, "driver/bin/sparkfn.mjs")];
    const { stdout } = await run("node", [...cli, "group-sum", input, "--group-by", "category", "--sum", "amount", "--where", "amount > 1000"], { cwd: ROOT });
    const expected = referenceGroupSum(files, (a) => a > 1000);
    for (const [category, { sum, count }] of expected) {
      expect(stdout).toMatch(new RegExp(`\\|\\s*${category}\\|\\s*${sum.toFixed(2)}\\|\\s*${count}\\|`));
    }
    const failed = await run("node", [...cli, "group-sum", input, "--group-by", "category", "--sum", "amount", "--where", "amount ~ 3"], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/Cannot read the condition "amount ~ 3"/);
  });
});
