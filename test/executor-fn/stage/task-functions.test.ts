import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TaskFunctions } from "../../../executor-fn/stage/task-functions.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function storedModule(code: string, claimed?: string) {
  const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-module-"));
  dirs.push(dir);
  const uri = path.join(dir, "bundle.js");
  await writeFile(uri, code);
  return { $sparkfn: "module" as const, specifier: "demo", uri, sha256: claimed ?? createHash("sha256").update(code).digest("hex") };
}

const planWith = (handle: object) => ({ operators: [{ kind: "mapPartitions", fn: { source: "(x, { m }) => m.twice(x)", op: "rdd.map", site: null, captures: { m: handle } } }] });

describe("bundled packages on the executor", () => {
  it("runs a bundle checked against its hash and gives its exports to the function", async () => {
    const handle = await storedModule("exports.twice = (x) => x * 2;");
    const plan = planWith(handle);
    const functions = await TaskFunctions.forStage(plan, new LocalObjectStore(), "partition 0 of stage 0");
    expect(functions.get(plan.operators[0]!.fn as never)(21)).toBe(42);
  });

  it("refuses a bundle whose bytes do not match the hash the driver recorded", async () => {
    const handle = await storedModule("exports.twice = (x) => x * 3;", createHash("sha256").update("something else").digest("hex"));
    await expect(TaskFunctions.forStage(planWith(handle), new LocalObjectStore(), "partition 0 of stage 0")).rejects.toThrow(/bundle of "demo" .* does not match its hash/);
  });

  it("lets a bundle load Node's built-in modules only", async () => {
    const handle = await storedModule('const path = require("node:path"); exports.twice = (x) => path.join(String(x), String(x)); require("left-pad");');
    await expect(TaskFunctions.forStage(planWith(handle), new LocalObjectStore(), "partition 0 of stage 0")).rejects.toThrow(/requires "left-pad", which is not bundled/);
  });
});
