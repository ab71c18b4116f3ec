import { beforeAll, describe, expect, it, vi } from "vitest";
import type { TaskResult } from "../../shared/task.ts";

let handler: (event: unknown) => Promise<TaskResult>;
beforeAll(async () => {
  // On Lambda the runtime always sets a region; the module creates its S3 client at load.
  vi.stubEnv("AWS_REGION", "us-east-1");
  ({ handler } = await import("../../executor-fn/handler.ts"));
});

const valid = {
  version: 2,
  appId: "app-1",
  stageId: 0,
  partition: 2,
  attempt: 1,
  stage: { uri: "s3://bucket/apps/app-1/jobs/0/stages/stage-0.json", sha256: "a".repeat(64) },
  input: { kind: "files", files: [{ uri: "s3://bucket/data/x.csv", size: 10 }] },
  scratch: "s3://bucket/apps/app-1/",
  resultInlineMaxBytes: 1048576,
};

describe("executor handler: payload validation", () => {
  it.each([
    ["not an object", "hello", /\(payload\): .*expected object/],
    ["a missing field", { ...valid, input: undefined }, /input: /],
    ["a wrong version", { ...valid, version: 99 }, /version: /],
    ["an unsafe app id", { ...valid, appId: "../../etc" }, /appId: must be 1-128 characters/],
    ["a stage reference without a proper hash", { ...valid, stage: { uri: "s3://b/k", sha256: "xyz" } }, /stage\.sha256: must be a hex SHA-256/],
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

  it("refuses an injected fault unless SPARKFN_ALLOW_FAULT_INJECTION=1 is set on the function", async () => {
    const result = await handler({ ...valid, fault: "throw" });
    expect(result).toMatchObject({ status: "error", error: { type: "InvalidTask", retryable: false, message: expect.stringContaining("fault injection is disabled") } });
  });

  it.each([
    ["a local file", "file:///tmp/stage-0.json"],
    ["a plain path", "/tmp/stage-0.json"],
  ])("refuses a stage plan outside S3 (%s) as an invalid task, never retried", async (_, uri) => {
    const result = await handler({ ...valid, stage: { uri, sha256: "a".repeat(64) } });
    expect(result).toMatchObject({
      status: "error",
      partition: 2,
      error: { type: "InvalidTask", category: "badInput", retryable: false, message: `stage plan ${JSON.stringify(uri)} is not an s3:// URI; a Lambda executor reads and writes only S3` },
    });
  });

  it("refuses input outside S3, keeping the task ids in the answer", async () => {
    const result = await handler({ ...valid, input: { kind: "files", files: [{ uri: "/etc/passwd", size: 1 }] } });
    expect(result).toMatchObject({
      status: "error",
      partition: 2,
      attempt: 1,
      error: { type: "InvalidTask", message: expect.stringContaining("reads and writes only S3") },
    });
  });
});
