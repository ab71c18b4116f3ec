import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TooManyRequestsException, type LambdaClient } from "@aws-sdk/client-lambda";
import { LambdaTaskInvoker } from "../../../driver/invoker/lambda-invoker.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";
import { LAMBDA_PAYLOAD_MAX_BYTES } from "../../../shared/payload-limits.ts";
import type { StageTask, TaskResult } from "../../../shared/task.ts";

/** A Lambda client that records each payload and answers with a failure the test can tell apart. */
class RecordingClient {
  readonly payloads: Uint8Array[] = [];
  async send(command: { input: { Payload?: Uint8Array } }): Promise<{ Payload: Uint8Array }> {
    this.payloads.push(command.input.Payload!);
    const answer: TaskResult = { status: "error", version: 2, error: { type: "Internal", message: "sent", retryable: true } };
    return { Payload: new TextEncoder().encode(JSON.stringify(answer)) };
  }
  destroy(): void {}
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-invoke-size-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const task = (): StageTask => ({
  version: 2,
  appId: "app-1",
  stageId: 4,
  partition: 1,
  attempt: 0,
  stage: { uri: "s3://bucket/apps/app-1/jobs/0/stages/stage-4.json", sha256: "a".repeat(64) },
  input: { kind: "files", files: [{ uri: "s3://bucket/data/x.csv", size: 10 }] },
  scratch: `${dir}/scratch/`,
  resultInlineMaxBytes: 1 << 20,
});
const blocks = (n: number) => Array.from({ length: n }, (_, i) => ({ uri: `s3://bucket/apps/app-1/shuffle/1/map-${i}-0.bin`, offset: 0, length: 100, rows: 3 }));

describe("the Lambda invoker checks the whole request before it invokes", () => {
  it("fails a request whose broadcast block lists pass 6 MB without invoking, as a user error that is never retried", async () => {
    const client = new RecordingClient();
    const invoker = new LambdaTaskInvoker(client as unknown as LambdaClient, "executor", new LocalObjectStore());
    const result = await invoker.invoke({ ...task(), broadcast: [{ shuffleId: 1, blocks: blocks(80_000) }] });
    expect(client.payloads).toHaveLength(0);
    expect(result).toMatchObject({ status: "error", stageId: 4, partition: 1, attempt: 0, error: { category: "user", retryable: false } });
    expect(result.status === "error" && result.error.message).toMatch(/the largest part is the block lists of broadcast join sides \(80000 blocks\)/);
  });

  it("still sends a large input through the store, and invokes with a request under the limit", async () => {
    const client = new RecordingClient();
    const invoker = new LambdaTaskInvoker(client as unknown as LambdaClient, "executor", new LocalObjectStore(), 1000);
    const big: StageTask = { ...task(), input: { kind: "shuffle", blocks: blocks(20_000) } };
    const result = await invoker.invoke(big);
    expect(result.status === "error" && result.error.message).toBe("sent");
    expect(client.payloads).toHaveLength(1);
    const sent = JSON.parse(new TextDecoder().decode(client.payloads[0]!)) as StageTask;
    expect(sent.input.kind).toBe("stored");
    if (sent.input.kind !== "stored") return;
    expect(JSON.parse(await readFile(sent.input.uri, "utf8"))).toEqual(big.input);
    expect(client.payloads[0]!.byteLength).toBeLessThan(LAMBDA_PAYLOAD_MAX_BYTES);
  });

  it("fails a request that is still too large once its input is stored, naming what is left", async () => {
    const client = new RecordingClient();
    const invoker = new LambdaTaskInvoker(client as unknown as LambdaClient, "executor", new LocalObjectStore(), 1000);
    const result = await invoker.invoke({ ...task(), input: { kind: "shuffle", blocks: blocks(100) }, broadcast: [{ shuffleId: 2, blocks: blocks(80_000) }] });
    expect(client.payloads).toHaveLength(0);
    expect(result.status === "error" && result.error).toMatchObject({ type: "BadInput", category: "user", retryable: false, message: expect.stringContaining("broadcast join sides (80000 blocks)") });
  });
});

describe("the Lambda invoker tells throttling by type", () => {
  it("answers Throttled for the SDK's TooManyRequestsException, and Internal for an error that only bears its name", async () => {
    const throwing = (error: Error) => ({ send: async () => Promise.reject(error), destroy() {} }) as unknown as LambdaClient;
    const throttled = new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} });
    const impostor = Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
    const typed = await new LambdaTaskInvoker(throwing(throttled), "executor").invoke(task());
    const named = await new LambdaTaskInvoker(throwing(impostor), "executor").invoke(task());
    expect(typed.status === "error" && [typed.error.type, typed.error.retryable]).toEqual(["Throttled", true]);
    expect(named.status === "error" && named.error.type).toBe("Internal");
  });
});
