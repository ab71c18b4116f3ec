/**
 * What the driver keeps of a map stage's outputs (Spark's MapOutputTracker): per map, its
 * object's URI and attempt, and per (map, reduce partition) the block's byte offset and row
 * count in typed arrays (M × R numbers, no object per block), decoded once from each task's
 * packed index. The arrays are partition-major: each map's answer is scattered into them as it
 * arrives, while the stage still runs, so that at the stage barrier a reducer's slices are
 * read sequentially (one read of R strided values per map as it ends, instead of M strided
 * reads per reducer after the last map: 1.96 M cache misses on the critical path at
 * 9,800 × 200). From it come adaptive execution's sizes and each reducer's input: the map
 * objects' URIs once per stage (a map-output table, inline when small, else stored once per
 * version) and, per map, one byte range covering the reducer's adjacent partitions.
 */
import { createHash } from "node:crypto";
import { SLICE_VALUES, type MapObjects, type MapSlices, type ShuffleBlockRef } from "../../shared/plan/physical.ts";
import { MAX_BLOCK_BYTES, mapIndexValues, packUint32, unpackUint32 } from "../../shared/shuffle-index.ts";
import { mapOutputTableUri } from "../../shared/storage/keys.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import type { TaskSuccess } from "../../shared/task.ts";
import { InternalError } from "../../shared/errors.ts";
import type { MapSizeTable } from "./adaptive.ts";

/** A table whose URIs' JSON is at most this many bytes travels inline in each reducer's payload. */
export const INLINE_TABLE_MAX_BYTES = 8 * 1024;

/** Where map outputs' tables are stored, and the store. */
export interface TableStorage {
  readonly store: ObjectStore;
  readonly scratch: string;
  /** sparkfn.shuffle.inlineIndexMaxBytes: a reducer's slice index above this goes to a slice file (default INLINE_INDEX_MAX_BYTES). */
  readonly inlineIndexMaxBytes?: number;
}

export class MapOutputs implements MapSizeTable {
  readonly uris: string[];
  readonly attempts: Uint32Array;
  /** Map m's block r spans [offsets[r × M + m], offsets[(r + 1) × M + m]). */
  private offsets = new Float64Array(0);
  /** Rows of map m's block r at r × M + m. */
  private rows = new Uint32Array(0);
  private partitionCount = -1;
  /** Bumped when a map output is replaced (a recomputed map): the table is stored again. */
  private version = 0;
  private objects: { version: number; ref: Promise<MapObjects> } | undefined;

  constructor(
    readonly stageId: number,
    readonly maps: number,
  ) {
    this.uris = new Array<string>(maps).fill("");
    this.attempts = new Uint32Array(maps);
  }

  /** A finished stage's outputs, in map order. */
  static of(stageId: number, results: readonly TaskSuccess[]): MapOutputs {
    const outputs = new MapOutputs(stageId, results.length);
    results.forEach((r, i) => outputs.record(i, r));
    return outputs;
  }

  /** Reduce partitions of each map output (0 before any map has finished). */
  get partitions(): number {
    return Math.max(0, this.partitionCount);
  }

  /** Records map `map`'s output (a first run, or a recomputed one replacing it). */
  record(map: number, result: TaskSuccess): void {
    const out = result.output;
    if (out.kind !== "shuffle") throw new InternalError(`stage ${this.stageId} wrote no shuffle output (task ${map} returned ${out.kind})`);
    this.store(map, out.uri, result.attempt, out.partitions, unpackUint32(out.index, mapIndexValues(out.partitions)));
  }

  /** Entry `map` becomes a copy of `source`'s entry `from` (a table that mixes combined and raw map outputs: combine.ts). */
  copyEntry(map: number, source: MapOutputs, from: number): void {
    this.store(map, source.uris[from]!, source.attempts[from]!, source.partitions, source.mapIndexes(from, 1));
  }

  /** `values`: the map's R block lengths, then its R row counts (a packed index, decoded). */
  private store(map: number, uri: string, attempt: number, R: number, values: Uint32Array): void {
    if (this.partitionCount < 0) {
      this.partitionCount = R;
      this.offsets = new Float64Array((R + 1) * this.maps);
      this.rows = new Uint32Array(R * this.maps);
    } else if (R !== this.partitionCount) {
      throw new InternalError(`map ${map} of stage ${this.stageId} wrote ${R} reduce partitions, the others ${this.partitionCount}`);
    }
    const M = this.maps;
    const { offsets, rows } = this;
    let offset = 0;
    for (let r = 0; r < R; r++) {
      offsets[r * M + map] = offset;
      offset += values[r]!;
      rows[r * M + map] = values[R + r]!;
    }
    offsets[R * M + map] = offset;
    if (this.uris[map] !== "" && this.uris[map] !== uri) this.version++;
    this.uris[map] = uri;
    this.attempts[map] = attempt;
  }

  /** Bytes of reduce partition r in map m's output. */
  size(map: number, r: number): number {
    return this.offsets[(r + 1) * this.maps + map]! - this.offsets[r * this.maps + map]!;
  }

  /** Bytes of each reduce partition across all maps. */
  partitionTotals(partitions: number): number[] {
    const totals = new Array<number>(partitions).fill(0);
    const R = this.partitions;
    const n = Math.min(partitions, R);
    const M = this.maps;
    // Each partition's total is the sum of its column's ends minus its column's starts.
    for (let r = 0; r < n; r++) {
      let total = 0;
      for (let i = r * M, end = i + M; i < end; i++) total += this.offsets[i + M]! - this.offsets[i]!;
      totals[r] = total;
    }
    return totals;
  }

  /** The map whose object is `uri`, or -1. */
  mapOf(uri: string): number {
    return this.uris.indexOf(uri);
  }

  /** The non-empty blocks of reduce partition r, map by map (a broadcast's or a cached relation's block list). */
  blocks(r: number, maps?: readonly number[]): ShuffleBlockRef[] {
    const out: ShuffleBlockRef[] = [];
    if (r >= this.partitions) return out;
    const each = (m: number) => {
      const rows = this.rows[r * this.maps + m]!;
      if (rows > 0) out.push({ uri: this.uris[m]!, offset: this.offsets[r * this.maps + m]!, length: this.size(m, r), rows });
    };
    if (maps) maps.forEach(each);
    else for (let m = 0; m < this.maps; m++) each(m);
    return out;
  }

  /**
   * The table of this stage's objects for reducers: inline when small, else stored once per
   * version (recomputed maps make a new version) and named by its hash.
   */
  tableRef(storage: TableStorage): Promise<MapObjects> {
    if (this.objects?.version !== this.version) {
      const uris = [...this.uris];
      const json = JSON.stringify(uris);
      let ref: Promise<MapObjects>;
      if (Buffer.byteLength(json) <= INLINE_TABLE_MAX_BYTES) ref = Promise.resolve({ kind: "inline", uris });
      else {
        const sha256 = createHash("sha256").update(json).digest("hex");
        const uri = mapOutputTableUri(storage.scratch, this.stageId, sha256);
        ref = storage.store.put(uri, json).then(() => ({ kind: "stored", uri, sha256, count: uris.length }));
      }
      ref.catch(() => (this.objects = undefined));
      this.objects = { version: this.version, ref };
    }
    return this.objects.ref;
  }

  /** Maps [from, from + count)'s indexes as they reported them (per map: R lengths, then R rows), back to back: a combiner's input. */
  mapIndexes(from: number, count: number): Uint32Array {
    const R = this.partitions;
    const M = this.maps;
    const values = new Uint32Array(count * 2 * R);
    for (let g = 0; g < count; g++) {
      const m = from + g;
      const base = g * 2 * R;
      for (let r = 0; r < R; r++) {
        values[base + r] = this.offsets[(r + 1) * M + m]! - this.offsets[r * M + m]!;
        values[base + R + r] = this.rows[r * M + m]!;
      }
    }
    return values;
  }

  /** Bytes of map m's whole object. */
  objectBytes(map: number): number {
    return this.offsets[this.partitions * this.maps + map]!;
  }

  /**
   * A reducer's slices of reduce partitions [from, to): per map with rows there (all maps, or
   * `maps`), one contiguous byte range, split only where a range would pass a Uint32.
   */
  slices(objects: MapObjects, from: number, to: number, maps?: readonly number[]): MapSlices {
    const { slices, values } = this.sliceValues(from, to, maps);
    return { objects, slices, index: packUint32(values) };
  }

  /**
   * The packed values of slices(): `slices` × SLICE_VALUES Uint32s, in an array of their own
   * (sized for one slice per map; the rare range cut past 4 GiB grows it).
   */
  sliceValues(from: number, to: number, maps?: readonly number[]): { slices: number; values: Uint32Array } {
    const R = this.partitions;
    to = Math.min(to, R);
    const count = maps ? maps.length : this.maps;
    let values = new Uint32Array(SLICE_VALUES * Math.max(1, count));
    let at = 0;
    const offsets = this.offsets;
    const rowsOf = this.rows;
    const push = (map: number, offset: number, length: number, rows: number) => {
      if (at === values.length) {
        const grown = new Uint32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[at] = map;
      values[at + 1] = offset >>> 0;
      values[at + 2] = Math.floor(offset / 2 ** 32);
      values[at + 3] = length;
      values[at + 4] = rows;
      at += SLICE_VALUES;
    };
    const M = this.maps;
    if (to === from + 1 && !maps) {
      // One partition of every map (the reducers of a wide shuffle): a block is never cut, and
      // its column of the table is read in order.
      const starts = from * M;
      for (let m = 0; m < M; m++) {
        const rows = rowsOf[starts + m]!;
        if (rows === 0) continue;
        const offset = offsets[starts + m]!;
        values[at] = m;
        values[at + 1] = offset >>> 0;
        values[at + 2] = Math.floor(offset / 2 ** 32);
        values[at + 3] = offsets[starts + M + m]! - offset;
        values[at + 4] = rows;
        at += SLICE_VALUES;
      }
    } else if (from < to) {
      for (let i = 0; i < count; i++) {
        const m = maps ? maps[i]! : i;
        let start = offsets[from * M + m]!;
        let rows = 0;
        for (let r = from; r < to; r++) {
          const blockRows = rowsOf[r * M + m]!;
          // A range past 4 GiB or 2^32 rows is cut at a block boundary (never in practice).
          if (rows > 0 && (offsets[(r + 1) * M + m]! - start > MAX_BLOCK_BYTES || rows + blockRows > MAX_BLOCK_BYTES)) {
            const cut = offsets[r * M + m]!;
            push(m, start, cut - start, rows);
            start = cut;
            rows = 0;
          }
          rows += blockRows;
        }
        if (rows > 0) push(m, start, offsets[to * M + m]! - start, rows);
      }
    }
    return { slices: at / SLICE_VALUES, values: values.subarray(0, at) };
  }
}

/** A finished map task's result without its packed index (recorded into MapOutputs): what the stage keeps. */
export function withoutIndex(result: TaskSuccess): TaskSuccess {
  return result.output.kind === "shuffle" ? { ...result, output: { ...result.output, index: "" } } : result;
}
