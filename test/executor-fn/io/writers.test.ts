/**
 * A write task's attempt files are tagged `sparkfn:temporary=true` when written, so the bucket's
 * lifecycle rule expires those never committed (late attempts, crashed drivers); the tag reaches
 * S3 as the x-amz-tagging header (test/shared/storage/s3-store-tags.test.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeRows } from "../../../executor-fn/io/writers.ts";
import { LocalObjectStore } from "../../../shared/storage/local-store.ts";
import type { PutOptions } from "../../../shared/storage/object-store.ts";

class RecordingStore extends LocalObjectStore {
  readonly puts: { uri: string; tags: PutOptions["tags"] }[] = [];
  override async put(uri: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.puts.push({ uri, tags: options?.tags });
    await super.put(uri, body);
  }
}

const dirs: string[] = [];
afterEach(() => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

describe("writeRows", () => {
  it("tags every attempt file it writes sparkfn:temporary=true", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "writers-test-"));
    dirs.push(dir);
    const store = new RecordingStore();
    const temporary = `${dir}/out/_temporary/job-7/`;
    const schema = { fields: [{ name: "k", type: "string" as const, nullable: true }, { name: "v", type: "long" as const, nullable: true }] };
    const written = await writeRows([["a", 1], ["b", 2], ["a", 3]], schema, { format: "csv", dir: temporary, header: false, partitionBy: ["k"] }, 3, 1, store);
    const expected = [`${temporary}k=a/part-00003-attempt-1.csv`, `${temporary}k=b/part-00003-attempt-1.csv`];
    expect(written.map((f) => f.uri)).toEqual(expected);
    expect(store.puts).toEqual(expected.map((uri) => ({ uri, tags: { "sparkfn:temporary": "true" } })));
  });
});
