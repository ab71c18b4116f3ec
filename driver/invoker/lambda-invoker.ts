import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { describeIssues, TASK_PROTOCOL_VERSION, TaskResult, type StageTask } from "../../shared/task.ts";
import type { TaskInvoker } from "./task-invoker.ts";

/** Runs each task attempt as one synchronous invocation of the executor function. */
export class LambdaTaskInvoker implements TaskInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async invoke(task: StageTask, signal?: AbortSignal): Promise<TaskResult> {
    const ids = { stageId: task.stageId, partition: task.partition, attempt: task.attempt };
    const fail = (type: "Internal" | "InvalidTask" | "Throttled", message: string, retryable: boolean): TaskResult => ({
      status: "error",
      version: TASK_PROTOCOL_VERSION,
      ...ids,
      error: { type, message, retryable },
    });

    let response;
    try {
      response = await this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, Payload: new TextEncoder().encode(JSON.stringify(task)) }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (signal?.aborted) return fail("Internal", `task attempt abandoned: ${String(signal.reason ?? "deadline passed")}`, true);
      if (error instanceof Error && (error.name === "TooManyRequestsException" || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 429)) {
        return fail("Throttled", `invoking ${this.functionName} was throttled: ${message}`, true);
      }
      return fail("Internal", `invoking ${this.functionName} failed: ${message}`, true);
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
