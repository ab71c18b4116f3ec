/**
 * Runs the tasks of one stage: at most `maxConcurrency` attempts in flight, each task
 * retried up to `maxFailures` attempts in all when its error's category allows it
 * (transient and internal ones, shared/errors.ts), with exponential backoff and jitter:
 * nothing is retried past `maxFailures`. The first error that no retry can fix (a user
 * error, bad input) or a task that used up its attempts stops new launches; in-flight
 * attempts are awaited, then the stage fails with a TaskFailedError naming the partition,
 * the cause and its category.
 *
 * Speculation (Spark's spark.speculation, with LATE's estimates: speculation.ts): a task
 * running longer than `multiplier` x the estimated median duration, and expected to run on
 * longer than a fresh copy would take, gets a second attempt. Copies go ahead of tasks not yet
 * started (a straggler's copy shortens the stage; one more waiting task does not), at most
 * `cap` x maxConcurrency at once; the first attempt to succeed wins and the other is
 * abandoned. Attempts write attempt-scoped outputs, so the loser cannot disturb the winner.
 *
 * In a stage's tail (every task has started, so none waits for a slot) a copy delays no other
 * task: the multiplier, which keeps copies from taking the slots of waiting tasks, is dropped,
 * and a task is copied once it has outrun the estimated median and is expected to run on longer
 * than a copy would take, by two copies at once (a slot frees soon, and one more slow container
 * then costs no second wait). While the stage's hedging budget (`hedgeCopies`) lasts, the tasks
 * started last get a copy as slots fall idle, youngest first, before they have run as long as
 * the median: a straggler among them would otherwise be seen only past the median, and its copy
 * would end a copy's duration after that, when the rest of the stage is long done.
 *
 * Hedging (with speculation on): a stage of no more tasks than `hedgeCopies` (a budget the DAG
 * scheduler gives it) that fits twice in maxConcurrency starts every task as two attempts at
 * once, or three when the budget and the slots allow (MAX_HEDGES). A stage of one wave cannot
 * end before its slowest task, and nothing tells a straggler from a normal task until it has
 * run past the normal ones (no progress reports): a copy made then ends a copy's duration
 * later. Attempts started together end at the fastest one's time. Whether a task with a
 * budgeted copy is slow is judged by its own attempt's age (the copy was made blind); it gets
 * one more copy while the budgeted one is still fresh (not slow by the same test), two when
 * that is slow as well. Hedges and the tail's budgeted copies are apart from copies of
 * stragglers: they take none of `cap`'s room.
 */
import type { StageTask, TaskResult, TaskSuccess } from "../../shared/task.ts";
import { JobCancelledError, TaskFailedError } from "../errors.ts";
import { failureCategory, mayRetry } from "../../shared/errors.ts";
import type { TaskInvoker } from "../invoker/task-invoker.ts";
import { DurationEstimate, FinishedDurations } from "./speculation.ts";

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
  /** Copies this stage may make beyond straggler copies (with speculation on; default 0: none): up front when it fits (hedging), else in its tail. */
  hedgeCopies?: number;
  /** Cancels the stage: no new attempts are launched once it is aborted; running ones finish. */
  signal?: AbortSignal;
  /**
   * Ends the stage early, by design (a combine pass whose last group the readers will read as
   * the maps wrote it): no new attempts or retries, running ones are abandoned (one answering
   * success all the same still counts), a fetch recovery under way is awaited (what it reran is
   * recorded), and runTasks throws a StageStoppedError holding the tasks that had succeeded
   * (or returns as usual if all had).
   */
  stop?: AbortSignal;
  /** Sees each attempt as it is launched (monitoring, the event log). */
  onLaunch?: (task: StageTask, speculative: boolean) => void;
  /** Sees how each attempt ended (the event log). */
  onAttemptEnd?: (end: AttemptEnd) => void;
  /** Sees each speculative launch (event log, tests). */
  onSpeculativeLaunch?: (task: StageTask, attempt: number) => void;
  /**
   * Makes task `index` ready to run, awaited before its first attempt and not counted as its
   * running time (a combiner waits for its maps and gets its input then; `tasks` holds
   * placeholders). A rejection fails the stage.
   */
  prepare?: (index: number) => Promise<StageTask>;
}

export interface SpeculationOptions {
  /** spark.speculation.multiplier: how many times slower than the median a task must be. */
  readonly multiplier: number;
  /**
   * spark.speculation.quantile: share of tasks that must be done before speculating. 0 (sparkfn's
   * default): the duration estimate decides when there is enough to go on.
   */
  readonly quantile: number;
  /** Most copies in flight at once, as a share of maxConcurrency (at least one); default 0.1. */
  readonly cap?: number;
  /** spark.speculation.minTaskRuntime: never speculate on a task younger than this. */
  readonly minTaskRuntimeMs: number;
  /** spark.speculation.interval: how often to look for slow tasks. */
  readonly intervalMs: number;
  /**
   * sparkfn.speculation.hedgeBudget: up-front copies a job may make for a stage (see hedging
   * above), as a share of the tasks of the job's stages before it and the stage's own; unset: none
   * (the session's default is DEFAULT_HEDGE_BUDGET).
   */
  readonly hedgeBudget?: number;
}

/**
 * sparkfn.speculation.hedgeBudget's default, with speculation on: a stage of at most 5% of the
 * job's tasks is hedged (the 200 reducers after 9,800 maps, two copies each: 4% more
 * invocations), a bigger one gets that many copies in its tail (490 for 9,800 maps). Each copy
 * reads its input again: 102 combined objects per reducer of a combined shuffle, every map
 * object for one read as written.
 */
export const DEFAULT_HEDGE_BUDGET = 0.05;

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

/** runTasks' answer when options.stop ended the stage before every task succeeded: not a failure. */
export class StageStoppedError extends Error {
  override readonly name = "StageStoppedError";
  /** Each task's first success, or undefined for a task that had none when the stage stopped. */
  readonly results: readonly (TaskSuccess | undefined)[];
  constructor(results: readonly (TaskSuccess | undefined)[]) {
    super(`the stage was stopped with ${results.filter((r) => !r).length} of ${results.length} task(s) unfinished`);
    this.results = results;
  }
}

/**
 * Speculative copies per task: another copy is made only when every attempt so far is slow
 * (each draws its own container; with 5% slow containers, all of three attempts are slow for
 * one task in 8,000, which is about one task of a 10,000-task stage, and that task alone then
 * sets when the stage ends).
 */
export const MAX_COPIES_PER_TASK = 3;

/**
 * Up-front copies per task of a hedged stage: as many as its budget and the slots allow, at
 * most two. With 5% slow containers, both attempts of a pair are slow for one task in 400 (one
 * of 200 reducers in every other job), and that task then ends the stage a straggler's
 * detection and a copy later; all three of a triple, for one task in 8,000.
 */
export const MAX_HEDGES = 2;

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
  /** options.stop fired: nothing more is launched, nothing retried. */
  let stopped = false;
  /** Retry backoffs under way, by task: a stop or a cancellation ends them all, another attempt's win its task's. */
  const backoffs = new Map<number, () => void>();
  /** Waits `ms` before task `index`'s retry, or less if that wait is ended (its timer is cleared). */
  const backOff = (index: number, ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        backoffs.delete(index);
        resolve();
      };
      const timer = setTimeout(done, ms);
      backoffs.set(index, done);
    });
  const endBackoffs = () => {
    for (const done of [...backoffs.values()]) done();
  };
  /** The stage fails (the first error stays): nothing more is launched, and no retry waits on. */
  const failStage = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    endBackoffs();
  };
  // Lanes at or past this index stop taking tasks: throttling halves it.
  let lanes = Math.min(options.maxConcurrency, tasks.length);

  const first = options.firstAttempt ?? 0;
  /** Attempt numbers are handed out per task, so a speculative copy never reuses one. */
  const nextAttempt = tasks.map(() => first);
  /** Per task: the attempts in flight (to abandon the loser) and when the current one started. */
  const running = tasks.map(() => new Map<AbortController, number>());
  /** When each task's latest attempt (original or copy) started. */
  const startedAt: (number | undefined)[] = tasks.map(() => undefined);
  /** Copies launched or queued per task (at most MAX_COPIES_PER_TASK). */
  const copiesOf = new Uint8Array(tasks.length);
  /** When each task's latest running budgeted copy (a hedge, or a young task's copy in the tail) started; NaN: none running. */
  const budgetedAt = new Float64Array(tasks.length).fill(Number.NaN);
  /** Budgeted copies running per task. */
  const budgetedRunning = new Uint8Array(tasks.length);
  const queued = new Set<number>();
  const finished = new FinishedDurations();
  const abandonedAfter: number[] = [];
  /** Tasks whose original (non-speculative) attempt is running: the estimate's censored observations. */
  const runningOriginals = new Set<number>();
  /** Copies chosen and waiting for a slot: lanes take them before tasks not yet started. */
  const copyQueue: number[] = [];
  /** Tasks made ready by options.prepare (speculative copies run these). */
  const prepared: (StageTask | undefined)[] = [];
  const taskAt = (index: number): StageTask => prepared[index] ?? tasks[index]!;
  let copiesInFlight = 0;
  let inFlight = 0;
  /** Tasks taken by a lane and still being made ready (options.prepare): the stage is not in its tail yet. */
  let preparing = 0;

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
    running[index]!.set(controller, began);
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
      failStage(error);
      return false;
    }
    results[index] = options.keep ? options.keep(result) : result;
    // Its original may be waiting to retry: no need now.
    backoffs.get(index)?.();
    finished.add(performance.now() - began);
    // Abandon the other attempt of this task, if one is still running.
    const now = performance.now();
    for (const [controller, start] of running[index]!) {
      // The loser ran at least this long: a censored observation of an attempt's duration.
      abandonedAfter.push(now - start);
      controller.abort("another attempt of this task finished first");
    }
    return true;
  };

  const runOne = async (original: StageTask, index: number): Promise<void> => {
    let task = original;
    let throttled = 0;
    let recoveries = 0;
    for (let failures = 0; failures < options.maxFailures; ) {
      const attempt = nextAttempt[index]!++;
      // A retry waits out its backoff unless the stage stops, fails or is cancelled, or another attempt of the task wins.
      if (attempt > first && !stopped) await backOff(index, backoff(Math.max(1, failures + throttled)));
      if (options.signal?.aborted) failStage(new JobCancelledError());
      if (failure || stopped || results[index]) return;
      startedAt[index] = performance.now();
      runningOriginals.add(index);
      const { result, abandoned, began } = await attemptOnce(task, attempt, index).finally(() => runningOriginals.delete(index));
      if (results[index] || (stopped && result.status !== "ok")) {
        // A speculative copy won meanwhile, or the stage was stopped.
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
          // Awaited even once the stage is stopped: what it reran is recorded before the stage ends.
          task = await options.onFetchFailed(task, result.error.missing ?? []);
        } catch (error) {
          if (!stopped) failStage(error);
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
        failStage(new TaskFailedError(
          task.stageId,
          task.partition,
          failures,
          result.error.type,
          result.error.message,
          describeInput(task),
          failureCategory(result.error),
        ));
        return;
      }
    }
  };

  /** One speculative attempt of a slow task; its failure is ignored (the original goes on). */
  const speculate = async (index: number, budgeted = false): Promise<void> => {
    // The original won (or the stage failed) while the copy waited for a slot.
    if (results[index] || failure || stopped || options.signal?.aborted) return;
    const attempt = nextAttempt[index]!++;
    // A budgeted copy is made blind: whether the task is slow is still judged by its own attempt.
    if (budgeted) {
      budgetedAt[index] = performance.now();
      budgetedRunning[index]!++;
    } else startedAt[index] = performance.now();
    const task = taskAt(index);
    options.onSpeculativeLaunch?.(task, attempt);
    // A hedge or a tail copy is budgeted apart (hedgeCopies): it takes no room from copies of stragglers.
    if (!budgeted) copiesInFlight++;
    try {
      const { result, began } = await attemptOnce(task, attempt, index, true);
      const won = result.status === "ok" && win(index, result, began);
      ended(task, attempt, true, began, result, won ? "success" : result.status === "ok" || results[index] || stopped ? "abandoned" : "failed", false);
    } finally {
      if (!budgeted) copiesInFlight--;
      else if (--budgetedRunning[index]! === 0) budgetedAt[index] = Number.NaN;
    }
  };

  const copies: Promise<void>[] = [];
  const dequeue = (): number | undefined => {
    const index = copyQueue.shift();
    if (index !== undefined && !copyQueue.includes(index)) queued.delete(index);
    return index;
  };
  const spec = options.speculation;
  /** Up-front copies of each task (hedging): as many as the budget and the slots allow, at most MAX_HEDGES. */
  const hedges = spec === undefined || tasks.length === 0 ? 0 : Math.max(0, Math.min(MAX_HEDGES, Math.floor((options.hedgeCopies ?? 0) / tasks.length), Math.floor(options.maxConcurrency / tasks.length) - 1));
  const hedged = hedges > 0;
  const cap = spec ? Math.max(1, Math.ceil((spec.cap ?? 0.1) * options.maxConcurrency)) : 0;
  /** Copies the hedging budget still allows in the stage's tail (all of it, unless the stage was hedged up front). */
  let tailBudget = spec && !hedged ? (options.hedgeCopies ?? 0) : 0;
  const monitor = spec
    ? setInterval(() => {
        if (failure || stopped || options.signal?.aborted || finished.size < Math.max(1, Math.floor(spec.quantile * tasks.length))) return;
        const now = performance.now();
        const limit = options.maxConcurrency;
        const estimate = new DurationEstimate(finished, abandonedAfter, [...runningOriginals].map((index) => ({ index, elapsedMs: now - startedAt[index]! })));
        let room = cap - copiesInFlight - copyQueue.length;
        // The tail: every task has started (and been made ready). No task waits for a slot, so a
        // copy delays nothing: Spark's multiplier, which keeps copies from taking the slots of
        // waiting tasks, no longer applies, and a task is copied once it has outrun the median.
        const tail = next >= tasks.length && preparing === 0;
        // While the hedging budget lasts, the youngest tasks get a copy in an idle slot, budgeted
        // like a hedge: the estimate cannot tell a straggler among them before it has outrun the
        // median, and the tasks started last are the ones whose stragglers would end the stage.
        const idle = limit - inFlight - copyQueue.length;
        if (tail && tailBudget > 0 && idle > 0) {
          const eligible = (index: number) => copiesOf[index] === 0 && !queued.has(index) && !results[index];
          for (const index of estimate.young(eligible, spec.minTaskRuntimeMs, Math.min(idle, tailBudget))) {
            copiesOf[index]!++;
            tailBudget--;
            copies.push(speculate(index, true));
          }
        }
        const policy = tail ? { ...spec, multiplier: 1 } : spec;
        const chosen = estimate.copies((index) => copiesOf[index]! < MAX_COPIES_PER_TASK && !queued.has(index) && !results[index], policy, room);
        // No task waits to start (the stage's tail): two copies at once, so one more slow
        // container does not cost another wait past the threshold.
        const hedge = tail ? 2 : 1;
        for (const index of chosen) {
          // A task whose budgeted copy is not slow itself already has a fresh attempt: one more copy, not a pair.
          const more = !Number.isNaN(budgetedAt[index]!) && !estimate.slow(now - budgetedAt[index]!, policy) ? 1 : hedge;
          for (let k = 0; k < more && room > 0 && copiesOf[index]! < MAX_COPIES_PER_TASK; k++, room--) {
            copiesOf[index]!++;
            copyQueue.push(index);
            queued.add(index);
          }
        }
        // Free slots (the stage's tail, or fewer tasks than slots): launch queued copies now.
        while (copyQueue.length > 0 && inFlight < limit) copies.push(speculate(dequeue()!));
      }, spec.intervalMs)
    : undefined;

  const lane = async (laneIndex: number): Promise<void> => {
    while (!failure && !stopped && laneIndex < lanes) {
      if (options.signal?.aborted) {
        failStage(new JobCancelledError());
        return;
      }
      const copy = dequeue();
      if (copy !== undefined) {
        await speculate(copy);
        continue;
      }
      if (next >= tasks.length) return;
      const index = next++;
      if (options.prepare) {
        preparing++;
        try {
          prepared[index] = await options.prepare(index);
        } catch (error) {
          if (!stopped) failStage(error);
          return;
        } finally {
          preparing--;
        }
        if (stopped) return;
      }
      // The original first (attempt numbers in launch order), then its hedges, all running.
      const original = runOne(taskAt(index), index);
      for (let k = 0; k < hedges; k++) {
        copiesOf[index]!++;
        copies.push(speculate(index, true));
      }
      await original;
    }
  };
  const stop = () => {
    stopped = true;
    endBackoffs();
    for (const attempts of running) for (const controller of attempts.keys()) controller.abort("the stage was stopped");
  };
  if (options.stop?.aborted) stop();
  else options.stop?.addEventListener("abort", stop, { once: true });
  options.signal?.addEventListener("abort", endBackoffs, { once: true });
  try {
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  } finally {
    clearInterval(monitor);
    options.stop?.removeEventListener("abort", stop);
    options.signal?.removeEventListener("abort", endBackoffs);
  }
  // Copies still running lost (or the stage failed): abandon them.
  for (const attempts of running) for (const controller of attempts.keys()) controller.abort("the stage is over");
  await Promise.all(copies);
  if (failure) throw failure;
  if (stopped) for (let i = 0; i < tasks.length; i++) if (!results[i]) throw new StageStoppedError(Array.from(results));
  return results;
}
