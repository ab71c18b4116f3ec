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
 *
 * With speculation on, the reduce stage does not wait for the last combiner of a stage of many
 * groups: once every map is done and one combiner alone is unfinished (running, between
 * retries, or not yet started: mayLeaveUncombined), it is abandoned and the reducers read its
 * group's map objects as the maps wrote them (a mixed table: mixedOutputs).
 */
import type { PartitionInput } from "../../shared/plan/physical.ts";
import { MapOutputs, type TableStorage } from "./map-outputs.ts";
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

/**
 * Combiners the reduce stage does not wait for, with speculation on, once every map is done.
 * The last combiner starts when the last of its group's maps ends, which is when the map stage
 * ends, and a combiner may run as long as a map: waiting for it adds its duration to the job
 * (50-145 ms of about 2,000 in the driver-scale benchmark, 9,800 × 200). Reading its group's
 * G map objects instead costs each reducer G - 1 more ranged GETs: 19,200 at 9,800 × 200 with
 * groups of 97 ($0.008; the combined shuffle's requests still 12x cheaper than uncombined).
 */
export const MAX_UNCOMBINED_GROUPS = 1;

/**
 * ... and only in a stage of at least this many groups: a reducer's extra GETs for one group
 * (G - 1) then stay under a tenth of what combining saves it (M - groups).
 */
export const UNCOMBINED_MIN_GROUPS = 10;

/** Whether the readers may stop waiting for the combiners of `groups` groups once `finished` are done (every map being done). */
export function mayLeaveUncombined(groups: number, finished: number): boolean {
  return groups >= UNCOMBINED_MIN_GROUPS && finished < groups && groups - finished <= MAX_UNCOMBINED_GROUPS;
}

/** Where entry i of a mixed map-output table comes from: a combiner's output, or a map's. */
export type TableEntry = { readonly kind: "group"; readonly group: number } | { readonly kind: "map"; readonly map: number };

/**
 * The table the readers of a combined stage read when some combiners never finished: the
 * finished groups' combined objects and the unfinished groups' map objects, in map order.
 * `combined` holds entry g for each group g with `done[g]`.
 */
export function mixedOutputs(maps: MapOutputs, combined: MapOutputs, groups: readonly CombineGroup[], done: readonly boolean[]): { outputs: MapOutputs; entries: TableEntry[] } {
  const entries: TableEntry[] = [];
  groups.forEach((g, i) => {
    if (done[i]) entries.push({ kind: "group", group: i });
    else for (let m = g.from; m < g.from + g.count; m++) entries.push({ kind: "map", map: m });
  });
  const outputs = new MapOutputs(maps.stageId, entries.length);
  entries.forEach((e, i) => (e.kind === "group" ? outputs.copyEntry(i, combined, e.group) : outputs.copyEntry(i, maps, e.map)));
  return { outputs, entries };
}

/** At most this many maps per combiner (its index is 8 bytes per map and reduce partition). */
export const MAX_GROUP_MAPS = 1000;

/** Maps [from, from + count) of the stage, merged by one combiner. */
export interface CombineGroup {
  readonly from: number;
  readonly count: number;
}

/**
 * A combiner's input: its maps' URIs (inline: the stage's table may still be incomplete while
 * its maps run) and their indexes (inline when small, else in a slice file).
 */
export async function combineInput(outputs: MapOutputs, group: CombineGroup, storage: TableStorage): Promise<PartitionInput> {
  const files = new SliceFiles(storage, outputs.stageId);
  const { from, count } = group;
  const index = files.index(outputs.mapIndexes(from, count));
  await files.flush();
  return { kind: "combine", objects: { kind: "inline", uris: outputs.uris.slice(from, from + count) }, from: 0, count, partitions: outputs.partitions, index };
}

/** What holds a combiner's place until its maps are done (never sent: runTasks' prepare replaces it). */
export function combinePlaceholder(group: CombineGroup, partitions: number): PartitionInput {
  return { kind: "combine", objects: { kind: "inline", uris: [] }, from: 0, count: group.count, partitions, index: "" };
}

/** Maps finished before the group size is chosen from their objects' sizes: 1% of the stage, at least one. */
const sampleOf = (maps: number) => Math.max(1, Math.ceil(maps / 100));

/**
 * Combiners that start while the map stage runs: each group of consecutive maps is combined as
 * soon as its last map has finished, so only the last groups' combiners run after the stage
 * (not a whole wave of them). The group size is chosen once 1% of the maps have finished, from
 * their objects' mean size; `groups` resolves to the groups then (undefined: too large to
 * combine), and `ready(g)` when group g's maps have all finished.
 */
export class CombineGate {
  /** Resolves once the group size is chosen. */
  readonly groups: Promise<CombineGroup[] | undefined>;
  private chosen: CombineGroup[] | undefined | null = null;
  private resolveGroups!: (groups: CombineGroup[] | undefined) => void;
  private rejectGroups!: (error: Error) => void;
  private readonly done: Uint8Array;
  private finished = 0;
  private bytes = 0;
  /** Per group: maps not yet finished, and who waits for the group. */
  private pending: number[] = [];
  private waiters: { resolve: () => void; reject: (error: Error) => void; promise: Promise<void> }[] = [];
  private failed: Error | undefined;

  constructor(
    private readonly maps: number,
    private readonly options: CombineOptions,
  ) {
    this.done = new Uint8Array(maps);
    this.groups = new Promise((resolve, reject) => {
      this.resolveGroups = resolve;
      this.rejectGroups = reject;
    });
    this.groups.catch(() => undefined);
  }

  /** Whether a stage of `maps` maps writing `partitions` reduce partitions is wide enough to combine. */
  static wanted(maps: number, partitions: number, options: CombineOptions | undefined): options is CombineOptions {
    return options !== undefined && options.threshold > 0 && maps >= 2 && maps * partitions >= options.threshold;
  }

  /** Map `map` finished (a first success), its object `bytes` long. */
  mapDone(map: number, bytes: number): void {
    if (this.done[map]) return;
    this.done[map] = 1;
    this.finished++;
    this.bytes += bytes;
    if (this.chosen === null) {
      if (this.finished >= sampleOf(this.maps)) this.choose();
      return;
    }
    if (this.chosen) this.release(this.groupOf(map));
  }

  /** Resolves when every map of group g has finished. */
  ready(group: number): Promise<void> {
    return this.waiter(group).promise;
  }

  /** The map stage failed: nothing more will finish. */
  fail(error: Error): void {
    this.failed = error;
    this.rejectGroups(error);
    for (const w of this.waiters) w?.reject(error);
  }

  private choose(): void {
    const mean = this.bytes / this.finished;
    const size = Math.min(MAX_GROUP_MAPS, mean > 0 ? Math.floor(this.options.groupBytes / mean) : MAX_GROUP_MAPS);
    if (size < 2) {
      this.chosen = undefined;
      this.resolveGroups(undefined);
      return;
    }
    const groups: CombineGroup[] = [];
    for (let from = 0; from < this.maps; from += size) groups.push({ from, count: Math.min(size, this.maps - from) });
    this.chosen = groups;
    this.pending = groups.map((g) => g.count);
    for (let m = 0; m < this.maps; m++) if (this.done[m]) this.pending[Math.floor(m / size)]!--;
    groups.forEach((_, g) => this.pending[g] === 0 && this.waiter(g).resolve());
    this.resolveGroups(groups);
  }

  private groupOf(map: number): number {
    return Math.floor(map / this.chosen![0]!.count);
  }

  private release(group: number): void {
    if (--this.pending[group]! === 0) this.waiter(group).resolve();
  }

  private waiter(group: number) {
    let w = this.waiters[group];
    if (!w) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => undefined);
      w = { resolve, reject, promise };
      this.waiters[group] = w;
      if (this.failed) reject(this.failed);
    }
    return w;
  }
}
