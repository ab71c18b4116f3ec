/**
 * A job whose closure uses an undeclared variable fails at the call that receives it, when
 * `sparkfn submit` runs the script: no task is launched, and the message names the
 * variable and the script line.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("sparkfn submit with a bad closure", () => {
  it("fails before any task runs, naming the variable and its line", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-closure-"));
    dirs.push(dir);
    const script = path.join(ROOT, "examples", `.closure-${path.basename(dir)}.ts`);
    const lines = [
      'import { SparkSession } from "sparkfn";',
      "const spark = await SparkSession.builder().appName(\"bad-closure\").getOrCreate();",
      "const rate: number = 1.2;",
      "try {",
      "  const prices = spark.sparkContext.parallelize([10, 20, 30], 2);",
      "  const taxed = prices.map((p: number) => {",
      "    const net = p * 2;",
      "    return net * rate;",
      "  });",
      "  console.log(await taxed.collect());",
      "} finally {",
      "  await spark.stop();",
      "}",
    ];
    await writeFile(script, lines.join("\n"));
    try {
      const child = spawn("node", [path.join(ROOT, "driver/bin/sparkfn.mjs"), "submit", script, "--master", "local[2]", "--conf", `spark.eventLog.dir=${dir}`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).not.toBe(0);
      const name = path.basename(script);
      const useLine = lines.findIndex((l) => l.includes("net * rate")) + 1;
      expect(stderr).toContain(`uses "rate" (${name}:${useLine})`);
      expect(stderr).toContain("rdd.map");
      expect(stderr).not.toMatch(/\n\s+at .*node_modules/);
      // The event log shows the application, and no task.
      const [log] = await readdir(dir);
      const events = (await readFile(path.join(dir, log!), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { event: string });
      expect(events.map((e) => e.event)).toContain("ApplicationStart");
      expect(events.filter((e) => e.event === "TaskStart" || e.event === "JobStart")).toEqual([]);
    } finally {
      await rm(script, { force: true });
    }
  });
});
