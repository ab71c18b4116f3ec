/**
 * Join semantics shared by the analyzer, the planner and the executor: the join types and
 * the schema of a join's output rows ([...left, ...right], or left only for semi/anti).
 */
import { z } from "zod";
import { AnalysisError } from "./resolve.ts";
import { conjunction, conjuncts, referencedColumns, type Expr } from "./expr.ts";
import type { Field, Schema } from "./types.ts";

export const JoinType = z.enum(["inner", "left", "right", "full", "semi", "anti"]);
export type JoinType = z.infer<typeof JoinType>;

/** Spark's spellings of the join types. */
const ALIASES: Record<string, JoinType> = {
  inner: "inner", cross: "inner",
  left: "left", leftouter: "left", left_outer: "left",
  right: "right", rightouter: "right", right_outer: "right",
  full: "full", outer: "full", fullouter: "full", full_outer: "full",
  semi: "semi", leftsemi: "semi", left_semi: "semi",
  anti: "anti", leftanti: "anti", left_anti: "anti",
};

export function parseJoinType(how: string): JoinType {
  const type = ALIASES[how.toLowerCase()];
  if (!type) throw new AnalysisError(`Unknown join type "${how}": use one of ${Object.keys(ALIASES).join(", ")}.`);
  return type;
}

/** The suffix a right-side column gets when a using-join key has the same name on both sides. */
export const RIGHT_KEY_SUFFIX = "#right";

const nullable = (fields: readonly Field[], yes: boolean): Field[] => fields.map((f) => (yes ? { ...f, nullable: true } : f));

/** Output schema of a join: columns of the side(s) it keeps, nullable where outer joins pad. */
export function joinSchema(left: Schema, right: Schema, how: JoinType): Schema {
  if (how === "semi" || how === "anti") return left;
  return {
    fields: [...nullable(left.fields, how === "right" || how === "full"), ...nullable(right.fields, how === "left" || how === "full")],
  };
}

/**
 * A join condition's `left = right` conjuncts (each side's expression reading only that side's
 * columns, named in `leftNames` / `rightNames`) as hash keys, and the rest, checked per pair.
 */
export function splitJoinCondition(leftNames: ReadonlySet<string>, rightNames: ReadonlySet<string>, condition: Expr): { leftKeys: Expr[]; rightKeys: Expr[]; rest: Expr | null } {
  const within = (e: Expr, names: ReadonlySet<string>) => {
    const refs = referencedColumns(e);
    return refs.size > 0 && [...refs].every((n) => names.has(n));
  };
  const leftKeys: Expr[] = [];
  const rightKeys: Expr[] = [];
  const rest: Expr[] = [];
  for (const c of conjuncts(condition)) {
    if (c.kind === "binary" && c.op === "eq" && within(c.left, leftNames) && within(c.right, rightNames)) {
      leftKeys.push(c.left);
      rightKeys.push(c.right);
    } else if (c.kind === "binary" && c.op === "eq" && within(c.left, rightNames) && within(c.right, leftNames)) {
      leftKeys.push(c.right);
      rightKeys.push(c.left);
    } else rest.push(c);
  }
  return { leftKeys, rightKeys, rest: rest.length === 0 ? null : conjunction(rest) };
}
