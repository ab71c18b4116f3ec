/**
 * Run status markers: `runs/<runId>.json` in the engine's bucket, so a message delivered
 * twice never runs its job twice. A run is claimed with a conditional PUT (If-None-Match: *:
 * only one claimant can create the marker); a claim finds an existing marker and decides:
 * succeeded → skip; running and recent → someone else is on it (the marker names the SQS
 * message whose delivery holds it); failed, or running for longer than a driver can live →
 * take the run over (If-Match on its ETag, so two takers cannot both win). A marker of another
 * job means the run id was reused: that message is refused, never skipped as done nor run
 * over the other job's marker.
 *
 * The claimant records the outcome with If-Match on its claim's ETag: when the marker changed
 * meanwhile (another driver took a stale run over), the claimant has lost the run and writes
 * nothing (RunOwnershipLostError); the new owner reports the outcome.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { TransientError } from "../../shared/errors.ts";
import { runStatusKey } from "../../shared/storage/keys.ts";

export const RunStatus = z
  .object({
    runId: z.string(),
    job: z.string(),
    status: z.enum(["running", "succeeded", "failed"]),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    attempts: z.number().int().positive(),
    /** The SQS message whose delivery claimed the run last (markers written before it have none). */
    messageId: z.string().optional(),
    error: z.string().optional(),
    result: z.unknown().optional(),
  })
  .strict();
export type RunStatus = z.infer<typeof RunStatus>;

export type Claim =
  | { kind: "claimed"; status: RunStatus; etag: string }
  | { kind: "done"; status: RunStatus }
  | { kind: "busy"; status: RunStatus }
  /** The run id is another job's: the message reuses it by mistake. */
  | { kind: "otherJob"; status: RunStatus };

/** The run's marker changed since it was claimed: another driver took the run over, and reports its outcome. */
export class RunOwnershipLostError extends TransientError {
  override readonly name = "RunOwnershipLostError";
  constructor(readonly runId: string) {
    super(`run "${runId}" was taken over by another driver after this one claimed it (its status marker ${runStatusKey(runId)} changed); this driver's outcome is not recorded`);
  }
}

const isPreconditionFailed = (error: unknown) =>
  error instanceof Error && (error.name === "PreconditionFailed" || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412);

export class RunStatusStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    /** A "running" marker older than this belongs to a driver that died (the function's timeout). */
    private readonly staleAfterMs: number,
  ) {}

  async read(runId: string): Promise<{ status: RunStatus; etag: string } | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: runStatusKey(runId) }));
      return { status: RunStatus.parse(JSON.parse(await out.Body!.transformToString())), etag: out.ETag ?? "" };
    } catch (error) {
      if (error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound")) return undefined;
      throw error;
    }
  }

  private put(status: RunStatus, condition: { IfNoneMatch: string } | { IfMatch: string }) {
    return this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: runStatusKey(status.runId), Body: JSON.stringify(status), ContentType: "application/json", ...condition }),
    );
  }

  async claim(runId: string, job: string, now = new Date(), messageId?: string): Promise<Claim> {
    const by = messageId === undefined ? {} : { messageId };
    const fresh: RunStatus = { runId, job, status: "running", startedAt: now.toISOString(), attempts: 1, ...by };
    try {
      const out = await this.put(fresh, { IfNoneMatch: "*" });
      return { kind: "claimed", status: fresh, etag: out.ETag ?? "" };
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
    const existing = await this.read(runId);
    if (!existing) return this.claim(runId, job, now, messageId);
    const { status, etag } = existing;
    if (status.job !== job) return { kind: "otherJob", status };
    if (status.status === "succeeded") return { kind: "done", status };
    const stale = now.getTime() - Date.parse(status.startedAt) > this.staleAfterMs;
    if (status.status === "running" && !stale) return { kind: "busy", status };
    const retry: RunStatus = { runId, job, status: "running", startedAt: now.toISOString(), attempts: status.attempts + 1, ...by };
    try {
      const out = await this.put(retry, { IfMatch: etag });
      return { kind: "claimed", status: retry, etag: out.ETag ?? "" };
    } catch (error) {
      // Another claimant took the run over first: report its marker (and message), not the old one.
      if (isPreconditionFailed(error)) return this.claim(runId, job, now, messageId);
      throw error;
    }
  }

  /** Records the outcome of a claimed run, if the marker is still the claim's; else throws RunOwnershipLostError. */
  async finish(claim: { status: RunStatus; etag: string }, outcome: { status: "succeeded"; result?: unknown } | { status: "failed"; error: string }): Promise<RunStatus> {
    const done: RunStatus = { ...claim.status, ...outcome, endedAt: new Date().toISOString() };
    try {
      await this.put(done, { IfMatch: claim.etag });
    } catch (error) {
      if (isPreconditionFailed(error)) throw new RunOwnershipLostError(claim.status.runId);
      throw error;
    }
    return done;
  }
}
