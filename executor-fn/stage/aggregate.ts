/**
 * Hash aggregation in two phases. The partial phase (map side) folds the rows of one
 * partition into one state per group and aggregate; the final phase (reduce side) merges
 * the states of equal keys coming from all map tasks and turns them into results.
 *
 * States are plain JSON values so they can travel through the shuffle:
 *   sum, min, max: value or null · count: number · avg: [sum, count] · first: [] or [value] ·
 *   countDistinct: array of the distinct values' JSON texts (a Set while aggregating).
 *
 * The streaming versions keep their hash table within the task's memory budget (estimated,
 * see GroupTable): the map side emits its partial states early, the reduce side spills
 * sorted runs to local disk and merges them at the end (spill.ts).
 */
import type { AggFn } from "../../shared/plan/expr.ts";
import type { AggCall } from "../../shared/plan/physical.ts";
import { compareValues } from "../../shared/plan/semantics.ts";
import type { Row, Schema, Value } from "../../shared/plan/types.ts";
import { seededRandom } from "../../shared/random.ts";
import { compileExpr, compileProjection, type CompileContext } from "../compile/expression.ts";
import type { MemoryContext } from "./memory.ts";
import { MAX_MERGE_FAN_IN, SpillFolder } from "./spill.ts";

type State = unknown;

interface AggKernel {
  init(): State;
  /** Folds one input value (already evaluated; `undefined` for count(*)). */
  update(state: State, value: Value | undefined): State;
  merge(a: State, b: State): State;
  finish(state: State): Value;
}

const lessThan = (a: Value, b: Value) => compareValues(a as Exclude<Value, null>, b as Exclude<Value, null>) < 0;

const KERNELS: Record<AggFn, AggKernel> = {
  sum: {
    init: () => null,
    update: (s, v) => (v === null || v === undefined ? s : s === null ? v : (s as number) + (v as number)),
    merge: (a, b) => (a === null ? b : b === null ? a : (a as number) + (b as number)),
    finish: (s) => s as Value,
  },
  count: {
    init: () => 0,
    // count(*) counts rows; count(x) counts non-null x.
    update: (s, v) => (v === null ? s : (s as number) + 1),
    merge: (a, b) => (a as number) + (b as number),
    finish: (s) => s as number,
  },
  avg: {
    init: () => [0, 0],
    update: (s, v) => {
      if (v === null || v === undefined) return s;
      const pair = s as [number, number];
      pair[0] += v as number;
      pair[1] += 1;
      return pair;
    },
    merge: (a, b) => {
      const [x, y] = [a as [number, number], b as [number, number]];
      return [x[0] + y[0], x[1] + y[1]];
    },
    finish: (s) => ((s as [number, number])[1] === 0 ? null : (s as [number, number])[0] / (s as [number, number])[1]),
  },
  min: {
    init: () => null,
    update: (s, v) => (v === null || v === undefined ? s : s === null || lessThan(v, s as Value) ? v : s),
    merge: (a, b) => (a === null ? b : b === null ? a : lessThan(b as Value, a as Value) ? b : a),
    finish: (s) => s as Value,
  },
  max: {
    init: () => null,
    update: (s, v) => (v === null || v === undefined ? s : s === null || lessThan(s as Value, v) ? v : s),
    merge: (a, b) => (a === null ? b : b === null ? a : lessThan(a as Value, b as Value) ? b : a),
    finish: (s) => s as Value,
  },
  /** The first value seen (nulls included, as Spark's first() by default); [] until one is. */
  first: {
    init: () => [],
    update: (s, v) => ((s as Value[]).length === 0 && v !== undefined ? [v] : s),
    merge: (a, b) => ((a as Value[]).length ? a : b),
    finish: (s) => (s as Value[])[0] ?? null,
  },
  /** Distinct values keyed by their JSON text, so equal arrays count once. */
  countDistinct: {
    init: () => new Set<string>(),
    update: (s, v) => (v === null || v === undefined ? s : (s as Set<string>).add(JSON.stringify(v))),
    merge: (a, b) => {
      const out = a instanceof Set ? a : new Set(a as string[]);
      for (const v of b instanceof Set ? b : (b as string[])) out.add(v);
      return out;
    },
    finish: (s) => (s instanceof Set ? s.size : (s as Value[]).length),
  },
};

/** Sets become arrays so states can be serialised. */
const portable = (state: State): State => (state instanceof Set ? [...state] : state);

const kernelsOf = (aggregates: readonly AggCall[]): AggKernel[] => aggregates.map((a) => KERNELS[a.fn]);
const initStates = (kernels: readonly AggKernel[]): State[] => kernels.map((k) => k.init());

interface Group {
  keys: Value[];
  states: State[];
}

/**
 * A group's identity: its key values with their types, so 1 and "1" differ. One scalar key
 * takes a cheap tagged string; several keys, or an array key, take JSON (so ["a,b"] and
 * ["a", "b"] differ). Runs are sorted by this string, which makes equal keys adjacent.
 */
function groupKey(keys: readonly Value[]): string {
  const only = keys[0];
  return keys.length === 1 && !Array.isArray(only) ? `${typeof only}:${String(only)}` : JSON.stringify(keys);
}

/*
 * Memory estimate. A table's size is its number of groups times an average group size, the
 * average measured on a sample of up to SAMPLE_GROUPS groups (a reservoir over the groups
 * inserted since the table was last cleared). The average is refreshed when the table has
 * doubled since the last refresh and every REFRESH_ROWS rows, since states such as
 * countDistinct's sets grow without new groups. A group's size is a rough V8 heap size from
 * its shape (64-bit, uncompressed pointers, see sizeOf), plus its Map entry, identity string
 * and group object. It errs on the high side (small integers count as boxed numbers); what
 * it leaves out is the row batch in flight and the output, which the reserved memory covers.
 * Checked against the heap's growth on Node 20 (number, string and two-column keys, all
 * kernels, countDistinct sets of 10 and 100 values): within about 15% either way.
 */
const SAMPLE_GROUPS = 64;
const REFRESH_ROWS = 1024;
/** Map entry with its hash bucket (~32 B), the Group object (~32 B), the states array's header (~32 B). */
const GROUP_OVERHEAD_BYTES = 96;
/** Per element of a Set: its slot and chain link, with the buckets and the table's spare capacity. */
const SET_ENTRY_BYTES = 32;
/** Set elements whose sizes are averaged to estimate the whole set. */
const SET_SAMPLE = 8;

/** Approximate heap bytes a value holds besides the 8-byte slot that points to it. */
function sizeOf(value: unknown): number {
  switch (typeof value) {
    case "number":
      return 16; // a boxed double (a small integer needs nothing: this over-estimates)
    case "string":
      return 16 + ((value.length + 7) & ~7); // header + one byte per char, 8-byte aligned
    case "object": {
      if (value === null) return 0;
      if (Array.isArray(value)) {
        let bytes = 32 + 8 * value.length; // JSArray + elements store
        for (const item of value) bytes += sizeOf(item);
        return bytes;
      }
      if (value instanceof Set) {
        let sampled = 0;
        let n = 0;
        for (const item of value) {
          if (n === SET_SAMPLE) break;
          sampled += sizeOf(item);
          n++;
        }
        return 64 + value.size * (SET_ENTRY_BYTES + (n === 0 ? 0 : sampled / n));
      }
      return 64;
    }
    default:
      return 0; // booleans, undefined: immediates
  }
}

/** A hash table of groups that estimates its memory as it grows (see above). */
class GroupTable {
  private readonly groups = new Map<string, Group>();
  private sample: [string, Group][] = [];
  private inserted = 0;
  private bytesPerGroup = 0;
  private rowsSinceRefresh = 0;
  private sizeAtRefresh = 0;
  private readonly random = seededRandom(0x5eed);

  constructor(private readonly budgetBytes: number) {}

  get size(): number {
    return this.groups.size;
  }

  /** Estimated heap bytes of the table. */
  get estimatedBytes(): number {
    return this.groups.size * this.bytesPerGroup;
  }

  overBudget(): boolean {
    return this.estimatedBytes > this.budgetBytes;
  }

  /** The states of the group of `keys` (to update in place), created by `fresh()` for a new group. */
  statesOf(keys: Value[], fresh: () => State[]): State[] {
    const id = groupKey(keys);
    let group = this.groups.get(id);
    if (!group) {
      group = { keys, states: fresh() };
      this.groups.set(id, group);
      this.addToSample(id, group);
    }
    if (++this.rowsSinceRefresh >= REFRESH_ROWS || this.groups.size >= 2 * this.sizeAtRefresh) this.refresh();
    return group.states;
  }

  values(): IterableIterator<Group> {
    return this.groups.values();
  }

  /** The groups in the order of their identity strings (UTF-16 code units): the order of a run. */
  sorted(): Group[] {
    return [...this.groups.keys()].sort().map((id) => this.groups.get(id)!);
  }

  /** Empties the table; the last average group size stays as the estimate until the next refresh. */
  clear(): void {
    this.groups.clear();
    this.sample = [];
    this.inserted = 0;
    this.sizeAtRefresh = 0;
    this.rowsSinceRefresh = 0;
  }

  private addToSample(id: string, group: Group): void {
    this.inserted++;
    if (this.sample.length < SAMPLE_GROUPS) this.sample.push([id, group]);
    else {
      const slot = Math.floor(this.random() * this.inserted);
      if (slot < SAMPLE_GROUPS) this.sample[slot] = [id, group];
    }
  }

  private refresh(): void {
    if (this.sample.length > 0) {
      let bytes = 0;
      for (const [id, g] of this.sample) bytes += GROUP_OVERHEAD_BYTES + sizeOf(id) + sizeOf(g.keys) + sizeOf(g.states);
      this.bytesPerGroup = bytes / this.sample.length;
    }
    this.rowsSinceRefresh = 0;
    this.sizeAtRefresh = this.groups.size;
  }
}

/** Rows per batch that the streaming aggregations yield. */
const OUTPUT_BATCH_ROWS = 4096;

function* inBatches<T>(items: Iterable<T>, toRow: (item: T) => Row): Generator<Row[]> {
  let batch: Row[] = [];
  for (const item of items) {
    batch.push(toRow(item));
    if (batch.length === OUTPUT_BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Map side: folds one input row into its group's states. */
function rowFolder(
  schema: Schema,
  groupBy: Parameters<typeof compileProjection>[0],
  aggregates: readonly AggCall[],
  context: CompileContext,
): (table: GroupTable, row: Row) => void {
  const keysOf = compileProjection(groupBy, schema, context);
  const args = aggregates.map((a) => (a.arg ? compileExpr(a.arg, schema, context) : () => undefined as unknown as Value));
  const kernels = kernelsOf(aggregates);
  const fresh = () => initStates(kernels);
  return (table, row) => {
    const states = table.statesOf(keysOf(row), fresh);
    for (let i = 0; i < kernels.length; i++) states[i] = kernels[i]!.update(states[i], args[i]!(row));
  };
}

/** Reduce side: merges one row of [...keys, ...states] into its group's states. */
function stateMerger(numKeys: number, kernels: readonly AggKernel[]): (table: GroupTable, row: Row) => void {
  const fresh = () => initStates(kernels);
  return (table, row) => {
    const states = table.statesOf(row.slice(0, numKeys), fresh);
    for (let i = 0; i < kernels.length; i++) states[i] = kernels[i]!.merge(states[i], row[numKeys + i]);
  };
}

const partialRow = (g: Group): Row => [...g.keys, ...g.states.map(portable)] as Row;

const finishedRow =
  (kernels: readonly AggKernel[]) =>
  (g: Group): Row => [...g.keys, ...g.states.map((s, i) => kernels[i]!.finish(s))];

/** Partial aggregation of a whole partition held in memory (no budget). */
export function partialAggregate(
  rows: Iterable<Row>,
  schema: Schema,
  groupBy: Parameters<typeof compileProjection>[0],
  aggregates: readonly AggCall[],
  context: CompileContext,
): Row[] {
  const table = new GroupTable(Infinity);
  const fold = rowFolder(schema, groupBy, aggregates, context);
  for (const row of rows) fold(table, row);
  // A global aggregate (no keys) yields one row even for an empty partition.
  if (groupBy.length === 0 && table.size === 0) table.statesOf([], () => initStates(kernelsOf(aggregates)));
  return [...table.values()].map(partialRow);
}

/** Final aggregation of rows held in memory (no budget). */
export function finalAggregate(rows: Iterable<Row>, numKeys: number, aggregates: readonly AggCall[]): Row[] {
  const kernels = kernelsOf(aggregates);
  const table = new GroupTable(Infinity);
  const merge = stateMerger(numKeys, kernels);
  for (const row of rows) merge(table, row);
  if (numKeys === 0 && table.size === 0) table.statesOf([], () => initStates(kernels));
  return [...table.values()].map(finishedRow(kernels));
}

/**
 * Map side over a stream of batches: partial states per group of this partition. When the
 * table's estimate passes the budget, its rows go downstream as they are and a fresh table
 * starts ("flushing early", as DataFusion and Presto do): partial states merge, so the reducer
 * only sees some keys more than once. Memory stays bounded without touching the disk.
 */
export async function* partialAggregateStream(
  input: AsyncIterable<Row[]>,
  schema: Schema,
  groupBy: Parameters<typeof compileProjection>[0],
  aggregates: readonly AggCall[],
  context: CompileContext,
  memory: MemoryContext,
): AsyncGenerator<Row[]> {
  const fold = rowFolder(schema, groupBy, aggregates, context);
  const table = new GroupTable(memory.budgetBytes);
  let flushed = false;
  for await (const batch of input) {
    for (const row of batch) {
      fold(table, row);
      if (table.overBudget()) {
        yield* inBatches(table.values(), partialRow);
        table.clear();
        flushed = true;
      }
    }
  }
  // A global aggregate (no keys) yields one row even for an empty partition.
  if (groupBy.length === 0 && table.size === 0 && !flushed) {
    table.statesOf([], () => initStates(kernelsOf(aggregates)));
  }
  yield* inBatches(table.values(), partialRow);
}

/**
 * Reduce side over a stream of batches of [...keys, ...states]: one result row per group.
 * When the table's estimate passes the budget, its groups are sorted by identity and written
 * as a run to a folder of this task under `memory.spillDir`, and the table starts afresh (as
 * Spark's aggregation falls back to sort-based merging when its hash map outgrows execution
 * memory). At the end the last table is spilled too and the runs are merged, streaming, with
 * the states of equal keys merged by their kernels. The folder is deleted at the end, also on
 * error or when the consumer stops early.
 */
export async function* finalAggregateStream(
  input: AsyncIterable<Row[]>,
  numKeys: number,
  aggregates: readonly AggCall[],
  memory: MemoryContext,
): AsyncGenerator<Row[]> {
  const kernels = kernelsOf(aggregates);
  const merge = stateMerger(numKeys, kernels);
  const table = new GroupTable(memory.budgetBytes);
  let spill: SpillFolder | undefined;
  const runs: string[] = [];
  const spillTable = async () => {
    spill ??= await SpillFolder.create(memory, "sparkfn-agg-");
    runs.push(await spill.writeRun(inRecordBatches(table.sorted())));
    table.clear();
  };
  try {
    for await (const batch of input) {
      for (const row of batch) {
        merge(table, row);
        if (table.overBudget()) await spillTable();
      }
    }
    if (!spill) {
      if (numKeys === 0 && table.size === 0) table.statesOf([], () => initStates(kernels));
      yield* inBatches(table.values(), finishedRow(kernels));
      return;
    }
    if (table.size > 0) await spillTable();
    const finish = finishedRow(kernels);
    for await (const groups of mergeSpilledGroups(spill, runs, kernels)) yield groups.map(finish);
  } finally {
    await spill?.remove();
  }
}

/** A group as a run stores it: [keys, portable states]. */
type RunRecord = [keys: Value[], states: State[]];

const runRecord = (g: Group): RunRecord => [g.keys, g.states.map(portable)];
const runKey = (record: RunRecord) => groupKey(record[0]);

function* inRecordBatches(groups: readonly Group[]): Generator<RunRecord[]> {
  for (let i = 0; i < groups.length; i += OUTPUT_BATCH_ROWS) yield groups.slice(i, i + OUTPUT_BATCH_ROWS).map(runRecord);
}

/**
 * The groups of all runs in key order, the states of equal keys merged (in run order, so
 * first() keeps the input order). Past MAX_MERGE_FAN_IN runs, consecutive runs are first
 * merged into longer ones, pass after pass, so few files are open and read at once.
 */
async function* mergeSpilledGroups(spill: SpillFolder, runs: readonly string[], kernels: readonly AggKernel[]): AsyncGenerator<Group[]> {
  let current = runs;
  while (current.length > MAX_MERGE_FAN_IN) {
    const next: string[] = [];
    for (let i = 0; i < current.length; i += MAX_MERGE_FAN_IN) {
      const slice = current.slice(i, i + MAX_MERGE_FAN_IN);
      if (slice.length === 1) {
        next.push(slice[0]!);
        continue;
      }
      next.push(await spill.writeRun(asRecords(combineEqualKeys(spill.mergeRuns(slice, runKey), kernels))));
      await spill.deleteRuns(slice);
    }
    current = next;
  }
  yield* combineEqualKeys(spill.mergeRuns(current, runKey), kernels);
}

async function* asRecords(groups: AsyncIterable<Group[]>): AsyncGenerator<RunRecord[]> {
  for await (const batch of groups) yield batch.map(runRecord);
}

/** Folds a key-ordered stream of records into one group per key. */
async function* combineEqualKeys(sorted: AsyncIterable<[string, RunRecord][]>, kernels: readonly AggKernel[]): AsyncGenerator<Group[]> {
  let out: Group[] = [];
  let current: Group | undefined;
  let currentKey = "";
  for await (const batch of sorted) {
    for (const [key, [keys, states]] of batch) {
      if (current && key === currentKey) {
        for (let i = 0; i < kernels.length; i++) current.states[i] = kernels[i]!.merge(current.states[i], states[i]);
        continue;
      }
      if (current) out.push(current);
      current = { keys, states };
      currentKey = key;
      if (out.length === OUTPUT_BATCH_ROWS) {
        yield out;
        out = [];
      }
    }
  }
  if (current) out.push(current);
  if (out.length > 0) yield out;
}
