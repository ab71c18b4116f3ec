/**
 * A parsed query (ast.ts) as DataFrame operations, the way Spark's analyzer places them: FROM
 * (joins; a comma list is a cross join, which the optimizer orders and keys by the WHERE's
 * equalities: optimizer/reorder-joins.ts), WHERE (its subqueries: subqueries.ts), GROUP BY
 * with its aggregates (HAVING and ORDER BY may use aggregates the select list lacks: they are
 * computed as hidden columns and dropped; window functions over them run after), the select
 * list, DISTINCT, ORDER BY (over the select list's names, its ordinals, or the input's
 * columns) and LIMIT; set operations by position; CTEs as views visible to the query that
 * follows them; VALUES as one-row selects unioned.
 */
import { alias, column, containsAggregate, containsWindow, exprName, literal, mapChildren, referencedColumns, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import type { SortOrder, UnresolvedPlan } from "../../shared/plan/logical.ts";
import { Column, SortOrderColumn } from "../api/column.ts";
import type { DataFrame } from "../api/dataframe.ts";
import type { Query, QueryBody, Relation, SelectCore, Subquery } from "./ast.ts";
import { SqlFunctionError } from "./functions.ts";
import { withScalars, withSubqueries, type Joined } from "./subqueries.ts";

export interface SqlScope {
  /** A view by name (CTEs first, then the session's temporary views). */
  table(name: string): DataFrame;
  /** One row and no columns (a SELECT without FROM). */
  oneRow(): DataFrame;
  /** The subqueries the query's expressions hold placeholders of. */
  readonly subqueries: ReadonlyMap<string, Subquery>;
  /** A DataFrame of a plan the builder makes itself (a subquery's join). */
  frame(plan: UnresolvedPlan): DataFrame;
  /** Relations the enclosing SELECT's hint broadcasts (lower case). */
  readonly broadcast?: ReadonlySet<string>;
}

export const unaliased = (e: Expr): Expr => (e.kind === "alias" ? e.expr : e);
const same = (a: Expr, b: Expr) => JSON.stringify(a) === JSON.stringify(b);
const sortColumn = (o: SortOrder) => new SortOrderColumn(o.expr, o.ascending, o.nullsFirst);

export function buildQuery(query: Query, outer: SqlScope): DataFrame {
  const views = new Map<string, DataFrame>();
  const scope: SqlScope = {
    table: (name) => views.get(name.toLowerCase()) ?? outer.table(name),
    oneRow: () => outer.oneRow(),
    subqueries: outer.subqueries,
    frame: (plan) => outer.frame(plan),
  };
  for (const cte of query.ctes) {
    const df = buildQuery(cte.query, scope);
    views.set(cte.name.toLowerCase(), cte.columns ? df.toDF(...cte.columns) : df);
  }
  let df = query.body.kind === "select" ? selectCore(query.body, scope, query.orderBy) : body(query.body, scope);
  if (query.body.kind !== "select" && query.orderBy.length) {
    // Over a set operation, ORDER BY reads its output: the first query's column names (or positions).
    const items = firstItems(query.body);
    df = df.orderBy(...query.orderBy.map((o) => sortColumn(byOrdinal(o, items))));
  }
  if (query.offset !== null) df = df.offset(query.offset);
  return query.limit === null ? df : df.limit(query.limit);
}

/** The select list that names a set operation's columns: its first query's. */
function firstItems(b: QueryBody): readonly Expr[] | null {
  if (b.kind === "select") return b.items;
  if (b.kind === "setOperation") return firstItems(b.left);
  return firstItems(b.query.body);
}

function body(b: QueryBody, scope: SqlScope): DataFrame {
  switch (b.kind) {
    case "select":
      return selectCore(b, scope, []);
    case "nested":
      return buildQuery(b.query, scope);
    case "setOperation": {
      const [l, r] = [body(b.left, scope), body(b.right, scope)];
      if (b.op === "union") return b.all ? l.union(r) : l.union(r).distinct();
      if (b.op === "intersect") return b.all ? l.intersectAll(r) : l.intersect(r);
      return b.all ? l.exceptAll(r) : l.subtract(r);
    }
  }
}

export function relation(r: Relation, scope: SqlScope): DataFrame {
  switch (r.kind) {
    case "table": {
      // A table's columns are qualified by its alias, else by its name (t.x), as in Spark.
      const qualifier = r.alias ?? r.name.split(".").at(-1)!;
      const table = scope.table(r.name);
      const df = (r.columns ? table.toDF(...r.columns) : table).alias(qualifier);
      // A BROADCAST(t) hint names the relation by its alias or its table name.
      return scope.broadcast?.has(qualifier.toLowerCase()) || scope.broadcast?.has(r.name.toLowerCase()) ? df.hint("broadcast") : df;
    }
    case "subquery": {
      const built = buildQuery(r.query, scope);
      const df = r.columns ? built.toDF(...r.columns) : built;
      return r.alias ? df.alias(r.alias) : df;
    }
    case "values": {
      // One row each, unioned by position (the union widens their types, as Spark's inline tables do).
      const width = r.rows[0]!.length;
      if (r.rows.some((row) => row.length !== width)) throw new SqlFunctionError(`[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Inline table expected ${width} columns but found ${r.rows.find((row) => row.length !== width)!.length} columns in a row: give every VALUES row the same number of values.`);
      const names = r.columns ?? r.rows[0]!.map((_, i) => `col${i + 1}`);
      if (names.length !== width) throw new SqlFunctionError(`[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Inline table expected ${names.length} columns but found ${width}: name one column per value.`);
      const df = r.rows.map((row) => scope.oneRow().select(...row.map((e, i) => new Column(alias(e, names[i]!))))).reduce((a, b) => a.union(b));
      return r.alias ? df.alias(r.alias) : df;
    }
    case "join": {
      const [l, rr] = [relation(r.left, scope), relation(r.right, scope)];
      if (r.using) return l.join(rr, [...r.using], r.how);
      if (r.on) return l.join(rr, new Column(r.on), r.how);
      if (r.how === "inner" || r.how === "cross") return l.crossJoin(rr);
      throw new SqlFunctionError(`A ${r.how} join needs ON or USING: add the join condition.`);
    }
  }
}

/** ORDER BY 2: the second select item's output (null items: left as written). */
function byOrdinal(o: SortOrder, items: readonly Expr[] | null): SortOrder {
  const e = o.expr;
  if (items && e.kind === "literal" && e.type === "int" && typeof e.value === "number") {
    const item = items[e.value - 1];
    if (!item) throw new SqlFunctionError(`[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position ${e.value} is not in select list (valid range is [1, ${items.length}]).`);
    return { ...o, expr: column(exprName(item)) };
  }
  return o;
}

/**
 * An expression over the select list's outputs where it can be: an item's alias or an
 * expression equal to an item's (sum(x) when the list has sum(x) AS total) reads that output.
 */
function overOutputs(e: Expr, items: readonly Expr[]): Expr {
  return transformExpr(e, (node) => {
    const item = items.find((i) => i.kind === "alias" && (same(i.expr, node) || (node.kind === "column" && node.name.toLowerCase() === i.name.toLowerCase())));
    if (item) return column(exprName(item));
    return undefined;
  });
}

function selectCore(original: SelectCore, scope: SqlScope, orderBy: readonly SortOrder[]): DataFrame {
  const hinted: SqlScope = original.broadcast.length ? { ...scope, broadcast: new Set([...(scope.broadcast ?? []), ...original.broadcast]) } : scope;
  let df = original.from.length ? original.from.map((r) => relation(r, hinted)).reduce((a, b) => a.crossJoin(b)) : scope.oneRow();
  const joined = withSubqueries(df, original, scope);
  df = joined.df;
  const core = joined.core;
  if (core.where) df = df.filter(new Column(core.where));
  if (joined.dropAfterWhere.length) df = df.drop(...joined.dropAfterWhere);
  const items = core.items;
  const orders = orderBy.map((o) => byOrdinal(o, items));
  const aggregating = core.groupBy !== null || core.having !== null || items.some(containsAggregate);
  if (aggregating) return aggregateCore(df, core, orders, scope);
  const names = items.map(exprName);
  const starred = items.some((i) => i.kind === "column" && (i.name === "*" || i.name.endsWith(".*")));
  const sorts = orders.map((o) => ({ ...o, expr: overOutputs(o.expr, items) }));
  // Columns the ORDER BY reads that the select list does not output: selected hidden, then dropped.
  const known = new Set(names.map((n) => n.toLowerCase()));
  const hidden = starred || core.distinct ? [] : [...new Set(sorts.flatMap((o) => [...referencedColumns(o.expr)]))].filter((n) => !known.has(n.toLowerCase()));
  df = df.select(...[...items, ...hidden.map(column)].map((e) => new Column(e)));
  // `*` beside a subquery's value would show the columns its join added.
  if (starred && joined.helpers.length) df = df.drop(...joined.helpers);
  if (core.distinct) df = df.distinct();
  if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
  return hidden.length ? df.select(...names.map((n) => new Column(column(n)))) : df;
}

function aggregateCore(input: DataFrame, core: SelectCore, orders: readonly SortOrder[], scope: SqlScope): DataFrame {
  const items = core.items;
  const sets = core.groupingSets;
  /** Per key: the select-list expression a GROUP BY name aliases, used when the input has no column of that name. */
  const aliasKeys: (Expr | null)[] = [];
  const keys = (core.groupBy ?? []).map((k, i) => {
    aliasKeys[i] = null;
    // GROUP BY 1: the first select item's expression.
    if (k.kind === "literal" && k.type === "int" && typeof k.value === "number") {
      const item = items[k.value - 1];
      if (!item) throw new SqlFunctionError(`[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position ${k.value} is not in select list (valid range is [1, ${items.length}]).`);
      return unaliased(item);
    }
    // GROUP BY parity where the list has `qty % 2 AS parity`: the alias's expression (spark.sql.groupByAliases),
    // unless the input has a column of that name, which Spark groups by instead: the analyzer decides
    // (the key gets a hidden name, so the alias's output and the column never clash), under
    // ROLLUP, CUBE and GROUPING SETS too.
    if (k.kind === "column" && !k.name.includes(".")) {
      const named = items.find((i) => i.kind === "alias" && i.name.toLowerCase() === k.name.toLowerCase());
      if (named?.kind === "alias" && !(named.expr.kind === "column" && named.expr.name.toLowerCase() === k.name.toLowerCase()) && !containsAggregate(named.expr)) {
        aliasKeys[i] = named.expr;
        return alias(k, `__sql_group_${i}`);
      }
    }
    return k;
  });
  // Names are case-insensitive (GROUP BY CATEGORY keys select Category).
  const isKey = (e: Expr) => keys.some((k) => same(k, e) || (k.kind === "column" && e.kind === "column" && k.name.toLowerCase() === e.name.toLowerCase()));
  // Aggregates HAVING or ORDER BY use that no select item computes: hidden outputs.
  const hidden: Expr[] = [];
  // grouping() and grouping_id() too, under ROLLUP, CUBE and GROUPING SETS: only their aggregation knows them.
  const grouping = (node: Expr) => sets !== null && node.kind === "call" && (node.fn === "grouping" || node.fn === "grouping_id");
  const hide = (node: Expr): Expr | undefined => {
    if (node.kind !== "agg" && !grouping(node)) return undefined;
    const item = items.find((i) => same(unaliased(i), node));
    if (item) return column(exprName(item));
    const name = `__sql_aggregate_${hidden.length}`;
    hidden.push(alias(node, name));
    return column(name);
  };
  const withHidden = (e: Expr): Expr => transformExpr(overOutputs(e, items), hide);
  // HAVING reads a GROUP BY name as its key (the input's column, or the alias's expression when
  // there is none), as Spark resolves HAVING against the grouping first; ORDER BY reads the output.
  const keyNames = new Map(keys.flatMap((k, i) => (aliasKeys[i] && k.kind === "alias" && k.expr.kind === "column" ? [[k.expr.name.toLowerCase(), k.name] as const] : [])));
  // Outside aggregates only: sum(qty) in HAVING sums the input's qty.
  const byKeys = (e: Expr): Expr => {
    if (e.kind === "agg") return e;
    if (e.kind === "column") return keyNames.has(e.name.toLowerCase()) ? column(keyNames.get(e.name.toLowerCase())!) : e;
    return mapChildren(e, byKeys);
  };
  const having = core.having ? withHidden(keyNames.size ? byKeys(core.having) : core.having) : null;
  const sorts = orders.map((o) => ({ ...o, expr: withHidden(o.expr) }));
  // Window functions run over the aggregate's rows (rank() OVER (ORDER BY sum(x))): their aggregates are hidden outputs.
  const windowed = new Map(items.filter(containsWindow).map((i) => [i, alias(overAggregates(unaliased(i), hide), exprName(i))] as const));
  // The aggregate outputs the keys itself; select items that are keys are read from there.
  const computed = items.filter((i) => !isKey(i) && !windowed.has(i));
  const aggregates = [...computed, ...hidden].map((e) => new Column(e));
  const keyColumns = keys.map((k) => new Column(k));
  const byAlias = aliasKeys.some((a) => a !== null);
  let df = sets
    ? byAlias
      ? scope.frame({ kind: "groupingSets", input: input.plan, keys, sets, aggregates: aggregates.map((a) => a.expr), keyAliases: aliasKeys })
      : input.groupingSets(sets.map((set) => set.map((i) => keyColumns[i]!)), ...keyColumns).agg(...aggregates)
    : byAlias
      ? scope.frame({ kind: "aggregate", input: input.plan, groupBy: keys, aggregates: aggregates.map((a) => a.expr), groupByAliases: aliasKeys })
      : keys.length
        ? input.groupBy(...keyColumns).agg(...aggregates)
        : input.agg(...aggregates);
  if (having) {
    // A scalar subquery in HAVING reads the aggregate's rows (TPC-H Q11).
    const subqueries = new Map<string, Joined>();
    const joined = withScalars(df, having, scope, subqueries);
    df = joined.df.filter(new Column(joined.expr));
    const added = [...subqueries.values()].flatMap((j) => j.columns);
    if (added.length) df = df.drop(...added);
  }
  const output = items.map((i) => new Column(windowed.get(i) ?? column(exprName(i))));
  if (windowed.size) {
    // The windows first (they reorder rows), then ORDER BY, which may read hidden aggregates.
    df = df.select(...output, ...hidden.map((h) => new Column(column(exprName(h)))));
    if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
    df = hidden.length ? df.select(...items.map((i) => new Column(column(exprName(i))))) : df;
  } else {
    if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
    df = df.select(...output);
  }
  return core.distinct ? df.distinct() : df;
}

const WINDOW_SLOT = "\u0000sql_window:";

/**
 * A select item of an aggregating query that holds window functions, over the aggregate's
 * output: every aggregate the query groups by (inside the window's arguments, PARTITION BY and
 * ORDER BY, or outside the window) becomes `hide`'s column; a windowed aggregate's own
 * function (the `sum` of `sum(sum(x)) OVER ()`) stays, over those columns.
 */
function overAggregates(e: Expr, hide: (node: Expr) => Expr | undefined): Expr {
  const windows: Extract<Expr, { kind: "window" }>[] = [];
  const slotted = transformExpr(e, (n) => (n.kind === "window" ? (windows.push(n), column(`${WINDOW_SLOT}${windows.length - 1}`)) : undefined));
  const lift = (x: Expr) => transformExpr(x, hide);
  const lifted = windows.map((w): Expr => ({
    ...w,
    args: w.args.map((a) => (w.fn === "aggregate" && a.kind === "agg" ? { ...a, arg: a.arg && lift(a.arg), ...(a.args ? { args: a.args.map(lift) } : {}) } : lift(a))),
    spec: w.spec && { ...w.spec, partitionBy: w.spec.partitionBy.map(lift), orderBy: w.spec.orderBy.map((o) => ({ ...o, expr: lift(o.expr) })) },
  }));
  return transformExpr(lift(slotted), (n) => (n.kind === "column" && n.name.startsWith(WINDOW_SLOT) ? lifted[Number(n.name.slice(WINDOW_SLOT.length))] : undefined));
}
