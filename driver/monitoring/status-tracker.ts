/**
 * What is running now, from the application's events (Spark's SparkStatusTracker), and the
 * serverless analogue of getExecutorMemoryStatus(): executors are invocations, so it reports
 * how many run now and at most, and the largest peak memory a task reported.
 */
import type { EventListener, SparkfnEvent, StagePass } from "./events.ts";

export interface StageStatus {
  readonly jobId: number;
  readonly stageId: number;
  readonly pass: StagePass;
  readonly numTasks: number;
  readonly numActiveTasks: number;
  readonly numCompletedTasks: number;
  readonly numFailedTasks: number;
}

export interface ExecutorStatus {
  /** Task attempts running now (Lambda invocations or local worker tasks). */
  readonly activeInvocations: number;
  readonly peakInvocations: number;
  /** Task attempts launched since the application started. */
  readonly totalInvocations: number;
  /** The largest peak memory (RSS) a finished task reported, in bytes. */
  readonly peakTaskMemoryBytes: number;
}

export class StatusTracker implements EventListener {
  private readonly jobs = new Set<number>();
  private readonly stages = new Map<string, { jobId: number; stageId: number; pass: StageStatus["pass"]; numTasks: number; active: number; completed: number; failed: number }>();
  private active = 0;
  private peak = 0;
  private total = 0;
  private peakMemory = 0;

  onEvent(event: SparkfnEvent): void {
    switch (event.event) {
      case "JobStart":
        this.jobs.add(event.jobId);
        return;
      case "JobEnd":
        this.jobs.delete(event.jobId);
        for (const [key, stage] of this.stages) if (stage.jobId === event.jobId) this.stages.delete(key);
        return;
      case "StageSubmitted":
        this.stages.set(`${event.jobId}/${event.stageId}/${event.pass}`, { jobId: event.jobId, stageId: event.stageId, pass: event.pass, numTasks: event.numTasks, active: 0, completed: 0, failed: 0 });
        return;
      case "StageCompleted":
        this.stages.delete(`${event.jobId}/${event.stageId}/${event.pass}`);
        return;
      case "TaskStart": {
        this.active++;
        this.total++;
        this.peak = Math.max(this.peak, this.active);
        const stage = this.stageOf(event.jobId, event.stageId);
        if (stage) stage.active++;
        return;
      }
      case "TaskEnd": {
        this.active = Math.max(0, this.active - 1);
        if (event.metrics) this.peakMemory = Math.max(this.peakMemory, event.metrics.peakMemoryBytes);
        const stage = this.stageOf(event.jobId, event.stageId);
        if (stage) {
          stage.active = Math.max(0, stage.active - 1);
          if (event.status === "success") stage.completed++;
          else if (event.status === "failed") stage.failed++;
        }
        return;
      }
      case "ApplicationStart":
      case "ApplicationEnd":
      case "ResultSizeCheck":
        return;
    }
  }

  private stageOf(jobId: number, stageId: number) {
    for (const stage of this.stages.values()) if (stage.jobId === jobId && stage.stageId === stageId) return stage;
    return undefined;
  }

  getActiveJobIds(): number[] {
    return [...this.jobs];
  }

  getActiveStageIds(): number[] {
    return [...new Set([...this.stages.values()].map((s) => s.stageId))];
  }

  getStageInfos(): StageStatus[] {
    return [...this.stages.values()].map((s) => ({
      jobId: s.jobId,
      stageId: s.stageId,
      pass: s.pass,
      numTasks: s.numTasks,
      numActiveTasks: s.active,
      numCompletedTasks: s.completed,
      numFailedTasks: s.failed,
    }));
  }

  executorStatus(): ExecutorStatus {
    return { activeInvocations: this.active, peakInvocations: this.peak, totalInvocations: this.total, peakTaskMemoryBytes: this.peakMemory };
  }
}
