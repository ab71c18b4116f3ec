/**
 * The batch driver: a Lambda function fed by SQS that runs registered jobs. Per message:
 *
 * - A message that can never run (not JSON, fails the schema, names an unknown job, reuses
 *   the run id of another job, or its job fails with a user error or bad input, such as an
 *   output location the write guard refuses) is forwarded to the dead-letter queue at once
 *   with the reason, and logged; it is not retried and does not hold back the rest of the batch.
 * - The run is claimed with a conditional write of its status marker, naming the message; a
 *   run that already succeeded is skipped (a redelivered message never runs its job twice). A
 *   run in progress under another message is that message's to finish (or to retry, as its
 *   own delivery fails): this duplicate is dropped, not held back for the queue's visibility
 *   timeout. The same message delivered again while its run is in progress is left for a
 *   later delivery. The outcome is written only if the marker is still this claim's
 *   (If-Match); a driver whose run was taken over records nothing.
 * - The job runs against the executor function. Its outputs go through the write commit
 *   protocol, so a retried run never leaves duplicated or mixed output. A failure marks the run
 *   failed; one a retry may fix reports the message (ReportBatchItemFailures): SQS delivers it again, and
 *   after maxReceiveCount receives it moves to the dead-letter queue.
 * - A driver function lives 15 minutes at most: a job still running at the deadline minus a
 *   safety margin and a stop reserve is cancelled and fails with a message saying to use
 *   `sparkfn submit`; the reserve is left for spark.stop() (running tasks finish, scratch data
 *   is deleted), which is bounded by the time that remains.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { S3Client } from "@aws-sdk/client-s3";
import { categoryOf, isRetryable } from "../../shared/errors.ts";
import { SparkSession } from "../session.ts";
import { parseJobMessage, registeredJob, type JobRegistry } from "./message.ts";
import { RunOwnershipLostError, RunStatusStore, type RunStatus } from "./run-status.ts";

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
  /** Time kept free at the very end of the function's life, after stop() (default 20 s). */
  readonly safetyMarginMs?: number;
  /** Time left for spark.stop() after a job is cancelled at its deadline (default 60 s). */
  readonly stopReserveMs?: number;
  /** Opens the session a job runs with (default: master "lambda"); tests give another. */
  readonly openSession?: (appName: string) => Promise<SparkSession>;
  /** A "running" marker older than this was left by a driver that died. */
  readonly staleAfterMs: number;
  readonly log?: (level: "INFO" | "WARN" | "ERROR", message: string, fields: Record<string, unknown>) => void;
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const defaultLog: NonNullable<BatchDriverOptions["log"]> = (level, message, fields) =>
  console.error(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...fields }));

class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

const sleep = (ms: number) => new Promise<"timeout">((resolve) => setTimeout(resolve, Math.max(0, ms), "timeout").unref());

export function createBatchDriver(options: BatchDriverOptions) {
  const log = options.log ?? defaultLog;
  const runs = new RunStatusStore(options.s3, options.bucket, options.staleAfterMs);
  const margin = options.safetyMarginMs ?? 20_000;
  const stopReserve = options.stopReserveMs ?? 60_000;
  const openSession = options.openSession ?? ((appName: string) => SparkSession.builder().master("lambda").appName(appName).getOrCreate());

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
    const registered = registeredJob(options.jobs, job);
    if (!registered.ok) {
      await deadLetter(record, registered.error);
      return true;
    }
    const fn = registered.job;
    const runId = parsed.message.runId ?? record.messageId;
    if (remainingMs() - margin - stopReserve <= 0) {
      log("WARN", "no time left in this invocation to run the job; leaving the message for a later delivery", { runId, job });
      return false;
    }
    const claim = await runs.claim(runId, job, new Date(), record.messageId);
    if (claim.kind === "otherJob") {
      await deadLetter(record, `run id "${runId}" belongs to job "${claim.status.job}" (its run is ${claim.status.status}), not to "${job}"; send the message with a new run id`);
      return true;
    }
    if (claim.kind === "done") {
      log("INFO", "run already succeeded; not running it again", { runId, job, messageId: record.messageId });
      return true;
    }
    if (claim.kind === "busy" && claim.status.messageId !== undefined && claim.status.messageId !== record.messageId) {
      log("INFO", "run in progress under another message; dropping this duplicate", { runId, job, messageId: record.messageId, heldBy: claim.status.messageId });
      return true;
    }
    if (claim.kind === "busy") {
      log("WARN", "run in progress elsewhere; leaving the message for a later delivery", { runId, job });
      return false;
    }
    log("INFO", "run started", { runId, job, attempt: claim.status.attempts });
    const spark = await openSession(`${job}-${runId}`);
    // The job gets the time left minus the margin and the stop reserve; stop() gets the reserve.
    const jobDeadline = Date.now() + remainingMs() - margin - stopReserve;
    let timer: NodeJS.Timeout | undefined;
    let handled = true;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, jobDeadline - Date.now()));
      });
      const result = await Promise.race([fn(spark, { runId, args, bucket: options.bucket }), deadline]);
      clearTimeout(timer);
      await finish(claim, { status: "succeeded", ...(isSmallJson(result) ? { result } : {}) });
      log("INFO", "run succeeded", { runId, job });
    } catch (error) {
      clearTimeout(timer);
      const message =
        error instanceof DeadlineError
          ? "the job did not finish within the driver function's time limit (Lambda allows 15 minutes at most); run long jobs with `sparkfn submit` from a machine or a container instead"
          : error instanceof Error
            ? error.message
            : String(error);
      await finish(claim, { status: "failed", error: message });
      log("ERROR", "run failed", { runId, job, error: message });
      // A user error or bad input (an output the guard refuses, a missing column...) fails
      // every delivery alike: to the dead-letter queue with its reason, not retried.
      if (!(error instanceof DeadlineError) && !isRetryable(categoryOf(error))) await deadLetter(record, message);
      else handled = false;
    } finally {
      // Cancels what the job still runs, waits for running tasks and deletes the scratch data,
      // within the time left before the margin.
      const stopped = await Promise.race([spark.stop().then(() => "stopped" as const), sleep(remainingMs() - margin)]);
      if (stopped === "timeout") {
        log("ERROR", "the session did not stop before the function's deadline; its scratch data is left to the bucket's lifecycle rule", { runId, job, appId: spark.appId });
      }
    }
    return handled;
  };

  /** Records a run's outcome; a run another driver took over meanwhile is its to report. */
  const finish = async (claim: { status: RunStatus; etag: string }, outcome: Parameters<RunStatusStore["finish"]>[1]) => {
    try {
      await runs.finish(claim, outcome);
    } catch (error) {
      if (!(error instanceof RunOwnershipLostError)) throw error;
      log("WARN", "run taken over by another driver; its outcome is not recorded here", { runId: claim.status.runId, job: claim.status.job, outcome: outcome.status });
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
