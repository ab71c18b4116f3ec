import { beforeAll, describe, expect, it, vi } from "vitest";
import type { TaskResult } from "../../shared/task.ts";

let handler: (event: unknown) => Promise<TaskResult>;
beforeAll(async () => {
  // On Lambda the runtime always sets a region; the module creates its S3 client at load.
  vi.stubEnv("AWS_REGION", "us-east-1");
  ({ handler } = await import("../../executor-fn/handler.ts"));
});

const valid = {
  version: 1,
  appId: "app-1",
  stageId: 0,
  partition: 2,
  attempt: 1,
  input: { uri: "s3://bucket/data/x.csv", format: "csv", header: true },
  pipeline: { aggregate: { groupBy: "category", sum: "amount" } },
};

describe("executor handler: payload validation", () => {
  it.each([
    ["not an object", "hello", /\(payload\): .*expected object/],
    ["a missing field", { ...valid, input: undefined }, /input: /],
    ["a wrong version", { ...valid, version: 99 }, /version: /],
    ["an unsafe app id", { ...valid, appId: "../../etc" }, /appId: must be 1-128 characters/],
    ["an unknown operator", { ...valid, pipeline: { ...valid.pipeline, filter: { column: "a", op: "like", value: 1 } } }, /pipeline\.filter\.op/],
    ["an extra field", { ...valid, code: "process.exit(1)" }, /Unrecognized key.*code/],
  ])("answers %s with an InvalidTask error naming the field", async (_, event, message) => {
    const result = await handler(event);
    expect(result.status).toBe("error");
    if (result.status !== "error") return;
    expect(result.error.type).toBe("InvalidTask");
    expect(result.error.retryable).toBe(false);
    expect(result.error.message).toMatch(/^invalid task payload: /);
    expect(result.error.message).toMatch(message);
  });

  it("refuses input outside S3, keeping the task ids in the answer", async () => {
    const result = await handler({ ...valid, input: { ...valid.input, uri: "/etc/passwd" } });
    expect(result).toMatchObject({
      status: "error",
      partition: 2,
      attempt: 1,
      error: { type: "InvalidTask", message: expect.stringContaining("reads only from S3") },
    });
  });
});
