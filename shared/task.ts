/**
 * The contract between driver and executor: what a task invocation carries and what it
 * answers. Both sides validate with these schemas; the executor never trusts its input.
 *
 * Version 1 is the walking skeleton's narrow pipeline: scan one CSV object, optionally
 * filter rows by comparing one column with a literal, and return a partial aggregate
 * (sum and count of one column per group). The engine issue replaces `pipeline` with a
 * serialised stage plan; the envelope (ids, attempt, metrics, error shape) stays.
 */
import { z } from "zod";

export const TASK_PROTOCOL_VERSION = 1;

const SafeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 characters of A-Z a-z 0-9 . _ -");
const Count = z.number().int().nonnegative();

export const ComparisonOp = z.enum(["gt", "ge", "lt", "le", "eq", "ne"]);
export type ComparisonOp = z.infer<typeof ComparisonOp>;

export const ColumnPredicate = z
  .object({
    column: z.string().min(1),
    op: ComparisonOp,
    value: z.union([z.number().finite(), z.string()]),
  })
  .strict();
export type ColumnPredicate = z.infer<typeof ColumnPredicate>;

export const TaskPayload = z
  .object({
    version: z.literal(TASK_PROTOCOL_VERSION),
    appId: SafeId,
    stageId: Count,
    partition: Count,
    attempt: Count,
    input: z
      .object({
        uri: z.string().min(1),
        format: z.literal("csv"),
        header: z.literal(true),
      })
      .strict(),
    pipeline: z
      .object({
        filter: ColumnPredicate.optional(),
        aggregate: z.object({ groupBy: z.string().min(1), sum: z.string().min(1) }).strict(),
      })
      .strict(),
  })
  .strict();
export type TaskPayload = z.infer<typeof TaskPayload>;

export const TaskMetrics = z.object({
  durationMs: z.number().nonnegative(),
  coldStart: z.boolean(),
  recordsIn: Count,
  recordsOut: Count,
  bytesRead: Count,
  bytesWritten: Count,
  requests: z.object({ get: Count, put: Count, list: Count, head: Count, delete: Count }),
  peakMemoryBytes: Count,
});
export type TaskMetrics = z.infer<typeof TaskMetrics>;

/** One group of a partial aggregate: [group key (null for a missing key), sum, count of summed values]. */
export const PartialGroup = z.tuple([z.string().nullable(), z.number(), Count]);
export type PartialGroup = z.infer<typeof PartialGroup>;

export const TaskErrorType = z.enum([
  /** The payload failed validation: a bug or version mismatch between driver and executor. */
  "InvalidTask",
  /** The input data cannot be processed (bad value, missing column); retrying will not help. */
  "BadInput",
  /** An object the task needs does not exist. */
  "InputNotFound",
  /** Anything else; may be transient. */
  "Internal",
]);
export type TaskErrorType = z.infer<typeof TaskErrorType>;

export const TaskSuccess = z.object({
  status: z.literal("ok"),
  version: z.literal(TASK_PROTOCOL_VERSION),
  stageId: Count,
  partition: Count,
  attempt: Count,
  groups: z.array(PartialGroup),
  metrics: TaskMetrics,
});
export type TaskSuccess = z.infer<typeof TaskSuccess>;

export const TaskFailure = z.object({
  status: z.literal("error"),
  version: z.literal(TASK_PROTOCOL_VERSION),
  /** Known when the payload was valid enough to read them. */
  stageId: Count.optional(),
  partition: Count.optional(),
  attempt: Count.optional(),
  error: z.object({ type: TaskErrorType, message: z.string(), retryable: z.boolean() }),
});
export type TaskFailure = z.infer<typeof TaskFailure>;

export const TaskResult = z.discriminatedUnion("status", [TaskSuccess, TaskFailure]);
export type TaskResult = z.infer<typeof TaskResult>;

/** One line per problem, each naming the field path: `input.uri: Invalid input: expected string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`)
    .join("; ");
}
