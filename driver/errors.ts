import { SparkfnError, type ErrorCategory } from "../shared/errors.ts";
import type { TaskErrorType } from "../shared/task.ts";

/** A task failed for good (no retries left, or an error no retry can fix); its category is the last error's. */
export class TaskFailedError extends SparkfnError {
  override readonly name = "TaskFailedError";
  constructor(
    readonly stageId: number,
    readonly partition: number,
    readonly attempts: number,
    readonly type: TaskErrorType,
    readonly reason: string,
    readonly input?: string,
    readonly category: ErrorCategory = "internal",
  ) {
    super(
      `Task ${partition} in stage ${stageId} failed ${attempts} time(s)` +
        `${input ? ` (input ${input})` : ""}; last error [${type}]: ${reason}`,
    );
  }
  override get taskErrorType(): TaskErrorType {
    return this.type;
  }
}

/** The session was stopped (spark.stop(), Ctrl-C) while the job ran: no more tasks were launched. */
export class JobCancelledError extends Error {
  override readonly name = "JobCancelledError";
  constructor(reason = "the SparkSession was stopped") {
    super(`Job cancelled because ${reason}; tasks already running were let finish, and no new ones were launched.`);
  }
}

/** The deployed stack cannot be found or is incomplete. */
export class DeploymentNotFoundError extends Error {
  override readonly name = "DeploymentNotFoundError";
}
