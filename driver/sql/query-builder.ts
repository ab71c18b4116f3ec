/**
 * A parsed query (ast.ts) as DataFrame operations, the way Spark's analyzer places them: FROM
 * (joins; a comma list is a cross join, whose WHERE equalities the optimizer turns into join
 * keys), WHERE, GROUP BY with its aggregates (HAVING and ORDER BY may use aggregates the select
 * list lacks: they are computed as hidden columns and dropped), the select list, DISTINCT,
 * ORDER BY (over the select list's names, its ordinals, or the input's columns) and LIMIT;
 * set operations by position; CTEs as views visible to the query that follows them.
 */
import { alias, column, containsAggregate, exprName, referencedColumns, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import type { SortOrder } from "../../shared/plan/logical.ts";
import { Column, SortOrderColumn } from "../api/column.ts";
import type { DataFrame } from "../api/dataframe.ts";
import type { Query, QueryBody, Relation, SelectCore } from "./ast.ts";
import { SqlFunctionError } from "./functions.ts";

export interface SqlScope {
  /** A view by name (CTEs first, then the session's temporary views). */
  table(name: string): DataFrame;
  /** One row and no columns (a SELECT without FROM). */
  oneRow(): DataFrame;
}

const unaliased = (e: Expr): Expr => (e.kind === "alias" ? e.expr : e);
const same = (a: Expr, b: Expr) => JSON.stringify(a) === JSON.stringify(b);
const sortColumn = (o: SortOrder) => new SortOrderColumn(o.expr, o.ascending, o.nullsFirst);

export function buildQuery(query: Query, outer: SqlScope): DataFrame {
  const views = new Map<string, DataFrame>();
  const scope: SqlScope = {
    table: (name) => views.get(name.toLowerCase()) ?? outer.table(name),
    oneRow: () => outer.oneRow(),
  };
  for (const cte of query.ctes) views.set(cte.name.toLowerCase(), buildQuery(cte.query, scope));
  let df = query.body.kind === "select" ? selectCore(query.body, scope, query.orderBy) : body(query.body, scope);
  if (query.body.kind !== "select" && query.orderBy.length) {
    // Over a set operation, ORDER BY reads its output: the first query's column names (or positions).
    const items = firstItems(query.body);
    df = df.orderBy(...query.orderBy.map((o) => sortColumn(byOrdinal(o, items))));
  }
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

function relation(r: Relation, scope: SqlScope): DataFrame {
  switch (r.kind) {
    case "table": {
      // A table's columns are qualified by its alias, else by its name (t.x), as in Spark.
      return scope.table(r.name).alias(r.alias ?? r.name.split(".").at(-1)!);
    }
    case "subquery": {
      const df = buildQuery(r.query, scope);
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

function selectCore(core: SelectCore, scope: SqlScope, orderBy: readonly SortOrder[]): DataFrame {
  let df = core.from.length ? core.from.map((r) => relation(r, scope)).reduce((a, b) => a.crossJoin(b)) : scope.oneRow();
  if (core.where) df = df.filter(new Column(core.where));
  const items = core.items;
  const orders = orderBy.map((o) => byOrdinal(o, items));
  const aggregating = core.groupBy !== null || core.having !== null || items.some(containsAggregate);
  if (aggregating) return aggregateCore(df, core, orders);
  const names = items.map(exprName);
  const starred = items.some((i) => i.kind === "column" && (i.name === "*" || i.name.endsWith(".*")));
  const sorts = orders.map((o) => ({ ...o, expr: overOutputs(o.expr, items) }));
  // Columns the ORDER BY reads that the select list does not output: selected hidden, then dropped.
  const known = new Set(names.map((n) => n.toLowerCase()));
  const hidden = starred || core.distinct ? [] : [...new Set(sorts.flatMap((o) => [...referencedColumns(o.expr)]))].filter((n) => !known.has(n.toLowerCase()));
  df = df.select(...[...items, ...hidden.map(column)].map((e) => new Column(e)));
  if (core.distinct) df = df.distinct();
  if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
  return hidden.length ? df.select(...names.map((n) => new Column(column(n)))) : df;
}

function aggregateCore(input: DataFrame, core: SelectCore, orders: readonly SortOrder[]): DataFrame {
  const items = core.items;
  const keys = (core.groupBy ?? []).map((k) => {
    // GROUP BY 1: the first select item's expression.
    if (k.kind === "literal" && k.type === "int" && typeof k.value === "number") {
      const item = items[k.value - 1];
      if (!item) throw new SqlFunctionError(`[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position ${k.value} is not in select list (valid range is [1, ${items.length}]).`);
      return unaliased(item);
    }
    return k;
  });
  // Names are case-insensitive (GROUP BY CATEGORY keys select Category).
  const isKey = (e: Expr) => keys.some((k) => same(k, e) || (k.kind === "column" && e.kind === "column" && k.name.toLowerCase() === e.name.toLowerCase()));
  // Aggregates HAVING or ORDER BY use that no select item computes: hidden outputs.
  const hidden: Expr[] = [];
  const withHidden = (e: Expr): Expr =>
    transformExpr(overOutputs(e, items), (node) => {
      if (node.kind !== "agg") return undefined;
      const item = items.find((i) => same(unaliased(i), node));
      if (item) return column(exprName(item));
      const name = `__sql_aggregate_${hidden.length}`;
      hidden.push(alias(node, name));
      return column(name);
    });
  const having = core.having ? withHidden(core.having) : null;
  const sorts = orders.map((o) => ({ ...o, expr: withHidden(o.expr) }));
  // The aggregate outputs the keys itself; select items that are keys are read from there.
  const computed = items.filter((i) => !isKey(i));
  const aggregates = [...computed, ...hidden].map((e) => new Column(e));
  let df = keys.length ? input.groupBy(...keys.map((k) => new Column(k))).agg(...aggregates) : input.agg(...aggregates);
  if (having) df = df.filter(new Column(having));
  if (sorts.length) df = df.orderBy(...sorts.map(sortColumn));
  df = df.select(...items.map((i) => new Column(column(exprName(i)))));
  return core.distinct ? df.distinct() : df;
}

