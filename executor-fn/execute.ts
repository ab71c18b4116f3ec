/**
 * Validates a task payload and runs it, turning every failure into a structured answer.
 * Shared by the Lambda handler and the local worker threads, so both masters behave alike.
 */
import { describeIssues, StageTask, TASK_PROTOCOL_VERSION, type TaskFailure, type TaskResult } from "../shared/task.ts";
import type { ObjectStore } from "../shared/storage/object-store.ts";
import { AnalysisError } from "../shared/plan/resolve.ts";
import { runStageTask } from "./stage/run-stage.ts";
import { loadStoredInput } from "./stage/load-plan.ts";
import { TaskError } from "./task-error.ts";
import { UserFunctionError } from "../shared/functions/compile.ts";
import { logTask } from "./log.ts";

export interface ExecuteOptions {
  /** The store for this task's reads and writes (fresh per task, so its counters are the task's). */
  store: () => ObjectStore;
  /** Checks an input or scratch URI before anything touches it; throws TaskError to refuse. */
  checkUri?: (uri: string, role: string) => void;
  /** Whether test faults may be injected here. */
  allowFaults: boolean;
}

/** How long a "slow" fault holds an attempt back before it runs. */
const SLOW_FAULT_MS = 8_000;

/** Acts out an injected fault, or returns the failure it stands for. */
async function injectFault(fault: NonNullable<StageTask["fault"]>): Promise<TaskFailure["error"] | undefined> {
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
      return { type: "Throttled", message: "injected fault: Rate Exceeded (TooManyRequestsException)", retryable: true };
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

function failure(error: TaskFailure["error"], ids: Partial<Pick<StageTask, "stageId" | "partition" | "attempt">>): TaskFailure {
  return { status: "error", version: TASK_PROTOCOL_VERSION, ...ids, error };
}

export async function execute(event: unknown, options: ExecuteOptions): Promise<TaskResult> {
  const parsed = StageTask.safeParse(event);
  if (!parsed.success) {
    const message = `invalid task payload: ${describeIssues(parsed.error)}`;
    logTask("ERROR", message, {});
    return failure({ type: "InvalidTask", message, retryable: false }, {});
  }
  let task = parsed.data;
  const ids = { stageId: task.stageId, partition: task.partition, attempt: task.attempt };
  try {
    if (task.fault) {
      if (!options.allowFaults) {
        return failure(
          { type: "InvalidTask", message: "fault injection is disabled on this executor; deploy it with SPARKFN_ALLOW_FAULT_INJECTION=1 to test faults", retryable: false },
          ids,
        );
      }
      const injected = await injectFault(task.fault);
      if (injected) return failure(injected, ids);
    }
    const store = options.store();
    if (task.input.kind === "stored") {
      options.checkUri?.(task.input.uri, "input");
      task = { ...task, input: await loadStoredInput(task.input, store) };
    }
    if (options.checkUri) {
      options.checkUri(task.scratch, "scratch");
      if (task.input.kind === "files") task.input.files.forEach((f) => options.checkUri!(f.uri, "input"));
      if (task.input.kind === "shuffle") task.input.blocks.forEach((b) => options.checkUri!(b.uri, "shuffle input"));
      if (task.input.kind === "join") [...task.input.left, ...task.input.right].forEach((b) => options.checkUri!(b.uri, "shuffle input"));
      task.broadcast?.forEach((b) => b.blocks.forEach((block) => options.checkUri!(block.uri, "broadcast input")));
    }
    logTask("INFO", "task started", task, { input: task.input.kind });
    const result = await runStageTask(task, store);
    logTask("INFO", "task finished", task, { durationMs: Math.round(result.metrics.durationMs), recordsIn: result.metrics.recordsIn, recordsOut: result.metrics.recordsOut, coldStart: result.metrics.coldStart });
    if (task.fault === "failAfterRun") {
      return failure({ type: "Internal", message: "injected fault: the task ran, then its answer was lost", retryable: true }, ids);
    }
    if (task.fault === "loseOutput" && result.output.kind === "shuffle") {
      // Succeed, but lose what was written, as a vanished executor disk would.
      await options.store().delete([result.output.uri]);
    }
    if (task.fault === "corruptOutput" && result.output.kind === "shuffle") {
      // Succeed, but flip one byte inside the first non-empty block, as a bad disk or network would.
      const block = result.output.blocks.find((b) => b.length > 0);
      if (block) {
        const store = options.store();
        const bytes = await store.get(result.output.uri);
        bytes[block.offset + Math.floor(block.length / 2)]! ^= 0x5a;
        await store.put(result.output.uri, bytes);
      }
    }
    return result;
  } catch (error) {
    if (error instanceof TaskError) {
      return failure({ type: error.type, message: error.message, retryable: error.retryable, ...(error.missing ? { missing: error.missing } : {}) }, ids);
    }
    // A plan that does not fit its data (unknown column, bad types) will fail on every attempt.
    if (error instanceof AnalysisError) return failure({ type: "InvalidTask", message: error.message, retryable: false }, ids);
    // A user function that throws or returns the wrong shape would do so again: report it at once.
    if (error instanceof UserFunctionError) return failure({ type: "BadInput", message: error.message, retryable: false }, ids);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    logTask("ERROR", "task failed", task, { error: message });
    return failure({ type: "Internal", message, retryable: true }, ids);
  }
}
