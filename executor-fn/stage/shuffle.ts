/**
 * Shuffle output: one object per map task attempt holding its reduce partitions back to
 * back, each a checksummed binary block (block-codec.ts), located by the byte ranges the
 * task reports (the driver hands each reducer its ranges; empty partitions take no bytes).
 */
import type { Partitioning } from "../../shared/plan/physical.ts";
import type { Row, Schema } from "../../shared/plan/types.ts";
import type { ShuffleBlock } from "../../shared/task.ts";
import type { ShuffleBlockRef } from "../../shared/plan/physical.ts";
import { CorruptBlockError, decodeBlock, encodeBlock } from "../io/block-codec.ts";
import { TaskError } from "../task-error.ts";
import { compileProjection, type CompileContext } from "../compile/expression.ts";
import { hashKey } from "./hash.ts";
import { compareSortKeys } from "../../shared/plan/semantics.ts";
import { seededRandom } from "../../shared/random.ts";

type SortOrder = Extract<Partitioning, { kind: "range" }>["orders"][number];

type Router = (batch: readonly Row[], out: Row[][]) => void;

/** How each row of a map task finds its reduce partition. */
function router(partitioning: Partitioning, schema: Schema, context: CompileContext): { numPartitions: number; route: Router } {
  switch (partitioning.kind) {
    case "single":
      return { numPartitions: 1, route: (batch, out) => pushAll(out[0]!, batch) };
    case "roundRobin": {
      const n = partitioning.numPartitions;
      // Start where the map partition index points, as Spark does, so reducers fill evenly.
      let next = context.partition % n;
      return {
        numPartitions: n,
        route: (batch, out) => {
          for (const row of batch) {
            out[next]!.push(row);
            next = next + 1 === n ? 0 : next + 1;
          }
        },
      };
    }
    case "offset":
      return { numPartitions: partitioning.numPartitions, route: (batch, out) => pushAll(out[partitioning.offset + context.partition]!, batch) };
    case "range": {
      const { bounds, orders } = partitioning;
      if (bounds === null) throw new TaskError("InvalidTask", "range partitioning without bounds: the driver samples the keys before this stage runs");
      const keysOf = compileProjection(orders.map((o) => o.expr), schema, context);
      return {
        numPartitions: partitioning.numPartitions,
        route: (batch, out) => {
          for (const row of batch) out[rangePartition(keysOf(row), bounds as Row[], orders)]!.push(row);
        },
      };
    }
    case "hash": {
      const n = partitioning.numPartitions;
      const keysOf = compileProjection(partitioning.keys, schema, context);
      return {
        numPartitions: n,
        route: (batch, out) => {
          for (const row of batch) out[hashKey(keysOf(row)) % n]!.push(row);
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
  input: AsyncIterable<Row[]>,
  orders: readonly SortOrder[],
  size: number,
  schema: Schema,
  context: CompileContext,
): Promise<{ keys: Row[]; rows: number }> {
  const keysOf = compileProjection(orders.map((o) => o.expr), schema, context);
  const random = seededRandom(0x5eed + context.partition);
  const keys: Row[] = [];
  let rows = 0;
  for await (const batch of input) {
    for (const row of batch) {
      if (keys.length < size) keys.push(keysOf(row));
      else {
        const j = Math.floor(random() * (rows + 1));
        if (j < size) keys[j] = keysOf(row);
      }
      rows++;
    }
  }
  return { keys, rows };
}

function pushAll(into: Row[], rows: readonly Row[]): void {
  for (const row of rows) into.push(row);
}

/** Collects a map task's output rows by reduce partition, then encodes them as one object. */
export class ShuffleWriter {
  private readonly partitions: Row[][];
  private readonly route: Router;
  rows = 0;

  constructor(partitioning: Partitioning, schema: Schema, context: CompileContext) {
    const { numPartitions, route } = router(partitioning, schema, context);
    this.partitions = Array.from({ length: numPartitions }, () => []);
    this.route = route;
  }

  add(batch: readonly Row[]): void {
    this.rows += batch.length;
    this.route(batch, this.partitions);
  }

  finish(): { bytes: Uint8Array; blocks: ShuffleBlock[] } {
    return encodePartitions(this.partitions);
  }
}

/** Encodes partitions back to back as binary blocks; returns the bytes and each partition's block. */
export function encodePartitions(partitions: readonly Row[][]): { bytes: Uint8Array; blocks: ShuffleBlock[] } {
  const chunks: Uint8Array[] = [];
  const blocks: ShuffleBlock[] = [];
  let offset = 0;
  for (const rows of partitions) {
    // An empty partition takes no bytes: readers skip it from the index.
    const bytes = rows.length === 0 ? new Uint8Array() : encodeBlock(rows);
    chunks.push(bytes);
    blocks.push({ offset, length: bytes.byteLength, rows: rows.length });
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
export function decodeShuffleBlock(bytes: Uint8Array, block: ShuffleBlockRef): Row[] {
  try {
    return decodeBlock(bytes, `${block.uri} (bytes ${block.offset}-${block.offset + block.length - 1})`, block.rows);
  } catch (error) {
    if (error instanceof CorruptBlockError) throw new TaskError("FetchFailed", error.message, true, [block.uri]);
    throw error;
  }
}
