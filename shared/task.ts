/**
 * The contract between driver and executor: one task runs one stage (a validated
 * StagePlan) over one partition's input, and answers with result rows or the location of
 * its shuffle output, plus metrics; or with a structured error that says whether a retry
 * can help. Both sides validate with these schemas; the executor never trusts its input.
 */
import { z } from "zod";
import { PartitionInput, ShuffleBlockRefSchema } from "./plan/physical.ts";
import { AccumulatorUpdate } from "./plan/function.ts";
import { ErrorCategory } from "./errors.ts";
import { isPackedUint32, mapIndexValues } from "./shuffle-index.ts";

export const TASK_PROTOCOL_VERSION = 2;

const Count = z.number().int().nonnegative();

export const TaskMetrics = z.object({
  durationMs: z.number().nonnegative(),
  coldStart: z.boolean(),
  recordsIn: Count,
  recordsOut: Count,
  bytesRead: Count,
  bytesWritten: Count,
  requests: z.object({ get: Count, put: Count, list: Count, head: Count, delete: Count }),
  /** What blocking operators spilled to local temporary storage. */
  spill: z.object({ bytes: Count, files: Count }),
  /** File scans: Parquet row groups read and skipped by statistics; malformed records met. */
  scan: z.object({ rowGroups: Count, rowGroupsSkipped: Count, malformedRecords: Count }),
  /** Shuffle traffic: what a map task wrote, what a reducer (or a broadcast join) read. */
  shuffle: z.object({ bytesWritten: Count, recordsWritten: Count, bytesRead: Count, recordsRead: Count }),
  peakMemoryBytes: Count,
});
export type TaskMetrics = z.infer<typeof TaskMetrics>;

/** Metrics of a task that did nothing: every count zero (simulated executors, tests). */
export function emptyTaskMetrics(): TaskMetrics {
  return {
    durationMs: 0,
    coldStart: false,
    recordsIn: 0,
    recordsOut: 0,
    bytesRead: 0,
    bytesWritten: 0,
    requests: { get: 0, put: 0, list: 0, head: 0, delete: 0 },
    spill: { bytes: 0, files: 0 },
    scan: { rowGroups: 0, rowGroupsSkipped: 0, malformedRecords: 0 },
    shuffle: { bytesWritten: 0, recordsWritten: 0, bytesRead: 0, recordsRead: 0 },
    peakMemoryBytes: 0,
  };
}

export const TaskErrorType = z.enum([
  /** The payload failed validation: a bug or version mismatch between driver and executor. */
  "InvalidTask",
  /** The input data cannot be processed (bad value, missing column); retrying will not help. */
  "BadInput",
  /** An object the task needs does not exist. */
  "InputNotFound",
  /** Anything else; may be transient. */
  "Internal",
  /** The function was throttled (429): back off and lower concurrency; not a task failure. */
  "Throttled",
  /** A shuffle output this task reads is gone: the map task that wrote it must run again. */
  "FetchFailed",
]);
export type TaskErrorType = z.infer<typeof TaskErrorType>;



const SafeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 characters of A-Z a-z 0-9 . _ -");


/**
 * Test faults: throw before running, exit the process, hang, answer throttled, lose or
 * corrupt the shuffle output written, start 8 s late, or run fully and then fail (as when
 * a response is lost after the work was done: the attempt's effects must not count).
 */
export const TaskFault = z.enum(["throw", "exit", "hang", "throttle", "loseOutput", "corruptOutput", "slow", "failAfterRun"]);
export type TaskFault = z.infer<typeof TaskFault>;

export const StageTask = z
  .object({
    version: z.literal(TASK_PROTOCOL_VERSION),
    appId: SafeId,
    stageId: Count,
    partition: Count,
    attempt: Count,
    /** The stage plan, stored once per stage and fetched by the executor (checked against its hash). */
    stage: z.object({ uri: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a hex SHA-256") }).strict(),
    input: PartitionInput,
    /** Where the app's scratch objects (shuffle output) go: `s3://bucket/apps/<appId>/` or a local folder. */
    scratch: z.string().min(1),
    /**
     * Result rows larger than this (serialized) are written to scratch storage and only
     * their location travels back: a Lambda response holds at most 6 MB, and the driver
     * checks sizes before it downloads anything.
     */
    resultInlineMaxBytes: Count,
    /**
     * Memory a blocking operator (aggregation) may hold before it spills to local disk;
     * by default a share of the function's memory (sparkfn.executor.memoryBudget overrides).
     */
    memoryBudgetBytes: z.number().int().positive().optional(),
    /** false: shuffle blocks are stored uncompressed (spark.shuffle.compress); absent: compressed. */
    shuffleCompress: z.boolean().optional(),
    /** The driver's log level (sc.setLogLevel); executors log at or above it. */
    logLevel: z.enum(["ALL", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"]).optional(),
    /** Every block of each shuffle that a broadcast join of this stage reads whole. */
    broadcast: z.array(z.object({ shuffleId: Count, blocks: z.array(ShuffleBlockRefSchema) }).strict()).optional(),
    /**
     * Test-only fault for this attempt; honoured only where SPARKFN_ALLOW_FAULT_INJECTION=1
     * is set on the function (or in local worker threads), refused elsewhere.
     */
    fault: TaskFault.optional(),
  })
  .strict();
export type StageTask = z.infer<typeof StageTask>;

const Cell = z.unknown();

export const ShuffleBlock = z.object({ offset: Count, length: Count, rows: Count }).strict();
export type ShuffleBlock = z.infer<typeof ShuffleBlock>;

export const TaskOutput = z.discriminatedUnion("kind", [
  /** Result rows in the response; `bytes` is their serialized (JSON) size. */
  z.object({ kind: z.literal("rows"), rows: z.array(z.array(Cell)), bytes: Count }).strict(),
  /** Result rows too large for the response, stored as one JSON object. */
  z.object({ kind: z.literal("storedRows"), uri: z.string().min(1), rows: Count, bytes: Count }).strict(),
  /** Files a write task produced (in the job's temporary folder), with their sizes and rows. */
  z
    .object({
      kind: z.literal("written"),
      /** `partitionPath`: the file's `key=value/` folders under the dataset ("" when not partitioned). */
      files: z.array(z.object({ uri: z.string().min(1), size: Count, rows: Count, partitionPath: z.string() }).strict()),
    })
    .strict(),
  /** A sample of the partition's sort keys (for range partitioning) and how many rows it had. */
  z.object({ kind: z.literal("sample"), keys: z.array(z.array(Cell)), rows: Count }).strict(),
  /**
   * One object per map task attempt, its `partitions` reduce partitions back to back; `index`
   * packs each one's bytes and rows (shared/shuffle-index.ts packMapIndex), not a JSON list.
   */
  z
    .object({ kind: z.literal("shuffle"), uri: z.string().min(1), partitions: Count, index: z.string() })
    .strict()
    .refine((o) => isPackedUint32(o.index, mapIndexValues(o.partitions)), { message: "must be base64 of 2 × partitions little-endian Uint32 values (bytes, then rows)", path: ["index"] }),
]);
export type TaskOutput = z.infer<typeof TaskOutput>;

export const TaskSuccess = z.object({
  status: z.literal("ok"),
  version: z.literal(TASK_PROTOCOL_VERSION),
  stageId: Count,
  partition: Count,
  attempt: Count,
  output: TaskOutput,
  /** What the task's functions added to accumulators; the driver applies the winning attempt's only. */
  accumulators: z.array(AccumulatorUpdate).optional(),
  metrics: TaskMetrics,
});
export type TaskSuccess = z.infer<typeof TaskSuccess>;

export const TaskFailure = z.object({
  status: z.literal("error"),
  version: z.literal(TASK_PROTOCOL_VERSION),
  stageId: Count.optional(),
  partition: Count.optional(),
  attempt: Count.optional(),
  error: z.object({
    type: TaskErrorType,
    /** The error's category (shared/errors.ts), which decides `retryable`; absent from older executors. */
    category: ErrorCategory.optional(),
    message: z.string(),
    retryable: z.boolean(),
    /** With FetchFailed: the shuffle objects that could not be read. */
    missing: z.array(z.string()).optional(),
  }),
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
