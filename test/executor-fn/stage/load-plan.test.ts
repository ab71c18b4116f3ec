import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStagePlan } from "../../../executor-fn/stage/load-plan.ts";
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
