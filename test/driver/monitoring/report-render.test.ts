/**
 * The report renderer on a hand-written event log: every outcome an attempt can have
 * (success, failed, abandoned as "killed", fetch failure, throttled, a speculative winner),
 * cold starts, escaping of strings from the log, and lines that are not valid events.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEventLog, parseEventLog, renderReport } from "../../../driver/monitoring/report/index.ts";
import { main } from "../../../driver/cli.ts";
import { emptyTaskMetrics } from "../../../shared/task.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const metrics = (coldStart: boolean, bytesRead: number) => ({
  ...emptyTaskMetrics(),
  durationMs: 10,
  coldStart,
  recordsIn: 5,
  recordsOut: 5,
  bytesRead,
  requests: { get: 1, put: 1, list: 0, head: 0, delete: 0 },
  shuffle: { bytesWritten: 100, recordsWritten: 5, bytesRead: 0, recordsRead: 0 },
  peakMemoryBytes: 1000,
});
const v = 1;
const t = 1_700_000_000_000;
const end = (partition: number, attempt: number, status: string, extra: Record<string, unknown> = {}) => ({
  v, time: t + 500 + partition * 10 + attempt, event: "TaskEnd", jobId: 0, stageId: 0, partition, attempt, speculative: false, status, durationMs: 100, willRetry: false, ...extra,
});
const EVIL = `</title><script>alert(1)</script>`;
const events = [
  { v, time: t, event: "ApplicationStart", appId: "app-1", appName: "demo & <friends>", master: "local[2]", sparkfnVersion: "0.1.0" },
  { v, time: t + 1, event: "JobStart", jobId: 0, stageIds: [0, 1, 2], description: `collect ${EVIL}` },
  { v, time: t + 2, event: "StageSubmitted", jobId: 0, stageId: 0, pass: "run", numTasks: 5, parentStageIds: [], plan: `Scan "${EVIL}"` },
  end(0, 0, "success", { metrics: metrics(true, 1000) }),
  end(1, 0, "failed", { willRetry: true, errorType: "Internal", error: `boom ${EVIL}` }),
  end(1, 1, "success", { metrics: metrics(false, 2000) }),
  end(2, 0, "abandoned"),
  end(2, 1, "success", { speculative: true, metrics: metrics(false, 3000) }),
  end(3, 0, "throttled", { errorType: "Throttled", error: "429" }),
  end(3, 1, "success", { metrics: metrics(true, 4000) }),
  end(4, 0, "fetchFailed", { errorType: "FetchFailed", error: "gone" }),
  end(4, 1, "success", { metrics: metrics(false, 5000) }),
  { v, time: t + 600, event: "StageCompleted", jobId: 0, stageId: 0, pass: "run", result: "succeeded" },
  { v, time: t + 601, event: "StageSubmitted", jobId: 0, stageId: 1, pass: "run", numTasks: 1, parentStageIds: [0], plan: "Exchange" },
  { v, time: t + 700, event: "StageCompleted", jobId: 0, stageId: 1, pass: "run", result: "failed", error: `stage error ${EVIL}` },
  { v, time: t + 701, event: "JobEnd", jobId: 0, result: "failed", error: `job error ${EVIL}` },
  { v, time: t + 702, event: "ApplicationEnd", appId: "app-1" },
];

describe("the report renderer", () => {
  const html = renderReport(parseEventLog(events.map((e) => JSON.stringify(e)).join("\n")).events);
  const attrsOf = (tag: string) => [...html.matchAll(new RegExp(`<${tag} class="attempt"([^>]*)>`, "g"))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));

  it("draws every attempt with its outcome, speculative winners and cold starts told apart", () => {
    const bars = attrsOf("rect");
    expect(bars.map((b) => `${b["data-task"]}/${b["data-attempt"]}/${b["data-status"]}/${b["data-outcome"]}`)).toEqual([
      "0/0/success/success",
      "1/0/failed/failed",
      "1/1/success/success",
      "2/0/abandoned/killed",
      "2/1/success/speculative",
      "3/0/throttled/throttled",
      "3/1/success/success",
      "4/0/fetchFailed/fetchFailed",
      "4/1/success/success",
    ]);
    expect(bars.filter((b) => b["data-cold-start"] === "true").map((b) => b["data-task"])).toEqual(["0", "3"]);
    expect(html.match(/class="cold-start-mark"/g)?.length).toBe(2);
  });

  it("shows planned stages that never ran, and an edge per parent", () => {
    expect([...html.matchAll(/<g class="dag-node" data-stage="(\d+)" data-result="(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(["0:succeeded", "1:failed", "2:skipped"]);
    expect([...html.matchAll(/class="dag-edge" data-from="(\d+)" data-to="(\d+)"/g)].map((m) => `${m[1]}->${m[2]}`)).toEqual(["0->1"]);
  });

  it("histograms only successful attempts, and totals count attempts and failures", () => {
    // Five successful attempts in stage 0, with inputs 1000..5000 bytes.
    const figure = (kind: string) => html.match(new RegExp(`<figure class="histogram" data-stage="0" data-kind="${kind}">[\\s\\S]*?</figure>`))?.[0] ?? "";
    expect(figure("input")).toContain(`<p class="stats">5 tasks · min 1000 B · median 2.9 KiB · max 4.9 KiB · max/median 1.7×</p>`);
    expect(figure("duration")).toContain(`<p class="stats">5 tasks · min 100 ms · median 100 ms · max 100 ms · max/median 1.0×</p>`);
    // 12 bins whose counts add up to the five successes.
    const counts = [...figure("input").matchAll(/class="bin" data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts.length).toBe(12);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(html).toContain(`<dd data-total="Task attempts">9</dd>`);
    expect(html).toContain(`<dd data-total="Failed attempts">1</dd>`);
    expect(html).toContain(`<dd data-total="Tasks">5</dd>`);
  });

  it("draws a stage of many tasks by lanes (as many as ran at once), still one bar per attempt", () => {
    // 400 tasks, 4 at a time, each 10 ms: lanes 0-3.
    const many = Array.from({ length: 400 }, (_, i) => ({ ...end(i, 0, "success", { metrics: metrics(false, 10) }), time: t + 100 + Math.floor(i / 4) * 10 + 10, durationMs: 10 }));
    const log = [events[0], events[1], { ...events[2], numTasks: 400 }, ...many, events[12], events.at(-2), events.at(-1)];
    const page = renderReport(parseEventLog(log.map((e) => JSON.stringify(e)).join("\n")).events);
    const stage0 = page.match(/<svg class="timeline" data-job="0" data-stage="0"[^>]*>[\s\S]*?<\/svg>/)?.[0] ?? "";
    expect(stage0).toContain('data-rows="lanes"');
    expect(stage0.match(/<rect class="attempt"/g)?.length).toBe(400);
    expect([...stage0.matchAll(/>lane (\d+)</g)].map((m) => m[1])).toEqual(["0", "1", "2", "3"]);
  });

  it("shows a pass stopped by design as such, in a stage that succeeded", () => {
    // Stage 0's maps, then its combine pass, stopped with one of three combiners unfinished.
    const log = [
      events[0],
      events[1],
      events[2],
      events[12],
      { v, time: t + 610, event: "StageSubmitted", jobId: 0, stageId: 0, pass: "combine", numTasks: 3, parentStageIds: [], plan: "Combine" },
      { v, time: t + 650, event: "StageCompleted", jobId: 0, stageId: 0, pass: "combine", result: "stopped", unfinished: 1 },
      events.at(-1),
    ];
    const page = renderReport(parseEventLog(log.map((e) => JSON.stringify(e)).join("\n")).events);
    expect(page).toMatch(/<g class="dag-node" data-stage="0" data-result="succeeded"/);
    expect(page).toContain("+combine pass (stopped early)");
    expect(page).toContain("passes: run, combine (stopped early, 1 task not needed)");
  });

  it("escapes every string from the log", () => {
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html.match(/<script>/g)?.length).toBe(1);
    expect(html).toContain("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("demo &amp; &lt;friends&gt;");
  });

  it("counts lines that are not valid events, and refuses a log with none", () => {
    const parsed = parseEventLog([JSON.stringify(events[0]), "{not json", JSON.stringify({ v: 99, event: "JobStart" }), ""].join("\n"));
    expect(parsed.events.length).toBe(1);
    expect(parsed.invalid.map((i) => i.line)).toEqual([2, 3]);
    expect(() => parseEventLog("garbage\n")).toThrow(/No valid sparkfn events in the log \(first problem, line 1: not JSON/);
  });

  it("sparkfn report writes <log name>.html by default and says so; a missing log is an error", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sparkfn-report-cli-"));
    dirs.push(dir);
    const log = path.join(dir, "app-1.jsonl");
    await writeFile(log, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    expect((await loadEventLog(`file://${log}`)).events.length).toBe(events.length);
    const cwd = process.cwd();
    const out: string[] = [];
    const log0 = console.log;
    const err0 = console.error;
    console.log = (m: string) => out.push(m);
    console.error = (m: string) => out.push(m);
    try {
      process.chdir(dir);
      expect(await main(["node", "sparkfn", "report", log])).toBe(0);
      expect(await main(["node", "sparkfn", "report", path.join(dir, "missing.jsonl")])).toBe(1);
    } finally {
      process.chdir(cwd);
      console.log = log0;
      console.error = err0;
    }
    expect(out[0]).toBe(`Report of ${events.length} events written to ${path.join(dir, "app-1.html")}`);
    expect(out[1]).toBe(`sparkfn: No event log at ${path.join(dir, "missing.jsonl")}.`);
    expect(await readFile(path.join(dir, "app-1.html"), "utf8")).toBe(renderReport(parseEventLog(await readFile(log, "utf8")).events));
  });
});
