import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { timedClientConfig } from "../aws/client-config.ts";
import { AwsTimeoutError, isSdkTimeout } from "../aws/timeouts.ts";
import { deleteAll, type DeleteFailure } from "./s3-delete.ts";
import {
  emptyCounts,
  ObjectNotFoundError,
  parseS3Uri,
  s3Uri,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type StoreRequestCounts,
} from "./object-store.ts";

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) {
    return error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404;
  }
  return false;
}

export class S3ObjectStore implements ObjectStore {
  readonly counts: StoreRequestCounts = emptyCounts();
  private readonly client: S3Client;

  constructor(client?: S3Client) {
    // Timeouts from ../aws/timeouts.ts: a silent connection fails the call instead of hanging it.
    this.client = client ?? new S3Client(timedClientConfig("S3"));
  }

  /** Runs one S3 call; a timed-out one becomes an AwsTimeoutError naming the call. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isSdkTimeout(error)) throw new AwsTimeoutError(`S3 ${what}`, error);
      throw error;
    }
  }

  async get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    const { bucket, key } = parseS3Uri(uri);
    this.counts.get++;
    try {
      // The body is read inside the call: a response that stops arriving times out too.
      const bytes = await this.call(`GetObject ${uri}`, async () => {
        const response = await this.client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
          }),
        );
        return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      });
      this.counts.bytesRead += bytes.byteLength;
      return bytes;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(uri);
      throw error;
    }
  }

  async put(uri: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    // Tags travel in the x-amz-tagging header, encoded as a URL query (`sparkfn%3Atemporary=true`).
    const tagging = options?.tags && Object.keys(options.tags).length ? new URLSearchParams(options.tags).toString() : undefined;
    this.counts.put++;
    await this.call(`PutObject ${uri}`, () =>
      this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ...(tagging ? { Tagging: tagging } : {}) })),
    );
    this.counts.bytesWritten += bytes.byteLength;
  }

  async copy(fromUri: string, toUri: string): Promise<void> {
    const from = parseS3Uri(fromUri);
    const to = parseS3Uri(toUri);
    this.counts.put++;
    try {
      await this.call(`CopyObject ${fromUri} to ${toUri}`, () =>
        this.client.send(
          new CopyObjectCommand({
            Bucket: to.bucket,
            Key: to.key,
            CopySource: `${from.bucket}/${from.key.split("/").map(encodeURIComponent).join("/")}`,
            // An empty tag set, not the source's (S3's default is COPY): see ObjectStore.copy.
            TaggingDirective: "REPLACE",
          }),
        ),
      );
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(fromUri);
      throw error;
    }
  }

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      this.counts.list++;
      const page = await this.call(`ListObjectsV2 ${prefixUri}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined) out.push({ uri: s3Uri(bucket, item.Key), size: item.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const { bucket, key } = parseS3Uri(uri);
    this.counts.head++;
    try {
      const response = await this.call(`HeadObject ${uri}`, () => this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
      return { uri, size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Throws DeleteObjectsError naming the objects S3 did not delete (./s3-delete.ts). */
  async delete(uris: readonly string[]): Promise<void> {
    await deleteAll(uris, (bucket, keys) => this.deleteObjects(bucket, keys));
  }

  /** One DeleteObjects request; its answer's `Errors` (keys not deleted). */
  private async deleteObjects(bucket: string, keys: readonly string[]): Promise<DeleteFailure[]> {
    this.counts.delete++;
    const response = await this.call(`DeleteObjects of ${keys.length} key(s) in s3://${bucket}/`, () =>
      this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } })),
    );
    return (response.Errors ?? []).map((e) => ({ key: e.Key ?? "(no key given)", code: e.Code ?? "Unknown", message: e.Message ?? "" }));
  }
}
