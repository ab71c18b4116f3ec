import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { prng } from "../../support/prng.ts";
import { describe, expect, it } from "vitest";
import { makeOperator, type OperatorContext } from "../../../executor-fn/operators/index.ts";
import { batchFromRows, rowsFromBatch, type BatchStream } from "../../../shared/batch/batch.ts";
import type { Row, Schema } from "../../../shared/plan/types.ts";
import type { StageOperator } from "../../../shared/plan/physical.ts";


const schema: Schema = {
  fields: [
    { name: "id", type: "long", nullable: false },
    { name: "x", type: "double", nullable: true },
    { name: "s", type: "string", nullable: true },
  ],
};

function generate(n: number): Row[] {
  const random = prng(7);
  const specials = [Number.NaN, -0, 0, Infinity, -Infinity, null];
  return Array.from({ length: n }, (_, id): Row => [
    id,
    random() < 0.05 ? specials[Math.floor(random() * specials.length)]! : Math.floor(random() * 50) / 4,
    random() < 0.05 ? null : ["a", "b", "B", "é", "😀", "\uffff", ""][Math.floor(random() * 7)]! + String(Math.floor(random() * 3)),
  ]);
}

/** Spark's order, written out: nulls first or last as asked, NaN above all numbers, -0 = 0, strings by code point. */
function referenceCompare(a: unknown, b: unknown, ascending: boolean, nullsFirst: boolean): number {
  if (a === null || b === null) return a === b ? 0 : (a === null) === nullsFirst ? -1 : 1;
  let c: number;
  if (typeof a === "number" && typeof b === "number") {
    const an = Number.isNaN(a), bn = Number.isNaN(b);
    c = an || bn ? Number(an) - Number(bn) : a < b ? -1 : a > b ? 1 : 0;
  } else {
    const x = [...(a as string)].map((ch) => ch.codePointAt(0)!), y = [...(b as string)].map((ch) => ch.codePointAt(0)!);
    c = 0;
    for (let i = 0; i < Math.min(x.length, y.length) && c === 0; i++) c = x[i]! - y[i]!;
    if (c === 0) c = x.length - y.length;
  }
  return ascending ? c : -c;
}

const orders = [
  { expr: { kind: "column", name: "s" }, ascending: true, nullsFirst: false },
  { expr: { kind: "column", name: "x" }, ascending: false, nullsFirst: true },
] as const;

async function runSort(rows: readonly Row[], budgetBytes: number) {
  const spillDir = await mkdtemp(path.join(tmpdir(), "sparkfn-sort-test-"));
  try {
    const ctx = { compile: { partition: 0 }, memory: { budgetBytes, spillDir, spilled: { bytes: 0, files: 0 } } } as unknown as OperatorContext;
    const op: StageOperator = { kind: "sort", orders: orders.map((o) => ({ ...o })) };
    async function* input(): BatchStream {
      for (let i = 0; i < rows.length; i += 1000) yield batchFromRows(schema, rows.slice(i, i + 1000));
    }
    const out: Row[] = [];
    for await (const batch of makeOperator(op, schema, ctx).open(input())) out.push(...rowsFromBatch(batch));
    return { out, spilled: ctx.memory.spilled, leftovers: await readdir(spillDir) };
  } finally {
    await rm(spillDir, { recursive: true, force: true });
  }
}

describe("sort operator", () => {
  const rows = generate(30_000);
  // A stable reference sort: equal keys keep the input order (ids ascending).
  const expected = [...rows].sort((a, b) => referenceCompare(a[2], b[2], true, false) || referenceCompare(a[1], b[1], false, true) || (a[0] as number) - (b[0] as number));

  it("sorts by several keys with Spark's order of nulls, NaN, -0 and code points, stably", async () => {
    const { out, spilled } = await runSort(rows, 1024 ** 3);
    expect(spilled.files).toBe(0);
    expect(out.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
  });

  it("spills sorted runs past its memory budget, merges them to the same order, and leaves nothing behind", async () => {
    const { out, spilled, leftovers } = await runSort(rows, 64 * 1024);
    expect(spilled.files).toBeGreaterThan(3);
    expect(out.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
    expect(out.map((r) => Object.is(r[1], -0) ? 0 : r[1])).toEqual(expected.map((r) => Object.is(r[1], -0) ? 0 : r[1]));
    expect(leftovers).toEqual([]);
  });
});
