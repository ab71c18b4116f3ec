/**
 * Hash aggregation in two phases. The partial phase (map side) folds the rows of one
 * partition into one state per group and aggregate; the final phase (reduce side) merges
 * the states of equal keys coming from all map tasks and turns them into results.
 *
 * States are plain JSON values so they can travel through the shuffle:
 *   sum, min, max: value or null · count: number · avg: [sum, count] ·
 *   countDistinct: array of distinct values.
 */
import type { AggFn } from "../../shared/plan/expr.ts";
import type { AggCall } from "../../shared/plan/physical.ts";
import { compareValues } from "../../shared/plan/semantics.ts";
import type { Row, Schema, Value } from "../../shared/plan/types.ts";
import { compileExpr, compileProjection, type CompileContext } from "../compile/expression.ts";
import type { MemoryContext } from "./memory.ts";

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

interface Group {
  keys: Value[];
  states: State[];
}

function groupKey(keys: readonly Value[]): string {
  return keys.length === 1 ? `${typeof keys[0]}:${String(keys[0])}` : JSON.stringify(keys);
}

export function partialAggregate(
  rows: Iterable<Row>,
  schema: Schema,
  groupBy: Parameters<typeof compileProjection>[0],
  aggregates: readonly AggCall[],
  context: CompileContext,
): Row[] {
  const keysOf = compileProjection(groupBy, schema, context);
  const args = aggregates.map((a) => (a.arg ? compileExpr(a.arg, schema, context) : () => undefined as unknown as Value));
  const kernels = aggregates.map((a) => KERNELS[a.fn]);
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const keys = keysOf(row);
    const id = groupKey(keys);
    let group = groups.get(id);
    if (!group) {
      group = { keys, states: kernels.map((k) => k.init()) };
      groups.set(id, group);
    }
    for (let i = 0; i < kernels.length; i++) group.states[i] = kernels[i]!.update(group.states[i], args[i]!(row));
  }
  // A global aggregate (no keys) yields one row even for an empty partition.
  if (groupBy.length === 0 && groups.size === 0) groups.set("", { keys: [], states: kernels.map((k) => k.init()) });
  return [...groups.values()].map((g) => [...g.keys, ...g.states.map(portable)] as Row);
}

export function finalAggregate(rows: Iterable<Row>, numKeys: number, aggregates: readonly AggCall[]): Row[] {
  const kernels = aggregates.map((a) => KERNELS[a.fn]);
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const keys = row.slice(0, numKeys);
    const id = groupKey(keys);
    const states = row.slice(numKeys) as State[];
    const group = groups.get(id);
    if (!group) groups.set(id, { keys, states: states.map((s, i) => kernels[i]!.merge(kernels[i]!.init(), s)) });
    else for (let i = 0; i < kernels.length; i++) group.states[i] = kernels[i]!.merge(group.states[i], states[i]);
  }
  if (numKeys === 0 && groups.size === 0) groups.set("", { keys: [], states: kernels.map((k) => k.init()) });
  return [...groups.values()].map((g) => [...g.keys, ...g.states.map((s, i) => kernels[i]!.finish(s))]);
}

/** Map side over a stream of batches: partial states per group of this partition. */
export async function* partialAggregateStream(
  input: AsyncIterable<Row[]>,
  schema: Schema,
  groupBy: Parameters<typeof compileProjection>[0],
  aggregates: readonly AggCall[],
  context: CompileContext,
  _memory: MemoryContext,
): AsyncGenerator<Row[]> {
  const rows: Row[] = [];
  for await (const batch of input) for (const row of batch) rows.push(row);
  yield partialAggregate(rows, schema, groupBy, aggregates, context);
}

/** Reduce side over a stream of batches of [...keys, ...states]: one result row per group. */
export async function* finalAggregateStream(
  input: AsyncIterable<Row[]>,
  numKeys: number,
  aggregates: readonly AggCall[],
  _memory: MemoryContext,
): AsyncGenerator<Row[]> {
  const rows: Row[] = [];
  for await (const batch of input) for (const row of batch) rows.push(row);
  yield finalAggregate(rows, numKeys, aggregates);
}
