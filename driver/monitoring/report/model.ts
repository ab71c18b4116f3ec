/**
 * The report's view of an application, built from its events alone: jobs, their stages (one
 * per stage id, all passes merged: sampling, run, recomputation) and every task attempt.
 */
import { estimateCost, type CostEstimate } from "../cost-estimate.ts";
import type { SparkfnEvent, StagePass } from "../events.ts";
import type { Outcome } from "./format.ts";

type TaskEnd = Extract<SparkfnEvent, { event: "TaskEnd" }>;
type JobEnd = Extract<SparkfnEvent, { event: "JobEnd" }>;

export interface AttemptView {
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
  readonly speculative: boolean;
  /** The stage pass it ran in: "sample" attempts only sample keys for a range partitioner. */
  readonly pass: StagePass;
  readonly status: TaskEnd["status"];
  readonly outcome: Outcome;
  /** Epoch ms: the TaskStart's time, else the end less the duration. */
  readonly start: number;
  readonly end: number;
  readonly coldStart: boolean;
  /** Bytes read from files and from the shuffle. */
  readonly inputBytes: number;
  /** The TaskEnd event itself (errors, metrics). */
  readonly event: TaskEnd;
}

export interface StageView {
  readonly stageId: number;
  parentStageIds: number[];
  plan: string;
  numTasks: number;
  passes: string[];
  /** First submission and last completion (epoch ms). */
  submitted: number | undefined;
  completed: number | undefined;
  result: "succeeded" | "failed" | "running" | "skipped";
  error: string | undefined;
  readonly attempts: AttemptView[];
}

export interface JobView {
  readonly jobId: number;
  readonly description: string;
  readonly start: number;
  end: number | undefined;
  result: JobEnd["result"] | "running";
  error: string | undefined;
  cost: JobEnd["cost"];
  readonly stages: StageView[];
}

export interface ReportModel {
  readonly app: { appId: string; appName: string; master: string; version: string; start: number; end: number | undefined };
  readonly jobs: JobView[];
  readonly events: readonly SparkfnEvent[];
  readonly totals: {
    tasks: number;
    attempts: number;
    failedAttempts: number;
    durationMs: number;
    recordsIn: number;
    recordsOut: number;
    shuffleBytesWritten: number;
    shuffleBytesRead: number;
    cost: CostEstimate;
    memoryMiB: number;
    onAws: boolean;
  };
}

export function outcomeOf(end: TaskEnd): Outcome {
  if (end.status === "success") return end.speculative ? "speculative" : "success";
  if (end.status === "abandoned") return "killed";
  return end.status;
}

export function buildModel(events: readonly SparkfnEvent[]): ReportModel {
  const first = events[0];
  if (!first) throw new Error("No events to report on.");
  const appStart = events.find((e) => e.event === "ApplicationStart");
  const appEnd = events.find((e) => e.event === "ApplicationEnd");
  const jobs = new Map<number, JobView>();
  const starts = new Map<string, { time: number; pass: AttemptView["pass"] }>();
  /** The pass each stage runs now (a TaskStart belongs to it). */
  const passNow = new Map<string, AttemptView["pass"]>();
  const stageOf = (jobId: number, stageId: number): StageView | undefined => {
    const job = jobs.get(jobId);
    if (!job) return undefined;
    let stage = job.stages.find((s) => s.stageId === stageId);
    if (!stage) {
      stage = { stageId, parentStageIds: [], plan: "", numTasks: 0, passes: [], submitted: undefined, completed: undefined, result: "skipped", error: undefined, attempts: [] };
      job.stages.push(stage);
    }
    return stage;
  };
  for (const e of events) {
    switch (e.event) {
      case "JobStart":
        jobs.set(e.jobId, { jobId: e.jobId, description: e.description, start: e.time, end: undefined, result: "running", error: undefined, cost: undefined, stages: [] });
        for (const id of e.stageIds) stageOf(e.jobId, id);
        break;
      case "JobEnd": {
        const job = jobs.get(e.jobId);
        if (job) Object.assign(job, { end: e.time, result: e.result, error: e.error, cost: e.cost });
        break;
      }
      case "StageSubmitted": {
        const stage = stageOf(e.jobId, e.stageId);
        if (!stage) break;
        stage.parentStageIds = [...new Set([...stage.parentStageIds, ...e.parentStageIds])];
        // An incremental take runs the result stage in rounds: its tasks add up.
        if (e.pass === "run") stage.numTasks += e.numTasks;
        stage.plan ||= e.plan;
        stage.passes.push(e.pass);
        passNow.set(`${e.jobId}/${e.stageId}`, e.pass);
        stage.submitted ??= e.time;
        if (stage.result === "skipped") stage.result = "running";
        break;
      }
      case "StageCompleted": {
        const stage = stageOf(e.jobId, e.stageId);
        if (!stage) break;
        stage.completed = e.time;
        // A failed pass fails the stage; a later successful recomputation does not undo it. A
        // pass stopped by design did its part: the stage succeeded, the pass says it stopped.
        if (stage.result !== "failed") stage.result = e.result === "stopped" ? "succeeded" : e.result;
        if (e.result === "stopped") {
          const at = stage.passes.lastIndexOf(e.pass);
          if (at >= 0) stage.passes[at] = `${e.pass} (stopped early${e.unfinished ? `, ${e.unfinished} task${e.unfinished === 1 ? "" : "s"} not needed` : ""})`;
        }
        if (e.error) stage.error = e.error;
        break;
      }
      case "TaskStart":
        starts.set(`${e.jobId}/${e.stageId}/${e.partition}/${e.attempt}/${e.speculative}`, { time: e.time, pass: passNow.get(`${e.jobId}/${e.stageId}`) ?? "run" });
        break;
      case "TaskEnd": {
        const stage = stageOf(e.jobId, e.stageId);
        if (!stage) break;
        const started = starts.get(`${e.jobId}/${e.stageId}/${e.partition}/${e.attempt}/${e.speculative}`);
        const start = started?.time ?? e.time - e.durationMs;
        const m = e.metrics;
        stage.attempts.push({
          stageId: e.stageId,
          partition: e.partition,
          attempt: e.attempt,
          speculative: e.speculative,
          pass: started?.pass ?? passNow.get(`${e.jobId}/${e.stageId}`) ?? "run",
          status: e.status,
          outcome: outcomeOf(e),
          start: Math.min(start, e.time),
          end: e.time,
          coldStart: m?.coldStart ?? false,
          inputBytes: m ? m.bytesRead + m.shuffle.bytesRead : 0,
          event: e,
        });
        break;
      }
      default:
        break;
    }
  }
  for (const job of jobs.values()) job.stages.sort((a, b) => a.stageId - b.stageId);
  const ends = events.filter((e): e is TaskEnd => e.event === "TaskEnd");
  const tasks = new Set(ends.map((e) => `${e.jobId}/${e.stageId}/${e.partition}`));
  const successes = ends.filter((e) => e.status === "success");
  const sum = (f: (e: TaskEnd) => number) => successes.reduce((n, e) => n + f(e), 0);
  const jobEnds = events.filter((e): e is JobEnd => e.event === "JobEnd");
  const withCost = jobEnds.find((e) => e.cost)?.cost;
  const memoryMiB = withCost?.memoryMiB ?? 2048;
  const last = appEnd?.time ?? events[events.length - 1]!.time;
  return {
    app: {
      appId: appStart?.event === "ApplicationStart" ? appStart.appId : "(unknown)",
      appName: appStart?.event === "ApplicationStart" ? appStart.appName : "(unknown)",
      master: appStart?.event === "ApplicationStart" ? appStart.master : "(unknown)",
      version: appStart?.event === "ApplicationStart" ? appStart.sparkfnVersion : "(unknown)",
      start: appStart?.time ?? first.time,
      end: appEnd?.time,
    },
    jobs: [...jobs.values()].sort((a, b) => a.jobId - b.jobId),
    events,
    totals: {
      tasks: tasks.size,
      attempts: ends.length,
      failedAttempts: ends.filter((e) => e.status === "failed").length,
      durationMs: last - (appStart?.time ?? first.time),
      recordsIn: sum((e) => e.metrics?.recordsIn ?? 0),
      recordsOut: sum((e) => e.metrics?.recordsOut ?? 0),
      shuffleBytesWritten: sum((e) => e.metrics?.shuffle.bytesWritten ?? 0),
      shuffleBytesRead: sum((e) => e.metrics?.shuffle.bytesRead ?? 0),
      cost: estimateCost(ends, memoryMiB),
      memoryMiB,
      onAws: withCost?.onAws ?? false,
    },
  };
}
