/**
 * One error taxonomy for driver and executor. Every failure belongs to one of four
 * categories, and whether a retry can help follows from the category alone:
 *
 * - `user`: the job is wrong (its code, arguments or configuration): fix the job. Never retried.
 * - `badInput`: the data, or the task as given, cannot be processed: fix the input. Never retried.
 * - `transient`: the environment failed for a moment (throttling, a dropped connection, a
 *   lost or corrupt shuffle output): retried.
 * - `internal`: sparkfn's own invariant broke, or an error nobody classified came from deep
 *   inside (a plain `Error`). Retried as Spark retries any task failure: up to
 *   `spark.task.maxFailures` attempts in all (driver/scheduler/run-tasks.ts), never more.
 *
 * Errors are classified by type (`instanceof`, or the `category` a class declares), never
 * by message text or `error.name`. A task failure carries its category on the wire
 * (shared/task.ts), next to its finer `TaskErrorType` and the `retryable` flag derived
 * from the category.
 */
import { z } from "zod";
import type { TaskErrorType, TaskFailure } from "./task.ts";

export const ErrorCategory = z.enum(["user", "badInput", "transient", "internal"]);
export type ErrorCategory = z.infer<typeof ErrorCategory>;

/** The one rule: which categories a retry can help. */
const RETRYABLE: Readonly<Record<ErrorCategory, boolean>> = { user: false, badInput: false, transient: true, internal: true };

export function isRetryable(category: ErrorCategory): boolean {
  return RETRYABLE[category];
}

/** The category of each wire type, for errors raised with an explicit type (TaskError). */
const CATEGORY_OF_TYPE: Readonly<Record<TaskErrorType, ErrorCategory>> = {
  InvalidTask: "badInput",
  BadInput: "badInput",
  InputNotFound: "badInput",
  Internal: "internal",
  Throttled: "transient",
  FetchFailed: "transient",
};

/** The wire type an error of each category travels as, unless its class names a finer one. */
const TYPE_OF_CATEGORY: Readonly<Record<ErrorCategory, TaskErrorType>> = {
  user: "BadInput",
  badInput: "BadInput",
  transient: "Internal",
  internal: "Internal",
};

/** An error sparkfn raises on purpose: it knows its category. */
export abstract class SparkfnError extends Error {
  abstract readonly category: ErrorCategory;
  /** The TaskErrorType a task failure with this error carries. */
  get taskErrorType(): TaskErrorType {
    return TYPE_OF_CATEGORY[this.category];
  }
  get retryable(): boolean {
    return isRetryable(this.category);
  }
}

/** The job is wrong (code, arguments, configuration). */
export class UserError extends SparkfnError {
  override readonly name: string = "UserError";
  readonly category = "user";
}

/** The data, or the task as given, cannot be processed. */
export class BadInputError extends SparkfnError {
  override readonly name: string = "BadInputError";
  readonly category = "badInput";
}

/**
 * Bad input under one of Spark's error conditions (a cast, an overflow, an index out of
 * bounds): the message reads as Spark prints it, `[CONDITION] words`, and `errorClass` keeps
 * the condition for code that tells them apart. Subclasses name their conditions in `C`.
 */
export class SparkConditionError<C extends string = string> extends BadInputError {
  override readonly name: string = "SparkConditionError";
  constructor(
    readonly errorClass: C,
    message: string,
  ) {
    super(conditionMessage(errorClass, message));
  }
}

/** A message under a Spark error condition, as Spark prints it: `[CONDITION] words`. */
export const conditionMessage = (errorClass: string, message: string): string => `[${errorClass}] ${message}`;

/** The environment failed for a moment; another attempt may succeed. */
export class TransientError extends SparkfnError {
  override readonly name: string = "TransientError";
  readonly category = "transient";
}

/** sparkfn's own invariant broke: a bug. The message says so, and asks for a report. */
export class InternalError extends SparkfnError {
  override readonly name: string = "InternalError";
  readonly category = "internal";
  constructor(message: string) {
    super(`${message} (an internal error in sparkfn: please report it)`);
  }
}

/** A function argument out of its domain, e.g. `range(0, 10, 0)` (Spark's IllegalArgumentException). */
export class IllegalArgumentError extends UserError {
  override readonly name: string = "IllegalArgumentError";
}

/**
 * An error with an explicit wire type (the executor's way to report a failure it
 * understands); its category follows from the type.
 */
export class TaskError extends SparkfnError {
  override readonly name: string = "TaskError";
  readonly category: ErrorCategory;
  constructor(
    readonly type: TaskErrorType,
    message: string,
    /** With FetchFailed: the objects that could not be read. */
    readonly missing?: string[],
  ) {
    super(message);
    this.category = CATEGORY_OF_TYPE[type];
  }
  override get taskErrorType(): TaskErrorType {
    return this.type;
  }
}

/** Node's codes for a network failure that another attempt may not meet. */
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED"]);

interface ServiceErrorShape {
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly code?: unknown;
}

/**
 * The category of any thrown value: a SparkfnError's own; for an error nobody classified,
 * `transient` when it has the shape of a passing failure (an AWS SDK error the SDK marks
 * retryable, an HTTP 429 or 5xx, a network error code), else `internal`.
 */
export function categoryOf(error: unknown): ErrorCategory {
  if (error instanceof SparkfnError) return error.category;
  if (typeof error === "object" && error !== null) {
    const shape = error as ServiceErrorShape;
    const status = shape.$metadata?.httpStatusCode;
    if (shape.$retryable) return "transient";
    if (status !== undefined && (status === 429 || status >= 500)) return "transient";
    if (typeof shape.code === "string" && NETWORK_CODES.has(shape.code)) return "transient";
  }
  return "internal";
}

/** The wire form of any thrown value, for a TaskFailure. */
export function taskFailureError(error: unknown): TaskFailure["error"] {
  const category = categoryOf(error);
  if (error instanceof SparkfnError) {
    const missing = error instanceof TaskError ? error.missing : undefined;
    return { type: error.taskErrorType, category, message: error.message, retryable: isRetryable(category), ...(missing ? { missing } : {}) };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { type: TYPE_OF_CATEGORY[category], category, message, retryable: isRetryable(category) };
}

/**
 * The driver's rule for a failure that came back from a task: its category decides; a
 * failure without one (built by an older executor) is taken at its `retryable` word.
 */
export function mayRetry(error: TaskFailure["error"]): boolean {
  return error.category ? isRetryable(error.category) : error.retryable;
}

/** The category of a failure that came back from a task (older executors send none: inferred from the type). */
export function failureCategory(error: TaskFailure["error"]): ErrorCategory {
  return error.category ?? CATEGORY_OF_TYPE[error.type];
}
