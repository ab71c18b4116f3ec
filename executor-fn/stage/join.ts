/**
 * Hash join of one partition: builds a table on the right side's keys, probes it with the
 * left rows, applies the residual condition to each candidate pair, and pads with nulls
 * for outer joins. With no keys every pair is a candidate (a nested-loop join, planned on
 * a single partition). Null keys never match, as in SQL.
 */
import type { StageSource } from "../../shared/plan/physical.ts";
import type { Row, Value } from "../../shared/plan/types.ts";
import { compilePredicate, compileProjection, type CompileContext } from "../compile/expression.ts";

type JoinSource = Extract<StageSource, { kind: "join" }>;

export function hashJoin(source: JoinSource, left: readonly Row[], right: readonly Row[], ctx: CompileContext): Row[] {
  const { how } = source;
  const leftKey = compileProjection(source.leftKeys, source.left.schema, ctx);
  const rightKey = compileProjection(source.rightKeys, source.right.schema, ctx);
  const joinedSchema = { fields: [...source.left.schema.fields, ...source.right.schema.fields] };
  const residual = source.condition ? compilePredicate(source.condition, joinedSchema, ctx) : () => true;
  const keyed = source.leftKeys.length > 0;
  const hasNull = (key: Value[]) => key.some((v) => v === null);

  // Build: right rows by key (all rows under one key when there are no keys).
  const table = new Map<string, number[]>();
  right.forEach((row, index) => {
    const key = rightKey(row);
    if (keyed && hasNull(key)) return;
    const id = JSON.stringify(key);
    const list = table.get(id);
    if (list) list.push(index);
    else table.set(id, [index]);
  });

  const out: Row[] = [];
  const rightMatched = how === "right" || how === "full" ? new Uint8Array(right.length) : undefined;
  const leftNulls: Row = source.left.schema.fields.map(() => null);
  const rightNulls: Row = source.right.schema.fields.map(() => null);

  for (const l of left) {
    const key = leftKey(l);
    const candidates = keyed && hasNull(key) ? undefined : table.get(JSON.stringify(key));
    let matched = false;
    for (const index of candidates ?? []) {
      const r = right[index]!;
      const joined = [...l, ...r];
      if (!residual(joined)) continue;
      matched = true;
      if (how === "semi" || how === "anti") break;
      if (rightMatched) rightMatched[index] = 1;
      out.push(joined);
    }
    if (how === "semi" && matched) out.push(l);
    else if (how === "anti" && !matched) out.push(l);
    else if ((how === "left" || how === "full") && !matched) out.push([...l, ...rightNulls]);
  }
  if (rightMatched) {
    right.forEach((r, index) => {
      if (!rightMatched[index]) out.push([...leftNulls, ...r]);
    });
  }
  return out;
}
