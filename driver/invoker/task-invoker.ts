import type { StageTask, TaskResult } from "../../shared/task.ts";

/**
 * Runs one task attempt somewhere (a Lambda invocation, a worker thread) and returns its
 * validated result. Implementations turn transport failures into TaskFailure results
 * with `retryable` set, so the scheduler has one shape to reason about.
 */
export interface TaskInvoker {
  /**
   * `signal` abandons the attempt (deadline passed): the invoker answers with a retryable failure.
   * `onStart` must be called once, when the attempt begins to run (after any wait for a free
   * slot or for a worker to start): the scheduler's deadline (sparkfn.task.timeout) counts from
   * then, so queueing and start-up never make an attempt late.
   */
  invoke(task: StageTask, signal?: AbortSignal, onStart?: () => void): Promise<TaskResult>;
  /**
   * Abandons every attempt in flight and any started later (spark.stop()): each answers at
   * once with a retryable failure instead of waiting for its executor. Optional: an invoker
   * without it lets running attempts finish.
   */
  abortAll?(reason: string): void;
  close(): Promise<void>;
}
