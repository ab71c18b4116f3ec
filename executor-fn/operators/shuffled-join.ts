/**
 * A shuffled hash join of one co-partitioned partition: builds on the right side, streams the
 * left side through the table. When the right side outgrows the task's memory budget, both
 * sides are split by a second hash of their keys into buckets on local disk (a grace hash
 * join), written as shuffle blocks, and joined bucket by bucket: rows with equal keys land in
 * the same bucket, so each bucket pair joins on its own. A join without keys (every pair a
 * candidate) cannot be split that way and stays in memory.
 */
import { open, type FileHandle } from "node:fs/promises";
import * as path from "node:path";
import type { StageSource } from "../../shared/plan/physical.ts";
import { batchBytes, compact, concatBatches, type Batch, type BatchStream } from "../../shared/batch/batch.ts";
import type { CompileContext } from "../compile/expression.ts";
import { compileVectorProjection } from "../compile/vector-expression.ts";
import { decodeBlockToBatch, encodeVectorsBlock } from "../io/block-codec.ts";
import type { MemoryContext } from "../stage/memory.ts";
import { SpillFolder } from "../stage/spill.ts";
import { HashJoinTable, type JoinSpec } from "./hash-join.ts";
import { hashKeys } from "./keys.ts";

type JoinSource = Extract<StageSource, { kind: "join" }>;

/** Buckets a spilled join splits each side into. */
const BUCKETS = 32;

/** A bucket per row: a second mix of the key hash, independent of the hash that chose the partition. */
function bucketsOf(batch: Batch, keysOf: (b: Batch) => ReturnType<ReturnType<typeof compileVectorProjection>>): Int32Array {
  const hashes = hashKeys(keysOf(batch), batch.count);
  const out = new Int32Array(batch.count);
  for (let k = 0; k < batch.count; k++) {
    let h = hashes[k]!;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
    out[k] = ((h ^ (h >>> 15)) >>> 0) % BUCKETS;
  }
  return out;
}

/** One side of a spilled join: a file per bucket of length-prefixed blocks. */
class BucketFiles {
  private readonly handles: (FileHandle | undefined)[] = new Array(BUCKETS);
  readonly rows = new Array<number>(BUCKETS).fill(0);

  constructor(
    private readonly dir: string,
    private readonly side: string,
    private readonly memory: MemoryContext,
  ) {}

  private file(b: number): string {
    return path.join(this.dir, `${this.side}-${String(b).padStart(2, "0")}.bin`);
  }

  async add(batch: Batch, buckets: Int32Array): Promise<void> {
    const dense = compact(batch);
    const lists = Array.from({ length: BUCKETS }, () => [] as number[]);
    for (let k = 0; k < dense.count; k++) lists[buckets[k]!]!.push(k);
    for (let b = 0; b < BUCKETS; b++) {
      const list = lists[b]!;
      if (list.length === 0) continue;
      const block = encodeVectorsBlock(dense.columns, Int32Array.from(list), list.length);
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32LE(block.byteLength, 0);
      this.handles[b] ??= await open(this.file(b), "wx");
      await this.handles[b]!.write(Buffer.concat([header, block]));
      this.rows[b]! += list.length;
      this.memory.spilled.bytes += 4 + block.byteLength;
    }
  }

  async close(): Promise<void> {
    for (const h of this.handles) await h?.close();
    this.memory.spilled.files += this.handles.filter((h) => h !== undefined).length;
  }

  /** The batches of one bucket, as written. */
  async *read(b: number): AsyncGenerator<Batch> {
    if (this.rows[b] === 0) return;
    const handle = await open(this.file(b), "r");
    try {
      const bytes = await handle.readFile();
      for (let at = 0; at < bytes.length; ) {
        const length = bytes.readUInt32LE(at);
        yield decodeBlockToBatch(bytes.subarray(at + 4, at + 4 + length), `${this.file(b)}@${at}`);
        at += 4 + length;
      }
    } finally {
      await handle.close();
    }
  }
}

export async function* shuffledJoin(source: JoinSource, left: BatchStream, right: BatchStream, ctx: CompileContext, memory: MemoryContext): BatchStream {
  const spec: JoinSpec = {
    how: source.how,
    buildSide: "right",
    probeSchema: source.left.schema,
    buildSchema: source.right.schema,
    probeKeys: source.leftKeys,
    buildKeys: source.rightKeys,
    condition: source.condition,
  };
  const rightWidth = source.right.schema.fields.length;
  const keyed = source.rightKeys.length > 0;
  const held: Batch[] = [];
  let heldBytes = 0;
  const rightInput = right[Symbol.asyncIterator]();
  for (let next = await rightInput.next(); !next.done; next = await rightInput.next()) {
    held.push(next.value);
    heldBytes += batchBytes(next.value);
    if (keyed && heldBytes > memory.budgetBytes) {
      yield* graceJoin(spec, held, { [Symbol.asyncIterator]: () => rightInput }, left, ctx, memory);
      return;
    }
  }
  const table = new HashJoinTable(spec, concatBatches(held, rightWidth), ctx);
  held.length = 0;
  for await (const batch of left) yield* table.probe(batch);
  const unmatched = table.unmatchedBuild();
  if (unmatched) yield unmatched;
}

async function* graceJoin(spec: JoinSpec, held: Batch[], restOfRight: AsyncIterable<Batch>, left: BatchStream, ctx: CompileContext, memory: MemoryContext): BatchStream {
  const spill = await SpillFolder.create(memory, "sparkfn-join-");
  try {
    const rightKeys = compileVectorProjection(spec.buildKeys, spec.buildSchema, ctx);
    const leftKeys = compileVectorProjection(spec.probeKeys, spec.probeSchema, ctx);
    const rights = new BucketFiles(spill.dir, "right", memory);
    const lefts = new BucketFiles(spill.dir, "left", memory);
    try {
      for (const batch of held.splice(0)) await rights.add(batch, bucketsOf(batch, rightKeys));
      for await (const batch of restOfRight) await rights.add(batch, bucketsOf(batch, rightKeys));
      for await (const batch of left) if (batch.count > 0) await lefts.add(batch, bucketsOf(batch, leftKeys));
    } finally {
      await rights.close();
      await lefts.close();
    }
    for (let b = 0; b < BUCKETS; b++) {
      const build: Batch[] = [];
      for await (const batch of rights.read(b)) build.push(batch);
      const table = new HashJoinTable(spec, concatBatches(build, spec.buildSchema.fields.length), ctx);
      for await (const batch of lefts.read(b)) yield* table.probe(batch);
      const unmatched = table.unmatchedBuild();
      if (unmatched) yield unmatched;
    }
  } finally {
    await spill.remove();
  }
}
