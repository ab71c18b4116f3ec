/**
 * The two-level exchange of very wide shuffles (Starling's combining shuffle). Each reducer
 * reads one byte range of every map object, so M maps × R reducers cost M × R ranged GETs
 * (1.96 M at 9,800 × 200: $0.78 of requests, and minutes of per-request latency spread over
 * the reducers). Past a threshold of M × R, the driver runs combiners after the map stage:
 * each reads a group of consecutive map objects whole (one GET each) and writes one object
 * with the same reduce partitions (executor-fn/stage/combine.ts), and reducers read the
 * combined objects instead: M + R × M / G GETs for groups of G maps.
 *
 * Combiners run as a pass of the map stage (retries, speculation and fetch-failure recovery
 * as for any task); their outputs make a map-output table of their own, which is what the
 * reduce stage reads. A lost combined object is recombined, and a map object a combiner
 * cannot read is recomputed first (dag-scheduler.ts).
 */
import type { PartitionInput } from "../../shared/plan/physical.ts";
import type { MapOutputs, TableStorage } from "./map-outputs.ts";
import { SliceFiles } from "./slice-files.ts";

const MiB = 2 ** 20;

export interface CombineOptions {
  /** Combine a map stage's outputs when maps × reduce partitions reaches this (0: never). */
  readonly threshold: number;
  /** Bytes of map objects one combiner reads, and writes again: the size of its group. */
  readonly groupBytes: number;
}

/** sparkfn.shuffle.combine.threshold and .groupBytes by default. */
export const DEFAULT_COMBINE: CombineOptions = { threshold: 1_000_000, groupBytes: 128 * MiB };

/** At most this many maps per combiner (its index is 8 bytes per map and reduce partition). */
export const MAX_GROUP_MAPS = 1000;

/** Maps [from, from + count) of the stage, merged by one combiner. */
export interface CombineGroup {
  readonly from: number;
  readonly count: number;
}

/**
 * Groups of consecutive maps of about `groupBytes` each (at most MAX_GROUP_MAPS maps), or
 * undefined when the stage is under the threshold or combining would leave more than half as
 * many objects as there are maps (map objects near a group's size: a wave for little gain).
 */
export function combineGroups(outputs: MapOutputs, options: CombineOptions): CombineGroup[] | undefined {
  const M = outputs.maps;
  if (options.threshold <= 0 || M < 2 || M * outputs.partitions < options.threshold) return undefined;
  const groups: CombineGroup[] = [];
  let from = 0;
  let bytes = 0;
  for (let m = 0; m < M; m++) {
    const size = outputs.objectBytes(m);
    if (m > from && (bytes + size > options.groupBytes || m - from >= MAX_GROUP_MAPS)) {
      groups.push({ from, count: m - from });
      from = m;
      bytes = 0;
    }
    bytes += size;
  }
  groups.push({ from, count: M - from });
  return 2 * groups.length > M ? undefined : groups;
}

/** Each combiner's input: the stage's map-output table and its maps' indexes (inline when small, else in slice files). */
export async function combineInputs(outputs: MapOutputs, groups: readonly CombineGroup[], storage: TableStorage): Promise<PartitionInput[]> {
  const objects = await outputs.tableRef(storage);
  const files = new SliceFiles(storage, outputs.stageId);
  const inputs = groups.map(({ from, count }): PartitionInput => ({ kind: "combine", objects, from, count, partitions: outputs.partitions, index: files.index(outputs.mapIndexes(from, count)) }));
  await files.flush();
  return inputs;
}
