/**
 * Deleting many S3 objects: DeleteObjects takes at most 1,000 keys a request and answers 200
 * even when some keys were not deleted, listing them under `Errors`. Those are read: keys that
 * failed with a transient code (SlowDown, InternalError...) are tried once more, and whatever
 * is still there is reported as one DeleteObjectsError naming each object and its code.
 */
import { SparkfnError, type ErrorCategory } from "../errors.ts";
import { parseS3Uri, s3Uri } from "./object-store.ts";

/** DeleteObjects takes at most 1,000 keys per request. */
export const DELETE_BATCH = 1000;

/** Codes of a DeleteObjects `Errors` entry that a second try may clear. */
export const TRANSIENT_DELETE_CODES: ReadonlySet<string> = new Set(["SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout"]);

/** Before the second try of keys that failed with a transient code (SlowDown asks to slow down). */
export const DELETE_RETRY_DELAY_MS = 250;

/** One key S3 did not delete, as its `Errors` entry names it. */
export interface DeleteFailure {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

/** An object that was not deleted, and why. */
export interface UndeletedObject {
  readonly uri: string;
  readonly code: string;
  readonly message: string;
}

const SHOWN = 5;

/**
 * Objects S3 would not delete. Transient (worth trying later) when every code was transient
 * and outlasted the retry; otherwise a matter of configuration (permissions, object lock).
 */
export class DeleteObjectsError extends SparkfnError {
  override readonly name: string = "DeleteObjectsError";
  readonly category: ErrorCategory;
  constructor(readonly failures: readonly UndeletedObject[]) {
    const shown = failures.slice(0, SHOWN).map((f) => `${f.uri} (${f.code}${f.message ? `: ${f.message}` : ""})`);
    const more = failures.length > SHOWN ? `, and ${failures.length - SHOWN} more` : "";
    const denied = failures.some((f) => f.code === "AccessDenied");
    super(
      `S3 did not delete ${failures.length} object(s): ${shown.join(", ")}${more}. The other objects were deleted. ` +
        (denied ? "AccessDenied: the role needs s3:DeleteObject on these keys (and no bucket policy or object lock may forbid it). " : "") +
        "Delete these objects again once the cause is fixed.",
    );
    this.category = failures.every((f) => TRANSIENT_DELETE_CODES.has(f.code)) ? "transient" : "user";
  }
}

/** The URIs grouped by bucket, in batches of at most DELETE_BATCH keys, in one linear pass. */
export function deleteBatches(uris: readonly string[]): { bucket: string; keys: string[] }[] {
  const byBucket = new Map<string, string[]>();
  for (const uri of uris) {
    const { bucket, key } = parseS3Uri(uri);
    let keys = byBucket.get(bucket);
    if (!keys) byBucket.set(bucket, (keys = []));
    keys.push(key);
  }
  const batches: { bucket: string; keys: string[] }[] = [];
  for (const [bucket, keys] of byBucket) {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) batches.push({ bucket, keys: keys.slice(i, i + DELETE_BATCH) });
  }
  return batches;
}

/**
 * Deletes `uris` with `request` (one DeleteObjects call, answering its `Errors`), batch by
 * batch; retries transiently failed keys once, then throws DeleteObjectsError for the rest.
 */
export async function deleteAll(
  uris: readonly string[],
  request: (bucket: string, keys: readonly string[]) => Promise<DeleteFailure[]>,
  retryDelayMs = DELETE_RETRY_DELAY_MS,
): Promise<void> {
  const undeleted: UndeletedObject[] = [];
  for (const { bucket, keys } of deleteBatches(uris)) {
    let failures = await request(bucket, keys);
    const transient = failures.filter((f) => TRANSIENT_DELETE_CODES.has(f.code));
    if (transient.length) {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      const again = await request(
        bucket,
        transient.map((f) => f.key),
      );
      failures = [...failures.filter((f) => !TRANSIENT_DELETE_CODES.has(f.code)), ...again];
    }
    for (const f of failures) undeleted.push({ uri: s3Uri(bucket, f.key), code: f.code, message: f.message });
  }
  if (undeleted.length) throw new DeleteObjectsError(undeleted);
}
