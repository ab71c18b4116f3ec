/**
 * `sparkfn report`: one self-contained HTML file from an event log (Spark's history server
 * page, without a server). The charts are hand-written SVG and the page carries its own CSS
 * and a few lines of script: no dependency to install, nothing fetched when the file is
 * opened (offline, or from an email attachment), and a file of about 300 bytes per task
 * attempt (3 MB for a 10,000-task stage). Every string from the log is escaped (./format.ts `esc`).
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { SparkfnEvent } from "../events.ts";
import { page } from "./html.ts";
import { loadEventLog } from "./load.ts";
import { buildModel } from "./model.ts";
import { header, jobList, jobSection, totals } from "./sections.ts";

export { loadEventLog, parseEventLog } from "./load.ts";
export { buildModel } from "./model.ts";

export function renderReport(events: readonly SparkfnEvent[], invalidLines = 0): string {
  const model = buildModel(events);
  const body = [header(model, invalidLines), totals(model), jobList(model), ...model.jobs.map(jobSection)].join("\n");
  return page(`sparkfn report: ${model.app.appName} (${model.app.appId})`, body);
}

/** Reads the log at `logUri` (a path, file:// or s3:// URI) and writes the report to `outPath`. */
export async function writeReport(logUri: string, outPath: string): Promise<{ path: string; events: number; invalidLines: number }> {
  const log = await loadEventLog(logUri);
  const html = renderReport(log.events, log.invalid.length);
  const out = path.resolve(outPath);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, html);
  return { path: out, events: log.events.length, invalidLines: log.invalid.length };
}
