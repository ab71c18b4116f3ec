/**
 * The event log's events: what the driver records about an application, one JSON object per
 * line (Spark's event log idea, with its names where they carry over). The format is
 * versioned by `v`; readers (sparkfn report) validate lines with `SparkfnEvent`.
 *
 * Times are epoch milliseconds. A task attempt is (stageId, partition, attempt); a stage's
 * tasks are numbered by partition.
 */
import { z } from "zod";
import { TaskErrorType, TaskMetrics } from "../../shared/task.ts";

export const EVENT_LOG_VERSION = 1;

const Int = z.number().int().nonnegative();
/** Which pass of a stage ran (see StageSubmitted). */
export const StagePass = z.enum(["run", "sample", "recompute", "combine", "recombine"]);
export type StagePass = z.infer<typeof StagePass>;

const base = { v: z.literal(EVENT_LOG_VERSION), time: z.number() };

export const SparkfnEvent = z.discriminatedUnion("event", [
  z.object({ ...base, event: z.literal("ApplicationStart"), appId: z.string(), appName: z.string(), master: z.string(), sparkfnVersion: z.string() }).strict(),
  z.object({ ...base, event: z.literal("ApplicationEnd"), appId: z.string() }).strict(),
  z.object({ ...base, event: z.literal("JobStart"), jobId: Int, stageIds: z.array(Int), description: z.string() }).strict(),
  /** `cost`: what the job's task attempts would cost on AWS (driver/monitoring/cost-estimate.ts). */
  z
    .object({
      ...base,
      event: z.literal("JobEnd"),
      jobId: Int,
      result: z.enum(["succeeded", "failed", "cancelled"]),
      error: z.string().optional(),
      cost: z
        .object({ invocations: Int, gbSeconds: z.number(), s3Puts: Int, s3Gets: Int, totalUsd: z.number(), memoryMiB: z.number(), onAws: z.boolean() })
        .strict()
        .optional(),
    })
    .strict(),
  /**
   * A stage's tasks are about to run. `pass` is "sample" for the key-sampling pass of a range
   * partitioned stage, "recompute" for map tasks rerun after a fetch failure, "combine" for a
   * map stage's combiners (a two-level exchange) and "recombine" for combiners rerun.
   */
  z
    .object({
      ...base,
      event: z.literal("StageSubmitted"),
      jobId: Int,
      stageId: Int,
      pass: StagePass,
      numTasks: Int,
      parentStageIds: z.array(Int),
      plan: z.string(),
    })
    .strict(),
  /**
   * How a stage's pass ended. `stopped`: ended by design before every task had finished, its
   * work done all the same (a combine pass whose last groups the readers read as the maps wrote
   * them, with speculation on); `unfinished` says how many tasks had not.
   */
  z
    .object({ ...base, event: z.literal("StageCompleted"), jobId: Int, stageId: Int, pass: StagePass, result: z.enum(["succeeded", "failed", "stopped"]), unfinished: Int.optional(), error: z.string().optional() })
    .strict(),
  z.object({ ...base, event: z.literal("TaskStart"), jobId: Int, stageId: Int, partition: Int, attempt: Int, speculative: z.boolean() }).strict(),
  /**
   * How an attempt ended: `success` (the task's result), `failed` (an error; `willRetry` says
   * whether another attempt follows), `abandoned` (deadline passed, or another attempt of the
   * same task won, or the job stopped), `fetchFailed` (its input must be recomputed first).
   */
  z
    .object({
      ...base,
      event: z.literal("TaskEnd"),
      jobId: Int,
      stageId: Int,
      partition: Int,
      attempt: Int,
      speculative: z.boolean(),
      status: z.enum(["success", "failed", "abandoned", "fetchFailed", "throttled"]),
      durationMs: z.number().nonnegative(),
      willRetry: z.boolean(),
      errorType: TaskErrorType.optional(),
      error: z.string().optional(),
      metrics: TaskMetrics.optional(),
    })
    .strict(),
  /** The result stage's sizes so far against spark.driver.maxResultSize. */
  z.object({ ...base, event: z.literal("ResultSizeCheck"), jobId: Int, tasks: Int, bytes: Int, limit: Int, exceeded: z.boolean() }).strict(),
]);
export type SparkfnEvent = z.infer<typeof SparkfnEvent>;

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as emitted: the log adds the version and the time. */
export type EventBody = Without<SparkfnEvent, "v" | "time">;

/** Receives events as they happen (the event log, progress bars, the status tracker). */
export interface EventListener {
  onEvent(event: SparkfnEvent): void;
}
