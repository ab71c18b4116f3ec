/**
 * The report's sections: the application header, totals, the job list, and per job its stage
 * DAG and, per stage, the task timeline and the duration and input size histograms.
 */
import { formatCost } from "../cost-estimate.ts";
import { renderDag } from "./dag.ts";
import { bytes, count, esc, ms, OUTCOME_COLORS, OUTCOME_LABELS, type Outcome } from "./format.ts";
import { renderHistogram } from "./histogram.ts";
import type { JobView, ReportModel, StageView } from "./model.ts";
import { renderTimeline } from "./timeline.ts";

const when = (t: number) => new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
const jobDuration = (job: JobView) => (job.end !== undefined ? ms(job.end - job.start) : "still running when the log ends");
const attemptsOf = (job: JobView) => job.stages.flatMap((s) => s.attempts);

export function header(model: ReportModel, invalidLines: number): string {
  const { app } = model;
  return (
    `<header><h1>${esc(app.appName)}</h1>` +
    `<p class="meta">${esc(app.appId)} · master ${esc(app.master)} · sparkfn ${esc(app.version)} · started ${esc(when(app.start))} · ` +
    `${app.end !== undefined ? `ran ${esc(ms(app.end - app.start))}` : "no ApplicationEnd in the log (still running, or the driver stopped abruptly)"}</p>` +
    (invalidLines ? `<p class="error">${invalidLines} line(s) of the log are not valid events and were left out.</p>` : "") +
    `</header>`
  );
}

export function totals(model: ReportModel): string {
  const t = model.totals;
  const rows: [string, string][] = [
    ["Jobs", count(model.jobs.length)],
    ["Stages", count(model.jobs.reduce((n, j) => n + j.stages.length, 0))],
    ["Tasks", count(t.tasks)],
    ["Task attempts", count(t.attempts)],
    ["Failed attempts", count(t.failedAttempts)],
    ["Duration", ms(t.durationMs)],
    ["Records read", count(t.recordsIn)],
    ["Records written", count(t.recordsOut)],
    ["Shuffle written", bytes(t.shuffleBytesWritten)],
    ["Shuffle read", bytes(t.shuffleBytesRead)],
    ["Estimated cost", `$${t.cost.totalUsd.toFixed(6)}`],
  ];
  return (
    `<section id="totals"><h2>Totals</h2><dl class="totals">` +
    rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd data-total="${esc(k)}">${esc(v)}</dd></div>`).join("") +
    `</dl><p class="cost">${esc(formatCost(t.cost, t.onAws))} (at ${t.memoryMiB} MiB per executor)</p></section>`
  );
}

export function jobList(model: ReportModel): string {
  const head = ["Job", "Description", "Result", "Stages", "Tasks", "Attempts", "Failed", "Duration", "Cost"];
  const rows = model.jobs.map((job) => {
    const attempts = attemptsOf(job);
    const tasks = new Set(attempts.map((a) => `${a.stageId}/${a.partition}`)).size;
    return (
      `<tr class="job-row" data-job="${job.jobId}"><td><a href="#job-${job.jobId}">${job.jobId}</a></td><td>${esc(job.description)}</td>` +
      `<td class="result-${esc(job.result)}">${esc(job.result)}</td><td class="n">${job.stages.length}</td><td class="n">${tasks}</td>` +
      `<td class="n">${attempts.length}</td><td class="n">${attempts.filter((a) => a.status === "failed").length}</td>` +
      `<td class="n">${esc(jobDuration(job))}</td><td class="n">${job.cost ? `$${job.cost.totalUsd.toFixed(6)}` : "–"}</td></tr>`
    );
  });
  return `<section id="jobs"><h2>Jobs</h2><table class="jobs"><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr>${rows.join("")}</table></section>`;
}

function legend(): string {
  const items = (Object.keys(OUTCOME_COLORS) as Outcome[]).map(
    (o) => `<span><svg width="14" height="10"><rect width="14" height="10" fill="${OUTCOME_COLORS[o]}"/></svg>${esc(OUTCOME_LABELS[o])}</span>`,
  );
  items.push(`<span><svg width="14" height="10"><rect width="14" height="10" fill="#b0bec5"/><path d="M0,0 l5,0 l-5,5 z" fill="#263238"/></svg>cold start</span>`);
  return `<div class="legend">${items.join("")}</div>`;
}

function stageSection(job: JobView, stage: StageView): string {
  // Sampling attempts only read keys: leave them out of the skew histograms.
  const successes = stage.attempts.filter((a) => a.status === "success" && a.pass !== "sample");
  const failed = stage.attempts.filter((a) => a.status === "failed").length;
  const cold = stage.attempts.filter((a) => a.coldStart).length;
  const took = stage.submitted !== undefined && stage.completed !== undefined ? ms(stage.completed - stage.submitted) : "–";
  const facts = [
    `${stage.result}`,
    `${stage.numTasks} task(s), ${stage.attempts.length} attempt(s), ${failed} failed, ${cold} cold start(s)`,
    `ran ${took}`,
    stage.parentStageIds.length ? `reads stage(s) ${stage.parentStageIds.join(", ")}` : "",
    stage.passes.some((p) => p !== "run") ? `passes: ${stage.passes.join(", ")}` : "",
  ].filter(Boolean);
  return (
    `<section class="stage" id="job-${job.jobId}-stage-${stage.stageId}" data-stage="${stage.stageId}"><h3>Stage ${stage.stageId}</h3>` +
    `<p class="meta">${esc(facts.join(" · "))}</p>` +
    (stage.error ? `<p class="error">${esc(stage.error)}</p>` : "") +
    (stage.plan ? `<details><summary>Plan</summary><pre>${esc(stage.plan)}</pre></details>` : "") +
    renderTimeline(job.jobId, stage) +
    `<div class="hists">` +
    renderHistogram("Task duration (successful attempts)", successes.map((a) => a.event.durationMs), ms, { stage: stage.stageId, kind: "duration" }) +
    renderHistogram("Task input size (files + shuffle read)", successes.map((a) => a.inputBytes), bytes, { stage: stage.stageId, kind: "input" }) +
    `</div></section>`
  );
}

export function jobSection(job: JobView): string {
  return (
    `<section class="job" id="job-${job.jobId}" data-job="${job.jobId}"><h2>Job ${job.jobId}: ${esc(job.description)}</h2>` +
    `<p class="meta"><span class="result-${esc(job.result)}">${esc(job.result)}</span> · started ${esc(when(job.start))} · ${esc(jobDuration(job))}` +
    `${job.cost ? ` · estimated $${job.cost.totalUsd.toFixed(6)} (${job.cost.invocations} invocations, ${job.cost.gbSeconds.toFixed(2)} GB-s)` : ""}</p>` +
    (job.error ? `<pre class="error">${esc(job.error)}</pre>` : "") +
    `<h3>Stage DAG</h3>${renderDag(job)}` +
    `<h3>Task timelines</h3>${legend()}` +
    job.stages.map((s) => stageSection(job, s)).join("") +
    `</section>`
  );
}
