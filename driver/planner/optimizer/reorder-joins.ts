/**
 * Inner joins whose order makes a cross product the WHERE clause's equalities could avoid
 * (SQL's comma joins: `FROM part, supplier, partsupp WHERE p_partkey = ps_partkey AND ...`)
 * are reordered as Spark's ReorderJoin does (without cost-based statistics): a left-deep
 * chain that starts from the first input the query names, each next input being the first
 * one, in the query's order, that an equality connects to those already joined. Every join
 * then has keys, and every input after the first is a join's build side: the physical
 * planner broadcasts it when its estimated size (its files' bytes) is under
 * spark.sql.autoBroadcastJoinThreshold. A condition moves to the first join that has all the
 * inputs it reads; one that reads a single input filters that input. The output keeps the
 * original column order.
 *
 * Trees whose joins all have keys keep the order they were written in (a DataFrame
 * program's order is its author's); an order that leaves as many joins without keys as the
 * written one is not taken.
 */
import { binary, column, conjunction, conjuncts, referencedColumns, type Expr } from "../../../shared/plan/expr.ts";
import { splitJoinCondition } from "../../../shared/plan/join.ts";
import { inputsOf, project, schemaOf, withInputs, type LogicalPlan } from "../../../shared/plan/logical.ts";
import type { Rule } from "./rule.ts";

type Join = Extract<LogicalPlan, { kind: "join" }>;

const isInner = (p: LogicalPlan): p is Join => p.kind === "join" && p.how === "inner";

interface Flat {
  readonly leaves: LogicalPlan[];
  readonly conditions: Expr[];
}

/** The inputs and conditions of a tree of inner joins and the filters between them. */
function flatten(plan: LogicalPlan, flat: Flat): void {
  if (plan.kind === "filter" && isInner(plan.input)) {
    flat.conditions.push(...conjuncts(plan.condition));
    flatten(plan.input, flat);
  } else if (isInner(plan)) {
    plan.leftKeys.forEach((k, i) => flat.conditions.push(binary("eq", k, plan.rightKeys[i]!)));
    if (plan.condition) flat.conditions.push(...conjuncts(plan.condition));
    flatten(plan.left, flat);
    flatten(plan.right, flat);
  } else flat.leaves.push(plan);
}

/** The order to join the leaves in, or undefined when no order avoids more cross products than the current one. */
function joinOrder(leaves: readonly LogicalPlan[], edges: readonly Set<number>[]): number[] | undefined {
  if (edges.length === 0) return undefined;
  const connected = (placed: Set<number>, i: number) => edges.some((e) => e.has(i) && [...e].some((j) => j !== i && placed.has(j)));
  const byIndex = leaves.map((_, i) => i);
  const order = [0];
  const placed = new Set(order);
  while (order.length < leaves.length) {
    const rest = byIndex.filter((i) => !placed.has(i));
    const linked = rest.filter((i) => connected(placed, i));
    // The first one an equality connects, in the order the query names them (a cross product only when none is).
    const pick = linked[0] ?? rest[0]!;
    order.push(pick);
    placed.add(pick);
  }
  return order;
}

function reorder(root: LogicalPlan): LogicalPlan | undefined {
  const flat: Flat = { leaves: [], conditions: [] };
  flatten(root, flat);
  const { leaves, conditions } = flat;
  if (leaves.length < 3 || countKeyless(root) === 0) return undefined;
  const owner = new Map<string, number>();
  leaves.forEach((l, i) => schemaOf(l).fields.forEach((f) => owner.set(f.name, i)));
  const reads = conditions.map((c) => new Set([...referencedColumns(c)].map((n) => owner.get(n)).filter((i): i is number => i !== undefined)));
  // Edges: equalities between an expression of one input and one of another (join keys).
  const side = (e: Expr) => new Set([...referencedColumns(e)].map((n) => owner.get(n)));
  const edges = conditions.flatMap((c) => {
    if (c.kind !== "binary" || c.op !== "eq") return [];
    const [l, r] = [side(c.left), side(c.right)];
    const [a, b] = [[...l][0], [...r][0]];
    return l.size === 1 && r.size === 1 && a !== undefined && b !== undefined && a !== b ? [new Set([a, b])] : [];
  });
  const order = joinOrder(leaves, edges);
  if (!order) return undefined;
  const used = new Set<number>();
  // Conditions on one input filter it.
  const inputs = leaves.map((leaf, i) => {
    const own = conditions.filter((_, c) => reads[c]!.size === 1 && reads[c]!.has(i));
    conditions.forEach((_, c) => reads[c]!.size === 1 && reads[c]!.has(i) && used.add(c));
    return own.length ? ({ kind: "filter", input: leaf, condition: conjunction(own) } as LogicalPlan) : leaf;
  });
  let tree = inputs[order[0]!]!;
  const placed = new Set([order[0]!]);
  let keyless = 0;
  for (const next of order.slice(1)) {
    placed.add(next);
    const now = conditions.filter((_, c) => !used.has(c) && reads[c]!.size > 1 && [...reads[c]!].every((i) => placed.has(i)));
    conditions.forEach((_, c) => now.includes(conditions[c]!) && used.add(c));
    const right = inputs[next]!;
    const names = (p: LogicalPlan) => new Set(schemaOf(p).fields.map((f) => f.name));
    const split = now.length ? splitJoinCondition(names(tree), names(right), conjunction(now)) : { leftKeys: [], rightKeys: [], rest: null };
    if (split.leftKeys.length === 0) keyless++;
    tree = { kind: "join", left: tree, right, how: "inner", leftKeys: split.leftKeys, rightKeys: split.rightKeys, condition: split.rest };
  }
  // Not better than what was written: keep it (and stop here on the next pass).
  if (keyless > 0 && keyless >= countKeyless(root)) return undefined;
  const left = conditions.filter((_, c) => !used.has(c));
  if (left.length) tree = { kind: "filter", input: tree, condition: conjunction(left) };
  return project(tree, schemaOf(root).fields.map((f) => column(f.name)));
}

function countKeyless(plan: LogicalPlan): number {
  if (plan.kind === "filter" && isInner(plan.input)) return countKeyless(plan.input);
  if (!isInner(plan)) return 0;
  return (plan.leftKeys.length === 0 ? 1 : 0) + countKeyless(plan.left) + countKeyless(plan.right);
}

/** Top down: the largest tree of inner joins first, then what lies below its inputs. */
function visit(plan: LogicalPlan): LogicalPlan {
  const reordered = (plan.kind === "filter" && isInner(plan.input)) || isInner(plan) ? reorder(plan) : undefined;
  const node = reordered ?? plan;
  const inputs = inputsOf(node);
  const next = inputs.map(visit);
  return next.some((n, i) => n !== inputs[i]) ? withInputs(node, next) : node;
}

export const reorderJoins: Rule = {
  name: "ReorderJoins",
  rewrite: (plan) => {
    const out = visit(plan);
    return { plan: out, changed: out !== plan };
  },
};
