/**
 * Shuffle metadata in packed binary form, the one home of its layout: a map task reports its
 * reduce partitions' sizes as one base64 string of little-endian Uint32 values (not a JSON list
 * of objects), and a reducer receives its slices of the map objects the same way. Both are
 * validated by length against the counts they claim (shared/task.ts, shared/plan/physical.ts);
 * every decoded value is a Uint32, so a valid length means a valid index.
 *
 * A map object holds its reduce partitions back to back in partition order (executor-fn/stage/
 * shuffle.ts encodePartitions), so block r starts where block r - 1 ends: offsets are prefix
 * sums of the lengths, and adjacent reduce partitions are one contiguous byte range.
 */

/** A block larger than this cannot be described (4 GiB - 1: far past what one task writes). */
export const MAX_BLOCK_BYTES = 2 ** 32 - 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Characters of the base64 text of `bytes` bytes (with padding). */
export const base64Chars = (bytes: number): number => 4 * Math.ceil(bytes / 3);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `text` is base64 of exactly `count` Uint32 values. */
export function isPackedUint32(text: string, count: number): boolean {
  return Number.isSafeInteger(count) && count >= 0 && text.length === base64Chars(4 * count) && BASE64.test(text);
}

/** Uint32 values as little-endian bytes (a view of the same memory where the machine is little-endian). */
export function uint32Bytes(values: Uint32Array): Buffer {
  if (!LITTLE_ENDIAN) {
    const bytes = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => bytes.writeUInt32LE(v, i * 4));
    return bytes;
  }
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Little-endian Uint32 values as base64. */
export function packUint32(values: Uint32Array): string {
  return uint32Bytes(values).toString("base64");
}

/** The Uint32 values of a base64 string checked by isPackedUint32 (an aligned copy). */
export function unpackUint32(text: string, count: number): Uint32Array {
  const bytes = Buffer.from(text, "base64");
  if (bytes.byteLength !== count * 4) throw new RangeError(`a packed index of ${count} values holds ${bytes.byteLength} bytes, expected ${count * 4}`);
  const out = new Uint32Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else for (let i = 0; i < count; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** A map task's index: `lengths[r]` bytes and `rows[r]` rows of each reduce partition r, packed as [lengths..., rows...]. */
export function packMapIndex(lengths: ArrayLike<number>, rows: ArrayLike<number>): string {
  const n = lengths.length;
  const values = new Uint32Array(2 * n);
  for (let r = 0; r < n; r++) {
    const length = lengths[r]!;
    if (length > MAX_BLOCK_BYTES) throw new RangeError(`reduce partition ${r} of this map task is ${length} bytes, more than a block may hold (${MAX_BLOCK_BYTES}); use more shuffle partitions`);
    values[r] = length;
    values[n + r] = rows[r]!;
  }
  return packUint32(values);
}

/** Values of a map task's index (packMapIndex): `2 × partitions`. */
export const mapIndexValues = (partitions: number): number => 2 * partitions;
