import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { prng } from "../../support/prng.ts";
import { describe, expect, it } from "vitest";
import { shuffledJoin } from "../../../executor-fn/operators/shuffled-join.ts";
import { batchFromRows, rowsFromBatch, type BatchStream } from "../../../shared/batch/batch.ts";
import type { JoinType } from "../../../shared/plan/join.ts";
import type { StageSource } from "../../../shared/plan/physical.ts";
import type { Expr } from "../../../shared/plan/expr.ts";
import type { Row, Schema } from "../../../shared/plan/types.ts";


const leftSchema: Schema = { fields: [{ name: "lk", type: "int", nullable: true }, { name: "ls", type: "string", nullable: true }, { name: "lv", type: "double", nullable: true }] };
const rightSchema: Schema = { fields: [{ name: "rk", type: "int", nullable: true }, { name: "rs", type: "string", nullable: true }, { name: "rv", type: "double", nullable: true }] };

function side(n: number, seed: number, keys: number): Row[] {
  const random = prng(seed);
  return Array.from({ length: n }, (_, i): Row => [
    random() < 0.03 ? null : Math.floor(random() * keys),
    random() < 0.03 ? null : `s${Math.floor(random() * 3)}`,
    i + random(),
  ]);
}

const col = (name: string): Expr => ({ kind: "column", name });

/** The join by definition: every pair, keys equal and not null, condition true; outer sides padded. */
function reference(left: Row[], right: Row[], how: JoinType, condition: ((l: Row, r: Row) => boolean) | null): Row[] {
  const out: Row[] = [];
  const rightMatched = new Set<number>();
  for (const l of left) {
    let matched = false;
    right.forEach((r, j) => {
      if (l[0] === null || r[0] === null || l[1] === null || r[1] === null) return;
      if (l[0] !== r[0] || l[1] !== r[1] || (condition && !condition(l, r))) return;
      matched = true;
      rightMatched.add(j);
      if (how !== "semi" && how !== "anti") out.push([...l, ...r]);
    });
    if (how === "semi" && matched) out.push(l);
    if (how === "anti" && !matched) out.push(l);
    if ((how === "left" || how === "full") && !matched) out.push([...l, null, null, null]);
  }
  if (how === "right" || how === "full") right.forEach((r, j) => rightMatched.has(j) || out.push([null, null, null, ...r]));
  return out;
}

async function runJoin(left: Row[], right: Row[], how: JoinType, condition: Expr | null, budgetBytes: number) {
  const spillDir = await mkdtemp(path.join(tmpdir(), "sparkfn-join-test-"));
  const memory = { budgetBytes, spillDir, spilled: { bytes: 0, files: 0 } };
  try {
    const source: Extract<StageSource, { kind: "join" }> = {
      kind: "join",
      how,
      left: { shuffleId: 0, schema: leftSchema },
      right: { shuffleId: 1, schema: rightSchema },
      leftKeys: [col("lk"), col("ls")],
      rightKeys: [col("rk"), col("rs")],
      condition,
    };
    async function* stream(rows: Row[], schema: Schema): BatchStream {
      for (let i = 0; i < rows.length; i += 700) yield batchFromRows(schema, rows.slice(i, i + 700));
    }
    const out: Row[] = [];
    for await (const batch of shuffledJoin(source, stream(left, leftSchema), stream(right, rightSchema), { partition: 0 }, memory)) out.push(...rowsFromBatch(batch));
    return { out, spilled: memory.spilled, leftovers: await readdir(spillDir) };
  } finally {
    await rm(spillDir, { recursive: true, force: true });
  }
}

const canonical = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

describe("shuffled hash join", () => {
  const left = side(3000, 1, 400);
  const right = side(2500, 2, 400);
  const residual: Expr = { kind: "binary", op: "lt", left: col("lv"), right: col("rv") };
  for (const how of ["inner", "left", "right", "full", "semi", "anti"] as const) {
    for (const [label, condition, check] of [["", null, null], [" with a residual condition", residual, (l: Row, r: Row) => (l[2] as number) < (r[2] as number)]] as const) {
      it(`${how} join${label}: in memory and spilled to buckets give the definition's rows`, async () => {
        const expected = canonical(reference(left, right, how, check));
        const inMemory = await runJoin(left, right, how, condition, 1024 ** 3);
        expect(inMemory.spilled.files).toBe(0);
        expect(canonical(inMemory.out)).toEqual(expected);
        const spilled = await runJoin(left, right, how, condition, 16 * 1024);
        expect(spilled.spilled.files).toBeGreaterThan(8);
        expect(canonical(spilled.out)).toEqual(expected);
        expect(spilled.leftovers).toEqual([]);
      });
    }
  }
});
