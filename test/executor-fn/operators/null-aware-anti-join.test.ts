/**
 * The null-aware anti join (NOT IN as a broadcast hash join) against NOT IN's definition in
 * three-valued logic: a probe row x stays when `x = c` is false for every build value c (no
 * comparison true, none null). Random sides with nulls, and the cases the build side decides
 * alone: empty (every row stays, a null x too) and holding a null (no row stays).
 */
import { describe, expect, it } from "vitest";
import { HashJoinTable } from "../../../executor-fn/operators/hash-join.ts";
import { batchFromRows, rowsFromBatch } from "../../../shared/batch/batch.ts";
import type { Row, Schema } from "../../../shared/plan/types.ts";
import { prng } from "../../support/prng.ts";

const probeSchema: Schema = { fields: [{ name: "x", type: "int", nullable: true }, { name: "tag", type: "string", nullable: true }] };
const buildSchema: Schema = { fields: [{ name: "c", type: "int", nullable: true }] };

/** NOT IN by its definition: x = c is null when either is null; the row stays when every comparison is false. */
function notIn(probe: Row[], build: Row[]): Row[] {
  return probe.filter(([x]) => build.every(([c]) => x !== null && c !== null && x !== c));
}

function nullAwareAnti(probe: Row[], build: Row[]): Row[] {
  const table = new HashJoinTable(
    { how: "anti", buildSide: "right", probeSchema, buildSchema, probeKeys: [{ kind: "column", name: "x" }], buildKeys: [{ kind: "column", name: "c" }], condition: null, nullAware: true },
    batchFromRows(buildSchema, build),
    { partition: 0 },
  );
  const out: Row[] = [];
  // Several probe batches, as a task reads them.
  for (let i = 0; i < probe.length; i += 50) for (const batch of table.probe(batchFromRows(probeSchema, probe.slice(i, i + 50)))) out.push(...rowsFromBatch(batch));
  return out;
}

const canonical = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

function side(n: number, seed: number, nulls: number, width: 1 | 2): Row[] {
  const random = prng(seed);
  return Array.from({ length: n }, (_, i): Row => {
    const x = random() < nulls ? null : Math.floor(random() * 60);
    return width === 2 ? [x, `r${i}`] : [x];
  });
}

describe("null-aware anti join (NOT IN)", () => {
  const probe = side(300, 7, 0.05, 2);

  it("keeps the rows whose value no build value equals, and drops a null value, when the build side has no null", () => {
    const build = side(40, 8, 0, 1);
    const expected = notIn(probe, build);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(probe.filter(([x]) => x !== null).length);
    expect(canonical(nullAwareAnti(probe, build))).toEqual(canonical(expected));
  });

  it("keeps every row, a null value too, when the build side is empty", () => {
    expect(probe.some(([x]) => x === null)).toBe(true);
    expect(canonical(nullAwareAnti(probe, []))).toEqual(canonical(notIn(probe, [])));
    expect(nullAwareAnti(probe, [])).toHaveLength(probe.length);
  });

  it("keeps no row when a build value is null", () => {
    const build = [...side(40, 9, 0, 1), [null]];
    expect(notIn(probe, build)).toEqual([]);
    expect(nullAwareAnti(probe, build)).toEqual([]);
    expect(nullAwareAnti(probe, [[null]])).toEqual([]);
  });
});
