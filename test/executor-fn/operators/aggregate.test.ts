import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { prng } from "../../support/prng.ts";
import { describe, expect, it } from "vitest";
import { finalAggregateStream, partialAggregateStream } from "../../../executor-fn/operators/aggregate/hash-aggregate.ts";
import { batchFromRows, rowsFromBatch, selectedBatch, type Batch, type BatchStream } from "../../../shared/batch/batch.ts";
import type { Vector } from "../../../shared/batch/vector.ts";
import { operatorOutputSchema } from "../../../shared/plan/physical.ts";
import type { MemoryContext } from "../../../executor-fn/stage/memory.ts";
import type { Expr } from "../../../shared/plan/expr.ts";
import type { AggCall } from "../../../shared/plan/physical.ts";
import type { Row, Schema, Value } from "../../../shared/plan/types.ts";

const TINY = 64 * 1024;
const HUGE = 1024 * 1024 * 1024;

/** A fresh spill folder per run, so each run can check that it leaves nothing behind. */
async function withSpillDir<T>(run: (spillDir: string) => Promise<T>): Promise<T & { leftovers: string[] }> {
  const spillDir = await mkdtemp(path.join(tmpdir(), "sparkfn-agg-test-"));
  try {
    const result = await run(spillDir);
    return { ...result, leftovers: await readdir(spillDir) };
  } finally {
    await rm(spillDir, { recursive: true, force: true });
  }
}

const memory = (budgetBytes: number, spillDir: string): MemoryContext => ({ budgetBytes, spillDir, spilled: { bytes: 0, files: 0 } });


const schema: Schema = {
  fields: [
    { name: "k", type: "int", nullable: true },
    { name: "s", type: "string", nullable: true },
    { name: "v", type: "int", nullable: true },
    { name: "w", type: "string", nullable: true },
    { name: "x", type: "int", nullable: true },
  ],
};
const col = (name: string): Expr => ({ kind: "column", name });

const aggregates: AggCall[] = [
  { fn: "sum", arg: col("v"), name: "sum_v" },
  { fn: "count", arg: null, name: "rows" },
  { fn: "count", arg: col("v"), name: "count_v" },
  { fn: "avg", arg: col("v"), name: "avg_v" },
  { fn: "min", arg: col("v"), name: "min_v" },
  { fn: "max", arg: col("w"), name: "max_w" },
  { fn: "first", arg: col("w"), name: "first_w" },
  { fn: "countDistinct", arg: col("x"), name: "distinct_x" },
];

/**
 * 200k rows in 4 partitions, about 50k distinct k (null now and then); s is a string key
 * derived from k; v an integer (sums stay exact whatever the merge order) or null.
 */
function generate(partitions = 4, rowsPerPartition = 50_000, distinct = 50_000): Row[][] {
  const random = prng(42);
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: partitions }, () =>
    Array.from({ length: rowsPerPartition }, (): Row => {
      const k = random() < 0.01 ? null : pick(distinct);
      return [
        k,
        k === null ? null : `key-${k % 25_000}-${k % 3}`,
        random() < 0.1 ? null : pick(2001) - 1000,
        random() < 0.1 ? null : `w${pick(1000)}`,
        random() < 0.1 ? null : pick(20),
      ];
    }),
  );
}

/** The expected results, computed plainly from the input rows (in partition order). */
function reference(partitions: Row[][], keysOf: (row: Row) => Value[]): Row[] {
  interface Acc {
    keys: Value[];
    sum: number | null;
    rows: number;
    count: number;
    min: number | null;
    max: string | null;
    first: { value: Value } | null;
    distinct: Set<Value>;
  }
  const groups = new Map<string, Acc>();
  for (const partition of partitions) {
    for (const row of partition) {
      const keys = keysOf(row);
      const id = JSON.stringify(keys);
      let acc = groups.get(id);
      if (!acc) {
        acc = { keys, sum: null, rows: 0, count: 0, min: null, max: null, first: null, distinct: new Set() };
        groups.set(id, acc);
      }
      const [, , v, w, x] = row as [unknown, unknown, number | null, string | null, number | null];
      acc.rows++;
      if (v !== null) {
        acc.sum = (acc.sum ?? 0) + v;
        acc.count++;
        acc.min = acc.min === null ? v : Math.min(acc.min, v);
      }
      if (w !== null && (acc.max === null || w > acc.max)) acc.max = w;
      acc.first ??= { value: w };
      if (x !== null) acc.distinct.add(x);
    }
  }
  return [...groups.values()].map((a) => [
    ...a.keys,
    a.sum,
    a.rows,
    a.count,
    a.count === 0 ? null : (a.sum ?? 0) / a.count,
    a.min,
    a.max,
    a.first?.value ?? null,
    a.distinct.size,
  ]);
}

/** Rows of `rowSchema` as batches of `size` rows (the operators take batches; rows are the test's edge). */
async function* batches(rows: readonly Row[], size = 1000, rowSchema: Schema = schema): BatchStream {
  for (let i = 0; i < rows.length; i += size) yield batchFromRows(rowSchema, rows.slice(i, i + size));
}

async function* concat(parts: readonly Row[][], rowSchema: Schema, size = 1000): BatchStream {
  for (const part of parts) yield* batches(part, size, rowSchema);
}

async function collect(input: BatchStream): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of input) {
    expect(batch.count).toBeGreaterThan(0);
    rows.push(...rowsFromBatch(batch));
  }
  return rows;
}

/** What the map side's rows look like: keys, then one state per aggregate. */
const partialSchema = (groupBy: Expr[], calls: AggCall[] = aggregates): Schema => operatorOutputSchema(schema, { kind: "partialAggregate", groupBy, aggregates: calls });

/** Rows [key, count state] of a reducer counting keys of type `keyType`. */
const countSchema = (keyType: "int" | "any"): Schema => ({
  fields: [
    { name: "k", type: keyType, nullable: true },
    { name: "n", type: "long", nullable: false },
  ],
});

/** Map tasks over each partition, then one reduce task over their outputs in partition order. */
function twoPhase(partitions: Row[][], groupBy: Expr[], budgetBytes: number) {
  return withSpillDir(async (spillDir) => {
    const mapMemory = memory(budgetBytes, spillDir);
    const partial: Row[][] = [];
    for (const [p, rows] of partitions.entries()) {
      partial.push(await collect(partialAggregateStream(batches(rows), schema, groupBy, aggregates, { partition: p }, mapMemory)));
    }
    const reduceMemory = memory(budgetBytes, spillDir);
    const result = await collect(finalAggregateStream(concat(partial, partialSchema(groupBy)), partialSchema(groupBy), groupBy.length, aggregates, reduceMemory));
    return { partialRows: partial.reduce((n, p) => n + p.length, 0), result, mapMemory, reduceMemory };
  });
}

type Run = Awaited<ReturnType<typeof twoPhase>>;

const canonical = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

const KEY_CASES: { name: string; groupBy: Expr[]; keysOf: (row: Row) => Value[]; data: () => Row[][] }[] = [
  // The large case: 200k rows, about 50k distinct keys.
  { name: "a number key (with nulls)", groupBy: [col("k")], keysOf: (r) => [r[0]!], data: () => large },
  { name: "a string key (with nulls)", groupBy: [col("s")], keysOf: (r) => [r[1]!], data: () => small },
  { name: "two keys, string and number", groupBy: [col("s"), col("x")], keysOf: (r) => [r[1]!, r[4]!], data: () => small },
];

const large = generate(4, 50_000, 50_000);
const small = generate(3, 20_000, 15_000);

describe("streaming aggregation within a memory budget", () => {
  // Each case runs once with each budget; several tests look at the same runs.
  const runs = new Map<string, Promise<{ tiny: Run; huge: Run }>>();
  const runsOf = (index: number) => {
    const { name, groupBy, data } = KEY_CASES[index]!;
    if (!runs.has(name)) {
      runs.set(name, (async () => ({ tiny: await twoPhase(data(), groupBy, TINY), huge: await twoPhase(data(), groupBy, HUGE) }))());
    }
    return runs.get(name)!;
  };

  for (const [index, { name, keysOf, data }] of KEY_CASES.entries()) {
    it(`gives the same results with and without spilling: ${name}`, async () => {
      const { tiny, huge } = await runsOf(index);
      const expected = canonical(reference(data(), keysOf));
      expect(canonical(huge.result)).toEqual(expected);
      expect(canonical(tiny.result)).toEqual(expected);

      expect(huge.reduceMemory.spilled).toEqual({ bytes: 0, files: 0 });
      expect(tiny.reduceMemory.spilled.files).toBeGreaterThan(1);
      expect(tiny.reduceMemory.spilled.bytes).toBeGreaterThan(0);
      // The map side flushes early instead of spilling.
      expect(tiny.mapMemory.spilled).toEqual({ bytes: 0, files: 0 });
      expect(tiny.leftovers).toEqual([]);
      expect(huge.leftovers).toEqual([]);
    });
  }

  it("flushes partial states early on the map side, and the reducer merges them", async () => {
    const { tiny, huge } = await runsOf(0);
    const distinctKeys = reference(large, (r) => [r[0]!]).length;
    expect(distinctKeys).toBeGreaterThan(40_000);
    // Without a budget each map task emits each of its keys once.
    const perPartitionKeys = large.reduce((n, rows) => n + new Set(rows.map((r) => r[0])).size, 0);
    expect(huge.partialRows).toBe(perPartitionKeys);
    expect(tiny.partialRows).toBeGreaterThan(distinctKeys);
    expect(tiny.partialRows).toBeGreaterThan(perPartitionKeys);
    expect(canonical(tiny.result)).toEqual(canonical(huge.result));
  });

  it("spills more runs than it merges at once, and still gets the results right", async () => {
    // About 200k partial rows into a reduce table that holds a few hundred groups: hundreds of
    // runs, merged in passes of at most 64 (the results are checked with the number key above).
    const { tiny } = await runsOf(0);
    expect(tiny.reduceMemory.spilled.files).toBeGreaterThan(64);
  });

  it("yields one row for a global aggregate, even over empty partitions", async () => {
    const { partial, empty } = await withSpillDir(async (spillDir) => ({
      partial: await collect(partialAggregateStream(batches([]), schema, [], aggregates, { partition: 0 }, memory(TINY, spillDir))),
      empty: await collect(finalAggregateStream(batches([]), partialSchema([]), 0, aggregates, memory(TINY, spillDir))),
    }));
    expect(partial).toEqual([[null, 0, 0, [0, 0], null, null, [], []]]);
    expect(empty).toEqual([[null, 0, 0, null, null, null, null, 0]]);

    const expected = canonical(reference([small.flat()], () => []));
    for (const budget of [TINY, HUGE]) {
      const { result, partialRows } = await twoPhase([...small, []], [], budget);
      expect(partialRows).toBe(small.length + 1);
      expect(canonical(result)).toEqual(expected);
    }
  });

  it("deletes its spill folder when the consumer stops early", async () => {
    const mapOut = small.flatMap((rows) => rows.map((r): Row => [r[0]!, 1]));
    const count: AggCall[] = [{ fn: "count", arg: null, name: "n" }];
    const { seen, reduceMemory, folders, leftovers } = await withSpillDir(async (spillDir) => {
      const reduceMemory = memory(TINY, spillDir);
      let seen = 0;
      let folders: string[] = [];
      for await (const batch of finalAggregateStream(batches(mapOut, 1000, countSchema("int")), countSchema("int"), 1, count, reduceMemory)) {
        seen += batch.count;
        folders = await readdir(spillDir); // the task's folder, while merging
        break;
      }
      return { seen, reduceMemory, folders };
    });
    expect(seen).toBeGreaterThan(0);
    expect(folders).toHaveLength(1);
    expect(reduceMemory.spilled.files).toBeGreaterThan(1);
    expect(leftovers).toEqual([]);
  });

  it("deletes its spill folder when the input fails", async () => {
    const rows = small[0]!.map((r): Row => [r[0]!, 1]);
    async function* failing(): BatchStream {
      yield* batches(rows, 1000, countSchema("int"));
      throw new Error("input broke");
    }
    const { error, reduceMemory, leftovers } = await withSpillDir(async (spillDir) => {
      const reduceMemory = memory(TINY, spillDir);
      const error = await collect(finalAggregateStream(failing(), countSchema("int"), 1, [{ fn: "count", arg: null, name: "n" }], reduceMemory)).catch((e: Error) => e);
      return { error, reduceMemory };
    });
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("input broke");
    expect(reduceMemory.spilled.files).toBeGreaterThan(0);
    expect(leftovers).toEqual([]);
  });

  it("keeps array keys apart from look-alike keys, through spills too", async () => {
    const count: AggCall[] = [{ fn: "count", arg: null, name: "n" }];
    const input: Row[] = [];
    for (let i = 0; i < 3000; i++) input.push([["a", "b"], 1], [["a,b"], 1], [null, 1], [["null"], 1], [`filler-${i}`, 1]);
    for (const budget of [TINY, HUGE]) {
      const { result, reduceMemory, leftovers } = await withSpillDir(async (spillDir) => {
        const reduceMemory = memory(budget, spillDir);
        return { result: await collect(finalAggregateStream(batches(input, 1000, countSchema("any")), countSchema("any"), 1, count, reduceMemory)), reduceMemory };
      });
      expect(result).toHaveLength(3004);
      const repeated = result.filter((r) => r[1] !== 1);
      expect(canonical(repeated)).toEqual(canonical([[["a", "b"], 3000], [["a,b"], 3000], [null, 3000], [["null"], 3000]]));
      expect(reduceMemory.spilled.files > 0).toBe(budget === TINY);
      expect(leftovers).toEqual([]);
    }
  });

  it("reads keys and arguments through a batch's selection (filtered batches), dictionary vectors too", async () => {
    // Each batch keeps a random half of its rows live; the reference sees only those rows.
    const random = prng(7);
    const partitions = generate(2, 8_000, 3_000);
    const live: Row[][] = [];
    const selected: Batch[][] = partitions.map((rows, p) => {
      live[p] = [];
      const out: Batch[] = [];
      for (let at = 0; at < rows.length; at += 700) {
        const chunk = rows.slice(at, at + 700);
        const dense = batchFromRows(schema, chunk);
        // s as a dictionary vector: codes into the chunk's distinct strings.
        const dict = [...new Set(chunk.map((r) => r[1]).filter((v): v is string => v !== null))];
        const codes = Int32Array.from(chunk, (r) => (r[1] === null ? 0 : dict.indexOf(r[1] as string)));
        const nulls = Uint8Array.from(chunk, (r) => (r[1] === null ? 1 : 0));
        const columns: Vector[] = [...dense.columns];
        columns[1] = { kind: "dict", codes, dict, nulls };
        const keep = chunk.map((_, i) => i).filter(() => random() < 0.5);
        live[p]!.push(...keep.map((i) => chunk[i]!));
        out.push(selectedBatch({ ...dense, columns }, Int32Array.from(keep), keep.length));
      }
      return out;
    });
    const plusOne = (x: Value) => (x === null ? null : (x as number) + 1);
    const cases: { groupBy: Expr[]; keysOf: (r: Row) => Value[] }[] = [
      { groupBy: [col("k")], keysOf: (r) => [r[0]!] },
      { groupBy: [col("s")], keysOf: (r) => [r[1]!] },
      // A bare column read through the selection next to a computed (dense) key.
      { groupBy: [col("s"), { kind: "binary", op: "add", left: col("x"), right: { kind: "literal", value: 1, type: "int" } }], keysOf: (r) => [r[1]!, plusOne(r[4]!)] },
    ];
    for (const { groupBy, keysOf } of cases) {
      const { result } = await withSpillDir(async (spillDir) => {
        const partial: Row[][] = [];
        for (const [p, stream] of selected.entries()) {
          async function* input(): BatchStream {
            yield* stream;
          }
          partial.push(await collect(partialAggregateStream(input(), schema, groupBy, aggregates, { partition: p }, memory(HUGE, spillDir))));
        }
        const pSchema = partialSchema(groupBy);
        return { result: await collect(finalAggregateStream(concat(partial, pSchema), pSchema, groupBy.length, aggregates, memory(HUGE, spillDir))) };
      });
      expect(canonical(result)).toEqual(canonical(reference(live, keysOf)));
    }
  });
});
