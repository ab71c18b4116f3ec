/**
 * A reducer reading map-output tables: one ranged GET per map object for all of its adjacent
 * reduce partitions, blocks split by their headers, tables read once per container, and
 * missing or damaged objects reported as fetch failures naming them. Expected rows come
 * from the ids each fake map task routed, computed here.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodePartitions } from "../../../executor-fn/stage/shuffle.ts";
import { readPartition, type SourceCounters } from "../../../executor-fn/stage/sources.ts";
import { withMapTables } from "../../../executor-fn/stage/map-slices.ts";
import { TaskError } from "../../../executor-fn/task-error.ts";
import type { CompileContext } from "../../../executor-fn/compile/expression.ts";
import type { MemoryContext } from "../../../executor-fn/stage/memory.ts";
import { denseBatch } from "../../../shared/batch/batch.ts";
import { PartitionInput, SLICE_VALUES, type MapObjects, type StageSource } from "../../../shared/plan/physical.ts";
import { packUint32 } from "../../../shared/shuffle-index.ts";
import type { ObjectStore } from "../../../shared/storage/object-store.ts";
import { MemoryStore } from "../../support/memory-store.ts";

const PARTITIONS = 4;


/** The ids each map writes, and its reduce partition: id % 4, except that map 1 writes nothing to partition 2. */
const MAP_IDS = [Array.from({ length: 100 }, (_, i) => i), Array.from({ length: 60 }, (_, i) => 1000 + i).filter((id) => id % 4 !== 2)];
const uriOf = (m: number) => `s3://b/apps/a/shuffle/0/stage-0-map-${m}-attempt-0.blocks`;

/** Writes each map's object; returns per map the [offset, length, rows] of each partition (from the encoder's blocks). */
async function writeMaps(store: MemoryStore): Promise<{ offset: number; length: number; rows: number }[][]> {
  return Promise.all(
    MAP_IDS.map(async (ids, m) => {
      const batch = denseBatch([{ kind: "f64", values: Float64Array.from(ids), nulls: null }], ids.length);
      const { bytes, blocks } = encodePartitions(batch, Int32Array.from(ids, (id) => id % PARTITIONS), PARTITIONS);
      await store.put(uriOf(m), bytes);
      return blocks;
    }),
  );
}

/** A reducer's slices of partitions [from, to) of every map, built here from the block list. */
function slicesInput(blocks: { offset: number; length: number; rows: number }[][], objects: MapObjects, from: number, to: number): PartitionInput {
  const values: number[] = [];
  blocks.forEach((bs, m) => {
    const range = bs.slice(from, to);
    const rows = range.reduce((n, b) => n + b.rows, 0);
    if (rows === 0) return;
    const length = range.reduce((n, b) => n + b.length, 0);
    values.push(m, range[0]!.offset, 0, length, rows);
  });
  return { kind: "mapSlices", reads: [{ objects, slices: values.length / SLICE_VALUES, index: packUint32(Uint32Array.from(values)) }] };
}

const SOURCE: StageSource = { kind: "shuffle", shuffleId: 0, schema: { fields: [{ name: "id", type: "long", nullable: false }] } } as StageSource;

function counters(): SourceCounters {
  return { recordsIn: 0, files: {} as SourceCounters["files"], shuffle: { bytesRead: 0, recordsRead: 0 } };
}

async function readIds(input: PartitionInput, store: ObjectStore, c = counters()): Promise<number[]> {
  const ids: number[] = [];
  for await (const batch of readPartition(SOURCE, input, store, {} as CompileContext, {} as MemoryContext, c)) {
    const values = (batch.columns[0] as { values: Float64Array }).values;
    for (let k = 0; k < batch.count; k++) ids.push(values[batch.selection ? batch.selection[k]! : k]!);
  }
  return ids;
}

/** What a reducer of partitions [from, to) must read: map by map, partition by partition, in writing order. */
const expectedIds = (from: number, to: number) => MAP_IDS.flatMap((ids) => Array.from({ length: to - from }, (_, i) => ids.filter((id) => id % PARTITIONS === from + i)).flat());

describe("reading map slices", () => {
  it("reads a coalesced reducer's adjacent partitions of each map object with one ranged GET", async () => {
    const store = new MemoryStore();
    const blocks = await writeMaps(store);
    const objects: MapObjects = { kind: "inline", uris: MAP_IDS.map((_, m) => uriOf(m)) };
    for (const [from, to] of [[0, 4], [1, 3], [2, 3], [3, 4]] as const) {
      store.ranged.length = 0;
      const c = counters();
      expect(await readIds(slicesInput(blocks, objects, from, to), store, c)).toEqual(expectedIds(from, to));
      const mapsRead = MAP_IDS.filter((ids) => ids.some((id) => id % PARTITIONS >= from && id % PARTITIONS < to)).length;
      expect(store.ranged.length).toBe(mapsRead);
      expect(c.shuffle.recordsRead).toBe(expectedIds(from, to).length);
    }
  });

  it("reads a stored map-output table once per container, checking its hash", async () => {
    const store = new MemoryStore();
    const blocks = await writeMaps(store);
    const json = JSON.stringify(MAP_IDS.map((_, m) => uriOf(m)));
    const sha256 = createHash("sha256").update(json).digest("hex");
    const uri = `s3://b/apps/a/jobs/0/inputs/map-outputs-stage-0-${sha256.slice(0, 16)}.json`;
    await store.put(uri, json);
    const input = slicesInput(blocks, { kind: "stored", uri, sha256, count: MAP_IDS.length }, 0, 2);
    const checked: string[] = [];
    const gets = store.counts.get;
    const first = await withMapTables(input, store, (u) => checked.push(u));
    expect(checked).toEqual([uri]);
    expect(await readIds(first, store)).toEqual(expectedIds(0, 2));
    await withMapTables(input, store);
    expect(store.counts.get - gets).toBe(1 + 2);

    const wrong = slicesInput(blocks, { kind: "stored", uri, sha256: "0".repeat(64), count: MAP_IDS.length }, 0, 2);
    await expect(withMapTables(wrong, store)).rejects.toThrow(/does not match its hash/);
    // A table that does not hold the count of URIs its reference says is refused (another table: the cache is by hash).
    const copy = `${uri}.copy`;
    await store.put(copy, json + " ");
    const sha2 = createHash("sha256").update(json + " ").digest("hex");
    await expect(withMapTables(slicesInput(blocks, { kind: "stored", uri: copy, sha256: sha2, count: 1 }, 0, 2), store)).rejects.toThrow(/not a list of 1 object URIs/);
  });

  it("reads a reducer's index stored in a slice file with one ranged GET, checking its hash", async () => {
    const store = new MemoryStore();
    const blocks = await writeMaps(store);
    const objects: MapObjects = { kind: "inline", uris: MAP_IDS.map((_, m) => uriOf(m)) };
    const inline = slicesInput(blocks, objects, 1, 4);
    if (inline.kind !== "mapSlices" || typeof inline.reads[0]!.index !== "string") throw new Error("expected an inline index");
    // The index's bytes, between other reducers' bytes in one file.
    const bytes = Buffer.from(inline.reads[0]!.index, "base64");
    const file = Buffer.concat([Buffer.alloc(37, 1), bytes, Buffer.alloc(11, 2)]);
    const uri = "s3://b/apps/a/jobs/0/inputs/slices-stage-1-0123456789abcdef.bin";
    await store.put(uri, file);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const stored: PartitionInput = { kind: "mapSlices", reads: [{ ...inline.reads[0]!, index: { uri, offset: 37, length: bytes.byteLength, sha256 } }] };
    expect(PartitionInput.safeParse(stored).success).toBe(true);
    const checked: string[] = [];
    store.ranged.length = 0;
    const read = await withMapTables(stored, store, (u) => checked.push(u));
    expect(checked).toEqual([uri]);
    expect(store.ranged).toEqual([uri]);
    expect(await readIds(read, store)).toEqual(expectedIds(1, 4));
    // A range whose bytes are not the ones hashed is refused, naming the file and the range.
    const shifted: PartitionInput = { kind: "mapSlices", reads: [{ ...inline.reads[0]!, index: { uri, offset: 36, length: bytes.byteLength, sha256 } }] };
    await expect(withMapTables(shifted, store)).rejects.toMatchObject({ type: "InvalidTask", message: expect.stringMatching(/bytes 36-\d+ of slice file .*slices-stage-1-0123456789abcdef\.bin do not match their hash/) });
    // A stored range that does not hold slices × 20 bytes fails validation.
    expect(PartitionInput.safeParse({ kind: "mapSlices", reads: [{ ...inline.reads[0]!, index: { uri, offset: 37, length: bytes.byteLength - 4, sha256 } }] }).success).toBe(false);
  });

  it("reports a missing map object as a fetch failure naming it", async () => {
    const store = new MemoryStore();
    const blocks = await writeMaps(store);
    store.objects.delete(uriOf(1));
    const input = slicesInput(blocks, { kind: "inline", uris: MAP_IDS.map((_, m) => uriOf(m)) }, 0, 4);
    const error = await readIds(input, store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect(error).toMatchObject({ type: "FetchFailed", missing: [uriOf(1)] });
  });

  it("reports a damaged block inside a slice as a fetch failure of its object", async () => {
    const store = new MemoryStore();
    const blocks = await writeMaps(store);
    const bytes = store.objects.get(uriOf(0))!;
    const second = blocks[0]![2]!;
    bytes[second.offset + Math.floor(second.length / 2)]! ^= 0x5a;
    const input = slicesInput(blocks, { kind: "inline", uris: MAP_IDS.map((_, m) => uriOf(m)) }, 1, 4);
    const error = await readIds(input, store).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: "FetchFailed", missing: [uriOf(0)] });
    expect((error as Error).message).toMatch(/stage-0-map-0-attempt-0\.blocks \(bytes \d+-\d+\) is corrupt: /);
  });

  it("refuses a slice whose rows differ from what its blocks hold", async () => {
    const store = new MemoryStore();
    const blocks = await writeMaps(store);
    const b = blocks[0]![1]!;
    const input: PartitionInput = { kind: "mapSlices", reads: [{ objects: { kind: "inline", uris: [uriOf(0)] }, slices: 1, index: packUint32(Uint32Array.from([0, b.offset, 0, b.length, b.rows + 1])) }] };
    await expect(readIds(input, store)).rejects.toMatchObject({ type: "FetchFailed", message: expect.stringMatching(/row count mismatch/) });
  });

  it("refuses a slice naming a map the table does not have", async () => {
    const store = new MemoryStore();
    await writeMaps(store);
    const input: PartitionInput = { kind: "mapSlices", reads: [{ objects: { kind: "inline", uris: [uriOf(0)] }, slices: 1, index: packUint32(Uint32Array.from([5, 0, 0, 10, 1])) }] };
    await expect(readIds(input, store)).rejects.toMatchObject({ type: "InvalidTask" });
  });
});
