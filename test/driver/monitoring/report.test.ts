/**
 * `sparkfn report` end to end: a multi-stage job on local[2] (two aggregations joined, then
 * sorted) with one map task made to fail once, its event log rendered by the CLI, and the
 * page loaded in headless Chromium (Debian's package). What the page shows is checked against
 * counts taken here from the log's own lines, not from the renderer's helpers.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, SparkSession, sum } from "sparkfn";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.join(ROOT, "test/.artifacts");
const HOSTILE = `<script>document.title="pwned"</script>"><img src=x onerror="document.title='pwned'">`;

type Line = Record<string, unknown> & { event: string };
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function exec(file: string, args: string[], timeout = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, timeout, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Headless Chromium with a fresh profile; `extra` picks --dump-dom or --screenshot. */
async function chromium(url: string, extra: string[]): Promise<{ stdout: string; stderr: string }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: run apt-get install -y chromium (the report test renders the page in it).`);
  const profile = await mkdtemp(path.join(tmpdir(), "sparkfn-chromium-"));
  dirs.push(profile);
  const run = await exec(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`, "--enable-logging=stderr", "--v=0", ...extra, url]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** Every element of a tag and class in serialized HTML, as its attributes. */
function elements(html: string, tag: string, className: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const m of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, "g"))) {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    if ((attrs.class ?? "").split(/\s+/).includes(className)) found.push(attrs);
  }
  return found;
}

/** Chromium's log lines that tell of a page error: uncaught exceptions, console errors, blocked content. */
const pageErrors = (stderr: string) => stderr.split("\n").filter((l) => /Uncaught|CONSOLE|Refused to|Content Security Policy|ERR_FILE_NOT_FOUND|net::ERR/.test(l));

describe("sparkfn report in headless Chromium", () => {
  let log: Line[] = [];
  let html = "";
  let reportPath = "";

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-report-"));
    dirs.push(dir);
    const spark = await SparkSession.builder()
      .appName(HOSTILE)
      .master("local[2]")
      .config("spark.eventLog.enabled", true)
      .config("spark.eventLog.dir", dir)
      .config("spark.sql.autoBroadcastJoinThreshold", -1)
      // Map task 1 of stage 0 fails on its first attempt and succeeds on its retry.
      .config("sparkfn.test.faults", JSON.stringify([{ stage: 0, partition: 1, attempt: 0, kind: "throw" }]))
      .getOrCreate();
    try {
      const left = spark.range(0, 400, 1, 4).groupBy(col("id").mod(7).alias("k")).agg(sum("id").alias("<b>left</b>"));
      const right = spark.range(0, 300, 1, 3).groupBy(col("id").mod(7).alias("k")).agg(sum("id").alias("right"));
      const rows = await left.join(right, "k").orderBy(col("k")).collect();
      expect(rows.length).toBe(7);
    } finally {
      await spark.stop();
    }
    const logPath = path.join(dir, `${spark.appId}.jsonl`);
    log = (await readFile(logPath, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    reportPath = path.join(dir, "report.html");
    const cli = await exec(process.execPath, [path.join(ROOT, "driver/bin/sparkfn.mjs"), "report", logPath, "-o", reportPath]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`Report of ${log.length} events written to ${reportPath}`);
    html = await readFile(reportPath, "utf8");
  }, 120_000);

  it("has the retried attempt in its log (the fault worked)", () => {
    const ends = log.filter((e) => e.event === "TaskEnd");
    expect(ends.some((e) => e.stageId === 0 && e.partition === 1 && e.attempt === 0 && e.status === "failed" && e.willRetry === true)).toBe(true);
    expect(ends.some((e) => e.stageId === 0 && e.partition === 1 && e.attempt === 1 && e.status === "success")).toBe(true);
  });

  it("is one self-contained file: no external resource, one inline script, every log string escaped", () => {
    expect(html).not.toMatch(/\b(src|href)="(?!#)/); // only in-page anchors
    expect(html).not.toMatch(/@import|url\((?!#)/); // SVG markers refer to in-page ids only
    expect(html.match(/<script\b/g)?.length).toBe(1);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>left</b>");
    expect(html).toContain("&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;left&lt;/b&gt;");
  });

  it("renders the DAG, one bar per task attempt and no errors in Chromium, and saves a screenshot", async () => {
    const url = pathToFileURL(reportPath).href;
    const { stdout: dom, stderr } = await chromium(url, ["--dump-dom"]);
    expect(pageErrors(stderr)).toEqual([]);
    // The page's script ran (it marks the page ready) and recorded no error.
    expect(dom).toMatch(/<html[^>]*\bdata-report-ready="\d+"/);
    expect(dom).not.toMatch(/<html[^>]*\bdata-errors=/);
    expect(dom).toMatch(/<ul id="report-errors" hidden="">\s*<\/ul>/);
    expect(dom).toMatch(/<title>sparkfn report: &lt;script&gt;/); // the hostile name stayed text
    expect(dom).not.toContain("<img");

    const jobs = log.filter((e) => e.event === "JobStart");
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    for (const job of jobs) {
      // One DAG node per stage of the job: those it planned and those it submitted.
      const stageIds = new Set<number>([...(job.stageIds as number[]), ...log.filter((e) => e.event === "StageSubmitted" && e.jobId === job.jobId).map((e) => e.stageId as number)]);
      const dag = dom.match(new RegExp(`<svg class="dag" data-job="${String(job.jobId)}"[\\s\\S]*?</svg>`))?.[0] ?? "";
      const nodes = elements(dag, "g", "dag-node").map((n) => Number(n["data-stage"]));
      expect(nodes.sort((a, b) => a - b)).toEqual([...stageIds].sort((a, b) => a - b));
      // One edge per (parent, stage) that a StageSubmitted names.
      const edges = new Set(log.filter((e) => e.event === "StageSubmitted" && e.jobId === job.jobId).flatMap((e) => (e.parentStageIds as number[]).map((p) => `${p}->${String(e.stageId)}`)));
      const drawn = elements(dag, "path", "dag-edge").map((p) => `${p["data-from"]}->${p["data-to"]}`);
      expect(drawn.sort()).toEqual([...edges].sort());
    }
    // The join reads two stages: the DAG has a stage with two parents.
    expect(log.some((e) => e.event === "StageSubmitted" && (e.parentStageIds as number[]).length === 2)).toBe(true);

    // Exactly one timeline bar per task attempt (TaskEnd), with its stage, task, attempt and status.
    const ends = log.filter((e) => e.event === "TaskEnd").map((e) => `${String(e.stageId)}/${String(e.partition)}/${String(e.attempt)}/${String(e.status)}`);
    const bars = elements(dom, "rect", "attempt").map((r) => `${r["data-stage"]}/${r["data-task"]}/${r["data-attempt"]}/${r["data-status"]}`);
    expect(bars.length).toBe(ends.length);
    expect(bars.sort()).toEqual(ends.sort());
    expect(dom).toContain(`data-report-ready="${ends.length}"`);
    const failed = elements(dom, "rect", "attempt").filter((r) => r["data-status"] === "failed");
    expect(failed.map((r) => `${r["data-stage"]}/${r["data-task"]}/${r["data-attempt"]}`)).toEqual(["0/1/0"]);
    expect(failed[0]!["data-outcome"]).toBe("failed");

    // Totals: attempts and failures as the log counts them.
    expect(dom).toContain(`<dd data-total="Task attempts">${ends.length}</dd>`);
    expect(dom).toContain(`<dd data-total="Failed attempts">1</dd>`);
    // Two histograms per stage that ran.
    const ran = new Set(log.filter((e) => e.event === "StageSubmitted").map((e) => `${String(e.jobId)}/${String(e.stageId)}`));
    expect(elements(dom, "figure", "histogram").length).toBe(2 * ran.size);

    await mkdir(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, "report.png");
    await rm(shot, { force: true });
    const screenshot = await chromium(url, [`--screenshot=${shot}`, "--window-size=1400,1000", "--hide-scrollbars"]);
    expect(pageErrors(screenshot.stderr)).toEqual([]);
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    expect((await readFile(shot)).subarray(1, 4).toString()).toBe("PNG");
  }, 120_000);
});
