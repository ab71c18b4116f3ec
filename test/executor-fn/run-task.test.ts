import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTask } from "../../executor-fn/run-task.ts";
import { TaskError } from "../../executor-fn/task-error.ts";
import { LocalObjectStore } from "../../shared/storage/local-store.ts";
import type { TaskPayload } from "../../shared/task.ts";
import { transactionCsvFiles } from "../../examples/data/transactions.ts";
import { referenceGroupSum } from "../support/reference.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-task-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function task(uri: string, pipeline: Partial<TaskPayload["pipeline"]> = {}): TaskPayload {
  return {
    version: 1,
    appId: "app-test",
    stageId: 0,
    partition: 3,
    attempt: 0,
    input: { uri, format: "csv", header: true },
    pipeline: { aggregate: { groupBy: "category", sum: "amount" }, ...pipeline },
  };
}

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

describe("runTask (filter → partial groupBy/sum)", () => {
  it("matches an independent computation on generated transactions", async () => {
    const [csv] = transactionCsvFiles({ rowsPerFile: 5_000, files: 1, seed: 3 });
    const uri = await file("tx.csv", csv!);
    const result = await runTask(task(uri, { filter: { column: "amount", op: "gt", value: 1000 } }), new LocalObjectStore());
    const expected = referenceGroupSum([csv!], (a) => a > 1000);
    expect(result.groups.length).toBe(expected.size);
    for (const [key, sum, count] of result.groups) {
      const want = expected.get(key!)!;
      expect(count).toBe(want.count);
      expect(Math.abs(sum - want.sum)).toBeLessThan(1e-6);
    }
    expect(result.partition).toBe(3);
    expect(result.metrics.recordsIn).toBe(5_000);
    expect(result.metrics.recordsOut).toBe(expected.size);
    expect(result.metrics.bytesRead).toBe(Buffer.byteLength(csv!));
    expect(result.metrics.requests.get).toBe(1);
  });

  it("follows SQL null semantics: null amounts are not summed, null keys form a group", async () => {
    const uri = await file("nulls.csv", "id,category,amount\n1,a,5\n2,a,\n3,,7\n4,,\n5,b,2000\n");
    const all = await runTask(task(uri), new LocalObjectStore());
    expect(new Map(all.groups.map(([k, s, c]) => [k, [s, c]]))).toEqual(
      new Map<string | null, number[]>([
        ["a", [5, 1]],
        [null, [7, 1]],
        ["b", [2000, 1]],
      ]),
    );
    // A comparison with null is never true, so rows with a null amount are filtered out.
    const filtered = await runTask(task(uri, { filter: { column: "amount", op: "lt", value: 10 } }), new LocalObjectStore());
    expect(filtered.groups).toEqual([
      ["a", 5, 1],
      [null, 7, 1],
    ]);
  });

  it("compares strings when the literal is a string", async () => {
    const uri = await file("str.csv", "category,amount\nBooks,1\nToys,2\nBooks,3\n");
    const result = await runTask(task(uri, { filter: { column: "category", op: "eq", value: "Books" } }), new LocalObjectStore());
    expect(result.groups).toEqual([["Books", 4, 2]]);
  });

  it("returns no groups for a header-only file", async () => {
    const uri = await file("empty.csv", "id,category,amount\n");
    const result = await runTask(task(uri), new LocalObjectStore());
    expect(result.groups).toEqual([]);
    expect(result.metrics.recordsIn).toBe(0);
  });

  it.each([
    ["a non-numeric amount", "id,category,amount\n1,a,5\n2,a,lots\n", /bad\d+\.csv:3: column "amount" is not a number: "lots"/],
    ["a missing column", "id,kind,amount\n1,a,5\n", /column "category" not found in the header of .*: id, kind, amount/],
    ["a short row", "id,category,amount\n1,a\n", /bad\d+\.csv:2: expected 3 fields \(id, category, amount\) but found 2/],
    ["an unterminated quote", 'id,category,amount\n1,"a,5\n', /bad\d+\.csv:2: unterminated quoted field/],
  ])("reports %s as BadInput naming the file and line", async (_, text, message) => {
    const uri = await file(`bad${Math.floor(Math.random() * 1e9)}.csv`, text);
    const error = await runTask(task(uri), new LocalObjectStore()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).type).toBe("BadInput");
    expect((error as TaskError).message).toMatch(message);
  });

  it("reports a missing input object as InputNotFound", async () => {
    const error = await runTask(task(path.join(dir, "nope.csv")), new LocalObjectStore()).catch((e: unknown) => e);
    expect((error as TaskError).type).toBe("InputNotFound");
    expect((error as TaskError).message).toContain("nope.csv");
  });
});
