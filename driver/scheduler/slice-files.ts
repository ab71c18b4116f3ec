/**
 * Reducers' slice indexes that would make payloads grow with the number of maps (27
 * characters of base64 per map and reducer: 240 KB per reducer at 9,000 maps) go to slice
 * files instead: the indexes of consecutive reducers back to back in one object of about
 * SLICE_FILE_BYTES, written once, named by a hash of its ranges' hashes; each reducer's payload names its range
 * and that range's SHA-256 (a constant 200 bytes or so), and the executor reads it with one
 * ranged GET (executor-fn/stage/map-slices.ts). Files are written as they fill, so the driver
 * never holds more than one file's bytes of indexes at once.
 */
import { createHash } from "node:crypto";
import type { MapObjects, MapSlices, StoredSliceIndex } from "../../shared/plan/physical.ts";
import { packUint32, uint32Bytes } from "../../shared/shuffle-index.ts";
import { sliceFileUri } from "../../shared/storage/keys.ts";
import type { TableStorage } from "./map-outputs.ts";

/** An index of at most this many bytes (about 400 slices) travels inline, as base64. */
export const INLINE_INDEX_MAX_BYTES = 8 * 1024;

/** A slice file is written once its indexes pass this size. */
export const SLICE_FILE_BYTES = 8 * 2 ** 20;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class SliceFiles {
  private parts: Buffer[] = [];
  private bytes = 0;
  private waiting: Mutable<StoredSliceIndex>[] = [];
  /** The ranges' SHA-256s, hashed again to name the file (its bytes are not hashed twice). */
  private names = createHash("sha256");
  private readonly writes: Promise<void>[] = [];
  /** Slice files written (for tests and the benchmark's request count). */
  files = 0;

  constructor(
    private readonly storage: TableStorage,
    private readonly stageId: number,
  ) {}

  /** A reducer's slices of one map stage: the index inline when small, else a range of a slice file (filled in by flush()). */
  add(objects: MapObjects, slices: number, values: Uint32Array): MapSlices {
    return { objects, slices, index: this.index(values) };
  }

  /** Packed values inline as base64 when small, else a range of a slice file (filled in by flush()). */
  index(values: Uint32Array): string | StoredSliceIndex {
    const bytes = uint32Bytes(values);
    if (bytes.byteLength <= (this.storage.inlineIndexMaxBytes ?? INLINE_INDEX_MAX_BYTES)) return packUint32(values);
    // `values` is the caller's to give (MapOutputs.sliceValues makes a new array per call): kept, not copied.
    const own = bytes;
    const index: Mutable<StoredSliceIndex> = { uri: "", offset: this.bytes, length: own.byteLength, sha256: createHash("sha256").update(own).digest("hex") };
    this.parts.push(own);
    this.bytes += own.byteLength;
    this.waiting.push(index);
    this.names.update(`${index.length}:${index.sha256};`);
    if (this.bytes >= SLICE_FILE_BYTES) this.write();
    return index;
  }

  /** Writes what is left and waits for every file: the ranges handed out are then complete. */
  async flush(): Promise<void> {
    if (this.bytes > 0) this.write();
    await Promise.all(this.writes);
  }

  private write(): void {
    const body = Buffer.concat(this.parts);
    const uri = sliceFileUri(this.storage.scratch, this.stageId, this.names.digest("hex"));
    this.names = createHash("sha256");
    for (const index of this.waiting) index.uri = uri;
    this.parts = [];
    this.bytes = 0;
    this.waiting = [];
    this.files++;
    const written = this.storage.store.put(uri, body);
    written.catch(() => {}); // seen by flush()
    this.writes.push(written);
  }
}
