/**
 * The window operator (executor-fn/operators/window.ts, window-group.ts) over rows sorted by
 * (partition key, order key), against a plain-JavaScript reference written here from the
 * definitions (each row's frame found by scanning its whole group, each value computed from
 * scratch): ties (peers), nulls in partition and order keys, empty input, one row, groups
 * split across batches of every size, batches with a selection.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { makeOperator, type OperatorContext } from "../../../executor-fn/operators/index.ts";
import { batchFromRows, rowsFromBatch, selectedBatch, type Batch, type BatchStream } from "../../../shared/batch/batch.ts";
import type { AggFn, Expr, WindowFn, WindowFrame } from "../../../shared/plan/expr.ts";
import type { StageOperator } from "../../../shared/plan/physical.ts";
import type { Row, Schema, Value } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

const schema: Schema = {
  fields: [
    { name: "id", type: "int", nullable: false },
    { name: "g", type: "string", nullable: true },
    { name: "k", type: "int", nullable: true },
    { name: "v", type: "int", nullable: true },
  ],
};
const [ID, G, K, V] = [0, 1, 2, 3];
const col = (name: string): Expr => ({ kind: "column", name });
const lit = (value: number): Expr => ({ kind: "literal", value, type: "int" });

/** Rows in the operator's input order: by g (nulls first, unless `partitioned` is false), then k (nulls first), then id. */
function generate(n: number, seed: number, partitioned = true): Row[] {
  const random = prng(seed);
  const rows: Row[] = Array.from({ length: n }, (_, id) => [
    id,
    random() < 0.15 ? null : ["a", "b", "c", "d"][Math.floor(random() * (id % 7 === 0 ? 4 : 3))]!,
    random() < 0.15 ? null : Math.floor(random() * 6),
    random() < 0.15 ? null : Math.floor(random() * 40) - 10,
  ]);
  const nullsFirst = (a: Value, b: Value) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  return rows.sort((a, b) => (partitioned ? nullsFirst(a[G]!, b[G]!) : 0) || nullsFirst(a[K]!, b[K]!) || (a[ID] as number) - (b[ID] as number));
}

/** The rows cut into batches of random sizes (1 upwards), every third one behind a selection. */
async function* batches(rows: Row[], seed: number): BatchStream {
  const random = prng(seed);
  for (let i = 0; i < rows.length; ) {
    const size = 1 + Math.floor(random() * 9);
    const part = rows.slice(i, i + size);
    i += size;
    if (i % 3 === 0) {
      // Padding rows the selection leaves out.
      const padded = part.flatMap((r) => [r, [-1, "zz", -1, -1] as Row]);
      const selection = Int32Array.from(part.map((_, j) => 2 * j));
      yield selectedBatch(batchFromRows(schema, padded), selection, part.length);
    } else yield batchFromRows(schema, part);
  }
}

interface Fn {
  readonly name: string;
  readonly fn: WindowFn;
  readonly args?: Expr[];
  readonly frame?: WindowFrame;
}

const agg = (fn: AggFn, frame?: WindowFrame): Expr => ({ kind: "agg", fn, arg: fn === "count" && frame?.type === "range" ? null : col("v") });
const FRAMES: WindowFrame[] = [
  { type: "rows", start: -2, end: 1 },
  { type: "rows", start: null, end: -1 },
  { type: "rows", start: 1, end: null },
  { type: "rows", start: 0, end: 0 },
  { type: "rows", start: null, end: null },
  { type: "range", start: null, end: 0 },
  { type: "range", start: -2, end: 1 },
  { type: "range", start: 0, end: null },
  { type: "range", start: 1, end: 3 },
  { type: "range", start: null, end: -1 },
];
const AGGS: AggFn[] = ["sum", "count", "avg", "min", "max", "first", "last"];

const FUNCTIONS: Fn[] = [
  { name: "row_number", fn: "row_number" },
  { name: "rank", fn: "rank" },
  { name: "dense_rank", fn: "dense_rank" },
  { name: "percent_rank", fn: "percent_rank" },
  { name: "cume_dist", fn: "cume_dist" },
  { name: "ntile3", fn: "ntile", args: [lit(3)] },
  { name: "ntile10", fn: "ntile", args: [lit(10)] },
  { name: "lag2", fn: "lag", args: [col("v"), lit(2), lit(-1)] },
  { name: "lead1", fn: "lead", args: [col("v"), lit(1), { kind: "literal", value: null, type: "null" }] },
  ...FRAMES.map((frame, f): Fn => ({ name: `nth2_${f}`, fn: "nth_value", args: [col("v"), lit(2)], frame })),
  ...FRAMES.flatMap((frame, f) => AGGS.map((a): Fn => ({ name: `${a}_${f}`, fn: "aggregate", args: [agg(a, frame)], frame }))),
];

function operator(partitioned: boolean): StageOperator {
  const partitionBy = partitioned ? [col("g")] : [];
  const orderBy = [{ expr: col("k"), ascending: true, nullsFirst: true }];
  return {
    kind: "window",
    partitionBy,
    orderBy,
    functions: FUNCTIONS.map((f) => ({
      name: f.name,
      expr: { kind: "window", fn: f.fn, args: f.args ?? [], spec: { partitionBy, orderBy, frame: f.frame ?? null } },
    })),
  };
}

// ---- the reference -----------------------------------------------------------------------

/** -1, 0, 1 of an order key against a frame bound (nulls first: a null sorts before every number). */
const cmpKey = (a: Value, b: Value) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : Math.sign((a as number) - (b as number)));

function reference(rows: Row[], partitioned: boolean): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = partitioned ? JSON.stringify(r[G]) : "all";
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: Row[] = [];
  for (const group of groups.values()) {
    const n = group.length;
    group.forEach((row, i) => {
      const k = row[K]!;
      const peers = group.map((r, j) => (cmpKey(r[K]!, k) === 0 ? j : -1)).filter((j) => j >= 0);
      const firstPeer = peers[0]!;
      const lastPeer = peers.at(-1)!;
      const inFrame = (frame: WindowFrame): Row[] => {
        if (frame.type === "rows") return group.filter((_, j) => (frame.start === null || j >= i + frame.start) && (frame.end === null || j <= i + frame.end));
        return group.filter((r, j) => {
          const afterStart = frame.start === null || (frame.start === 0 ? j >= firstPeer : cmpKey(r[K]!, k === null ? null : (k as number) + frame.start) >= 0);
          const beforeEnd = frame.end === null || (frame.end === 0 ? j <= lastPeer : cmpKey(r[K]!, k === null ? null : (k as number) + frame.end) <= 0);
          return afterStart && beforeEnd;
        });
      };
      const values: Value[] = FUNCTIONS.map((f) => {
        const frame = f.frame ?? { type: "range", start: null, end: 0 };
        switch (f.fn) {
          case "row_number":
            return i + 1;
          case "rank":
            return firstPeer + 1;
          case "dense_rank":
            return new Set(group.slice(0, i + 1).map((r) => r[K])).size;
          case "percent_rank":
            return n === 1 ? 0 : firstPeer / (n - 1);
          case "cume_dist":
            return (lastPeer + 1) / n;
          case "ntile": {
            const buckets = (f.args![0] as { value: number }).value;
            // Bucket sizes: n / buckets each, the first n % buckets one more; rows fill them in order.
            const sizes = Array.from({ length: buckets }, (_, b) => Math.floor(n / buckets) + (b < n % buckets ? 1 : 0));
            let seen = 0;
            for (let b = 0; b < buckets; b++) {
              seen += sizes[b]!;
              if (i < seen) return b + 1;
            }
            return buckets;
          }
          case "lag":
            return i >= 2 ? group[i - 2]![V]! : -1;
          case "lead":
            return i + 1 < n ? group[i + 1]![V]! : null;
          case "nth_value":
            return inFrame(frame)[1]?.[V] ?? null;
          case "aggregate": {
            const a = f.args![0] as Extract<Expr, { kind: "agg" }>;
            const framed = inFrame(frame);
            const vs = framed.map((r) => r[V]!).filter((v): v is number => v !== null);
            switch (a.fn) {
              case "count":
                return a.arg === null ? framed.length : vs.length;
              case "sum":
                return vs.length ? vs.reduce((x, y) => x + y, 0) : null;
              case "avg":
                return vs.length ? vs.reduce((x, y) => x + y, 0) / vs.length : null;
              case "min":
                return vs.length ? Math.min(...vs) : null;
              case "max":
                return vs.length ? Math.max(...vs) : null;
              case "first":
                return framed.length ? framed[0]![V]! : null;
              case "last":
                return framed.length ? framed.at(-1)![V]! : null;
              default:
                throw new Error(a.fn);
            }
          }
        }
      });
      out.push([...row, ...values]);
    });
  }
  return out;
}

// ---- running the operator ----------------------------------------------------------------

const ctx = { compile: { partition: 0 }, memory: { budgetBytes: 1 << 30, spilled: { bytes: 0, files: 0 } } } as unknown as OperatorContext;

async function run(rows: Row[], partitioned: boolean, seed: number, context: OperatorContext = ctx): Promise<{ rows: Row[]; batches: Batch[] }> {
  const op = makeOperator(operator(partitioned), schema, context);
  expect(op.outputSchema.fields.map((f) => f.name)).toEqual([...schema.fields.map((f) => f.name), ...FUNCTIONS.map((f) => f.name)]);
  const out: Batch[] = [];
  for await (const batch of op.open(batches(rows, seed))) out.push(batch);
  return { rows: out.flatMap(rowsFromBatch), batches: out };
}

describe("window operator", () => {
  for (const partitioned of [true, false]) {
    it(`agrees with the reference over groups split across batches (${partitioned ? "partitioned by g" : "one partition"})`, async () => {
      for (const [n, seed] of [[120, 1], [57, 2], [9, 3]] as const) {
        const rows = generate(n, seed, partitioned);
        const { rows: out } = await run(rows, partitioned, seed);
        expect(out).toEqual(reference(rows, partitioned));
      }
    });
  }

  it("gives nothing for an empty input", async () => {
    const { rows, batches: out } = await run([], true, 4);
    expect(rows).toEqual([]);
    expect(out).toEqual([]);
  });

  it("evaluates a single row", async () => {
    const rows: Row[] = [[0, null, null, 5]];
    const { rows: out } = await run(rows, true, 5);
    expect(out).toEqual(reference(rows, true));
    expect(out[0]!.slice(4, 9)).toEqual([1, 1, 1, 0, 1]);
  });

  it("spills a group past its memory budget to local disk, reads it back in order, and leaves nothing behind", async () => {
    const spillDir = await mkdtemp(path.join(tmpdir(), "sparkfn-window-test-"));
    try {
      for (const partitioned of [true, false]) {
        const spilled = { bytes: 0, files: 0 };
        const small = { ...ctx, memory: { budgetBytes: 2048, spillDir, spilled } } as OperatorContext;
        const rows = generate(600, 7, partitioned);
        const { rows: out } = await run(rows, partitioned, 7, small);
        expect(out).toEqual(reference(rows, partitioned));
        expect(spilled.files).toBeGreaterThan(2);
        expect(spilled.bytes).toBeGreaterThan(0);
      }
      expect(await readdir(spillDir)).toEqual([]);
    } finally {
      await rm(spillDir, { recursive: true, force: true });
    }
  });

  it("keeps batch boundaries: every input row comes out once, in order", async () => {
    const rows = generate(200, 6);
    const { rows: out } = await run(rows, true, 6);
    expect(out.map((r) => r[ID])).toEqual(rows.map((r) => r[ID]));
  });
});
