/**
 * current_timestamp(), now(), current_date() and unix_timestamp() without arguments → the one
 * instant the query started planning (Spark's ComputeCurrentTime): every call in a query, in
 * every task, sees the same time. current_date() becomes that instant cast to a date, so it is
 * today in the session time zone the stages carry; localtimestamp() that instant cast to a
 * timestamp_ntz, its wall clock there.
 */
import { exprName, type Expr } from "../../../shared/plan/expr.ts";
import { MICROS_PER_SECOND } from "../../../shared/plan/functions/timestamps.ts";
import { transformExpressions, type LogicalPlan } from "../../../shared/plan/logical.ts";
import type { Rule } from "./rule.ts";

const CLOCK = new Set(["current_timestamp", "now", "current_date", "unix_timestamp", "localtimestamp"]);

/** The rule for one planning: `nowMicros` is read once per optimize(). */
export function computeCurrentTime(nowMicros: () => number = () => Date.now() * 1000): Rule {
  return {
    name: "ComputeCurrentTime",
    rewrite: (plan: LogicalPlan) => {
      let micros: number | undefined;
      let changed = false;
      const out = transformExpressions(plan, (e): Expr | undefined => {
        if (e.kind !== "call" || e.args.length > 0 || !CLOCK.has(e.fn)) return undefined;
        micros ??= nowMicros();
        changed = true;
        const now: Expr = { kind: "literal", value: micros, type: "timestamp" };
        // Aliased with the call's own name, so column names stay what analysis said.
        const name = exprName(e);
        if (e.fn === "current_date") return { kind: "alias", expr: { kind: "cast", expr: now, to: "date" }, name };
        if (e.fn === "localtimestamp") return { kind: "alias", expr: { kind: "cast", expr: now, to: "timestamp_ntz" }, name };
        if (e.fn === "unix_timestamp") return { kind: "alias", expr: { kind: "literal", value: Math.trunc(micros / MICROS_PER_SECOND), type: "long" }, name };
        return { kind: "alias", expr: now, name };
      });
      return { plan: changed ? out : plan, changed };
    },
  };
}
