/**
 * Batch jobs end to end on the emulator: job messages on the deployed queue run the
 * registered job in the driver function (which fans tasks out to the executor function),
 * commit its output and record the run; a redelivered message does not run the job again;
 * a malformed message lands in the dead-letter queue while a valid one in the same batch runs.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverDeployment, type Deployment } from "sparkfn";
import { awsClientConfig } from "../../shared/aws/client-config.ts";
import { readManifest } from "../../shared/storage/manifest.ts";
import { S3ObjectStore } from "../../shared/storage/s3-store.ts";
import { jobStatus } from "../../driver/batch/jobs-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const store = new S3ObjectStore();
const sqs = new SQSClient(awsClientConfig("SQS"));
let deployment: Deployment;
let base: string;

const rows = Array.from({ length: 400 }, (_, i) => ({ category: ["Books", "Toys", "Home"][i % 3]!, amount: (i * 37) % 2000 }));
const expected = new Map<string, number>();
for (const r of rows) if (r.amount > 100) expected.set(r.category, (expected.get(r.category) ?? 0) + r.amount);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const finished = (runId: string) =>
  waitFor(`run ${runId}`, async () => {
    const status = await jobStatus(runId);
    return status && status.status !== "running" ? status : undefined;
  });

async function readOutput(dir: string): Promise<Map<string, number>> {
  const manifest = (await readManifest(store, dir))!;
  const totals = new Map<string, number>();
  for (const file of manifest.files) {
    const lines = new TextDecoder().decode(await store.get(`${dir}${file.name}`)).trim().split("\n").slice(1);
    for (const line of lines) {
      const [category, total] = line.split(",");
      totals.set(category!, Number(total));
    }
  }
  return totals;
}

const message = (runId: string, output: string) => JSON.stringify({ job: "daily-sales", runId, args: { input: `${base}input/`, output, minAmount: 100 } });

beforeAll(async () => {
  deployment = await discoverDeployment();
  base = `s3://${deployment.bucket}/data/it-batch-${randomUUID().slice(0, 8)}/`;
  await store.put(`${base}input/part-0.csv`, ["category,amount", ...rows.map((r) => `${r.category},${r.amount}`)].join("\n") + "\n");
});

afterAll(async () => {
  const objects = await store.list(base);
  if (objects.length) await store.delete(objects.map((o) => o.uri));
  sqs.destroy();
});

describe("batch jobs from SQS", () => {
  it("runs a job sent with sparkfn jobs send, commits its output, and records the run", async () => {
    const output = `${base}out-cli/`;
    const { stdout } = await promisify(execFile)("node", [path.join(ROOT, "driver/bin/sparkfn.mjs"), "jobs", "send", "daily-sales", "--args", JSON.stringify({ input: `${base}input/`, output, minAmount: 100 })], { cwd: ROOT });
    const { runId } = JSON.parse(stdout.trim().split("\n").at(-1)!) as { runId: string };
    const status = await finished(runId);
    expect(status).toMatchObject({ status: "succeeded", job: "daily-sales", attempts: 1, result: { output } });
    expect(await readOutput(output)).toEqual(expected);
    const { stdout: shown } = await promisify(execFile)("node", [path.join(ROOT, "driver/bin/sparkfn.mjs"), "jobs", "status", runId], { cwd: ROOT });
    expect(JSON.parse(shown)).toMatchObject({ runId, status: "succeeded" });
  });

  it("does not run a job twice when its message is delivered again", async () => {
    const runId = `dup-${randomUUID().slice(0, 8)}`;
    const output = `${base}out-dup/`;
    await sqs.send(new SendMessageCommand({ QueueUrl: deployment.jobQueueUrl!, MessageBody: message(runId, output) }));
    const first = await finished(runId);
    const firstCommit = (await readManifest(store, output))!.jobToken;
    await sqs.send(new SendMessageCommand({ QueueUrl: deployment.jobQueueUrl!, MessageBody: message(runId, output) }));
    // Wait until the queue has handed out and deleted every message.
    await waitFor("an empty job queue", async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: deployment.jobQueueUrl!, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) === 0 ? true : undefined;
    });
    expect(await jobStatus(runId)).toEqual(first);
    expect((await readManifest(store, output))!.jobToken).toBe(firstCommit);
  });

  it("moves a malformed message to the dead-letter queue while a valid one of the same batch runs", async () => {
    const runId = `ok-${randomUUID().slice(0, 8)}`;
    const output = `${base}out-batch/`;
    const poison = `{"job": "daily-sales", "args": "not an object ${randomUUID()}"}`;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: deployment.jobQueueUrl!,
        Entries: [
          { Id: "poison", MessageBody: poison },
          { Id: "valid", MessageBody: message(runId, output) },
        ],
      }),
    );
    expect(await finished(runId)).toMatchObject({ status: "succeeded" });
    expect(await readOutput(output)).toEqual(expected);
    const dead = await waitFor("the poison message in the dead-letter queue", async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deployment.deadLetterQueueUrl!, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], WaitTimeSeconds: 1 }));
      return out.Messages?.find((m) => m.Body === poison);
    });
    expect(dead.MessageAttributes?.sparkfnError?.StringValue).toMatch(/^args: /);
  });
});
