/**
 * The executor Lambda function: validates its task payload, runs the task and answers
 * with a TaskResult. It never throws to the runtime for a problem it understands; the
 * driver gets a structured error that names the task, the partition and the cause.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig } from "../shared/aws/client-config.ts";
import { isS3Uri } from "../shared/storage/object-store.ts";
import { S3ObjectStore } from "../shared/storage/s3-store.ts";
import { describeIssues, TASK_PROTOCOL_VERSION, TaskPayload, type TaskFailure, type TaskResult } from "../shared/task.ts";
import { runTask } from "./run-task.ts";
import { TaskError } from "./task-error.ts";

// One client per container, reused across warm invocations.
const s3 = new S3Client(awsClientConfig("S3"));

function failure(error: TaskFailure["error"], ids: Partial<Pick<TaskPayload, "stageId" | "partition" | "attempt">>): TaskFailure {
  return { status: "error", version: TASK_PROTOCOL_VERSION, ...ids, error };
}

export async function handler(event: unknown): Promise<TaskResult> {
  const parsed = TaskPayload.safeParse(event);
  if (!parsed.success) {
    const message = `invalid task payload: ${describeIssues(parsed.error)}`;
    console.error(JSON.stringify({ level: "error", msg: message }));
    return failure({ type: "InvalidTask", message, retryable: false }, {});
  }
  const task = parsed.data;
  const ids = { stageId: task.stageId, partition: task.partition, attempt: task.attempt };
  if (!isS3Uri(task.input.uri)) {
    return failure(
      {
        type: "InvalidTask",
        message: `input ${JSON.stringify(task.input.uri)} is not an s3:// URI; a Lambda executor reads only from S3`,
        retryable: false,
      },
      ids,
    );
  }
  try {
    return await runTask(task, new S3ObjectStore(s3));
  } catch (error) {
    if (error instanceof TaskError) {
      return failure({ type: error.type, message: error.message, retryable: error.retryable }, ids);
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(JSON.stringify({ level: "error", msg: "task failed", appId: task.appId, ...ids, error: message }));
    return failure({ type: "Internal", message, retryable: true }, ids);
  }
}
