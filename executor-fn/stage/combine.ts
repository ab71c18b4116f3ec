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
  // Map g's partition r: `index[g × 2R + r]` bytes from starts[g × R + r], `index[g × 2R + R + r]` rows.
  const starts = new Float64Array(count * R);
  const ranges: { uri: string; offset: number; length: number; map: number }[] = [];
  let total = 0;
  for (let g = 0; g < count; g++) {
    let at = 0;
    for (let r = 0; r < R; r++) {
      starts[g * R + r] = at;
      at += index[g * 2 * R + r]!;
    }
    if (at > 0) ranges.push({ uri: uris[g]!, offset: 0, length: at, map: g });
    total += at;
  }
  const objects: Uint8Array[] = new Array(count);
  for await (const [range, bytes] of fetchRanges(ranges, store)) {
    if (bytes.byteLength !== range.length) throw new TaskError("FetchFailed", `shuffle output ${range.uri} holds ${bytes.byteLength} bytes, its map reported ${range.length}`, [range.uri]);
    objects[range.map] = bytes;
  }
  const out = new Uint8Array(total);
  const lengths = new Float64Array(R);
  const rows = new Float64Array(R);
  let at = 0;
  for (let r = 0; r < R; r++) {
    for (let g = 0; g < count; g++) {
      const length = index[g * 2 * R + r]!;
      if (length === 0) continue;
      const start = starts[g * R + r]!;
      const piece = objects[g]!.subarray(start, start + length);
      const where = `${uris[g]} (bytes ${start}-${start + length - 1}, reduce partition ${r})`;
      let held: number;
      try {
        held = checkBlocks(piece, where);
      } catch (error) {
        if (error instanceof CorruptBlockError) throw new TaskError("FetchFailed", error.message, [uris[g]!]);
        throw error;
      }
      const expected = index[g * 2 * R + R + r]!;
      if (held !== expected) throw new TaskError("FetchFailed", `shuffle block ${where} is corrupt: its blocks hold ${held} rows, the map reported ${expected}`, [uris[g]!]);
      out.set(piece, at);
      at += length;
      lengths[r]! += length;
      rows[r]! += held;
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
