/** Reading one partition's input into rows (arrays in the source schema's order). */
import { sourceSchema, type MapSlices, type PartitionInput, type ShuffleBlockRef, type StageSource } from "../../shared/plan/physical.ts";
import { readFileSplit, type FileReadCounters } from "../io/readers.ts";
import type { Row, Value } from "../../shared/plan/types.ts";
import { boxedValue, holdsDecimal } from "../../shared/plan/decimal.ts";
import { ObjectNotFoundError, type ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import { rangeProblem } from "../../shared/plan/range.ts";
import type { CompileContext } from "../compile/expression.ts";
import { shuffledJoin } from "../operators/shuffled-join.ts";
import type { MemoryContext } from "./memory.ts";
import { decodeShuffleBlock, decodeShuffleSlice } from "./shuffle.ts";
import { slicesOf } from "./map-slices.ts";
import { BATCH_ROWS, batchStream, denseBatch, type Batch, type BatchStream } from "../../shared/batch/batch.ts";

export interface ShuffleReadCounters {
  bytesRead: number;
  recordsRead: number;
}

export interface SourceCounters {
  recordsIn: number;
  files: FileReadCounters;
  /** What this task read of shuffle outputs (its own input and broadcasts). */
  shuffle: ShuffleReadCounters;
}

/** Byte ranges fetched at once by one reducer (ranged GETs in flight). */
const FETCH_PARALLELISM = 16;

/** On a missing object, finds every missing object of the input so one recovery fixes them all. */
async function missingObjects(ranges: readonly { readonly uri: string }[], store: ObjectStore): Promise<string[]> {
  const uris = [...new Set(ranges.map((b) => b.uri))];
  const found = await Promise.all(uris.map((uri) => store.head(uri)));
  return uris.filter((_, i) => !found[i]);
}

interface ByteRange {
  readonly uri: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * Reads byte ranges of shuffle objects with ranged GETs, up to FETCH_PARALLELISM at once, and
 * yields each with its bytes, in input order (memory holds the ranges in flight, not the
 * partition). A missing object is a FetchFailed naming every missing object of the rest.
 */
export async function* fetchRanges<R extends ByteRange>(ranges: readonly R[], store: ObjectStore): AsyncGenerator<readonly [R, Uint8Array]> {
  const inFlight: Promise<Uint8Array>[] = [];
  let next = 0;
  const refill = () => {
    while (next < ranges.length && inFlight.length < FETCH_PARALLELISM) {
      const r = ranges[next++]!;
      const p = store.get(r.uri, { offset: r.offset, length: r.length });
      p.catch(() => undefined); // observed when awaited below
      inFlight.push(p);
    }
  };
  refill();
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    let bytes: Uint8Array;
    try {
      bytes = await inFlight.shift()!;
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
      const missing = await missingObjects(ranges.slice(i), store);
      if (missing.length === 0) missing.push(range.uri);
      throw new TaskError("FetchFailed", `shuffle output missing: ${missing.join(", ")}`, missing);
    }
    refill();
    yield [range, bytes];
  }
}

/** A reducer's blocks (one ranged GET each), each yielded as a batch, in input order. */
async function* readBlocks(blocks: readonly ShuffleBlockRef[], store: ObjectStore, counters?: ShuffleReadCounters): BatchStream {
  for await (const [block, bytes] of fetchRanges(blocks, store)) {
    const batch = decodeShuffleBlock(bytes, block);
    if (counters) {
      counters.bytesRead += bytes.byteLength;
      counters.recordsRead += batch.count;
    }
    yield batch;
  }
}

/**
 * A reducer's slices of map-output tables: one ranged GET per slice (all of its adjacent
 * reduce partitions in one map object), each slice's blocks yielded in order.
 */
async function* readSlices(reads: readonly MapSlices[], store: ObjectStore, counters?: ShuffleReadCounters): BatchStream {
  for await (const [slice, bytes] of fetchRanges(slicesOf(reads), store)) {
    for (const batch of decodeShuffleSlice(bytes, slice)) {
      if (counters) counters.recordsRead += batch.count;
      yield batch;
    }
    if (counters) counters.bytesRead += bytes.byteLength;
  }
}

/** Every batch of some shuffle blocks (a broadcast join's build side). */
export async function readShuffleBatches(blocks: readonly ShuffleBlockRef[], store: ObjectStore, counters?: ShuffleReadCounters): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of readBlocks(blocks, store, counters)) out.push(batch);
  return out;
}

/** Ids of range(start, end, step) as batches of f64 vectors (a range checked by rangeProblem: safe integers, a step other than 0). */
function* rangeBatches(start: number, end: number, step: number): Generator<Batch> {
  let id = start;
  const more = () => (step > 0 ? id < end : id > end);
  while (more()) {
    const values = new Float64Array(BATCH_ROWS);
    let n = 0;
    for (; n < BATCH_ROWS && more(); n++, id += step) values[n] = id;
    yield denseBatch([{ kind: "f64", values: n === BATCH_ROWS ? values : values.subarray(0, n), nulls: null }], n);
  }
}

async function* batches(source: StageSource, input: PartitionInput, store: ObjectStore, ctx: CompileContext, memory: MemoryContext, counters: SourceCounters): BatchStream {
  const schema = sourceSchema(source);
  switch (input.kind) {
    case "files":
      if (source.kind !== "file") throw new TaskError("InvalidTask", `a ${source.kind} stage cannot read files`);
      for (const file of input.files) yield* readFileSplit(source, file, store, counters.files);
      return;
    case "rows": {
      // A decimal travels in the plan as its text (JSON has no bigint).
      const decimals = schema.fields.flatMap((f, c) => (holdsDecimal(f.type) ? [c] : []));
      const rows = decimals.length === 0 ? (input.rows as Row[]) : (input.rows as Row[]).map((r) => r.map((v, c) => (decimals.includes(c) ? (boxedValue(v, schema.fields[c]!.type) as Value) : v)));
      yield* batchStream(schema, [rows]);
      return;
    }
    case "range": {
      const problem = rangeProblem(input.start, input.end, input.step);
      if (problem) throw new TaskError("BadInput", `the task's range input (start ${input.start}, end ${input.end}, step ${input.step}): ${problem}`);
      yield* rangeBatches(input.start, input.end, input.step);
      return;
    }
    case "shuffle":
      yield* readBlocks(input.blocks, store, counters.shuffle);
      return;
    case "stored":
      throw new TaskError("InvalidTask", "a stored input must be loaded before the task runs");
    case "combine":
      throw new TaskError("InvalidTask", "a combiner's input is merged byte for byte (combine.ts), not read through a stage's operators");
    case "join":
      if (source.kind !== "join") throw new TaskError("InvalidTask", `a ${source.kind} stage cannot read join input`);
      yield* shuffledJoin(source, readBlocks(input.left, store, counters.shuffle), readBlocks(input.right, store, counters.shuffle), ctx, memory);
      return;
    case "mapSlices":
      yield* readSlices(input.reads, store, counters.shuffle);
      return;
    case "joinSlices":
      if (source.kind !== "join") throw new TaskError("InvalidTask", `a ${source.kind} stage cannot read join input`);
      yield* shuffledJoin(source, readSlices(input.left, store, counters.shuffle), readSlices(input.right, store, counters.shuffle), ctx, memory);
      return;
  }
}

/** The partition as a stream of batches; counts the rows read into `counters`. */
export async function* readPartition(
  source: StageSource,
  input: PartitionInput,
  store: ObjectStore,
  ctx: CompileContext,
  memory: MemoryContext,
  counters: SourceCounters,
): BatchStream {
  for await (const batch of batches(source, input, store, ctx, memory, counters)) {
    counters.recordsIn += batch.count;
    yield batch;
  }
}
