import { describe, expect, it } from "vitest";
import { checkRequestSize, checkResponseSize, LAMBDA_PAYLOAD_MAX_BYTES, PayloadTooLargeError } from "../../shared/payload-limits.ts";
import { taskFailureError } from "../../shared/errors.ts";
import { emptyTaskMetrics, type StageTask, type TaskSuccess } from "../../shared/task.ts";
import { packMapIndex } from "../../shared/shuffle-index.ts";

const task: StageTask = {
  version: 2,
  appId: "app-1",
  stageId: 3,
  partition: 0,
  attempt: 0,
  stage: { uri: "s3://bucket/apps/app-1/jobs/0/stages/stage-3.json", sha256: "a".repeat(64) },
  input: { kind: "files", files: [{ uri: "s3://bucket/data/x.csv", size: 10 }] },
  scratch: "s3://bucket/apps/app-1/",
  resultInlineMaxBytes: 1 << 20,
};

const metrics: TaskSuccess["metrics"] = { ...emptyTaskMetrics(), durationMs: 1 };
const success = (output: TaskSuccess["output"], accumulators?: TaskSuccess["accumulators"]): TaskSuccess => ({
  status: "ok",
  version: 2,
  stageId: 3,
  partition: 0,
  attempt: 0,
  output,
  ...(accumulators ? { accumulators } : {}),
  metrics,
});

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** `n` broadcast blocks of map outputs, as a join over many map tasks and partitions makes. */
const broadcastBlocks = (n: number) => Array.from({ length: n }, (_, i) => ({ uri: `s3://bucket/apps/app-1/shuffle/1/map-${i}-0.bin`, offset: i * 100, length: 100, rows: 3 }));

function thrown(fn: () => unknown): PayloadTooLargeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    return error as PayloadTooLargeError;
  }
  throw new Error("expected a PayloadTooLargeError");
}

describe("the whole request is checked against Lambda's 6 MB", () => {
  it("is Lambda's documented limit", () => {
    expect(LAMBDA_PAYLOAD_MAX_BYTES).toBe(6 * 1024 * 1024);
  });

  it("passes a request at the limit and returns its bytes", () => {
    const bytes = new Uint8Array(LAMBDA_PAYLOAD_MAX_BYTES);
    expect(checkRequestSize(bytes, task)).toBe(bytes);
  });

  it("refuses a request whose broadcast block lists pass the limit, naming them and how to fix it", () => {
    const big: StageTask = { ...task, broadcast: [{ shuffleId: 1, blocks: broadcastBlocks(80_000) }] };
    const payload = new TextEncoder().encode(JSON.stringify(big));
    expect(payload.byteLength).toBeGreaterThan(LAMBDA_PAYLOAD_MAX_BYTES);
    const error = thrown(() => checkRequestSize(payload, big));
    expect(error.bytes).toBe(payload.byteLength);
    expect(error.part.name).toBe("the block lists of broadcast join sides (80000 blocks)");
    expect(error.part.bytes).toBe(bytesOf(big.broadcast));
    expect(error.message).toMatch(/^the task's request is \d+\.\d MiB \(\d+ bytes\), more than the 6291456 bytes a Lambda request holds; the largest part is the block lists of broadcast join sides/);
    expect(error.message).toMatch(/spark\.sql\.autoBroadcastJoinThreshold/);
    // A user error: the same job would send the same bytes again.
    expect(taskFailureError(error)).toMatchObject({ category: "user", retryable: false });
  });

  it("names the input when it is the large part", () => {
    const files = Array.from({ length: 150_000 }, (_, i) => ({ uri: `s3://bucket/data/part-${String(i).padStart(6, "0")}.csv`, size: 1000 }));
    const big: StageTask = { ...task, input: { kind: "files", files }, broadcast: [{ shuffleId: 1, blocks: broadcastBlocks(100) }] };
    const payload = new TextEncoder().encode(JSON.stringify(big));
    expect(payload.byteLength).toBeGreaterThan(LAMBDA_PAYLOAD_MAX_BYTES);
    const error = thrown(() => checkRequestSize(payload, big));
    expect(error.part.name).toBe("the task input (150000 files)");
    expect(error.message).toMatch(/sparkfn\.task\.inlinePayloadMaxBytes/);
  });
});

describe("the whole response is checked against Lambda's 6 MB", () => {
  it("returns the size of a response that fits", () => {
    const result = success({ kind: "shuffle", uri: "s3://bucket/s.bin", partitions: 1, index: packMapIndex([10], [1]) });
    expect(checkResponseSize(result)).toBe(bytesOf(result));
  });

  it("refuses a written-file list that passes the limit (a high-cardinality partitionBy), naming it and the fix", () => {
    const files = Array.from({ length: 50_000 }, (_, i) => ({
      uri: `s3://bucket/out/_temporary/0/_temporary/attempt-3-0/country=c${i}/part-00000-3-0.parquet`,
      size: 1234,
      rows: 10,
      partitionPath: `country=c${i}/`,
    }));
    const result = success({ kind: "written", files });
    expect(bytesOf(result)).toBeGreaterThan(LAMBDA_PAYLOAD_MAX_BYTES);
    const error = thrown(() => checkResponseSize(result));
    expect(error.direction).toBe("response");
    expect(error.bytes).toBe(bytesOf(result));
    expect(error.part.name).toBe("the list of files the task wrote (50000 files)");
    expect(error.message).toMatch(/a Lambda response holds; the largest part is the list of files the task wrote \(50000 files\)/);
    expect(error.message).toMatch(/partition by columns with fewer distinct values, or repartition\(\) the data by the partitionBy columns/);
    expect(taskFailureError(error)).toMatchObject({ type: "BadInput", category: "user", retryable: false });
  });

  it("names the accumulator whose additions pass the limit", () => {
    const values = Array.from({ length: 300_000 }, (_, i) => `element-${i}-${"x".repeat(8)}`);
    const result = success({ kind: "rows", rows: [], bytes: 2 }, [
      { id: 0, kind: "number", value: 5 },
      { id: 7, kind: "list", values },
    ]);
    const error = thrown(() => checkResponseSize(result));
    expect(error.part.name).toBe("the additions to accumulator 7 (300000 values)");
    expect(error.message).toMatch(/a count or a sum rather than the elements/);
  });

  it("names the shuffle block list when there are too many reduce partitions", () => {
    // 8 bytes a partition (its bytes and rows, packed): 600,000 partitions pass 6 MB once in base64.
    const partitions = 600_000;
    const index = packMapIndex(new Array<number>(partitions).fill(999_999), new Array<number>(partitions).fill(12_345));
    const error = thrown(() => checkResponseSize(success({ kind: "shuffle", uri: "s3://bucket/s.bin", partitions, index })));
    expect(error.part.name).toBe("the shuffle block list (600000 reduce partitions)");
    expect(error.message).toMatch(/spark\.sql\.shuffle\.partitions/);
  });
});
