/**
 * Validates a task payload and runs it, turning every failure into a structured answer.
 * Shared by the Lambda handler and the local worker threads, so both masters behave alike.
 */
import { describeIssues, StageTask, TASK_PROTOCOL_VERSION, type TaskFailure, type TaskResult, type TaskSuccess } from "../shared/task.ts";
import type { ObjectStore } from "../shared/storage/object-store.ts";
import { runStageTask, storeResultRows } from "./stage/run-stage.ts";
import { loadStoredInput } from "./stage/load-plan.ts";
import { sliceUris, withMapTables } from "./stage/map-slices.ts";
import { runCombineTask } from "./stage/combine.ts";
import { unpackUint32 } from "../shared/shuffle-index.ts";
import { TaskError } from "./task-error.ts";
import { taskFailureError } from "../shared/errors.ts";
import { checkResponseSize, serializedBytes } from "../shared/payload-limits.ts";
import { logTask } from "./log.ts";

export interface ExecuteOptions {
  /** The store for this task's reads and writes (fresh per task, so its counters are the task's). */
  store: () => ObjectStore;
  /** Checks an input or scratch URI before anything touches it; throws TaskError to refuse. */
  checkUri?: (uri: string, role: string) => void;
  /** Whether test faults may be injected here. */
  allowFaults: boolean;
  /**
   * The most a serialized answer may hold (Lambda's 6 MB); unset: no limit (local worker
   * threads). Result rows that would pass it are stored instead; any other part fails the
   * task with a PayloadTooLargeError that names it.
   */
  responseMaxBytes?: number;
}

/** How long a "slow" fault holds an attempt back before it runs. */
const SLOW_FAULT_MS = 8_000;

/** Acts out an injected fault, or returns the failure it stands for. */
async function injectFault(fault: NonNullable<StageTask["fault"]>): Promise<TaskError | undefined> {
  switch (fault) {
    case "throw":
      throw new Error("injected fault: the task threw");
    case "exit":
      process.exit(13);
    // falls through: process.exit does not return
    case "hang":
      // Keep the process busy forever; the driver's deadline abandons this attempt.
      await new Promise<never>(() => setInterval(() => undefined, 60_000));
      throw new Error("unreachable");
    case "throttle":
      return new TaskError("Throttled", "injected fault: Rate Exceeded (TooManyRequestsException)");
    case "loseOutput":
    case "corruptOutput":
    case "failAfterRun":
      return undefined; // acted out after the task ran: see execute()
    case "slow":
      // A straggler: a slow container or a noisy neighbour. The task then runs normally.
      await new Promise((resolve) => setTimeout(resolve, SLOW_FAULT_MS));
      return undefined;
  }
}

/** The answer for any thrown value, classified by shared/errors.ts. */
function failure(error: unknown, ids: Partial<Pick<StageTask, "stageId" | "partition" | "attempt">>): TaskFailure {
  return { status: "error", version: TASK_PROTOCOL_VERSION, ...ids, error: taskFailureError(error) };
}

/** An answer that fits `maxBytes`: result rows that would not are stored, anything else too large throws. */
async function fitted(result: TaskSuccess, task: StageTask, store: ObjectStore, maxBytes: number | undefined): Promise<TaskSuccess> {
  if (maxBytes === undefined || serializedBytes(result) <= maxBytes) return result;
  // Result rows can always go through S3 instead (as rows past resultInlineMaxBytes do).
  const fitting = result.output.kind === "rows" ? { ...result, output: await storeResultRows(task, store, result.output.rows) } : result;
  checkResponseSize(fitting, maxBytes);
  return fitting;
}

export async function execute(event: unknown, options: ExecuteOptions): Promise<TaskResult> {
  const parsed = StageTask.safeParse(event);
  if (!parsed.success) {
    const message = `invalid task payload: ${describeIssues(parsed.error)}`;
    logTask("ERROR", message, {});
    return failure(new TaskError("InvalidTask", message), {});
  }
  let task = parsed.data;
  const ids = { stageId: task.stageId, partition: task.partition, attempt: task.attempt };
  try {
    if (task.fault) {
      if (!options.allowFaults) {
        return failure(new TaskError("InvalidTask", "fault injection is disabled on this executor; deploy it with SPARKFN_ALLOW_FAULT_INJECTION=1 to test faults"), ids);
      }
      const injected = await injectFault(task.fault);
      if (injected) return failure(injected, ids);
    }
    const store = options.store();
    if (task.input.kind === "stored") {
      options.checkUri?.(task.input.uri, "input");
      task = { ...task, input: await loadStoredInput(task.input, store) };
    }
    if (task.input.kind === "mapSlices" || task.input.kind === "joinSlices" || task.input.kind === "combine") {
      const check = options.checkUri;
      task = { ...task, input: await withMapTables(task.input, store, check ? (uri) => check(uri, "map-output table") : undefined) };
    }
    if (options.checkUri) {
      options.checkUri(task.stage.uri, "stage plan");
      options.checkUri(task.scratch, "scratch");
      if (task.input.kind === "files") task.input.files.forEach((f) => options.checkUri!(f.uri, "input"));
      if (task.input.kind === "shuffle") task.input.blocks.forEach((b) => options.checkUri!(b.uri, "shuffle input"));
      if (task.input.kind === "join") [...task.input.left, ...task.input.right].forEach((b) => options.checkUri!(b.uri, "shuffle input"));
      if (task.input.kind === "mapSlices") sliceUris(task.input.reads).forEach((uri) => options.checkUri!(uri, "shuffle input"));
      if (task.input.kind === "joinSlices") sliceUris([...task.input.left, ...task.input.right]).forEach((uri) => options.checkUri!(uri, "shuffle input"));
      if (task.input.kind === "combine" && task.input.objects.kind === "inline") {
        task.input.objects.uris.slice(task.input.from, task.input.from + task.input.count).forEach((uri) => options.checkUri!(uri, "shuffle input"));
      }
      task.broadcast?.forEach((b) => b.blocks.forEach((block) => options.checkUri!(block.uri, "broadcast input")));
    }
    logTask("INFO", "task started", task, { input: task.input.kind });
    const input = task.input;
    const result = input.kind === "combine" ? await runCombineTask(task, input, store) : await runStageTask(task, store);
    logTask("INFO", "task finished", task, { durationMs: Math.round(result.metrics.durationMs), recordsIn: result.metrics.recordsIn, recordsOut: result.metrics.recordsOut, coldStart: result.metrics.coldStart });
    if (task.fault === "failAfterRun") {
      return failure(new TaskError("Internal", "injected fault: the task ran, then its answer was lost"), ids);
    }
    if (task.fault === "loseOutput" && result.output.kind === "shuffle") {
      // Succeed, but lose what was written, as a vanished executor disk would.
      await options.store().delete([result.output.uri]);
    }
    if (task.fault === "corruptOutput" && result.output.kind === "shuffle") {
      // Succeed, but flip one byte inside the first non-empty block, as a bad disk or network would.
      const { partitions, index, uri } = result.output;
      const lengths = unpackUint32(index, 2 * partitions).subarray(0, partitions);
      const first = lengths.findIndex((length) => length > 0);
      if (first >= 0) {
        const offset = lengths.subarray(0, first).reduce((a, b) => a + b, 0);
        const store = options.store();
        const bytes = await store.get(uri);
        bytes[offset + Math.floor(lengths[first]! / 2)]! ^= 0x5a;
        await store.put(uri, bytes);
      }
    }
    return await fitted(result, task, store, options.responseMaxBytes);
  } catch (error) {
    // Classified by type (shared/errors.ts): user errors and bad input are reported at once,
    // never retried; anything unclassified is internal, retried at most spark.task.maxFailures times.
    const answer = failure(error, ids);
    logTask("ERROR", "task failed", task, { error: answer.error.message, category: answer.error.category });
    return answer;
  }
}
