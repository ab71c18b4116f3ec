/**
 * The generate operator (executor-fn/operators/generate.ts: explode, posexplode, inline and
 * their outer forms) against a plain-JavaScript reference written here: every input row
 * repeated once per element, in order, arrays of thousands of elements spanning output
 * batches, batches with a selection, null and empty arrays.
 */
import { describe, expect, it } from "vitest";
import { makeOperator, type OperatorContext } from "../../../executor-fn/operators/index.ts";
import { BATCH_ROWS, batchFromRows, rowsFromBatch, selectedBatch, type Batch, type BatchStream } from "../../../shared/batch/batch.ts";
import type { ExprOf, GeneratorFn } from "../../../shared/plan/expr.ts";
import type { Row, Schema, Value } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

const schema: Schema = {
  fields: [
    { name: "id", type: "int", nullable: false },
    { name: "xs", type: "array<string>", nullable: true },
    { name: "ps", type: "array<struct<a:int,b:string>>", nullable: true },
  ],
};
const ctx = { compile: { partition: 0 }, memory: { budgetBytes: 1 << 30, spilled: { bytes: 0, files: 0 } } } as unknown as OperatorContext;

function input(seed: number): Row[] {
  const random = prng(seed);
  return Array.from({ length: 60 }, (_, id) => {
    const size = id === 7 ? 3 * BATCH_ROWS + 5 : Math.floor(random() * 5);
    const xs = random() < 0.15 ? null : Array.from({ length: size }, (_, k) => (random() < 0.1 ? null : `${id}.${k}`));
    const ps = random() < 0.15 ? null : Array.from({ length: Math.floor(random() * 3) }, (_, k) => (random() < 0.2 ? null : [k, random() < 0.2 ? null : `p${id}`]));
    return [id, xs, ps];
  });
}

/** Batches of 16 rows, every other one with a selection that keeps odd rows only. */
async function* batches(rows: Row[]): BatchStream {
  for (let at = 0; at < rows.length; at += 16) {
    const b = batchFromRows(schema, rows.slice(at, at + 16));
    if ((at / 16) % 2 === 1) {
      const sel = Int32Array.from({ length: b.length }, (_, i) => i).filter((i) => i % 2 === 1);
      yield selectedBatch(b, sel, sel.length);
    } else yield b;
  }
}
const live = (rows: Row[]) => rows.filter((_, i) => Math.floor(i / 16) % 2 === 0 || i % 2 === 1);

async function run(fn: GeneratorFn, outer: boolean, column: "xs" | "ps", rows: Row[]): Promise<{ rows: Row[]; batches: Batch[] }> {
  const generator: ExprOf<"generator"> = { kind: "generator", fn, arg: { kind: "column", name: column }, outer };
  const op = makeOperator({ kind: "generate", generator }, schema, ctx);
  const out: Batch[] = [];
  for await (const b of op.open(batches(rows))) out.push(b);
  return { rows: out.flatMap(rowsFromBatch), batches: out };
}

/** The reference: each live row, then per element its generated values. */
function expected(fn: GeneratorFn, outer: boolean, column: 1 | 2, rows: Row[], width: number): Row[] {
  return live(rows).flatMap((row) => {
    const items = (row[column] ?? []) as Value[];
    if (items.length === 0) return outer ? [[...row, ...new Array<Value>(width).fill(null)]] : [];
    return items.map((x, k): Row => {
      if (fn === "explode") return [...row, x];
      if (fn === "posexplode") return [...row, k, x];
      return [...row, ...(x === null ? [null, null] : (x as Value[]))];
    });
  });
}

describe("generate operator", () => {
  for (const outer of [false, true]) {
    it(`explode${outer ? "_outer" : ""} and posexplode${outer ? "_outer" : ""}: a row per element, batches of at most ${BATCH_ROWS} rows`, async () => {
      const rows = input(outer ? 2 : 1);
      const exploded = await run("explode", outer, "xs", rows);
      expect(exploded.rows).toEqual(expected("explode", outer, 1, rows, 1));
      expect(exploded.batches.every((b) => b.count <= BATCH_ROWS)).toBe(true);
      expect(exploded.rows.length).toBeGreaterThan(3 * BATCH_ROWS);
      expect((await run("posexplode", outer, "xs", rows)).rows).toEqual(expected("posexplode", outer, 1, rows, 2));
    });
    it(`inline${outer ? "_outer" : ""}: a column per struct field, a null struct a row of nulls`, async () => {
      const rows = input(outer ? 4 : 3);
      expect((await run("inline", outer, "ps", rows)).rows).toEqual(expected("inline", outer, 2, rows, 2));
    });
  }

  it("names its columns as Spark's generators do, or as alias() says", () => {
    const generator = (names?: string[]): ExprOf<"generator"> => ({ kind: "generator", fn: "posexplode", arg: { kind: "column", name: "xs" }, outer: false, ...(names ? { names } : {}) });
    expect(makeOperator({ kind: "generate", generator: generator() }, schema, ctx).outputSchema.fields.slice(3)).toEqual([
      { name: "pos", type: "int", nullable: false },
      { name: "col", type: "string", nullable: true },
    ]);
    expect(makeOperator({ kind: "generate", generator: generator(["p", "w"]) }, schema, ctx).outputSchema.fields.slice(3).map((f) => f.name)).toEqual(["p", "w"]);
    expect(() => makeOperator({ kind: "generate", generator: generator(["only"]) }, schema, ctx)).toThrow(/UDTF_ALIAS_NUMBER_MISMATCH/);
  });
});
