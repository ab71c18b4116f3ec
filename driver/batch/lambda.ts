/**
 * Entry point of the driver function (bundled by infra/ with esbuild). `sparkfn-jobs` is the
 * deployment's job registry module, aliased at bundle time (SparkfnEngine's `jobs` prop).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { jobs } from "sparkfn-jobs";
import { timedClientConfig } from "../../shared/aws/client-config.ts";
import { createBatchDriver, type BatchResponse, type SqsRecord } from "./batch-driver.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The driver function needs the environment variable ${name} (set by the SparkfnEngine construct).`);
  return value;
}

const run = createBatchDriver({
  jobs,
  s3: new S3Client(timedClientConfig("S3")),
  sqs: new SQSClient(timedClientConfig("SQS")),
  bucket: required("SPARKFN_BUCKET"),
  deadLetterQueueUrl: required("SPARKFN_DEAD_LETTER_QUEUE_URL"),
  // A run marked running for longer than the function can live was left by a dead driver.
  staleAfterMs: Number(process.env.SPARKFN_DRIVER_TIMEOUT_MS ?? 900_000) + 60_000,
});

export async function handler(event: { Records?: SqsRecord[] }, context: { getRemainingTimeInMillis(): number }): Promise<BatchResponse> {
  return run(event.Records ?? [], () => context.getRemainingTimeInMillis());
}
