/**
 * Shuffle output: one object per map task attempt holding its reduce partitions back to
 * back, each a checksummed binary block (block-codec.ts), located by the byte ranges the
 * task reports (the driver hands each reducer its ranges; empty partitions take no bytes).
 */
import { decodeResultValues } from "../../shared/codecs/result-values.ts";
import type { Partitioning } from "../../shared/plan/physical.ts";
import type { Row, Schema } from "../../shared/plan/types.ts";
import type { ShuffleBlock } from "../../shared/task.ts";
import type { ShuffleBlockRef } from "../../shared/plan/physical.ts";
import { blockLength, CorruptBlockError, decodeBlockToBatch, encodeVectorsBlock, type EncodeOptions } from "../io/block-codec.ts";
import { TaskError } from "../task-error.ts";
import type { CompileContext } from "../compile/expression.ts";
import { compileVectorProjection } from "../compile/vector-expression.ts";
import { hashKeys } from "../operators/keys.ts";
import { compact, concatBatches, type Batch, type BatchStream } from "../../shared/batch/batch.ts";
import { valueAt } from "../../shared/batch/vector.ts";
import { compareSortKeys } from "../../shared/plan/semantics.ts";
import { seededRandom } from "../../shared/random.ts";

type SortOrder = Extract<Partitioning, { kind: "range" }>["orders"][number];

/** Fills the reduce partition of each of the first `count` rows of a dense batch. */
type Router = (batch: Batch, out: Int32Array) => void;

/** How each row of a map task finds its reduce partition. */
function router(partitioning: Partitioning, schema: Schema, context: CompileContext): { numPartitions: number; route: Router } {
  switch (partitioning.kind) {
    case "single":
      return { numPartitions: 1, route: (batch, out) => out.fill(0, 0, batch.count) };
    case "roundRobin": {
      const n = partitioning.numPartitions;
      // Start where the map partition index points, as Spark does, so reducers fill evenly.
      let next = context.partition % n;
      return {
        numPartitions: n,
        route: (batch, out) => {
          for (let k = 0; k < batch.count; k++) {
            out[k] = next;
            next = next + 1 === n ? 0 : next + 1;
          }
        },
      };
    }
    case "offset":
      return { numPartitions: partitioning.numPartitions, route: (batch, out) => out.fill(partitioning.offset + context.partition, 0, batch.count) };
    case "range": {
      const { orders } = partitioning;
      const bounds = partitioning.bounds === null ? null : decodeResultValues(partitioning.bounds);
      if (bounds === null) throw new TaskError("InvalidTask", "range partitioning without bounds: the driver samples the keys before this stage runs");
      const keysOf = compileVectorProjection(orders.map((o) => o.expr), schema, context);
      return {
        numPartitions: partitioning.numPartitions,
        route: (batch, out) => {
          const keys = keysOf(batch);
          for (let k = 0; k < batch.count; k++) out[k] = rangePartition(keys.map((v) => valueAt(v, k)), bounds as Row[], orders);
        },
      };
    }
    case "hash": {
      const n = partitioning.numPartitions;
      const keysOf = compileVectorProjection(partitioning.keys, schema, context);
      return {
        numPartitions: n,
        route: (batch, out) => {
          const hashes = hashKeys(keysOf(batch), batch.count);
          for (let k = 0; k < batch.count; k++) out[k] = hashes[k]! % n;
        },
      };
    }
  }
}

/** The first partition whose upper bound is at or after the key (binary search; the last one past all bounds). */
export function rangePartition(key: Row, bounds: readonly Row[], orders: readonly { ascending: boolean; nullsFirst: boolean }[]): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareSortKeys(key, bounds[mid]!, orders) > 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A uniform sample (reservoir sampling, seeded by the partition so a retry draws the same
 * sample) of at most `size` sort keys of the partition, with the partition's row count.
 */
export async function sampleKeys(
  input: BatchStream,
  orders: readonly SortOrder[],
  size: number,
  schema: Schema,
  context: CompileContext,
): Promise<{ keys: Row[]; rows: number }> {
  const keysOf = compileVectorProjection(orders.map((o) => o.expr), schema, context);
  const random = seededRandom(0x5eed + context.partition);
  const keys: Row[] = [];
  let rows = 0;
  for await (const batch of input) {
    if (batch.count === 0) continue;
    const vectors = keysOf(batch);
    const keyAt = (k: number): Row => vectors.map((v) => valueAt(v, k));
    for (let k = 0; k < batch.count; k++) {
      if (keys.length < size) keys.push(keyAt(k));
      else {
        const j = Math.floor(random() * (rows + 1));
        if (j < size) keys[j] = keyAt(k);
      }
      rows++;
    }
  }
  return { keys, rows };
}

/**
 * Collects a map task's output batches with each row's reduce partition, then encodes each
 * partition's rows straight from the vectors as one block, back to back in one object.
 */
export class ShuffleWriter {
  private readonly batches: Batch[] = [];
  private readonly partitionIds: Int32Array[] = [];
  private readonly numPartitions: number;
  private readonly route: Router;
  rows = 0;

  constructor(
    partitioning: Partitioning,
    private readonly schema: Schema,
    context: CompileContext,
    private readonly encoding: EncodeOptions = {},
  ) {
    const { numPartitions, route } = router(partitioning, schema, context);
    this.numPartitions = numPartitions;
    this.route = route;
  }

  add(batch: Batch): void {
    if (batch.count === 0) return;
    const dense = compact(batch);
    const ids = new Int32Array(dense.count);
    this.route(dense, ids);
    this.batches.push(dense);
    this.partitionIds.push(ids);
    this.rows += dense.count;
  }

  finish(): { bytes: Uint8Array; blocks: ShuffleBlock[] } {
    const all = concatBatches(this.batches, this.schema.fields.length);
    const ids = new Int32Array(all.count);
    let at = 0;
    for (const part of this.partitionIds) {
      ids.set(part, at);
      at += part.length;
    }
    return encodePartitions(all, ids, this.numPartitions, this.encoding);
  }
}

/**
 * Encodes each partition's rows of a dense batch (by their partition ids: a counting sort
 * into index lists) as binary blocks back to back; returns the bytes and each partition's block.
 */
export function encodePartitions(batch: Batch, partitionIds: Int32Array, numPartitions: number, encoding: EncodeOptions = {}): { bytes: Uint8Array; blocks: ShuffleBlock[] } {
  const counts = new Int32Array(numPartitions + 1);
  for (let k = 0; k < batch.count; k++) counts[partitionIds[k]! + 1]!++;
  for (let p = 0; p < numPartitions; p++) counts[p + 1]! += counts[p]!;
  const order = new Int32Array(batch.count);
  const next = counts.slice(0, numPartitions);
  for (let k = 0; k < batch.count; k++) order[next[partitionIds[k]!]!++] = k;
  const chunks: Uint8Array[] = [];
  const blocks: ShuffleBlock[] = [];
  let offset = 0;
  for (let p = 0; p < numPartitions; p++) {
    const rows = counts[p + 1]! - counts[p]!;
    // An empty partition takes no bytes: readers skip it from the index.
    const bytes = rows === 0 ? new Uint8Array() : encodeVectorsBlock(batch.columns, order.subarray(counts[p]!, counts[p + 1]!), rows, encoding);
    chunks.push(bytes);
    blocks.push({ offset, length: bytes.byteLength, rows });
    offset += bytes.byteLength;
  }
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { bytes: out, blocks };
}

/**
 * Decodes one block read from a map output. A corrupt or truncated block is reported as a
 * fetch failure of that object (as Spark does since 3.2): the map task that wrote it runs
 * again, and the reducer retries; if it stays corrupt the job fails naming the object.
 */
export function decodeShuffleBlock(bytes: Uint8Array, block: ShuffleBlockRef): Batch {
  try {
    return decodeBlockToBatch(bytes, `${block.uri} (bytes ${block.offset}-${block.offset + block.length - 1})`, block.rows);
  } catch (error) {
    if (error instanceof CorruptBlockError) throw new TaskError("FetchFailed", error.message, [block.uri]);
    throw error;
  }
}

/**
 * Decodes a slice read from a map output: one or more blocks back to back (adjacent reduce
 * partitions), split by their headers, holding `slice.rows` rows in all. Damage is a fetch
 * failure of that object, as for one block.
 */
export function decodeShuffleSlice(bytes: Uint8Array, slice: { readonly uri: string; readonly offset: number; readonly rows: number }): Batch[] {
  const batches: Batch[] = [];
  let at = 0;
  let rows = 0;
  try {
    if (bytes.byteLength === 0) throw new CorruptBlockError(`${slice.uri} (byte ${slice.offset})`, "empty: the slice holds no block");
    while (at < bytes.byteLength) {
      const rest = `${slice.uri} (bytes ${slice.offset + at}-${slice.offset + bytes.byteLength - 1})`;
      const length = blockLength(bytes, at, rest);
      if (at + length > bytes.byteLength) throw new CorruptBlockError(rest, `truncated: the block header says ${length} bytes, ${bytes.byteLength - at} were read`);
      const batch = decodeBlockToBatch(bytes.subarray(at, at + length), `${slice.uri} (bytes ${slice.offset + at}-${slice.offset + at + length - 1})`);
      rows += batch.count;
      batches.push(batch);
      at += length;
    }
    if (rows !== slice.rows) throw new CorruptBlockError(`${slice.uri} (bytes ${slice.offset}-${slice.offset + bytes.byteLength - 1})`, `row count mismatch: the blocks hold ${rows} rows, expected ${slice.rows}`);
  } catch (error) {
    if (error instanceof CorruptBlockError) throw new TaskError("FetchFailed", error.message, [slice.uri]);
    throw error;
  }
  return batches;
}
