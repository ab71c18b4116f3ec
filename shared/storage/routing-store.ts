/**
 * One ObjectStore for both kinds of URI: `s3://` goes to S3, anything else to local files.
 * The local master uses it, so a job on `local[N]` can read S3 inputs and local ones alike
 * (the lambda master reads and writes S3 only). Counters add up both sides.
 */
import { LocalObjectStore } from "./local-store.ts";
import { emptyCounts, isS3Uri, type ObjectInfo, type ObjectStore, type PutOptions, type StoreRequestCounts } from "./object-store.ts";
import type { S3ObjectStore } from "./s3-store.ts";

export class RoutingObjectStore implements ObjectStore {
  private readonly local = new LocalObjectStore();
  private s3Store: S3ObjectStore | undefined;
  private s3Loading: Promise<S3ObjectStore> | undefined;

  /**
   * The S3 store is loaded and made on first use: a purely local job never needs AWS settings,
   * nor the AWS SDK in memory (about 25 MB of RSS per thread that loads it).
   */
  private s3(): Promise<S3ObjectStore> {
    return (this.s3Loading ??= import("./s3-store.ts").then(({ S3ObjectStore }) => (this.s3Store = new S3ObjectStore())));
  }

  private async pick(uri: string): Promise<ObjectStore> {
    return isS3Uri(uri) ? this.s3() : this.local;
  }

  get counts(): StoreRequestCounts {
    const total = emptyCounts();
    for (const c of [this.local.counts, this.s3Store?.counts ?? emptyCounts()]) {
      for (const key of Object.keys(total) as (keyof StoreRequestCounts)[]) total[key] += c[key];
    }
    return total;
  }

  async get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    return (await this.pick(uri)).get(uri, range);
  }

  async put(uri: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    return (await this.pick(uri)).put(uri, body, options);
  }

  async copy(fromUri: string, toUri: string): Promise<void> {
    if (isS3Uri(fromUri) === isS3Uri(toUri)) return (await this.pick(fromUri)).copy(fromUri, toUri);
    // Across the two: through this process.
    await (await this.pick(toUri)).put(toUri, await (await this.pick(fromUri)).get(fromUri));
  }

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    return (await this.pick(prefixUri)).list(prefixUri);
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    return (await this.pick(uri)).head(uri);
  }

  async delete(uris: readonly string[]): Promise<void> {
    const s3 = uris.filter(isS3Uri);
    const local = uris.filter((u) => !isS3Uri(u));
    if (s3.length) await (await this.s3()).delete(s3);
    if (local.length) await this.local.delete(local);
  }
}
