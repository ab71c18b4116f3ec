/**
 * The executor Lambda function: validates its task payload, runs the task and answers
 * with a TaskResult. It never throws to the runtime for a problem it understands; the
 * driver gets a structured error that names the task, the partition and the cause.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { timedClientConfig } from "../shared/aws/client-config.ts";
import { isS3Uri } from "../shared/storage/object-store.ts";
import { S3ObjectStore } from "../shared/storage/s3-store.ts";
import type { TaskResult } from "../shared/task.ts";
import { LAMBDA_PAYLOAD_MAX_BYTES } from "../shared/payload-limits.ts";
import { execute } from "./execute.ts";
import { TaskError } from "./task-error.ts";

// One client per container, reused across warm invocations.
const s3 = new S3Client(timedClientConfig("S3"));

function onlyS3(uri: string, role: string): void {
  if (!isS3Uri(uri)) {
    throw new TaskError("InvalidTask", `${role} ${JSON.stringify(uri)} is not an s3:// URI; a Lambda executor reads and writes only S3`);
  }
}

export async function handler(event: unknown): Promise<TaskResult> {
  return execute(event, {
    store: () => new S3ObjectStore(s3),
    checkUri: onlyS3,
    allowFaults: process.env.SPARKFN_ALLOW_FAULT_INJECTION === "1",
    responseMaxBytes: LAMBDA_PAYLOAD_MAX_BYTES,
  });
}
