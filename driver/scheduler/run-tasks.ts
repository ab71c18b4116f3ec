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
}

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
      return `shuffle ${task.stage.source.kind === "shuffle" ? task.stage.source.shuffleId : "?"}, ${task.input.blocks.length} block(s)`;
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

  const runOne = async (task: StageTask, index: number): Promise<void> => {
    for (let attempt = 0; attempt < options.maxFailures; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt));
      if (failure) return;
      const result = await invoker.invoke({ ...task, attempt });
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
      const lastAttempt = attempt + 1 >= options.maxFailures;
      if (!result.error.retryable || lastAttempt) {
        failure ??= new TaskFailedError(
          task.stageId,
          task.partition,
          attempt + 1,
          result.error.type,
          result.error.message,
          describeInput(task),
        );
        return;
      }
    }
  };

  const lane = async (): Promise<void> => {
    while (!failure && next < tasks.length) {
      const index = next++;
      await runOne(tasks[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.maxConcurrency, tasks.length) }, lane));
  if (failure) throw failure;
  return results;
}
