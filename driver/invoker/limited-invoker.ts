/**
 * A TaskInvoker that lets at most `max` attempts run at once across every stage of a job:
 * independent stages run concurrently (both sides of a join), and together they stay within
 * spark.dynamicAllocation.maxExecutors. Waiters are served first come, first served.
 */
import { TASK_PROTOCOL_VERSION, type StageTask, type TaskResult } from "../../shared/task.ts";
import type { TaskInvoker } from "./task-invoker.ts";
import { taskFailureError, TransientError } from "../../shared/errors.ts";

export class LimitedInvoker implements TaskInvoker {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly inner: TaskInvoker,
    private readonly max: number,
  ) {
    if (!(max >= 1)) throw new RangeError("LimitedInvoker: max must be at least 1");
  }

  async invoke(task: StageTask, signal?: AbortSignal, onStart?: () => void): Promise<TaskResult> {
    if (this.running >= this.max) {
      const admitted = await new Promise<boolean>((resolve) => {
        const admit = () => resolve(true);
        this.waiting.push(admit);
        signal?.addEventListener("abort", () => {
          const i = this.waiting.indexOf(admit);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(false);
        });
      });
      if (!admitted) {
        return {
          status: "error",
          version: TASK_PROTOCOL_VERSION,
          stageId: task.stageId,
          partition: task.partition,
          attempt: task.attempt,
          error: taskFailureError(new TransientError(`task attempt abandoned before it started: ${String(signal?.reason ?? "aborted")}`)),
        };
      }
    }
    this.running++;
    try {
      return await this.inner.invoke(task, signal, onStart);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** The inner invoker belongs to the session, which closes it. */
  async close(): Promise<void> {}
}
