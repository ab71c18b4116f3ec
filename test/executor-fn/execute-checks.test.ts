import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../executor-fn/execute.ts";
import { LocalObjectStore } from "../../shared/storage/local-store.ts";
import type { StageTask, TaskResult } from "../../shared/task.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-execute-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let plans = 0;
/** A task of a stage that reads a range and ends in `sink`, its plan stored under `dir`. */
async function rangeTask(sink: unknown, input: StageTask["input"], operators: unknown[] = []): Promise<StageTask> {
  const json = JSON.stringify({ version: 1, stageId: 0, source: { kind: "range" }, operators, sink });
  const uri = path.join(dir, `stage-${plans++}.json`);
  await writeFile(uri, json);
  return {
    version: 2,
    appId: "app-x",
    stageId: 0,
    partition: 0,
    attempt: 0,
    stage: { uri, sha256: createHash("sha256").update(json).digest("hex") },
    input,
    scratch: `${dir}/scratch/`,
    resultInlineMaxBytes: 1 << 30,
  };
}

const run = (task: StageTask, responseMaxBytes?: number): Promise<TaskResult> =>
  execute(task, { store: () => new LocalObjectStore(), allowFaults: false, ...(responseMaxBytes !== undefined ? { responseMaxBytes } : {}) });

describe("executor: range input checks", () => {
  it.each([
    ["a step of 0", { start: 0, end: 10, step: 0 }, /\(start 0, end 10, step 0\): step cannot be 0/],
    ["a fractional step", { start: 0, end: 2, step: 0.5 }, /step must be a whole number/],
    ["a fractional start", { start: 0.5, end: 3, step: 1 }, /start must be a whole number/],
  ])("answers %s as bad input, never retried", async (_, range, message) => {
    const result = await run(await rangeTask({ kind: "result" }, { kind: "range", ...range }));
    expect(result.status).toBe("error");
    if (result.status !== "error") return;
    expect(result.error).toMatchObject({ type: "BadInput", category: "badInput", retryable: false });
    expect(result.error.message).toMatch(message);
  });

  it("still counts a valid range, up and down", async () => {
    const up = await run(await rangeTask({ kind: "result" }, { kind: "range", start: 0, end: 5, step: 2 }));
    const down = await run(await rangeTask({ kind: "result" }, { kind: "range", start: 5, end: 0, step: -2 }));
    expect(up.status === "ok" && up.output).toMatchObject({ kind: "rows", rows: [[0], [2], [4]] });
    expect(down.status === "ok" && down.output).toMatchObject({ kind: "rows", rows: [[5], [3], [1]] });
  });
});

describe("executor: the whole answer must fit the response limit", () => {
  it("stores result rows that would pass the limit, and answers with their location", async () => {
    const task = await rangeTask({ kind: "result" }, { kind: "range", start: 0, end: 2000, step: 1 });
    const result = await run(task, 4000);
    expect(result.status).toBe("ok");
    if (result.status !== "ok" || result.output.kind !== "storedRows") throw new Error(`expected stored rows, got ${JSON.stringify(result).slice(0, 200)}`);
    const expected = Array.from({ length: 2000 }, (_, i) => [i]);
    expect(result.output.rows).toBe(2000);
    expect(result.output.bytes).toBe(Buffer.byteLength(JSON.stringify(expected)));
    expect(JSON.parse(await readFile(result.output.uri, "utf8"))).toEqual(expected);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(4000);
  });

  it("keeps rows inline when the answer fits", async () => {
    const result = await run(await rangeTask({ kind: "result" }, { kind: "range", start: 0, end: 3, step: 1 }), 4000);
    expect(result.status === "ok" && result.output).toMatchObject({ kind: "rows", rows: [[0], [1], [2]] });
  });

  it("fails a write whose file list would pass the limit with a user error naming partitionBy, never retried", async () => {
    // id % 200 as the partition column: 200 folders, so 200 files from one task.
    const mod = { kind: "binary", op: "mod", left: { kind: "column", name: "id" }, right: { kind: "literal", value: 200, type: "long" } };
    const operators = [{ kind: "project", exprs: [{ kind: "column", name: "id" }, { kind: "alias", expr: mod, name: "k" }] }];
    const sink = { kind: "write", format: "json", dir: `${dir}/out/_temporary/0/`, header: false, partitionBy: ["k"] };
    const result = await run(await rangeTask(sink, { kind: "range", start: 0, end: 1000, step: 1 }, operators), 8000);
    expect(result.status).toBe("error");
    if (result.status !== "error") return;
    expect(result.error).toMatchObject({ type: "BadInput", category: "user", retryable: false });
    expect(result.error.message).toMatch(/^the task's response is .* more than the 8000 bytes a Lambda response holds; the largest part is the list of files the task wrote \(200 files\)/);
    expect(result.error.message).toMatch(/fewer distinct values/);
  });

  it("fails a shuffle with too many reduce partitions for the answer, naming the block list", async () => {
    // The packed index takes 8 bytes a partition (10.7 characters in base64): 1,000 pass 8,000.
    const sink = { kind: "shuffle", shuffleId: 0, partitioning: { kind: "roundRobin", numPartitions: 1000 } };
    const result = await run(await rangeTask(sink, { kind: "range", start: 0, end: 1000, step: 1 }), 8000);
    expect(result.status === "error" && result.error).toMatchObject({ category: "user", retryable: false, message: expect.stringContaining("the shuffle block list (1000 reduce partitions)") });
  });

  it("has no limit where none is set (local worker threads)", async () => {
    const sink = { kind: "shuffle", shuffleId: 0, partitioning: { kind: "roundRobin", numPartitions: 500 } };
    const result = await run(await rangeTask(sink, { kind: "range", start: 0, end: 1000, step: 1 }));
    expect(result.status === "ok" && result.output.kind).toBe("shuffle");
  });
});
