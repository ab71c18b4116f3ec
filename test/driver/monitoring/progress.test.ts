/**
 * Console progress (spark.ui.showConsoleProgress) and the cost line at the end of each job:
 * the listener on a real local[2] job, then `sparkfn submit` without a terminal (plain lines,
 * CI logs) and on a pseudo-terminal (cli-progress bars), both on local[2].
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { col, SparkSession, sum } from "sparkfn";
import type { SparkfnEvent } from "../../../driver/monitoring/events.ts";
import { ConsoleProgress, setConsoleProgressDefault, showConsoleProgress } from "../../../driver/monitoring/progress.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-progress-"));
  dirs.push(dir);
  return dir;
};

/** A cost as formatCost prints it (an independent re-statement of its `usd`). */
const usd = (n: number) => `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;
const ESC = "\u001b[";

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, COLUMNS: "160" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("showConsoleProgress", () => {
  const conf = (value?: string) => ({ get: (key: string) => (key === "spark.ui.showConsoleProgress" ? value : undefined) });
  it("is on with a TTY on stderr or under sparkfn submit, off otherwise, unless set", () => {
    try {
      setConsoleProgressDefault(false);
      expect(showConsoleProgress(conf(), { isTTY: true })).toBe(true);
      expect(showConsoleProgress(conf(), { isTTY: false })).toBe(false);
      expect(showConsoleProgress(conf(), {})).toBe(false);
      expect(showConsoleProgress(conf("true"), { isTTY: false })).toBe(true);
      expect(showConsoleProgress(conf("false"), { isTTY: true })).toBe(false);
      setConsoleProgressDefault(true);
      expect(showConsoleProgress(conf(), { isTTY: false })).toBe(true);
      expect(showConsoleProgress(conf("false"), { isTTY: false })).toBe(false);
    } finally {
      setConsoleProgressDefault(false);
    }
  });
});

describe("console progress and the cost line", () => {
  it("prints one line per stage submitted and completed, and each job's cost, when stderr is not a TTY", async () => {
    let out = "";
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const events: SparkfnEvent[] = [];
    const spark = await SparkSession.builder().master("local[2]").getOrCreate();
    try {
      spark.addListener(new ConsoleProgress({ stream, tty: false }));
      spark.addListener({ onEvent: (e) => events.push(e) });
      await spark.range(0, 200, 1, 4).groupBy(col("id").mod(5).alias("k")).agg(sum("id").alias("s")).collect();
    } finally {
      await spark.stop();
    }
    const lines = out.trimEnd().split("\n");
    expect(out).not.toContain("\u001b");
    const submitted = events.filter((e) => e.event === "StageSubmitted");
    const completed = events.filter((e) => e.event === "StageCompleted");
    expect(submitted.length).toBeGreaterThanOrEqual(2);
    for (const s of submitted) {
      const name = `stage ${s.stageId}${s.pass === "run" ? "" : ` ${s.pass}`} (job ${s.jobId})`;
      expect(lines).toContain(`sparkfn: ${name} submitted: ${s.numTasks} task${s.numTasks === 1 ? "" : "s"}`);
      const succeeded = events.filter((e) => e.event === "TaskEnd" && e.stageId === s.stageId && e.status === "success").length;
      expect(lines.some((l) => l.startsWith(`sparkfn: ${name} completed in `) && l.endsWith(`: ${succeeded}/${s.numTasks} task${s.numTasks === 1 ? "" : "s"} succeeded`))).toBe(true);
    }
    expect(lines.filter((l) => / completed in /.test(l)).length).toBe(completed.length);
    // The job's cost, as its JobEnd event carries it, on one line after the stages.
    const jobEnd = events.find((e) => e.event === "JobEnd");
    const cost = jobEnd?.event === "JobEnd" ? jobEnd.cost : undefined;
    expect(cost).toBeDefined();
    const costLines = lines.filter((l) => l.includes("Estimated cost"));
    expect(costLines.length).toBe(1);
    const invocations = events.filter((e) => e.event === "TaskEnd").length;
    expect(costLines[0]).toMatch(/^sparkfn: job 0 succeeded\. Estimated cost of the same run on AWS \(Lambda \+ S3, us-east-1 list prices\): /);
    expect(costLines[0]).toContain(`${usd(cost!.totalUsd)} — `);
    expect(costLines[0]).toContain(`${cost!.gbSeconds.toFixed(2)} GB-s and ${invocations} invocation(s)`);
    expect(lines.at(-1)).toBe(costLines[0]);
  });

  it("on a terminal, keeps other writes to the stream whole above the bars, and gives the stream back after the job", () => {
    const chunks: string[] = [];
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk.toString());
          done();
        },
      }),
      { isTTY: true, columns: 120 },
    );
    const ownWrite = stream.write;
    const progress = new ConsoleProgress({ stream });
    const t = Date.now();
    const base = { v: 1 as const, time: t, jobId: 0 };
    progress.onEvent({ ...base, event: "JobStart", stageIds: [0], description: "collect" });
    progress.onEvent({ ...base, event: "StageSubmitted", stageId: 0, pass: "run", numTasks: 2, parentStageIds: [], plan: "Range" });
    progress.onEvent({ ...base, event: "TaskStart", stageId: 0, partition: 0, attempt: 0, speculative: false });
    expect(stream.write).not.toBe(ownWrite); // hooked while the bar is up
    stream.write("a warning from elsewhere, ");
    stream.write("in two writes\n");
    progress.onEvent({ ...base, event: "TaskEnd", stageId: 0, partition: 0, attempt: 0, speculative: false, status: "failed", durationMs: 5, willRetry: true });
    progress.onEvent({ ...base, time: t + 1500, event: "StageCompleted", stageId: 0, pass: "run", result: "succeeded" });
    const cost = { invocations: 1, gbSeconds: 0.01, s3Puts: 0, s3Gets: 0, totalUsd: 0.0000002, memoryMiB: 2048, onAws: false };
    progress.onEvent({ ...base, time: t + 1501, event: "JobEnd", result: "succeeded", cost });
    expect(stream.write).toBe(ownWrite);
    const out = chunks.join("");
    expect(out).toContain("Stage 0 (job 0) [");
    expect(out).toContain("\u001b[?25l"); // cursor hidden while the bar is drawn
    expect(out.split("a warning from elsewhere, in two writes\n").length).toBe(2); // once, whole
    expect(out).toContain("sparkfn: stage 0 (job 0) completed in 1.50s: 0/2 tasks succeeded, 1 failed attempt\n");
    // A pass stopped by design (a combine pass the reducers did not wait for) says so, and how many tasks it did not need.
    const plain: string[] = [];
    const lines = new ConsoleProgress({ stream: new Writable({ write: (chunk: Buffer, _enc, done) => (plain.push(chunk.toString()), done()) }) });
    lines.onEvent({ ...base, event: "StageSubmitted", stageId: 0, pass: "combine", numTasks: 12, parentStageIds: [], plan: "Range" });
    for (let partition = 0; partition < 11; partition++) lines.onEvent({ ...base, event: "TaskEnd", stageId: 0, partition, attempt: 0, speculative: false, status: "success", durationMs: 5, willRetry: false });
    lines.onEvent({ ...base, time: t + 250, event: "StageCompleted", stageId: 0, pass: "combine", result: "stopped", unfinished: 1 });
    expect(plain.join("")).toContain("sparkfn: stage 0 combine (job 0) stopped early in 0.25s: 11/12 tasks succeeded, 1 not needed\n");
    expect(out.endsWith("sparkfn: job 0 succeeded. Estimated cost of the same run on AWS (Lambda + S3, us-east-1 list prices): $0.000000 — 0.01 GB-s and 1 invocation(s) ($0.000000), 0 PUT/LIST and 0 GET/HEAD ($0.000000)\n")).toBe(true);
  });

  it("sparkfn submit without a terminal: plain stage lines and the cost line on stderr", async () => {
    const dir = await tempDir();
    const { code, stdout, stderr } = await run("node", ["driver/bin/sparkfn.mjs", "submit", "examples/seed-filter-groupby-sum.ts", "--master", "local[2]", "--conf", `spark.eventLog.dir=${dir}`]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('"category":"Books"');
    expect(stdout).not.toContain("sparkfn: stage");
    expect(stderr).not.toContain(ESC);
    expect(stderr).toMatch(/^sparkfn: stage 0 \(job 0\) submitted: \d+ tasks?$/m);
    expect(stderr).toMatch(/^sparkfn: stage 0 \(job 0\) completed in \d+\.\d\ds: (\d+)\/\1 tasks? succeeded$/m);
    expect(stderr).toMatch(/^sparkfn: stage 2 \(job 0\) completed in /m);
    expect(stderr).toMatch(/^sparkfn: job 0 succeeded\. Estimated cost of the same run on AWS \(Lambda \+ S3, us-east-1 list prices\): \$\d+\.\d+ — [\d.]+ GB-s and \d+ invocation\(s\)/m);
    // Each stage is submitted before it completes, and the cost comes after the last stage.
    expect(stderr.indexOf("stage 0 (job 0) submitted")).toBeLessThan(stderr.indexOf("stage 0 (job 0) completed"));
    expect(stderr.lastIndexOf(" completed in ")).toBeLessThan(stderr.indexOf("Estimated cost"));
  });

  it("sparkfn submit on a pseudo-terminal draws cli-progress bars, then the same completion and cost lines", async () => {
    if (!existsSync("/usr/bin/script")) throw new Error("This test needs util-linux `script` (/usr/bin/script) to run the CLI on a pseudo-terminal: apt-get install -y bsdutils");
    const dir = await tempDir();
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = ["node", "driver/bin/sparkfn.mjs", "submit", "examples/seed-filter-groupby-sum.ts", "--master", "local[2]", "--conf", `spark.eventLog.dir=${dir}`].map(quote).join(" ");
    const { code, stdout } = await run("script", ["-qefc", command, "/dev/null"]);
    expect(code, stdout).toBe(0);
    // On a terminal, stdout and stderr share the pty: the bars are drawn with cursor codes.
    expect(stdout).toContain(`${ESC}1G`); // cursor to column 1 (cli-progress redraws its lines in place)
    expect(stdout).toContain(`${ESC}?25l`); // cursor hidden while bars are drawn...
    expect(stdout).toContain(`${ESC}?25h`); // ...and shown again afterwards
    expect(stdout).toMatch(/Stage 0 \(job 0\) \[[█░]{30}\] \d+\/\d+ tasks/);
    expect(stdout).not.toMatch(/sparkfn: stage \d+ \(job \d+\) submitted/);
    expect(stdout).toMatch(/sparkfn: stage 0 \(job 0\) completed in \d+\.\d\ds/);
    expect(stdout).toMatch(/sparkfn: job 0 succeeded\. Estimated cost of the same run on AWS/);
    expect(stdout).toContain('"category":"Books"');
  });
});
