import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStagePlan, loadStoredInput } from "../../../executor-fn/stage/load-plan.ts";
import { TaskError } from "../../../executor-fn/task-error.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sparkfn-plan-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const plan = (condition: unknown) => ({
  version: 1,
  stageId: 0,
  source: { kind: "range" },
  operators: [{ kind: "filter", condition }],
  sink: { kind: "result" },
});
const gt = { kind: "binary", op: "gt", left: { kind: "column", name: "id" }, right: { kind: "literal", value: 1, type: "int" } };

async function stored(name: string, value: unknown): Promise<{ uri: string; sha256: string }> {
  const json = JSON.stringify(value);
  const uri = path.join(dir, name);
  await writeFile(uri, json);
  return { uri, sha256: createHash("sha256").update(json).digest("hex") };
}

describe("loading a stage plan by reference", () => {
  it("loads and validates a plan whose hash matches", async () => {
    const ref = await stored("ok.json", plan(gt));
    expect((await loadStagePlan(ref, new LocalObjectStore())).operators[0]).toEqual({ kind: "filter", condition: gt });
  });

  it("refuses a plan whose bytes do not match the hash", async () => {
    const ref = await stored("tampered.json", plan({ ...gt, right: { kind: "literal", value: 2, type: "int" } }));
    await writeFile(ref.uri, JSON.stringify(plan({ ...gt, op: "lt" })));
    const error = await loadStagePlan(ref, new LocalObjectStore()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).message).toMatch(/does not match its hash/);
  });

  it.each([
    ["an unknown operator", { ...gt, op: "like" }],
    ["an expression kind outside the plan language", { kind: "eval", code: "process.exit(1)" }],
  ])("refuses a plan with %s, naming the field", async (name, condition) => {
    const ref = await stored(`bad-${name.length}.json`, plan(condition));
    const error = await loadStagePlan(ref, new LocalObjectStore()).catch((e: unknown) => e);
    expect((error as TaskError).type).toBe("InvalidTask");
    expect((error as TaskError).message).toMatch(/is invalid: operators\.0\.condition/);
  });
});

describe("loadStoredInput", () => {
  const store = new LocalObjectStore();
  const input = { kind: "shuffle", blocks: [{ uri: "s3://b/apps/a/shuffle/0/x.blocks", offset: 0, length: 10, rows: 2 }] };

  it("returns the stored input when its hash matches", async () => {
    const ref = await stored("input-ok.json", input);
    expect(await loadStoredInput({ kind: "stored", ...ref }, store)).toEqual(input);
  });

  it("refuses a changed, invalid, nested or missing input with InvalidTask", async () => {
    const ref = await stored("input-changed.json", input);
    await writeFile(ref.uri, JSON.stringify({ ...input, blocks: [] }));
    const mismatch = loadStoredInput({ kind: "stored", ...ref }, store);
    await expect(mismatch).rejects.toBeInstanceOf(TaskError);
    await expect(mismatch).rejects.toThrow(/does not match its hash/);
    const invalid = await stored("input-invalid.json", { kind: "shuffle", blocks: "no" });
    await expect(loadStoredInput({ kind: "stored", ...invalid }, store)).rejects.toThrow(/is invalid: blocks/);
    const nested = await stored("input-nested.json", { kind: "stored", ...invalid });
    await expect(loadStoredInput({ kind: "stored", ...nested }, store)).rejects.toThrow(/refers to another stored input/);
    await expect(loadStoredInput({ kind: "stored", uri: path.join(dir, "missing.json"), sha256: "0".repeat(64) }, store)).rejects.toThrow(/does not exist/);
  });
});
