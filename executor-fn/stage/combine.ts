/**
 * A combiner of a two-level exchange (driver/scheduler/combine.ts; Starling's combining
 * shuffle): reads a group of map objects whole, one GET each, and writes one object with the
 * same reduce partitions, partition r holding every map's blocks of r back to back. Blocks are
 * copied, never decoded: each one's header and CRC32 are checked on the way (so a damaged map
 * output is reported as that map's FetchFailed, and recomputed, rather than passed on), and
 * its rows counted against what the map reported. Reducers then read one slice per combined
 * object instead of one per map object.
 */
import type { PartitionInput } from "../../shared/plan/physical.ts";
import { mapIndexValues, packMapIndex, unpackUint32 } from "../../shared/shuffle-index.ts";
import { combinedObjectUri } from "../../shared/storage/keys.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { emptyTaskMetrics, type StageTask, type TaskSuccess } from "../../shared/task.ts";
import { checkBlocks, CorruptBlockError } from "../io/block-codec.ts";
import { TaskError } from "../task-error.ts";
import { loadStagePlan } from "./load-plan.ts";
import { firstTaskHere, storeMetrics, succeeded } from "./run-stage.ts";
import { fetchRanges } from "./sources.ts";

/** A combiner's input; its table and index are read first (withMapTables). */
export type CombineInput = Extract<PartitionInput, { kind: "combine" }>;

export async function runCombineTask(task: StageTask, input: CombineInput, store: ObjectStore): Promise<TaskSuccess> {
  const started = performance.now();
  const coldStart = firstTaskHere();
  if (input.objects.kind !== "inline" || typeof input.index !== "string") throw new TaskError("InvalidTask", `combiner ${task.partition} of stage ${task.stageId}: its map-output table and index were not read before it ran`);
  const stage = await loadStagePlan(task.stage, store);
  if (stage.sink.kind !== "shuffle") throw new TaskError("InvalidTask", `stage ${task.stageId} writes no shuffle: there is nothing to combine`);
  const { from, count, partitions: R } = input;
  const uris = input.objects.uris.slice(from, from + count);
  if (uris.length !== count) throw new TaskError("InvalidTask", `combiner ${task.partition} of stage ${task.stageId} names maps ${from}-${from + count - 1} of a table of ${input.objects.uris.length}`);
  let index: Uint32Array;
  try {
    index = unpackUint32(input.index, count * mapIndexValues(R));
  } catch (error) {
    throw new TaskError("InvalidTask", `combiner ${task.partition} of stage ${task.stageId}: ${(error as Error).message}`);
  }
  // Map g's partition r: `index[g × 2R + r]` bytes and `index[g × 2R + R + r]` rows. In the
  // output, partition r starts at the sum of every map's partitions before it, and map g's
  // blocks of r follow maps 0..g-1's: where each goes is known before any byte is read, so each
  // map object is copied into place as it arrives and dropped (memory: the output, and the
  // objects in flight).
  const lengths = new Float64Array(R);
  const rows = new Float64Array(R);
  for (let g = 0; g < count; g++) {
    for (let r = 0; r < R; r++) {
      lengths[r]! += index[g * 2 * R + r]!;
      rows[r]! += index[g * 2 * R + R + r]!;
    }
  }
  const into = new Float64Array(count * R);
  let total = 0;
  for (let r = 0; r < R; r++) {
    let at = total;
    for (let g = 0; g < count; g++) {
      into[g * R + r] = at;
      at += index[g * 2 * R + r]!;
    }
    total += lengths[r]!;
  }
  const ranges: { uri: string; offset: number; length: number; map: number }[] = [];
  for (let g = 0; g < count; g++) {
    let bytes = 0;
    for (let r = 0; r < R; r++) bytes += index[g * 2 * R + r]!;
    if (bytes > 0) ranges.push({ uri: uris[g]!, offset: 0, length: bytes, map: g });
  }
  const out = new Uint8Array(total);
  for await (const [range, bytes] of fetchRanges(ranges, store)) {
    const g = range.map;
    if (bytes.byteLength !== range.length) throw new TaskError("FetchFailed", `shuffle output ${range.uri} holds ${bytes.byteLength} bytes, its map reported ${range.length}`, [range.uri]);
    let start = 0;
    for (let r = 0; r < R; r++) {
      const length = index[g * 2 * R + r]!;
      if (length === 0) continue;
      const piece = bytes.subarray(start, start + length);
      const where = `${range.uri} (bytes ${start}-${start + length - 1}, reduce partition ${r})`;
      let held: number;
      try {
        held = checkBlocks(piece, where);
      } catch (error) {
        if (error instanceof CorruptBlockError) throw new TaskError("FetchFailed", error.message, [range.uri]);
        throw error;
      }
      const expected = index[g * 2 * R + R + r]!;
      if (held !== expected) throw new TaskError("FetchFailed", `shuffle block ${where} is corrupt: its blocks hold ${held} rows, the map reported ${expected}`, [range.uri]);
      out.set(piece, into[g * R + r]!);
      start += length;
    }
  }
  const uri = combinedObjectUri(task.scratch, stage.sink.shuffleId, task.stageId, task.partition, task.attempt);
  const packed = packMapIndex(lengths, rows);
  await store.put(uri, out);
  const metrics = emptyTaskMetrics();
  const records = rows.reduce((a, b) => a + b, 0);
  return {
    ...succeeded(task, { kind: "shuffle", uri, partitions: R, index: packed }),
    metrics: {
      ...metrics,
      durationMs: performance.now() - started,
      coldStart,
      recordsIn: records,
      recordsOut: records,
      ...storeMetrics(store),
      shuffle: { bytesWritten: total, recordsWritten: records, bytesRead: total, recordsRead: records },
      peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    },
  };
}
