/**
 * Sort: the partition's batches concatenated once, the key expressions evaluated as vectors,
 * then an index of row numbers sorted by comparators specialised per key vector (numbers read
 * from Float64Array, dictionary strings compared by their precomputed rank, nulls first or
 * last as asked), and every column gathered in that order. The sort is stable, so rows with
 * equal keys keep their input order. Past the task's memory budget it spills sorted runs.
 */
import { compareNumbers, compareSortKeys, compareStrings, compareValues } from "../../shared/plan/semantics.ts";
import type { Row, Value } from "../../shared/plan/types.ts";
import { batchBytes, batchFromRows, concatBatches, denseBatch, type Batch } from "../../shared/batch/batch.ts";
import { SpillFolder } from "../stage/spill.ts";
import { gather, valueAt, type Vector } from "../../shared/batch/vector.ts";
import { compileVectorProjection } from "../compile/vector-expression.ts";
import type { OperatorFactory } from "./operator.ts";
import { radixSortIndex } from "./radix-sort.ts";

type Order = { readonly ascending: boolean; readonly nullsFirst: boolean };
type Compare = (a: number, b: number) => number;

/** The rank of each dictionary entry in code point order (equal strings share a rank). */
function dictRanks(dict: readonly string[]): Int32Array {
  const order = dict.map((_, i) => i).sort((a, b) => compareStrings(dict[a]!, dict[b]!));
  const ranks = new Int32Array(dict.length);
  let rank = 0;
  order.forEach((entry, j) => {
    if (j > 0 && compareStrings(dict[order[j - 1]!]!, dict[entry]!) !== 0) rank++;
    ranks[entry] = rank;
  });
  return ranks;
}

/** Compares rows a and b (physical indexes) on one key vector, nulls aside. */
function valueComparator(v: Vector): Compare {
  switch (v.kind) {
    case "f64":
    case "i32": {
      const values = v.values;
      return (a, b) => compareNumbers(values[a]!, values[b]!);
    }
    case "bool": {
      const values = v.values;
      return (a, b) => values[a]! - values[b]!;
    }
    case "dict": {
      const ranks = dictRanks(v.dict);
      const codes = v.codes;
      return (a, b) => ranks[codes[a]!]! - ranks[codes[b]!]!;
    }
    case "str": {
      const values = v.values;
      return (a, b) => compareStrings(values[a]!, values[b]!);
    }
    case "any":
      return (a, b) => compareValues(valueAt(v, a) as Exclude<Value, null>, valueAt(v, b) as Exclude<Value, null>);
  }
}

/** One key's comparator under its order: direction, and where nulls go. */
function keyComparator(v: Vector, order: Order): Compare {
  const values = valueComparator(v);
  const direction = order.ascending ? 1 : -1;
  const nulls = v.nulls;
  if (nulls === null) return order.ascending ? values : (a, b) => -values(a, b);
  const nullSide = order.nullsFirst ? -1 : 1;
  return (a, b) => {
    const na = nulls[a] === 1;
    const nb = nulls[b] === 1;
    if (na || nb) return na === nb ? 0 : na ? nullSide : -nullSide;
    return direction * values(a, b);
  };
}

/** The row order of a dense batch under the key vectors' orders (stable). */
export function sortIndex(keys: readonly Vector[], orders: readonly Order[], count: number): Int32Array {
  return radixSortIndex(keys, orders, count, dictRanks) ?? comparatorSortIndex(keys, orders, count);
}

/** The same order by comparators, for keys without radix words (plain strings, nested values). */
export function comparatorSortIndex(keys: readonly Vector[], orders: readonly Order[], count: number): Int32Array {
  const comparators = keys.map((v, j) => keyComparator(v, orders[j]!));
  const index = new Array<number>(count);
  for (let i = 0; i < count; i++) index[i] = i;
  const compare: Compare =
    comparators.length === 1
      ? comparators[0]!
      : (a, b) => {
          for (let j = 0; j < comparators.length; j++) {
            const c = comparators[j]!(a, b);
            if (c !== 0) return c;
          }
          return 0;
        };
  index.sort(compare);
  return Int32Array.from(index);
}

/** Rows per batch that a merge of spilled runs yields. */
const MERGE_BATCH_ROWS = 4096;

export const sort: OperatorFactory<"sort"> = (op, input, ctx) => {
  const keysOf = compileVectorProjection(
    op.orders.map((o) => o.expr),
    input,
    ctx.compile,
  );
  const width = input.fields.length;
  const numKeys = op.orders.length;
  /** The held batches in key order: one dense batch. */
  const sorted = (held: readonly Batch[]): Batch => {
    const rows = concatBatches(held, width);
    const index = sortIndex(keysOf(rows), op.orders, rows.count);
    return denseBatch(
      rows.columns.map((v) => gather(v, index, rows.count)),
      rows.count,
    );
  };
  return {
    outputSchema: input,
    /**
     * Holds the partition's batches until their estimated size passes the task's memory
     * budget; then sorts them and writes them as a sorted run to local disk (records of
     * [...sort keys, ...row]), and at the end merges the runs, as Spark's external sorter does.
     */
    async *open(batches) {
      let held: Batch[] = [];
      let heldBytes = 0;
      let spill: SpillFolder | undefined;
      const runs: string[] = [];
      const spillHeld = async () => {
        spill ??= await SpillFolder.create(ctx.memory, "sparkfn-sort-");
        const batch = sorted(held);
        const keys = keysOf(batch);
        const records = function* () {
          for (let k = 0; k < batch.count; k += MERGE_BATCH_ROWS) {
            const out: Row[] = [];
            for (let i = k; i < Math.min(batch.count, k + MERGE_BATCH_ROWS); i++) {
              out.push([...keys.map((v) => valueAt(v, i)), ...batch.columns.map((v) => valueAt(v, i))]);
            }
            yield out;
          }
        };
        runs.push(await spill.writeRun(records()));
        held = [];
        heldBytes = 0;
      };
      try {
        for await (const batch of batches) {
          if (batch.count === 0) continue;
          held.push(batch);
          heldBytes += batchBytes(batch);
          if (heldBytes > ctx.memory.budgetBytes) await spillHeld();
        }
        if (!spill) {
          if (held.length > 0) yield sorted(held);
          return;
        }
        if (held.length > 0) await spillHeld();
        const compare = (a: Row, b: Row) => compareSortKeys(a, b, op.orders);
        for await (const merged of spill.mergeInPasses<Row>(runs, () => "", compare, records)) {
          yield batchFromRows(
            input,
            merged.map((record) => record.slice(numKeys)),
          );
        }
      } finally {
        await spill?.remove();
      }
    },
  };
};

/** The records of a merge, without their (unused) string keys. */
async function* records(merged: AsyncIterable<[string, Row][]>): AsyncGenerator<Row[]> {
  for await (const batch of merged) yield batch.map(([, record]) => record);
}
