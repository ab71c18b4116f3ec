/**
 * Trees of inner joins (and the filters between them) are reordered from the join graph of
 * their conditions: the inputs are the nodes, the equalities between an expression of one
 * input and one of another the edges (join keys).
 *
 * When every input's rows can be estimated (Parquet footers' row counts and integer ranges,
 * inline rows; driver/planner/row-count.ts), the order is by estimated sizes, greedily: a
 * left-deep chain from the largest input (the one that streams), each next input being the
 * connected one whose join with those already placed gives the fewest estimated rows (rows
 * × rows / the larger bound on the key's distinct values), the smaller input on a tie, then
 * the query's order. A cross product only when no input left is connected. Every input after
 * the first is then a join's build side, which the physical planner broadcasts when its files
 * are under spark.sql.autoBroadcastJoinThreshold: small dimension tables are broadcast. The
 * same inputs give the same order whichever order a query wrote them in (SQL's comma joins,
 * a DataFrame program's chain of joins).
 *
 * Otherwise (some input's size is unknown: CSV, JSON, a user function) they are ordered as
 * Spark's ReorderJoin does without statistics, and only when the written order has joins
 * without keys (SQL's comma joins: `FROM part, supplier, partsupp WHERE p_partkey =
 * ps_partkey AND ...`): from the first input the query names, each next the first one, in the
 * query's order, that an equality connects to those already joined; an order that leaves as
 * many joins without keys as the written one is not taken.
 *
 * A condition moves to the first join that has all the inputs it reads; one that reads a
 * single input filters that input. The output keeps the original column order.
 */
import { binary, column, exprName, conjunction, conjuncts, referencedColumns, type Expr } from "../../../shared/plan/expr.ts";
import { splitJoinCondition } from "../../../shared/plan/join.ts";
import { inputsOf, project, schemaOf, withInputs, type LogicalPlan } from "../../../shared/plan/logical.ts";
import { estimateDistinct, estimateRows } from "../row-count.ts";
import type { Rule } from "./rule.ts";

type Join = Extract<LogicalPlan, { kind: "join" }>;

const isInner = (p: LogicalPlan): p is Join => p.kind === "join" && p.how === "inner";

/** A filter, or a projection of plain columns (which only drops some), over a tree of inner joins. */
const isPassThrough = (p: LogicalPlan): p is Extract<LogicalPlan, { kind: "filter" | "project" }> =>
  (p.kind === "filter" || (p.kind === "project" && p.exprs.every((e) => e.kind === "column"))) && isJoinTree(p.input);
const isJoinTree = (p: LogicalPlan): boolean => isInner(p) || isPassThrough(p);
/** The inner join below filters and column projections. */
const joinBelow = (p: LogicalPlan): LogicalPlan => (isPassThrough(p) ? joinBelow(p.input) : p);

interface Flat {
  readonly leaves: LogicalPlan[];
  readonly conditions: Expr[];
}

/** The inputs and conditions of a tree of inner joins and the filters and column projections between them. */
function flatten(plan: LogicalPlan, flat: Flat): void {
  if (isPassThrough(plan)) {
    if (plan.kind === "filter") flat.conditions.push(...conjuncts(plan.condition));
    flatten(plan.input, flat);
  } else if (isInner(plan)) {
    plan.leftKeys.forEach((k, i) => flat.conditions.push(binary("eq", k, plan.rightKeys[i]!)));
    if (plan.condition) flat.conditions.push(...conjuncts(plan.condition));
    flatten(plan.left, flat);
    flatten(plan.right, flat);
  } else flat.leaves.push(plan);
}

/** An equality between expression `left` of input `a` and `right` of input `b` (a join key). */
interface Edge {
  readonly a: number;
  readonly b: number;
  readonly left: Expr;
  readonly right: Expr;
}

/**
 * The greedy order by estimated sizes (`rows` of every leaf known): the largest first, then
 * each time the connected leaf whose join gives the fewest rows (the smaller leaf on a tie,
 * then the query's order); the smallest leaf left when none is connected.
 */
function sizedOrder(leaves: readonly LogicalPlan[], rows: readonly number[], edges: readonly Edge[]): number[] {
  const distinct = (leaf: number, e: Expr) => (e.kind === "column" ? estimateDistinct(leaves[leaf]!, e.name) : undefined) ?? rows[leaf]!;
  const first = rows.reduce((best, n, i) => (n > rows[best]! ? i : best), 0);
  const order = [first];
  const placed = new Set(order);
  let current = rows[first]!;
  while (order.length < leaves.length) {
    let pick: { leaf: number; out: number } | undefined;
    for (let i = 0; i < leaves.length; i++) {
      if (placed.has(i)) continue;
      // Each key bounds the join's rows; the tightest one counts.
      const outs = edges.flatMap((e) => {
        const [mine, other, otherExpr, myExpr] = e.a === i ? [e.a, e.b, e.right, e.left] : [e.b, e.a, e.left, e.right];
        if (mine !== i || !placed.has(other)) return [];
        const keys = Math.max(Math.min(current, distinct(other, otherExpr)), distinct(i, myExpr), 1);
        return [(current * rows[i]!) / keys];
      });
      if (outs.length === 0) continue;
      const out = Math.min(...outs);
      if (!pick || out < pick.out || (out === pick.out && rows[i]! < rows[pick.leaf]!)) pick = { leaf: i, out };
    }
    // No input left is connected: a cross product with the smallest.
    if (!pick) {
      const rest = [...leaves.keys()].filter((i) => !placed.has(i));
      const leaf = rest.reduce((best, i) => (rows[i]! < rows[best]! ? i : best), rest[0]!);
      pick = { leaf, out: current * rows[leaf]! };
    }
    order.push(pick.leaf);
    placed.add(pick.leaf);
    current = pick.out;
  }
  return order;
}

/** Spark's ReorderJoin's order: from the first input, each next the first one an edge connects to those placed. */
function connectedOrder(leaves: readonly LogicalPlan[], edges: readonly Edge[]): number[] | undefined {
  if (edges.length === 0) return undefined;
  const connected = (placed: Set<number>, i: number) => edges.some((e) => (e.a === i && placed.has(e.b)) || (e.b === i && placed.has(e.a)));
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
  if (leaves.length < 3) return undefined;
  const owner = new Map<string, number>();
  leaves.forEach((l, i) => schemaOf(l).fields.forEach((f) => owner.set(f.name, i)));
  const reads = conditions.map((c) => new Set([...referencedColumns(c)].map((n) => owner.get(n)).filter((i): i is number => i !== undefined)));
  // Edges: equalities between an expression of one input and one of another (join keys).
  const side = (e: Expr) => new Set([...referencedColumns(e)].map((n) => owner.get(n)));
  const edges = conditions.flatMap((c): Edge[] => {
    if (c.kind !== "binary" || c.op !== "eq") return [];
    const [l, r] = [side(c.left), side(c.right)];
    const [a, b] = [[...l][0], [...r][0]];
    return l.size === 1 && r.size === 1 && a !== undefined && b !== undefined && a !== b ? [{ a, b, left: c.left, right: c.right }] : [];
  });
  const rows = leaves.map(estimateRows);
  const sized = rows.every((n): n is number => n !== undefined);
  if (!sized && countKeyless(root) === 0) return undefined;
  const order = sized ? sizedOrder(leaves, rows, edges) : connectedOrder(leaves, edges);
  if (!order) return undefined;
  // Already a left-deep chain in this order: nothing to do (and nothing to redo on the next pass).
  if (sized && order.every((leaf, i) => leaf === i) && isLeftDeep(root)) return undefined;
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
    // In one order whichever order the query wrote them in (the keys of a join by name).
    const now = conditions.filter((_, c) => !used.has(c) && reads[c]!.size > 1 && [...reads[c]!].every((i) => placed.has(i))).sort(byName);
    conditions.forEach((_, c) => now.includes(conditions[c]!) && used.add(c));
    const right = inputs[next]!;
    const names = (p: LogicalPlan) => new Set(schemaOf(p).fields.map((f) => f.name));
    const split = now.length ? splitJoinCondition(names(tree), names(right), conjunction(now)) : { leftKeys: [], rightKeys: [], rest: null };
    if (split.leftKeys.length === 0) keyless++;
    tree = { kind: "join", left: tree, right, how: "inner", leftKeys: split.leftKeys, rightKeys: split.rightKeys, condition: split.rest };
  }
  // Not better than what was written: keep it (and stop here on the next pass).
  if (!sized && keyless > 0 && keyless >= countKeyless(root)) return undefined;
  const left = conditions.filter((_, c) => !used.has(c));
  if (left.length) tree = { kind: "filter", input: tree, condition: conjunction(left) };
  return project(tree, schemaOf(root).fields.map((f) => column(f.name)));
}

const byName = (a: Expr, b: Expr) => sideNames(a).localeCompare(sideNames(b));
/** A condition's text with its two sides in one order (`a = b` and `b = a` alike). */
const sideNames = (e: Expr) => (e.kind === "binary" ? [exprName(e.left), exprName(e.right)].sort().join(` ${e.op} `) : exprName(e));

/** Whether no inner join of the tree has an inner join on its right. */
function isLeftDeep(plan: LogicalPlan): boolean {
  const join = joinBelow(plan);
  return !isInner(join) || (!isInner(joinBelow(join.right)) && isLeftDeep(join.left));
}

function countKeyless(tree: LogicalPlan): number {
  const plan = joinBelow(tree);
  if (!isInner(plan)) return 0;
  return (plan.leftKeys.length === 0 ? 1 : 0) + countKeyless(plan.left) + countKeyless(plan.right);
}

/** Top down: the largest tree of inner joins first, then what lies below its inputs. */
function visit(plan: LogicalPlan): LogicalPlan {
  const reordered = (plan.kind === "filter" || isInner(plan)) && isJoinTree(plan) ? reorder(plan) : undefined;
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
