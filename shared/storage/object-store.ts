/**
 * Storage behind one interface, two implementations: S3 (`s3://bucket/key`) for the
 * lambda master and local files (plain paths or `file://`) for `local[N]`. Executors and
 * the driver only ever see `ObjectStore`.
 */
import { BadInputError } from "../errors.ts";
import type { TaskErrorType } from "../task.ts";

export interface ObjectInfo {
  /** Full URI of the object (`s3://bucket/key` or an absolute file path). */
  readonly uri: string;
  readonly size: number;
}

/** Request counters, reported in task metrics (S3 requests cost money). */
export interface StoreRequestCounts {
  get: number;
  put: number;
  list: number;
  delete: number;
  head: number;
  bytesRead: number;
  bytesWritten: number;
}

export interface PutOptions {
  /** Object tags, e.g. TEMPORARY_OBJECT_TAG (shared/storage/keys.ts) on write attempt files. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface ObjectStore {
  /** Reads a whole object, or `length` bytes from `offset` (a ranged GET on S3). */
  get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array>;
  /** Writes an object; `tags` become its S3 object tags (the local store has none and ignores them). */
  put(uri: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  /**
   * Copies an object within the store (S3 CopyObject: no bytes through this process). The copy
   * carries no tags: a committed copy of a tagged attempt file must not expire with it.
   */
  copy(fromUri: string, toUri: string): Promise<void>;
  /** Objects whose URI starts with `prefixUri`, in key order. */
  list(prefixUri: string): Promise<ObjectInfo[]>;
  /** Size of an object, or undefined when it does not exist. */
  head(uri: string): Promise<ObjectInfo | undefined>;
  delete(uris: readonly string[]): Promise<void>;
  readonly counts: StoreRequestCounts;
}

export function emptyCounts(): StoreRequestCounts {
  return { get: 0, put: 0, list: 0, delete: 0, head: 0, bytesRead: 0, bytesWritten: 0 };
}

/** Raised when an object a task needs does not exist; names the URI. */
export class ObjectNotFoundError extends BadInputError {
  override readonly name = "ObjectNotFoundError";
  constructor(readonly uri: string) {
    super(`Object not found: ${uri}`);
  }
  override get taskErrorType(): TaskErrorType {
    return "InputNotFound";
  }
}

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export function isS3Uri(uri: string): boolean {
  return uri.startsWith("s3://");
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match || !match[1]) {
    throw new Error(`Not an S3 URI: "${uri}" (expected s3://bucket/key).`);
  }
  return { bucket: match[1], key: match[2] ?? "" };
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
