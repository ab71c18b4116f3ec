import { createHash } from "node:crypto";
import { InvokeCommand, TooManyRequestsException, type LambdaClient } from "@aws-sdk/client-lambda";
import { describeIssues, TASK_PROTOCOL_VERSION, TaskResult, type StageTask } from "../../shared/task.ts";
import type { TaskInvoker } from "./task-invoker.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { taskInputUri } from "../../shared/storage/keys.ts";
import { SparkfnError, taskFailureError } from "../../shared/errors.ts";
import { checkRequestSize } from "../../shared/payload-limits.ts";
import { isSdkTimeout } from "../../shared/aws/timeouts.ts";

/**
 * A synchronous invocation's payload may hold 6 MB (6,291,456 bytes); past this size a task's
 * input goes to the job's scratch space and the payload names it.
 */
export const INLINE_PAYLOAD_MAX_BYTES = 5 * 2 ** 20;

/** Runs each task attempt as one synchronous invocation of the executor function. */
export class LambdaTaskInvoker implements TaskInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
    /** Where oversized task inputs are stored (the job's scratch space is in it). */
    private readonly store?: ObjectStore,
    private readonly inlineMaxBytes = INLINE_PAYLOAD_MAX_BYTES,
    /** The client's request timeout (for the message when it passes). */
    private readonly invokeTimeoutMs?: number,
  ) {}

  /** Aborted by abortAll(): every invocation in flight, and any later one, is abandoned. */
  private readonly stopping = new AbortController();

  abortAll(reason: string): void {
    this.stopping.abort(reason);
  }

  /** The payload's bytes, with the input stored aside when the whole would be too large. */
  private async payload(task: StageTask): Promise<Uint8Array> {
    const inline = new TextEncoder().encode(JSON.stringify(task));
    if (inline.byteLength <= this.inlineMaxBytes || !this.store) return checkRequestSize(inline, task);
    const body = JSON.stringify(task.input);
    const uri = taskInputUri(task.scratch, task.stageId, task.partition, task.attempt);
    await this.store.put(uri, body);
    const sha256 = createHash("sha256").update(body).digest("hex");
    const stored: StageTask = { ...task, input: { kind: "stored", uri, sha256 } };
    return checkRequestSize(new TextEncoder().encode(JSON.stringify(stored)), stored);
  }

  async invoke(task: StageTask, signal?: AbortSignal, onStart?: () => void): Promise<TaskResult> {
    const ids = { stageId: task.stageId, partition: task.partition, attempt: task.attempt };
    const fail = (type: "Internal" | "InvalidTask" | "Throttled", message: string, retryable: boolean): TaskResult => ({
      status: "error",
      version: TASK_PROTOCOL_VERSION,
      ...ids,
      error: { type, message, retryable },
    });

    // The attempt's own signal (deadline, another attempt won) or abortAll(), whichever comes first.
    const abandon = new AbortController();
    const follow = (source: AbortSignal) => {
      const onAbort = () => abandon.abort(source.reason);
      if (source.aborted) onAbort();
      else source.addEventListener("abort", onAbort, { once: true });
      return () => source.removeEventListener("abort", onAbort);
    };
    const unfollow = [follow(this.stopping.signal), ...(signal ? [follow(signal)] : [])];
    let response;
    try {
      if (abandon.signal.aborted) throw abandon.signal.reason;
      const payload = await this.payload(task);
      // The attempt runs from here (a cold start included: the invocation cannot tell it apart).
      onStart?.();
      response = await this.client.send(new InvokeCommand({ FunctionName: this.functionName, Payload: payload }), { abortSignal: abandon.signal });
    } catch (error) {
      // A classified error (a request over Lambda's limit) keeps its category: never retried as transient.
      if (error instanceof SparkfnError) return { status: "error", version: TASK_PROTOCOL_VERSION, ...ids, error: taskFailureError(error) };
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (abandon.signal.aborted) return fail("Internal", `task attempt abandoned: ${String(abandon.signal.reason ?? "deadline passed")}`, true);
      if (isSdkTimeout(error)) {
        const limit = this.invokeTimeoutMs !== undefined ? `within ${this.invokeTimeoutMs} ms` : "in time";
        return fail(
          "Internal",
          `invoking ${this.functionName} got no answer ${limit} (${error.message}); the connection may have dropped. ` +
            "The attempt is retried; sparkfn.lambda.invokeTimeout sets the limit (it must exceed the function's timeout).",
          true,
        );
      }
      if (error instanceof TooManyRequestsException || (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 429) {
        return fail("Throttled", `invoking ${this.functionName} was throttled: ${message}`, true);
      }
      return fail("Internal", `invoking ${this.functionName} failed: ${message}`, true);
    } finally {
      for (const off of unfollow) off();
    }
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : "";
    if (response.FunctionError) {
      // The runtime caught an exception, a timeout or an out-of-memory kill.
      let detail = text;
      try {
        const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        detail = `${body.errorType ?? "Error"}: ${body.errorMessage ?? text}`;
      } catch {
        /* not JSON: keep the raw text */
      }
      return fail("Internal", `executor function error (${response.FunctionError}): ${detail}`, true);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail("Internal", `executor answered with non-JSON: ${text.slice(0, 200)}`, true);
    }
    const parsed = TaskResult.safeParse(json);
    if (!parsed.success) {
      return fail(
        "InvalidTask",
        `executor answered with an unexpected result (${describeIssues(parsed.error)}); ` +
          "driver and deployed executor may be different versions: redeploy the stack",
        false,
      );
    }
    return parsed.data;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
