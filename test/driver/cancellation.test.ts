/**
 * Cancellation on local[2]: spark.stop() during a job, and Ctrl-C in `sparkfn submit`.
 * A "slow" fault (8 s) keeps one task running while the test stops the session.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { col, SparkSession, sum } from "sparkfn";

const ROOT = path.resolve(import.meta.dirname, "../..");
const slowFirstTask = JSON.stringify([{ stage: 0, partition: 0, attempt: 0, kind: "slow" }]);
const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

describe("cancellation", () => {
  it("spark.stop() during a job launches no more tasks, fails the job and deletes the scratch data", async () => {
    const spark = await SparkSession.builder().master("local[2]").config("sparkfn.test.faults", slowFirstTask).getOrCreate();
    const scratch = spark.scratchUri;
    // 40 map tasks on 2 workers; task 0 sleeps 8 s, the other lane works through the rest.
    const job = spark.range(0, 4000, 1, 40).groupBy(col("id").mod(3).alias("k")).agg(sum("id").alias("s")).collect();
    const outcome = job.then(
      () => "finished",
      (error: unknown) => error,
    );
    await until(() => spark.tasksLaunched >= 3, "three task launches");
    await spark.stop();
    const error = await outcome;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("JobCancelledError");
    expect((error as Error).message).toMatch(/^Job cancelled because the SparkSession was stopped/);
    // Far fewer than the 40 map tasks and the reducers were launched; the scratch folder is gone.
    expect(spark.tasksLaunched).toBeLessThan(40);
    expect(existsSync(scratch)).toBe(false);
  });

  it("Ctrl-C in sparkfn submit stops the session, cleans up and exits 130", async () => {
    const dir = path.join(ROOT, "test/.artifacts");
    await mkdir(dir, { recursive: true });
    const script = path.join(dir, `cancel-${randomUUID().slice(0, 8)}.ts`);
    await writeFile(
      script,
      [
        'import { SparkSession, col, sum } from "sparkfn";',
        "const spark = await SparkSession.builder().getOrCreate();",
        "console.log(JSON.stringify({ scratch: spark.scratchUri }));",
        'await spark.range(0, 4000, 1, 40).groupBy(col("id").mod(3).alias("k")).agg(sum("id").alias("s")).collect();',
        'console.log("finished");',
      ].join("\n"),
    );
    try {
      const child = spawn("node", [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", script, "--master", "local[2]", "--conf", `sparkfn.test.faults=${slowFirstTask}`], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await until(() => stdout.includes("scratch"), "the job to start");
      await new Promise((r) => setTimeout(r, 500));
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      const { scratch } = JSON.parse(stdout.split("\n")[0]!) as { scratch: string };
      expect(stdout).not.toContain("finished");
      expect(stderr).toContain("sparkfn: interrupted; stopping the session");
      expect(stderr).toContain("Job cancelled because the SparkSession was stopped");
      expect(existsSync(scratch)).toBe(false);
    } finally {
      await rm(script, { force: true });
    }
  });
});
