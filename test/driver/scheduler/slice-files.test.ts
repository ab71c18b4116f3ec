/**
 * Reducers' slice indexes past the inline size go to slice files: each reducer's range of its
 * file holds exactly its packed values (read back here from the stored bytes), its hash is the
 * SHA-256 of those bytes, files are written as they fill, and small indexes stay inline.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { INLINE_INDEX_MAX_BYTES, SLICE_FILE_BYTES, SliceFiles } from "../../../driver/scheduler/slice-files.ts";
import type { MapObjects } from "../../../shared/plan/physical.ts";
import { seededRandom } from "../../../shared/random.ts";
import { MemoryStore } from "../../support/memory-store.ts";


const objects: MapObjects = { kind: "inline", uris: ["s3://b/m0"] };
const scratch = "s3://b/apps/a/jobs/0/";

/** `slices` packed slices of random values (5 Uint32 each). */
function values(slices: number, seed: number): Uint32Array {
  const random = seededRandom(seed);
  return Uint32Array.from({ length: slices * 5 }, () => Math.floor(random() * 2 ** 32));
}

const bytesOf = (v: Uint32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

describe("slice files", () => {
  it("keeps a small index inline as base64, and writes nothing", async () => {
    const store = new MemoryStore();
    const files = new SliceFiles({ store, scratch }, 3);
    const v = values(INLINE_INDEX_MAX_BYTES / 20, 1);
    const read = files.add(objects, v.length / 5, v);
    expect(read.index).toBe(Buffer.from(bytesOf(v)).toString("base64"));
    await files.flush();
    expect(store.counts.put).toBe(0);
  });

  it("stores larger indexes back to back in files of about SLICE_FILE_BYTES, each range holding its values and their hash", async () => {
    const store = new MemoryStore();
    const files = new SliceFiles({ store, scratch }, 3);
    const perReducer = 9_800; // slices: 196,000 bytes each
    const reducers = 100;
    const given = Array.from({ length: reducers }, (_, r) => values(perReducer, 100 + r));
    const reads = given.map((v) => files.add(objects, perReducer, v));
    await files.flush();
    // A file closes once it holds SLICE_FILE_BYTES: that many reducers' indexes, rounded up.
    const perFile = Math.ceil(SLICE_FILE_BYTES / (perReducer * 20));
    expect(store.counts.put).toBe(Math.ceil(reducers / perFile));
    expect(files.files).toBe(store.counts.put);
    for (const [r, read] of reads.entries()) {
      if (typeof read.index === "string") throw new Error(`reducer ${r}'s index stayed inline`);
      expect(read.index.uri).toMatch(/^s3:\/\/b\/apps\/a\/jobs\/0\/inputs\/slices-stage-3-[0-9a-f]{16}\.bin$/);
      const stored = await store.get(read.index.uri, read.index);
      expect(Buffer.from(stored).equals(Buffer.from(bytesOf(given[r]!)))).toBe(true);
      expect(read.index.sha256).toBe(createHash("sha256").update(stored).digest("hex"));
    }
    // No file is much larger than the target.
    for (const body of store.objects.values()) expect(body.byteLength).toBeLessThan(SLICE_FILE_BYTES + perReducer * 20);
  });

  it("names a file by its content: the same indexes give the same name, others another", async () => {
    const names = async (seed: number) => {
      const store = new MemoryStore();
      const files = new SliceFiles({ store, scratch, inlineIndexMaxBytes: 0 }, 1);
      const read = files.add(objects, 10, values(10, seed));
      await files.flush();
      return typeof read.index === "string" ? "" : read.index.uri;
    };
    expect(await names(1)).toBe(await names(1));
    expect(await names(1)).not.toBe(await names(2));
  });
});
