/**
 * The driver's map-output table: map answers carry packed indexes (bytes and rows per reduce
 * partition), kept in typed arrays; reducers get one byte range per map object covering
 * their adjacent partitions, and the objects' URIs once per stage (inline, or a stored table).
 * Expected values are computed here from the block lists the fake map tasks "wrote".
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MapOutputs, INLINE_TABLE_MAX_BYTES } from "../../../driver/scheduler/map-outputs.ts";
import { combinedSizes } from "../../../driver/scheduler/reduce-inputs.ts";
import { planReduceTasks } from "../../../driver/scheduler/adaptive.ts";
import { PartitionInput, SLICE_VALUES, type MapSlices } from "../../../shared/plan/physical.ts";
import { packMapIndex, unpackUint32 } from "../../../shared/shuffle-index.ts";
import { emptyTaskMetrics, TaskResult, TASK_PROTOCOL_VERSION, type TaskSuccess } from "../../../shared/task.ts";
import { MemoryStore } from "../../support/memory-store.ts";

const METRICS = { ...emptyTaskMetrics(), durationMs: 1 };

/** A map task's answer for blocks of these sizes (bytes, rows), as the executor reports it. */
function answer(map: number, blocks: readonly (readonly [number, number])[], attempt = 0, uri = `s3://b/apps/a/shuffle/0/stage-0-map-${map}-attempt-${attempt}.blocks`): TaskSuccess {
  return {
    status: "ok",
    version: TASK_PROTOCOL_VERSION,
    stageId: 0,
    partition: map,
    attempt,
    metrics: METRICS,
    output: { kind: "shuffle", uri, partitions: blocks.length, index: packMapIndex(blocks.map((b) => b[0]), blocks.map((b) => b[1])) },
  };
}

/** Slices as plain tuples [map, offset, length, rows]. */
function decoded(s: MapSlices): [number, number, number, number][] {
  if (typeof s.index !== "string") throw new Error("expected an inline index");
  const v = unpackUint32(s.index, s.slices * SLICE_VALUES);
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < v.length; i += SLICE_VALUES) out.push([v[i]!, v[i + 1]! + v[i + 2]! * 2 ** 32, v[i + 3]!, v[i + 4]!]);
  return out;
}

// Three maps, four reduce partitions: [bytes, rows] of each block (empty blocks take no bytes).
const BLOCKS: [number, number][][] = [
  [[10, 1], [0, 0], [30, 3], [40, 4]],
  [[0, 0], [0, 0], [0, 0], [7, 2]],
  [[5, 1], [6, 2], [0, 0], [8, 3]],
];
/** Offset of block r of map m: the bytes of the blocks before it (written back to back). */
const offsetOf = (m: number, r: number) => BLOCKS[m]!.slice(0, r).reduce((n, b) => n + b[0], 0);


describe("map answers", () => {
  it("validate a packed index whose length matches the partitions, and refuse others", () => {
    expect(TaskResult.safeParse(answer(0, BLOCKS[0]!)).success).toBe(true);
    const wrong = answer(0, BLOCKS[0]!);
    const bad = { ...wrong, output: { ...wrong.output, partitions: 5 } };
    const parsed = TaskResult.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["output", "index"]);
    expect(TaskResult.safeParse({ ...wrong, output: { ...wrong.output, index: "!!!!" + (wrong.output as { index: string }).index.slice(4) } }).success).toBe(false);
  });

  it("grow by about 10.7 characters per reduce partition, not a JSON object per block", () => {
    const r = 1000;
    const index = packMapIndex(new Array(r).fill(123_456), new Array(r).fill(789));
    expect(index.length).toBe(4 * Math.ceil((8 * r) / 3));
  });

  it("refuse a block too large to describe", () => {
    expect(() => packMapIndex([2 ** 32], [1])).toThrow(/more shuffle partitions/);
  });
});

describe("MapOutputs", () => {
  const outputs = MapOutputs.of(0, BLOCKS.map((b, m) => answer(m, b)));

  it("keeps each block's size and location", () => {
    expect(outputs.partitions).toBe(4);
    for (let m = 0; m < 3; m++) for (let r = 0; r < 4; r++) expect(outputs.size(m, r)).toBe(BLOCKS[m]![r]![0]);
    expect(outputs.partitionTotals(4)).toEqual([15, 6, 30, 55]);
    expect(outputs.blocks(3)).toEqual([
      { uri: outputs.uris[0], offset: offsetOf(0, 3), length: 40, rows: 4 },
      { uri: outputs.uris[1], offset: 0, length: 7, rows: 2 },
      { uri: outputs.uris[2], offset: offsetOf(2, 3), length: 8, rows: 3 },
    ]);
    expect(outputs.blocks(1)).toEqual([{ uri: outputs.uris[2], offset: 5, length: 6, rows: 2 }]);
  });

  it("gives a reducer one byte range per map object covering its adjacent partitions, leaving out maps with nothing there", () => {
    const objects = { kind: "inline" as const, uris: outputs.uris };
    // Partitions 1..3 (a coalesced reducer): map 0 from block 1 to the end, map 1 only block 3, map 2 blocks 1-3.
    expect(decoded(outputs.slices(objects, 1, 4))).toEqual([
      [0, offsetOf(0, 1), 0 + 30 + 40, 7],
      [1, 0, 7, 2],
      [2, offsetOf(2, 1), 6 + 0 + 8, 5],
    ]);
    expect(decoded(outputs.slices(objects, 1, 2))).toEqual([[2, 5, 6, 2]]);
    // One partition of every map (a wide shuffle's reducer): one block per map with rows there.
    expect(decoded(outputs.slices(objects, 3, 4))).toEqual([[0, 40, 40, 4], [1, 0, 7, 2], [2, 11, 8, 3]]);
    expect(decoded(outputs.slices(objects, 0, 1))).toEqual([[0, 0, 10, 1], [2, 0, 5, 1]]);
    // A skew split reads some maps only.
    expect(decoded(outputs.slices(objects, 3, 4, [1, 2]))).toEqual([[1, 0, 7, 2], [2, 11, 8, 3]]);
    // An empty range, or one past the maps' partitions, reads nothing.
    expect(outputs.slices(objects, 2, 2).slices).toBe(0);
    expect(outputs.slices(objects, 4, 6).slices).toBe(0);
    const input = { kind: "mapSlices", reads: [outputs.slices(objects, 0, 4)] };
    expect(PartitionInput.safeParse(input).success).toBe(true);
    expect(PartitionInput.safeParse({ kind: "mapSlices", reads: [{ ...input.reads[0], slices: 2 }] }).success).toBe(false);
  });

  it("copies an entry of another table (a table mixing combined and map outputs), blocks, attempt and all", () => {
    const other = MapOutputs.of(0, [answer(0, [[1, 1], [2, 1], [3, 1], [4, 1]], 2, "s3://b/combined-0.blocks")]);
    const mixed = new MapOutputs(0, 3);
    mixed.copyEntry(0, other, 0);
    mixed.copyEntry(1, outputs, 2);
    mixed.copyEntry(2, outputs, 0);
    expect(mixed.uris).toEqual(["s3://b/combined-0.blocks", outputs.uris[2], outputs.uris[0]]);
    expect([...mixed.attempts]).toEqual([2, 0, 0]);
    for (let r = 0; r < 4; r++) {
      expect(mixed.size(0, r)).toBe(r + 1);
      expect(mixed.size(1, r)).toBe(BLOCKS[2]![r]![0]);
      expect(mixed.size(2, r)).toBe(BLOCKS[0]![r]![0]);
    }
    expect(mixed.blocks(3)).toEqual([
      { uri: "s3://b/combined-0.blocks", offset: 6, length: 4, rows: 1 },
      { uri: outputs.uris[2], offset: offsetOf(2, 3), length: 8, rows: 3 },
      { uri: outputs.uris[0], offset: offsetOf(0, 3), length: 40, rows: 4 },
    ]);
  });

  it("feeds adaptive execution the same sizes as per-map lists", () => {
    const lists = BLOCKS.map((m) => m.map((b) => b[0]));
    const options = { advisoryBytes: 40, coalesce: true, skewJoin: true, skewFactor: 2, skewThresholdBytes: 10 };
    expect(planReduceTasks(4, { left: outputs }, options)).toEqual(planReduceTasks(4, { left: lists }, options));
    expect(planReduceTasks(4, { left: outputs, right: outputs, how: "inner" }, options)).toEqual(planReduceTasks(4, { left: lists, right: lists, how: "inner" }, options));
    // Two stages feeding one shuffle (a union) count as their maps in stage order.
    const both = combinedSizes([outputs, outputs]);
    expect(both.maps).toBe(6);
    expect(both.size(4, 2)).toBe(0);
    expect(both.size(3, 2)).toBe(30);
    expect(planReduceTasks(4, { left: both }, options)).toEqual(planReduceTasks(4, { left: [...lists, ...lists] }, options));
  });

  it("puts the URIs inline when they are few, and stores a larger table once per version", async () => {
    const store = new MemoryStore();
    const storage = { store, scratch: "s3://b/apps/a/jobs/0/" };
    expect(await outputs.tableRef(storage)).toEqual({ kind: "inline", uris: outputs.uris });
    expect(store.counts.put).toBe(0);

    const maps = Math.ceil(INLINE_TABLE_MAX_BYTES / 60) + 1;
    const long = (m: number, attempt: number) => `s3://bucket/apps/app/jobs/0/shuffle/0/ab/stage-0-map-${String(m).padStart(5, "0")}-attempt-${attempt}.blocks`;
    const wide = MapOutputs.of(0, Array.from({ length: maps }, (_, m) => answer(m, [[1, 1]], 0, long(m, 0))));
    const first = await wide.tableRef(storage);
    expect(first.kind).toBe("stored");
    if (first.kind !== "stored") return;
    const json = JSON.stringify(Array.from({ length: maps }, (_, m) => long(m, 0)));
    expect(first).toMatchObject({ sha256: createHash("sha256").update(json).digest("hex"), count: maps });
    expect(new TextDecoder().decode(store.objects.get(first.uri))).toBe(json);
    expect(await wide.tableRef(storage)).toBe(first);
    expect(store.counts.put).toBe(1);
    // A recomputed map (a new attempt, a new object) makes a new table.
    wide.record(3, answer(3, [[1, 1]], 1, long(3, 1)));
    expect(wide.attempts[3]).toBe(1);
    const second = await wide.tableRef(storage);
    expect(second.kind === "stored" && second.sha256).not.toBe(first.sha256);
    expect(store.counts.put).toBe(2);
    expect(wide.mapOf(long(3, 1))).toBe(3);
    expect(wide.mapOf(long(3, 0))).toBe(-1);
  });

  it("refuses map outputs of different partition counts", () => {
    const mixed = new MapOutputs(0, 2);
    mixed.record(0, answer(0, [[1, 1], [2, 2]]));
    expect(() => mixed.record(1, answer(1, [[1, 1]]))).toThrow(/wrote 1 reduce partitions, the others 2/);
  });
});
