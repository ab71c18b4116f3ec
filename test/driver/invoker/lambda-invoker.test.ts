/**
 * The Lambda invoker cannot hang: a local server that accepts the connection and never answers
 * stands in for a dropped connection (AWS_ENDPOINT_URL_LAMBDA points the real SDK client at it).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { lambdaClient } from "../../../driver/aws/clients.ts";
import { chooseInvokeTimeoutMs, INVOKE_TIMEOUT_MARGIN_MS, LAMBDA_MAX_TIMEOUT_MS } from "../../../driver/aws/function-config.ts";
import { LambdaTaskInvoker } from "../../../driver/invoker/lambda-invoker.ts";
import type { StageTask, TaskResult } from "../../../shared/task.ts";
import { FAKE_CREDENTIALS, silentServer, type SilentServer } from "../../support/fake-aws.ts";

const task = { stageId: 3, partition: 7, attempt: 1 } as StageTask;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function hungLambda(): Promise<SilentServer> {
  const server = await silentServer();
  closers.push(server.close);
  for (const [k, v] of Object.entries(FAKE_CREDENTIALS)) vi.stubEnv(k, v);
  vi.stubEnv("AWS_ENDPOINT_URL_LAMBDA", server.url);
  return server;
}

const errorOf = (result: TaskResult) => (result.status === "error" ? result.error : undefined);

describe("LambdaTaskInvoker on a dropped connection", () => {
  it("fails the attempt within the invoke timeout, once (no hidden SDK retry), as a retryable error", async () => {
    const server = await hungLambda();
    const client = lambdaClient({ maxConcurrency: 2, requestTimeoutMs: 400 });
    const invoker = new LambdaTaskInvoker(client, "executor-fn", undefined, undefined, 400);
    closers.push(() => invoker.close());
    const began = performance.now();
    const result = await invoker.invoke(task);
    const elapsed = performance.now() - began;
    expect(result).toMatchObject({ status: "error", stageId: 3, partition: 7, attempt: 1 });
    expect(errorOf(result)).toMatchObject({ type: "Internal", retryable: true });
    expect(errorOf(result)?.message).toMatch(/^invoking executor-fn got no answer within 400 ms \(.*400 ms requestTimeout.*\); the connection may have dropped/);
    expect(errorOf(result)?.message).toMatch(/sparkfn\.lambda\.invokeTimeout/);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(3000);
    // One attempt: the scheduler, not the SDK, retries task attempts.
    expect(server.connections()).toBe(1);
  }, 15_000);

  it("abortAll() abandons a hung invocation at once, and every later one", async () => {
    const server = await hungLambda();
    const client = lambdaClient({ maxConcurrency: 2, requestTimeoutMs: 60_000 });
    const invoker = new LambdaTaskInvoker(client, "executor-fn", undefined, undefined, 60_000);
    closers.push(() => invoker.close());
    const pending = invoker.invoke(task);
    for (let i = 0; i < 200 && server.connections() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.connections()).toBe(1);
    const began = performance.now();
    invoker.abortAll("the SparkSession was stopped");
    const result = await pending;
    expect(performance.now() - began).toBeLessThan(500);
    expect(errorOf(result)).toEqual({ type: "Internal", message: "task attempt abandoned: the SparkSession was stopped", retryable: true });
    const later = await invoker.invoke({ ...task, partition: 8 });
    expect(errorOf(later)?.message).toBe("task attempt abandoned: the SparkSession was stopped");
    expect(server.connections()).toBe(1);
  }, 15_000);
});

describe("the invoke timeout", () => {
  it("exceeds the function's own timeout by the margin, or Lambda's maximum when it is unknown", () => {
    expect(chooseInvokeTimeoutMs("f", undefined, 300_000)).toBe(300_000 + INVOKE_TIMEOUT_MARGIN_MS);
    expect(chooseInvokeTimeoutMs("f", undefined, undefined)).toBe(LAMBDA_MAX_TIMEOUT_MS + INVOKE_TIMEOUT_MARGIN_MS);
    expect(chooseInvokeTimeoutMs("f", 400_000, 300_000)).toBe(400_000);
  });

  it("refuses a configured timeout the function could outlast, saying what to set", () => {
    expect(() => chooseInvokeTimeoutMs("sparkfn-executor", 60_000, 300_000)).toThrowError(
      "sparkfn.lambda.invokeTimeout is 60000 ms, but the executor function sparkfn-executor may run for 300000 ms: a task still running would be cut off and retried. " +
        "Set it above 300000 ms (e.g. 330000ms), or leave it unset to derive it from the function; to abandon slow tasks sooner, set sparkfn.task.timeout.",
    );
  });
});
