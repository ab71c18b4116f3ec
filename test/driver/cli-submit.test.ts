/**
 * `sparkfn submit` stops every session its script left open, so no scratch folder outlives
 * the run: when the script throws, when it ends without stop(), and when work it did not
 * await is still running as its top level ends (stopped only once that work is done).
 * (Ctrl-C is covered by cancellation.test.ts.)
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIR = path.join(ROOT, "test/.artifacts");
const scripts: string[] = [];

/** Runs `lines` as a job script with sparkfn submit on local[1]; its exit code and output. */
async function submit(lines: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  await mkdir(DIR, { recursive: true });
  const script = path.join(DIR, `submit-${randomUUID().slice(0, 8)}.ts`);
  scripts.push(script);
  await writeFile(script, ['import { SparkSession } from "sparkfn";', ...lines].join("\n"));
  const args = [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", script, "--master", "local[1]", "--conf", "spark.eventLog.enabled=false", "--conf", "spark.ui.showConsoleProgress=false"];
  try {
    const { stdout, stderr } = await promisify(execFile)("node", args, { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The scratch folders a script printed, one JSON line `{"scratch": ...}` each. */
const scratchOf = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith('{"scratch"'))
    .map((line) => (JSON.parse(line) as { scratch: string }).scratch);

afterAll(async () => {
  await Promise.all(scripts.map((s) => rm(s, { force: true })));
});

describe("sparkfn submit", () => {
  it("stops every session when the script throws, and exits 1 with the script's error", async () => {
    const run = await submit([
      // Two getOrCreate() calls racing create two sessions.
      "const sessions = await Promise.all([SparkSession.builder().getOrCreate(), SparkSession.builder().getOrCreate()]);",
      "for (const s of sessions) console.log(JSON.stringify({ scratch: s.scratchUri }));",
      "await sessions[0].range(0, 10, 1, 1).count();",
      'throw new Error("the job script failed");',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("sparkfn: the job script failed");
    const scratch = scratchOf(run.stdout);
    expect(new Set(scratch).size).toBe(2);
    for (const folder of scratch) expect(existsSync(folder)).toBe(false);
  });

  it("stops the session of a script that ends without stop()", async () => {
    const run = await submit([
      "const spark = await SparkSession.builder().getOrCreate();",
      "console.log(JSON.stringify({ scratch: spark.scratchUri }));",
      "console.log(`count=${await spark.range(0, 10, 1, 1).count()}`);",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("count=10");
    const [scratch] = scratchOf(run.stdout);
    expect(existsSync(scratch!)).toBe(false);
  });

  it("lets work the script did not await finish, then stops its session", async () => {
    const run = await submit([
      "async function main() {",
      "  await new Promise((r) => setTimeout(r, 200));",
      "  const spark = await SparkSession.builder().getOrCreate();",
      "  console.log(JSON.stringify({ scratch: spark.scratchUri }));",
      "  console.log(`count=${await spark.range(0, 10, 1, 1).count()}`);",
      "}",
      "void main();",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("count=10");
    const [scratch] = scratchOf(run.stdout);
    expect(existsSync(scratch!)).toBe(false);
  });
});
