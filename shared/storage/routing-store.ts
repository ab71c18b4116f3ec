/**
 * One ObjectStore for both kinds of URI: `s3://` goes to S3, anything else to local files.
 * The local master uses it, so a job on `local[N]` can read S3 inputs and local ones alike
 * (the lambda master reads and writes S3 only). Counters add up both sides.
 */
import { LocalObjectStore } from "./local-store.ts";
import { emptyCounts, isS3Uri, type ObjectInfo, type ObjectStore, type StoreRequestCounts } from "./object-store.ts";
import { S3ObjectStore } from "./s3-store.ts";

export class RoutingObjectStore implements ObjectStore {
  private readonly local = new LocalObjectStore();
  private s3Store: S3ObjectStore | undefined;

  /** The S3 client is made on first use: a purely local job never needs AWS settings. */
  private s3(): S3ObjectStore {
    return (this.s3Store ??= new S3ObjectStore());
  }

  private pick(uri: string): ObjectStore {
    return isS3Uri(uri) ? this.s3() : this.local;
  }

  get counts(): StoreRequestCounts {
    const total = emptyCounts();
    for (const c of [this.local.counts, this.s3Store?.counts ?? emptyCounts()]) {
      for (const key of Object.keys(total) as (keyof StoreRequestCounts)[]) total[key] += c[key];
    }
    return total;
  }

  get(uri: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    return this.pick(uri).get(uri, range);
  }

  put(uri: string, body: Uint8Array | string): Promise<void> {
    return this.pick(uri).put(uri, body);
  }

  async copy(fromUri: string, toUri: string): Promise<void> {
    if (isS3Uri(fromUri) === isS3Uri(toUri)) return this.pick(fromUri).copy(fromUri, toUri);
    // Across the two: through this process.
    await this.pick(toUri).put(toUri, await this.pick(fromUri).get(fromUri));
  }

  list(prefixUri: string): Promise<ObjectInfo[]> {
    return this.pick(prefixUri).list(prefixUri);
  }

  head(uri: string): Promise<ObjectInfo | undefined> {
    return this.pick(uri).head(uri);
  }

  async delete(uris: readonly string[]): Promise<void> {
    const s3 = uris.filter(isS3Uri);
    const local = uris.filter((u) => !isS3Uri(u));
    if (s3.length) await this.s3().delete(s3);
    if (local.length) await this.local.delete(local);
  }
}
