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
import { awsClientConfig } from "../aws/client-config.ts";
import {
  emptyCounts,
  ObjectNotFoundError,
  parseS3Uri,
  s3Uri,
  type ObjectInfo,
  type ObjectStore,
  type StoreRequestCounts,
} from "./object-store.ts";

const DELETE_BATCH = 1000; // DeleteObjects takes at most 1,000 keys per request.

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
    this.client = client ?? new S3Client(awsClientConfig("S3"));
  }

  async get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    const { bucket, key } = parseS3Uri(uri);
    this.counts.get++;
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
      );
      const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      this.counts.bytesRead += bytes.byteLength;
      return bytes;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(uri);
      throw error;
    }
  }

  async put(uri: string, body: Uint8Array | string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    this.counts.put++;
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    this.counts.bytesWritten += bytes.byteLength;
  }

  async copy(fromUri: string, toUri: string): Promise<void> {
    const from = parseS3Uri(fromUri);
    const to = parseS3Uri(toUri);
    this.counts.put++;
    try {
      await this.client.send(
        new CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: `${from.bucket}/${from.key.split("/").map(encodeURIComponent).join("/")}` }),
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
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
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
      const response = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { uri, size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(uris: readonly string[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const uri of uris) {
      const { bucket, key } = parseS3Uri(uri);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        this.counts.delete++;
        await this.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key })), Quiet: true },
          }),
        );
      }
    }
  }
}
