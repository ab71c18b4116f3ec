/**
 * A batch job request on the queue: `{ "job": "daily-sales", "args": { ... }, "runId"?: "..." }`.
 * Validated before anything runs; a message that can never be valid is reported, not retried.
 */
import { z } from "zod";

const SafeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 characters of A-Z a-z 0-9 . _ - (starting with a letter or digit)");

export const JobMessage = z
  .object({
    job: SafeId,
    args: z.record(z.string(), z.unknown()).default({}),
    /** Idempotency key: a message delivered twice with the same run id runs once. Default: the SQS message id. */
    runId: SafeId.optional(),
  })
  .strict();
export type JobMessage = z.infer<typeof JobMessage>;

/** What a registered job receives besides the session: its arguments and its run's identity. */
export interface JobContext {
  readonly runId: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** The engine's bucket (outputs usually go under s3://<bucket>/...). */
  readonly bucket: string;
}

/** One registered job: runs with a session against the executor function; its result (small JSON) is kept in the run's status. */
export type JobFunction = (spark: import("../session.ts").SparkSession, context: JobContext) => Promise<unknown>;

/** A module of named jobs, bundled into the driver function: `export const jobs: JobRegistry = { ... }`. */
export type JobRegistry = Readonly<Record<string, JobFunction>>;

/**
 * The job a message names: an own property of the registry holding a function. A plain
 * object also answers `constructor`, `toString`, `__proto__`..., which must never run as jobs.
 */
export function registeredJob(registry: JobRegistry, name: string): { ok: true; job: JobFunction } | { ok: false; error: string } {
  const job = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (typeof job === "function") return { ok: true, job };
  const known = Object.keys(registry).filter((key) => typeof registry[key] === "function");
  return { ok: false, error: `unknown job "${name}"; the registered jobs are: ${known.join(", ") || "(none)"}` };
}

export function parseJobMessage(body: string): { ok: true; message: JobMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `the message body is not JSON (${(error as Error).message})` };
  }
  const parsed = JobMessage.safeParse(json);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`).join("; ") };
  return { ok: true, message: parsed.data };
}
