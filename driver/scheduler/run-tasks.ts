/**
 * Runs the tasks of one stage: at most `maxConcurrency` attempts in flight, each task
 * retried up to `maxFailures` attempts in all when its error is retryable, with
 * exponential backoff and jitter. The first error that no retry can fix (or a task that
 * used up its attempts) stops new launches; in-flight attempts are awaited, then the
 * stage fails with a TaskFailedError naming the partition and the cause.
 */
import type { StageTask, TaskSuccess } from "../../shared/task.ts";
import { TaskFailedError } from "../errors.ts";
import type { TaskInvoker } from "../invoker/task-invoker.ts";

export interface RunTasksOptions {
  maxConcurrency: number;
  /** Attempts per task in all (Spark's spark.task.maxFailures, default 4). */
  maxFailures: number;
  /** Delay before attempt `attempt` (1-based retries); defaults to capped exponential backoff with jitter. */
  backoffMs?: (attempt: number) => number;
  /** Sees each successful result as it arrives; throwing aborts the stage with that error. */
  onSuccess?: (result: TaskSuccess) => void;
  /** Abandon an attempt that runs longer than this and retry it (0 or unset: no deadline). */
  taskTimeoutMs?: number;
  /** Test-only: the fault to inject into an attempt, if any. */
  faultFor?: (task: StageTask, attempt: number) => StageTask["fault"];
  /** First attempt number (a recomputed map task continues its numbering). Default 0. */
  firstAttempt?: number;
  /**
   * A task could not read shuffle outputs: recompute them and return the task with its new
   * inputs. Not counted as a task failure; at most MAX_FETCH_RECOVERIES times per task.
   */
  onFetchFailed?: (task: StageTask, missing: readonly string[]) => Promise<StageTask>;
}

export const MAX_FETCH_RECOVERIES = 4;

/** Throttled attempts do not count as failures, but are bounded all the same. */
export const MAX_THROTTLED_ATTEMPTS = 20;

export function defaultBackoffMs(attempt: number): number {
  const ceiling = Math.min(5_000, 200 * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** What a failed task read, for the error message. */
function describeInput(task: StageTask): string | undefined {
  switch (task.input.kind) {
    case "files":
      return task.input.files.map((f) => f.uri).join(", ");
    case "shuffle":
      return `shuffle output, ${task.input.blocks.length} block(s)`;
    default:
      return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runTasks(
  tasks: readonly StageTask[],
  invoker: TaskInvoker,
  options: RunTasksOptions,
): Promise<TaskSuccess[]> {
  if (!(options.maxConcurrency >= 1)) throw new RangeError("maxConcurrency must be at least 1");
  if (!(options.maxFailures >= 1)) throw new RangeError("maxFailures must be at least 1");
  const backoff = options.backoffMs ?? defaultBackoffMs;
  const results: TaskSuccess[] = new Array(tasks.length);
  let next = 0;
  let failure: Error | undefined;
  // Lanes at or past this index stop taking tasks: throttling halves it.
  let lanes = Math.min(options.maxConcurrency, tasks.length);

  const attemptOnce = async (task: StageTask, attempt: number) => {
    const fault = options.faultFor?.(task, attempt);
    const payload: StageTask = { ...task, attempt, ...(fault ? { fault } : {}) };
    if (!options.taskTimeoutMs) return invoker.invoke(payload);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(`deadline of ${options.taskTimeoutMs} ms passed`), options.taskTimeoutMs);
    try {
      return await invoker.invoke(payload, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };

  const runOne = async (original: StageTask, index: number): Promise<void> => {
    let task = original;
    let throttled = 0;
    let recoveries = 0;
    const first = options.firstAttempt ?? 0;
    for (let attempt = first, failures = 0; failures < options.maxFailures; attempt++) {
      if (attempt > first) await sleep(backoff(Math.max(1, failures + throttled)));
      if (failure) return;
      const result = await attemptOnce(task, attempt);
      if (result.status === "ok") {
        try {
          options.onSuccess?.(result);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
          return;
        }
        results[index] = result;
        return;
      }
      if (result.error.type === "FetchFailed" && options.onFetchFailed && recoveries++ < MAX_FETCH_RECOVERIES) {
        try {
          task = await options.onFetchFailed(task, result.error.missing ?? []);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
          return;
        }
        continue;
      }
      if (result.error.type === "Throttled" && ++throttled < MAX_THROTTLED_ATTEMPTS) {
        lanes = Math.max(1, Math.floor(lanes / 2));
        continue;
      }
      failures++;
      const lastAttempt = failures >= options.maxFailures;
      if (!result.error.retryable || lastAttempt || result.error.type === "Throttled") {
        failure ??= new TaskFailedError(
          task.stageId,
          task.partition,
          failures,
          result.error.type,
          result.error.message,
          describeInput(task),
        );
        return;
      }
    }
  };

  const lane = async (laneIndex: number): Promise<void> => {
    while (!failure && next < tasks.length && laneIndex < lanes) {
      const index = next++;
      await runOne(tasks[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  if (failure) throw failure;
  return results;
}
