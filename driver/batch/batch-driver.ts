/**
 * The batch driver: a Lambda function fed by SQS that runs registered jobs. Per message:
 *
 * - A message that can never run (not JSON, fails the schema, names an unknown job) is
 *   forwarded to the dead-letter queue at once with the reason, and logged; it is not
 *   retried and does not hold back the rest of the batch.
 * - The run is claimed with a conditional write of its status marker; a run that already
 *   succeeded is skipped (a redelivered message never runs its job twice), one in progress
 *   elsewhere is left for a later delivery.
 * - The job runs against the executor function. Its outputs go through the write commit
 *   protocol, so a retried run never leaves duplicated or mixed output. A failure marks the
 *   run failed and reports the message (ReportBatchItemFailures): SQS delivers it again, and
 *   after maxReceiveCount receives it moves to the dead-letter queue.
 * - A driver function lives 15 minutes at most: a job still running shortly before the
 *   function's deadline is stopped and fails with a message saying to use `sparkfn submit`.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { S3Client } from "@aws-sdk/client-s3";
import { SparkSession } from "../session.ts";
import { parseJobMessage, type JobRegistry } from "./message.ts";
import { RunStatusStore } from "./run-status.ts";

export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

export interface BatchDriverOptions {
  readonly jobs: JobRegistry;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly bucket: string;
  readonly deadLetterQueueUrl: string;
  /** How long before the function's deadline a running job is stopped. */
  readonly safetyMarginMs?: number;
  /** A "running" marker older than this was left by a driver that died. */
  readonly staleAfterMs: number;
  readonly log?: (level: "INFO" | "WARN" | "ERROR", message: string, fields: Record<string, unknown>) => void;
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const defaultLog: NonNullable<BatchDriverOptions["log"]> = (level, message, fields) =>
  console.error(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...fields }));

class DeadlineError extends Error {}

export function createBatchDriver(options: BatchDriverOptions) {
  const log = options.log ?? defaultLog;
  const runs = new RunStatusStore(options.s3, options.bucket, options.staleAfterMs);
  const margin = options.safetyMarginMs ?? 20_000;

  const deadLetter = async (record: SqsRecord, reason: string) => {
    log("ERROR", "invalid job message, sent to the dead-letter queue", { messageId: record.messageId, reason });
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          sparkfnError: { DataType: "String", StringValue: reason.slice(0, 1000) },
          sparkfnMessageId: { DataType: "String", StringValue: record.messageId },
        },
      }),
    );
  };

  /** Runs one message; returns false when SQS should deliver it again. */
  const runOne = async (record: SqsRecord, remainingMs: () => number): Promise<boolean> => {
    const parsed = parseJobMessage(record.body);
    if (!parsed.ok) {
      await deadLetter(record, parsed.error);
      return true;
    }
    const { job, args } = parsed.message;
    const fn = options.jobs[job];
    if (!fn) {
      await deadLetter(record, `unknown job "${job}"; the registered jobs are: ${Object.keys(options.jobs).join(", ") || "(none)"}`);
      return true;
    }
    const runId = parsed.message.runId ?? record.messageId;
    const claim = await runs.claim(runId, job);
    if (claim.kind === "done") {
      log("INFO", "run already succeeded; not running it again", { runId, job, messageId: record.messageId });
      return true;
    }
    if (claim.kind === "busy") {
      log("WARN", "run in progress elsewhere; leaving the message for a later delivery", { runId, job });
      return false;
    }
    log("INFO", "run started", { runId, job, attempt: claim.status.attempts });
    const spark = await SparkSession.builder().master("lambda").appName(`${job}-${runId}`).getOrCreate();
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, remainingMs() - margin));
      });
      const result = await Promise.race([fn(spark, { runId, args, bucket: options.bucket }), deadline]);
      await runs.finish(claim.status, { status: "succeeded", ...(isSmallJson(result) ? { result } : {}) });
      log("INFO", "run succeeded", { runId, job });
      return true;
    } catch (error) {
      const message =
        error instanceof DeadlineError
          ? "the job did not finish within the driver function's time limit (Lambda allows 15 minutes at most); run long jobs with `sparkfn submit` from a machine or a container instead"
          : error instanceof Error
            ? error.message
            : String(error);
      await runs.finish(claim.status, { status: "failed", error: message });
      log("ERROR", "run failed", { runId, job, error: message });
      return false;
    } finally {
      clearTimeout(timer);
      await spark.stop();
    }
  };

  return async (records: readonly SqsRecord[], remainingMs: () => number): Promise<BatchResponse> => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of records) {
      let ok: boolean;
      try {
        ok = await runOne(record, remainingMs);
      } catch (error) {
        log("ERROR", "message could not be handled", { messageId: record.messageId, error: error instanceof Error ? error.message : String(error) });
        ok = false;
      }
      if (!ok) batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  };
}

function isSmallJson(value: unknown): boolean {
  if (value === undefined) return false;
  try {
    return JSON.stringify(value).length <= 64 * 1024;
  } catch {
    return false;
  }
}
