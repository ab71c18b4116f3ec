import type { TaskErrorType } from "../shared/task.ts";

/** A failure the executor understands and reports as a structured task error. */
export class TaskError extends Error {
  override readonly name = "TaskError";
  constructor(
    readonly type: TaskErrorType,
    message: string,
    readonly retryable = false,
    /** With FetchFailed: the objects that could not be read. */
    readonly missing?: string[],
  ) {
    super(message);
  }
}
