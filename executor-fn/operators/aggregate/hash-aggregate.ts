/**
 * Hash aggregation over batches, in two phases. The partial phase (map side) folds each batch
 * into per-group states: key vectors become dense group ids (keys.ts: no key string per row),
 * and every aggregate folds its argument vector into typed arrays indexed by group id. The
 * final phase (reduce side) merges the partial states of equal keys from all map tasks and
 * finishes them.
 *
 * Both keep their table within the task's memory budget (estimated: typed arrays exactly,
 * keys and object states by a sample): the map side emits its partial states early and
 * starts afresh ("flushing early", as DataFusion and Presto do: partial states merge, so the
 * reducer only sees some keys more than once); the reduce side spills its groups, sorted by
 * key identity, as a run to local disk (spill.ts) and merges the runs at the end, as Spark's
 * aggregation falls back to sort-based merging when its hash map outgrows execution memory.
 */
import type { Expr } from "../../../shared/plan/expr.ts";
import type { AggCall } from "../../../shared/plan/physical.ts";
import { typeOf } from "../../../shared/plan/resolve.ts";
import type { DataType, Row, Schema, Value } from "../../../shared/plan/types.ts";
import { batchFromRows, compact, denseBatch, type Batch, type BatchStream } from "../../../shared/batch/batch.ts";
import { valueAt, vectorFromValues, type Vector } from "../../../shared/batch/vector.ts";
import { seededRandom } from "../../../shared/random.ts";
import { compileLiveProjection } from "../../compile/vector-expression.ts";
import type { CompileContext } from "../../compile/expression.ts";
import type { MemoryContext } from "../../stage/memory.ts";
import { SpillFolder } from "../../stage/spill.ts";
import { GroupIds, normalizedKey, tupleIdentity } from "../keys.ts";
import { aggState, sizeOf, type AggState } from "./states.ts";

/*
 * Memory estimate: the typed state arrays' bytes per group, plus per group the hash maps'
 * entries (~48 B each on V8: entry, hash bucket, spare capacity) and the boxed key values
 * and object states, whose size is averaged over a sample of up to SAMPLE_GROUPS groups and
 * refreshed when the table has doubled or every REFRESH_BATCHES batches (countDistinct's
 * sets grow without new groups). The batch in flight and the output are left to the
 * reserved memory.
 */
const MAP_ENTRY_BYTES = 48;
const SAMPLE_GROUPS = 64;
const REFRESH_BATCHES = 16;

/** Groups of one aggregation: ids, boxed key values per group, and the aggregates' states. */
class AggTable {
  private readonly ids: GroupIds;
  private keyValues: Value[][];
  private capacity = 0;
  private idBuffer = new Int32Array(0);
  private bytesPerGroup = 0;
  private sizeAtRefresh = 0;
  private batchesSinceRefresh = 0;
  private readonly random = seededRandom(0x5eed);

  constructor(
    private readonly keyTypes: readonly DataType[],
    readonly states: readonly AggState[],
  ) {
    this.ids = new GroupIds(keyTypes.length);
    this.keyValues = keyTypes.map(() => []);
  }

  get size(): number {
    return this.ids.size;
  }

  /**
   * The group id of each of `count` rows of the key vectors (new groups opened); key c's value
   * for row k is at index `sels[c][k]` when given, else at k.
   */
  assign(keys: readonly Vector[], count: number, sels?: readonly (Int32Array | null)[]): Int32Array {
    if (this.idBuffer.length < count) this.idBuffer = new Int32Array(Math.max(count, 4096));
    const out = this.idBuffer;
    this.ids.assign(
      keys,
      count,
      out,
      (k) => {
        for (let c = 0; c < keys.length; c++) {
          const sel = sels?.[c] ?? null;
          this.keyValues[c]!.push(normalizedKey(valueAt(keys[c]!, sel === null ? k : sel[k]!)));
        }
      },
      sels,
    );
    this.ensureCapacity();
    return out;
  }

  /** The one group of a global aggregate, for a partition without rows. */
  openGlobalGroup(): void {
    this.ids.assign([], 1, new Int32Array(1), () => undefined);
    this.ensureCapacity();
  }

  private ensureCapacity(): void {
    if (this.ids.size <= this.capacity) return;
    this.capacity = Math.max(this.ids.size, this.capacity * 2, 64);
    for (const s of this.states) s.grow(this.capacity);
  }

  overBudget(budgetBytes: number): boolean {
    if (++this.batchesSinceRefresh >= REFRESH_BATCHES || this.size >= 2 * this.sizeAtRefresh) this.refresh();
    return this.estimatedBytes() > budgetBytes;
  }

  estimatedBytes(): number {
    const fixed = this.states.reduce((n, s) => n + s.fixedBytesPerGroup, 0);
    return this.capacity * fixed + this.ids.mapEntries * MAP_ENTRY_BYTES + this.size * this.bytesPerGroup;
  }

  private refresh(): void {
    const n = this.size;
    if (n > 0) {
      let bytes = 0;
      const samples = Math.min(SAMPLE_GROUPS, n);
      for (let s = 0; s < samples; s++) {
        const g = samples === n ? s : Math.floor(this.random() * n);
        for (const values of this.keyValues) bytes += sizeOf(values[g]);
        for (const state of this.states) bytes += state.heapBytesAt(g);
      }
      this.bytesPerGroup = bytes / samples;
    }
    this.batchesSinceRefresh = 0;
    this.sizeAtRefresh = n;
  }

  keyVectors(): Vector[] {
    return this.keyTypes.map((t, c) => vectorFromValues(t, this.keyValues[c]!));
  }

  partialBatch(): Batch {
    const n = this.size;
    return denseBatch([...this.keyVectors(), ...this.states.map((s) => s.partial(n))], n);
  }

  finishedBatch(): Batch {
    const n = this.size;
    return denseBatch([...this.keyVectors(), ...this.states.map((s) => s.finish(n))], n);
  }

  /** The groups as spill records [keys, partial states], sorted by key identity. */
  sortedRecords(): RunRecord[] {
    const records: [string, RunRecord][] = [];
    for (let g = 0; g < this.size; g++) {
      const keys = this.keyValues.map((values) => values[g]!);
      records.push([tupleIdentity(keys), [keys, this.states.map((s) => s.stateAt(g))]]);
    }
    records.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return records.map((r) => r[1]);
  }

  clear(): void {
    this.ids.clear();
    this.keyValues = this.keyTypes.map(() => []);
    this.capacity = 0;
    for (const s of this.states) s.clear();
    this.sizeAtRefresh = 0;
    this.batchesSinceRefresh = 0;
  }
}

/** Map side: partial states per group of this partition. */
export async function* partialAggregateStream(
  input: BatchStream,
  schema: Schema,
  groupBy: readonly Expr[],
  aggregates: readonly AggCall[],
  context: CompileContext,
  memory: MemoryContext,
): BatchStream {
  // Keys and arguments are read through the batch's selection, not gathered: each is read once.
  const keysOf = compileLiveProjection(groupBy, schema, context);
  // Every argument of every aggregate in one projection; `slots[i]` are aggregate i's columns in it.
  const argExprs: Expr[] = [];
  const slots = aggregates.map((a) => [...(a.arg ? [a.arg] : []), ...(a.args ?? [])].map((e) => argExprs.push(e) - 1));
  const argsOf = compileLiveProjection(argExprs, schema, context);
  const table = new AggTable(
    groupBy.map((e) => typeOf(e, schema).type),
    aggregates.map((a) => aggState(a.fn, a.arg ? typeOf(a.arg, schema).type : undefined, a)),
  );
  let flushed = false;
  for await (const batch of input) {
    const count = batch.count;
    if (count === 0) continue;
    const keys = keysOf(batch);
    const ids = table.assign(keys.vectors, count, keys.selections);
    const args = argsOf(batch);
    table.states.forEach((s, i) => {
      const [first, second] = slots[i]!;
      const vector = (j: number | undefined) => (j === undefined ? null : args.vectors[j]!);
      const selection = (j: number | undefined) => (j === undefined ? null : args.selections[j]!);
      s.update(ids, vector(first), count, selection(first), vector(second), selection(second));
    });
    if (table.overBudget(memory.budgetBytes)) {
      yield table.partialBatch();
      table.clear();
      flushed = true;
    }
  }
  // A global aggregate (no keys) yields one row even for an empty partition.
  if (groupBy.length === 0 && table.size === 0 && !flushed) table.openGlobalGroup();
  if (table.size > 0) yield table.partialBatch();
}

/** A group as a run stores it: [keys, partial states]. */
type RunRecord = [keys: Value[], states: unknown[]];

const runKey = (record: RunRecord) => tupleIdentity(record[0]);

/**
 * Reduce side over batches of [...keys, ...partial states]: one result row per group. Past the
 * budget, the table's groups are written as a sorted run and the table starts afresh; at the
 * end the last table is spilled too and the runs are merged, streaming, the states of equal
 * keys merged in run order (so first() keeps the input order). The spill folder is deleted at
 * the end, also on error or when the consumer stops early.
 */
export async function* finalAggregateStream(
  input: BatchStream,
  schema: Schema,
  numKeys: number,
  aggregates: readonly AggCall[],
  memory: MemoryContext,
): BatchStream {
  const keyTypes = schema.fields.slice(0, numKeys).map((f) => f.type);
  const table = new AggTable(
    keyTypes,
    aggregates.map((a, i) => aggState(a.fn, schema.fields[numKeys + i]!.type, a, true)),
  );
  let spill: SpillFolder | undefined;
  const runs: string[] = [];
  const spillTable = async () => {
    spill ??= await SpillFolder.create(memory, "sparkfn-agg-");
    runs.push(await spill.writeRun(inChunks(table.sortedRecords())));
    table.clear();
  };
  try {
    for await (const raw of input) {
      if (raw.count === 0) continue;
      const batch = compact(raw);
      const ids = table.assign(batch.columns.slice(0, numKeys), batch.count);
      table.states.forEach((s, i) => s.merge(ids, batch.columns[numKeys + i]!, batch.count));
      if (table.overBudget(memory.budgetBytes)) await spillTable();
    }
    if (!spill) {
      if (numKeys === 0 && table.size === 0) table.openGlobalGroup();
      if (table.size > 0) yield table.finishedBatch();
      return;
    }
    if (table.size > 0) await spillTable();
    const { states } = table;
    // The records of all runs in key order, the states of equal keys merged (in run order).
    for await (const records of spill.mergeInPasses<RunRecord>(runs, runKey, undefined, (merged) => combineEqualKeys(merged, states))) {
      yield batchFromRows(schema, records.map(([keys, s]): Row => [...keys, ...s.map((state, i) => states[i]!.finishBoxed(state))]));
    }
  } finally {
    await spill?.remove();
  }
}

const RUN_CHUNK = 4096;

function* inChunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += RUN_CHUNK) yield items.slice(i, i + RUN_CHUNK);
}

/** Folds a key-ordered stream of records into one record per key. */
async function* combineEqualKeys(sorted: AsyncIterable<[string, RunRecord][]>, states: readonly AggState[]): AsyncGenerator<RunRecord[]> {
  let out: RunRecord[] = [];
  let current: RunRecord | undefined;
  let currentKey = "";
  for await (const batch of sorted) {
    for (const [key, record] of batch) {
      if (current && key === currentKey) {
        for (let i = 0; i < states.length; i++) current[1][i] = states[i]!.mergeBoxed(current[1][i], record[1][i]);
        continue;
      }
      if (current) out.push(current);
      current = [record[0], [...record[1]]];
      currentKey = key;
      if (out.length === RUN_CHUNK) {
        yield out;
        out = [];
      }
    }
  }
  if (current) out.push(current);
  if (out.length > 0) yield out;
}
