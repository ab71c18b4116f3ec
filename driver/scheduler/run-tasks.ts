/**
 * Runs the tasks of one stage: at most `maxConcurrency` attempts in flight, each task
 * retried up to `maxFailures` attempts in all when its error's category allows it
 * (transient and internal ones, shared/errors.ts), with exponential backoff and jitter:
 * nothing is retried past `maxFailures`. The first error that no retry can fix (a user
 * error, bad input) or a task that used up its attempts stops new launches; in-flight
 * attempts are awaited, then the stage fails with a TaskFailedError naming the partition,
 * the cause and its category.
 *
 * Speculation (Spark's spark.speculation): once a quantile of the stage's tasks has
 * finished, a task running longer than `multiplier` x the median successful duration gets a
 * second attempt in a free slot; the first to succeed wins and the other is abandoned.
 * Attempts write attempt-scoped outputs, so the loser cannot disturb the winner.
 */
import type { StageTask, TaskResult, TaskSuccess } from "../../shared/task.ts";
import { JobCancelledError, TaskFailedError } from "../errors.ts";
import { failureCategory, mayRetry } from "../../shared/errors.ts";
import type { TaskInvoker } from "../invoker/task-invoker.ts";

export interface RunTasksOptions {
  maxConcurrency: number;
  /** Attempts per task in all (Spark's spark.task.maxFailures, default 4). */
  maxFailures: number;
  /** Delay before attempt `attempt` (1-based retries); defaults to capped exponential backoff with jitter. */
  backoffMs?: (attempt: number) => number;
  /** Sees each successful result as it arrives; throwing aborts the stage with that error. */
  onSuccess?: (result: TaskSuccess) => void;
  /** What the stage's result list keeps of each success (default: all of it). */
  keep?: (result: TaskSuccess) => TaskSuccess;
  /**
   * Abandon an attempt that runs longer than this and retry it (0 or unset: no deadline).
   * Counted from when the invoker says the attempt started (TaskInvoker.invoke's onStart).
   */
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
  /** Launch speculative copies of slow tasks (off by default, as in Spark). */
  speculation?: SpeculationOptions;
  /** Cancels the stage: no new attempts are launched once it is aborted; running ones finish. */
  signal?: AbortSignal;
  /** Sees each attempt as it is launched (monitoring, the event log). */
  onLaunch?: (task: StageTask, speculative: boolean) => void;
  /** Sees how each attempt ended (the event log). */
  onAttemptEnd?: (end: AttemptEnd) => void;
  /** Sees each speculative launch (event log, tests). */
  onSpeculativeLaunch?: (task: StageTask, attempt: number) => void;
}

export interface SpeculationOptions {
  /** spark.speculation.multiplier: how many times slower than the median a task must be. */
  readonly multiplier: number;
  /** spark.speculation.quantile: share of tasks that must be done before speculating. */
  readonly quantile: number;
  /** spark.speculation.minTaskRuntime: never speculate on a task younger than this. */
  readonly minTaskRuntimeMs: number;
  /** spark.speculation.interval: how often to look for slow tasks. */
  readonly intervalMs: number;
}

/** How one attempt ended, for the event log. */
export interface AttemptEnd {
  readonly task: StageTask;
  readonly attempt: number;
  readonly speculative: boolean;
  readonly status: "success" | "failed" | "abandoned" | "fetchFailed" | "throttled";
  readonly durationMs: number;
  readonly willRetry: boolean;
  readonly result: TaskResult;
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
    case "mapSlices":
      return `shuffle output, ${task.input.reads.reduce((n, r) => n + r.slices, 0)} slice(s)`;
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

  const first = options.firstAttempt ?? 0;
  /** Attempt numbers are handed out per task, so a speculative copy never reuses one. */
  const nextAttempt = tasks.map(() => first);
  /** Per task: the attempts in flight (to abandon the loser) and when the current one started. */
  const running = tasks.map(() => new Set<AbortController>());
  const startedAt: (number | undefined)[] = tasks.map(() => undefined);
  const speculated = new Set<number>();
  const durations: number[] = [];
  let inFlight = 0;

  const attemptOnce = async (task: StageTask, attempt: number, index: number, speculative = false): Promise<{ result: TaskResult; abandoned: boolean; began: number }> => {
    const fault = options.faultFor?.(task, attempt);
    const payload: StageTask = { ...task, attempt, ...(fault ? { fault } : {}) };
    options.onLaunch?.(payload, speculative);
    const began = performance.now();
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Waiting for a slot or a worker is not running: the deadline starts with the attempt.
    const started = () => {
      if (options.taskTimeoutMs && timer === undefined) timer = setTimeout(() => controller.abort(`deadline of ${options.taskTimeoutMs} ms passed`), options.taskTimeoutMs);
    };
    running[index]!.add(controller);
    inFlight++;
    try {
      const result = await invoker.invoke(payload, controller.signal, started);
      return { result, abandoned: controller.signal.aborted, began };
    } finally {
      inFlight--;
      running[index]!.delete(controller);
      clearTimeout(timer);
    }
  };

  const ended = (task: StageTask, attempt: number, speculative: boolean, began: number, result: TaskResult, status: AttemptEnd["status"], willRetry: boolean) =>
    options.onAttemptEnd?.({ task, attempt, speculative, status, durationMs: performance.now() - began, willRetry, result });

  /** Records a task's first success; false when another attempt already won. */
  const win = (index: number, result: TaskSuccess, began: number): boolean => {
    if (results[index]) return false;
    try {
      options.onSuccess?.(result);
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
      return false;
    }
    results[index] = options.keep ? options.keep(result) : result;
    durations.push(performance.now() - began);
    // Abandon the other attempt of this task, if one is still running.
    for (const controller of running[index]!) controller.abort("another attempt of this task finished first");
    return true;
  };

  const runOne = async (original: StageTask, index: number): Promise<void> => {
    let task = original;
    let throttled = 0;
    let recoveries = 0;
    for (let failures = 0; failures < options.maxFailures; ) {
      const attempt = nextAttempt[index]!++;
      if (attempt > first) await sleep(backoff(Math.max(1, failures + throttled)));
      if (options.signal?.aborted) failure ??= new JobCancelledError();
      if (failure || results[index]) return;
      startedAt[index] = performance.now();
      const { result, abandoned, began } = await attemptOnce(task, attempt, index);
      if (results[index]) {
        // A speculative copy won meanwhile.
        ended(task, attempt, false, began, result, "abandoned", false);
        return;
      }
      if (result.status === "ok") {
        const won = win(index, result, began);
        ended(task, attempt, false, began, result, won ? "success" : "failed", false);
        return;
      }
      if (result.error.type === "FetchFailed" && options.onFetchFailed && recoveries++ < MAX_FETCH_RECOVERIES) {
        ended(task, attempt, false, began, result, "fetchFailed", true);
        try {
          task = await options.onFetchFailed(task, result.error.missing ?? []);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
          return;
        }
        continue;
      }
      if (result.error.type === "Throttled" && ++throttled < MAX_THROTTLED_ATTEMPTS) {
        ended(task, attempt, false, began, result, "throttled", true);
        lanes = Math.max(1, Math.floor(lanes / 2));
        continue;
      }
      failures++;
      const lastAttempt = failures >= options.maxFailures;
      const gaveUp = !mayRetry(result.error) || lastAttempt || result.error.type === "Throttled";
      ended(task, attempt, false, began, result, abandoned ? "abandoned" : "failed", !gaveUp && !failure);
      if (gaveUp) {
        failure ??= new TaskFailedError(
          task.stageId,
          task.partition,
          failures,
          result.error.type,
          result.error.message,
          describeInput(task),
          failureCategory(result.error),
        );
        return;
      }
    }
  };

  /** One speculative attempt of a slow task; its failure is ignored (the original goes on). */
  const speculate = async (index: number): Promise<void> => {
    const attempt = nextAttempt[index]!++;
    options.onSpeculativeLaunch?.(tasks[index]!, attempt);
    const { result, began } = await attemptOnce(tasks[index]!, attempt, index, true);
    const won = result.status === "ok" && win(index, result, began);
    ended(tasks[index]!, attempt, true, began, result, won ? "success" : result.status === "ok" || results[index] ? "abandoned" : "failed", false);
  };

  const copies: Promise<void>[] = [];
  const spec = options.speculation;
  const monitor = spec
    ? setInterval(() => {
        const done = results.filter(Boolean).length;
        if (failure || options.signal?.aborted || done < Math.max(1, Math.floor(spec.quantile * tasks.length))) return;
        const sorted = [...durations].sort((a, b) => a - b);
        const median = sorted[sorted.length >> 1]!;
        const threshold = Math.max(spec.multiplier * median, spec.minTaskRuntimeMs);
        const now = performance.now();
        for (let index = 0; index < tasks.length; index++) {
          if (inFlight >= options.maxConcurrency) break;
          const began = startedAt[index];
          if (results[index] || speculated.has(index) || began === undefined || running[index]!.size === 0) continue;
          if (now - began <= threshold) continue;
          speculated.add(index);
          copies.push(speculate(index));
        }
      }, spec.intervalMs)
    : undefined;

  const lane = async (laneIndex: number): Promise<void> => {
    while (!failure && next < tasks.length && laneIndex < lanes) {
      if (options.signal?.aborted) {
        failure ??= new JobCancelledError();
        return;
      }
      const index = next++;
      await runOne(tasks[index]!, index);
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  } finally {
    clearInterval(monitor);
  }
  // Copies still running lost (or the stage failed): abandon them.
  for (const set of running) for (const controller of set) controller.abort("the stage is over");
  await Promise.all(copies);
  if (failure) throw failure;
  return results;
}
