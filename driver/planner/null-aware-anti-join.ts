/**
 * NOT IN's anti join as a hash join (Spark's ExtractSingleColumnNullAwareAntiJoin):
 * `x NOT IN (SELECT c ...)` is an anti join whose condition, `coalesce(x = c, true)` (Spark
 * writes `x = c OR isnull(x = c)`), drops an outer row when any comparison is true or null.
 * With no other key that condition would make a nested-loop join; read as keys x = c with
 * NOT IN's null rules, it is a broadcast hash join whose build side decides the
 * nulls as a whole: an empty build side keeps every row (even a null x), a null among the
 * build keys keeps none, and otherwise a row stays when x is not null and matches no key.
 * Those rules read the whole build side, so only a broadcast join may apply them.
 */
import type { Expr } from "../../shared/plan/expr.ts";
import { splitJoinCondition } from "../../shared/plan/join.ts";
import { schemaOf, type PlanOf } from "../../shared/plan/logical.ts";

/** The equality under NOT IN's condition `coalesce(eq, true)` (driver/sql/subqueries.ts writes it so). */
function notInEquality(c: Expr): Expr | null {
  if (c.kind !== "call" || c.fn !== "coalesce" || c.args.length !== 2) return null;
  const [eq, otherwise] = c.args as [Expr, Expr];
  return otherwise.kind === "literal" && otherwise.value === true ? eq : null;
}

/** The join's one key pair when it is a single-column NOT IN anti join without other keys, else null. */
export function nullAwareAntiKeys(p: PlanOf<"join">): { readonly leftKey: Expr; readonly rightKey: Expr } | null {
  if (p.how !== "anti" || p.leftKeys.length > 0 || p.condition === null) return null;
  const eq = notInEquality(p.condition);
  if (eq === null) return null;
  const names = (plan: PlanOf<"join">["left"]) => new Set(schemaOf(plan).fields.map((f) => f.name));
  const { leftKeys, rightKeys, rest } = splitJoinCondition(names(p.left), names(p.right), eq);
  return rest === null && leftKeys.length === 1 ? { leftKey: leftKeys[0]!, rightKey: rightKeys[0]! } : null;
}
