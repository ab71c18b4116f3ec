/**
 * rollup, cube and groupingSets (GROUPING SETS): the aggregation once per set of keys, the keys
 * a set leaves out null in its rows, and grouping(k) / grouping_id(...) replaced in each set by
 * what they are there: 1 when k is left out, and one bit per key (the first key the highest
 * bit), as Spark defines them. Outside aggregate functions a key a set leaves out is null as
 * well (`upper(k)` over ROLLUP(k) is null in the grand total: Spark's Expand nulls the key
 * before the expressions read it), while aggregates read the input's values (`sum(k)`). The
 * sets' aggregations are unioned; Spark instead expands each input row once per set before one
 * aggregation (its Expand operator), which reads the input once rather than once per set: same
 * rows, more scans here.
 */
import { alias, exprName, literal, mapChildren, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type UnresolvedPlan } from "../../shared/plan/logical.ts";
import { AnalysisError, typeOf } from "../../shared/plan/resolve.ts";
import { byColumnOrAlias, resolveName, scopeOf } from "./references.ts";

type GroupingSets = Extract<UnresolvedPlan, { kind: "groupingSets" }>;

/** rollup(k1..kn): (k1..kn), (k1..kn-1), ..., (). */
export const rollupSets = (n: number): number[][] => Array.from({ length: n + 1 }, (_, size) => Array.from({ length: n - size }, (_, i) => i));

/** cube(k1..kn): every subset, from all keys down to none (grouping_id 0, 1, ..., 2^n - 1). */
export const cubeSets = (n: number): number[][] =>
  Array.from({ length: 2 ** n }, (_, id) => Array.from({ length: n }, (_, i) => i).filter((i) => (id & (1 << (n - 1 - i))) === 0));

export function groupingSets(input: LogicalPlan, p: GroupingSets): UnresolvedPlan {
  const schema = schemaOf(input);
  const keys = p.keyAliases ? byColumnOrAlias(p.keys, p.keyAliases, input) : p.keys;
  const names = keys.map(exprName);
  const types = keys.map((k) => typeOf(k, schema).type);
  const scope = scopeOf(input);
  /** An expression with its column names resolved against the input (any case, qualified or not), to compare with the keys. */
  const canonical = (e: Expr): string => JSON.stringify(transformExpr(e, (n) => (n.kind === "column" ? { ...n, name: resolveName(n.name, scope) } : undefined)));
  const keyForms = keys.map((k) => canonical(k.kind === "alias" ? k.expr : k));
  /** Which key `e` is, or -1. */
  const keyOf = (e: Expr): number => keyForms.indexOf(canonical(e));
  const keyIndex = (e: Expr, where: string): number => {
    const i = names.indexOf(exprName(e));
    const at = i >= 0 ? i : keyOf(e);
    if (at < 0) throw new AnalysisError(`[GROUPING_COLUMN_MISMATCH] ${where}: ${exprName(e)} is not one of the grouping keys (${names.join(", ")}).`);
    return at;
  };
  const branches = p.sets.map((set): UnresolvedPlan => {
    const present = new Set(set);
    const replaced = p.aggregates.map((a) =>
      alias(
        transformExpr(a, (e) => {
          if (e.kind !== "call" || (e.fn !== "grouping" && e.fn !== "grouping_id")) return undefined;
          // grouping() is Spark's tinyint.
          if (e.fn === "grouping") return { kind: "literal", value: present.has(keyIndex(e.args[0]!, exprName(e))) ? 0 : 1, type: "byte" };
          const of = e.args.length ? e.args.map((k) => keyIndex(k, exprName(e))) : keys.map((_, i) => i);
          const id = of.reduce((bits, i) => bits * 2 + (present.has(i) ? 0 : 1), 0);
          return { kind: "cast", expr: literal(id), to: "long" };
        }),
        exprName(a),
      ),
    );
    // A key is read whole: null when the set leaves it out, as grouped when it keeps it (a kept
    // key substr(code, 1, 2) is not opened up to null the code inside it).
    const asKey = (e: Expr): Expr | undefined => {
      const i = keyOf(e);
      return i < 0 ? undefined : present.has(i) ? e : { kind: "cast", expr: literal(null), to: types[i]! };
    };
    const nulled = replaced.map((a) => outsideAggregates(a, asKey));
    // The grand total groups by a constant: no row from no input, as Spark's grouping (by the
    // grouping id at least) gives none, where a global aggregate would give one.
    const groupBy = set.length ? set.map((i) => keys[i]!) : [alias(literal(0), "__grouping_total")];
    const aggregated: UnresolvedPlan = { kind: "aggregate", input: { kind: "analyzed", plan: input }, groupBy, aggregates: nulled };
    const output = keys.map((k, i): Expr => (present.has(i) ? { kind: "column", name: names[i]! } : alias({ kind: "cast", expr: literal(null), to: types[i]! }, names[i]!)));
    return { kind: "project", input: aggregated, exprs: [...output, ...replaced.map((a) => ({ kind: "column" as const, name: exprName(a) }))] };
  });
  return branches.length === 1 ? branches[0]! : { kind: "unresolvedUnion", inputs: branches, byName: false };
}

/** `e` with `replace` applied top-down, but not inside aggregate functions (they read the input's rows). */
function outsideAggregates(e: Expr, replace: (e: Expr) => Expr | undefined): Expr {
  if (e.kind === "agg") return e;
  return replace(e) ?? mapChildren(e, (child) => outsideAggregates(child, replace));
}
