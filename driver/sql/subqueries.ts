/**
 * The subqueries of a select core (driver/sql/ast.ts placeholders), as Spark's optimizer
 * rewrites them into joins: WHERE conjuncts EXISTS / NOT EXISTS / IN / NOT IN become semi and
 * anti joins; scalar subqueries (through the analyzer's scalarSubquery node when they are
 * aggregates, correlated or not), and EXISTS / IN under OR or in the select list, become
 * columns of joins that the rewritten expressions read.
 */
import { alias, binary, call, conjunction, column, conjuncts, containsAggregate, exprName, literal, referencedColumns, transformExpr, type Expr } from "../../shared/plan/expr.ts";
import { Column } from "../api/column.ts";
import { AnalysisError } from "../../shared/plan/resolve.ts";
import type { DataFrame } from "../api/dataframe.ts";
import { SUBQUERY_PREFIX, type Query, type SelectCore } from "./ast.ts";
import { buildQuery, relation, unaliased, type SqlScope } from "./query-builder.ts";

/** A semi or anti join for a subquery: the condition reads the subquery's columns before the outer query's. */
function subqueryJoin(scope: SqlScope, outer: DataFrame, inner: DataFrame, condition: Expr, how: string): DataFrame {
  return scope.frame({ kind: "unresolvedJoin", left: outer.plan, right: inner.plan, how, on: condition, innerFirst: true });
}


const isPlaceholder = (e: Expr): e is Extract<Expr, { kind: "column" }> => e.kind === "column" && e.name.startsWith(SUBQUERY_PREFIX);
export const holdsPlaceholder = (e: Expr): boolean => [...referencedColumns(e)].some((n) => n.startsWith(SUBQUERY_PREFIX));

/** A query with a WITH, ORDER BY, LIMIT or OFFSET of its own: built whole, never taken apart into a join. */
const organized = (q: Query) => q.ctes.length > 0 || q.orderBy.length > 0 || q.limit !== null || q.offset !== null;

/** A subquery that is a plain SELECT ... FROM ... [WHERE ...]: its WHERE can become a join condition (correlated or not). */
function plainSelect(q: Query): SelectCore | null {
  const b = q.body;
  if (organized(q) || b.kind !== "select") return null;
  if (b.distinct || b.groupBy !== null || b.having !== null || b.items.some(containsAggregate) || b.from.length === 0) return null;
  return b;
}

/**
 * A plain subquery's rows and the WHERE left to join them on: its FROM, through the subqueries
 * of its own WHERE (a nested EXISTS or IN, joined to the FROM as this module joins any), and
 * the rest of its WHERE, which may read the outer query's columns (a correlated subquery).
 */
function plainRows(plain: SelectCore, scope: SqlScope): { readonly rows: DataFrame; readonly where: Expr | null } {
  const from = plain.from.map((r) => relation(r, scope)).reduce((a, b) => a.crossJoin(b));
  const parts = plain.where ? conjuncts(plain.where) : [];
  const nested = parts.filter(holdsPlaceholder);
  const rest = parts.filter((c) => !holdsPlaceholder(c));
  const where = rest.length ? conjunction(rest) : null;
  if (!nested.length) return { rows: from, where };
  const own = withSubqueries(from, { ...plain, where: conjunction(nested), items: [column("*")], groupBy: null }, scope);
  const rows = own.core.where ? own.df.filter(new Column(own.core.where)).drop(...own.dropAfterWhere) : own.df;
  return { rows, where };
}

let hiddenSubqueries = 0;

/** The values a row value `(x, y)` IN compares (the parser's struct of them), or the one value x. */
const rowValues = (value: Expr): readonly Expr[] => (value.kind === "call" && value.fn === "struct" && value.args.length > 1 ? value.args : [value]);

/** Spark's refusal of an IN whose values and subquery columns differ in number. */
function lengthMismatch(values: readonly Expr[], columns: readonly Expr[]): AnalysisError {
  const list = (es: readonly Expr[]) => `(length: ${es.length}): [${es.map(exprName).join(", ")}]`;
  return new AnalysisError(
    `[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH] The number of columns in the left hand side of an IN subquery does not match the number of columns in the output of subquery. Left hand side columns${list(values)}, right hand side columns${list(columns)}.`,
  );
}

/**
 * The subqueries of a select core, as Spark's optimizer rewrites them: a WHERE conjunct
 * EXISTS (q) / NOT EXISTS (q) is a semi / anti join with q's FROM on q's WHERE (which may read
 * the outer query's columns: a correlated subquery), x IN (q) a semi join on x = q's column
 * (and q's WHERE), x NOT IN (q) an anti join that also drops x when the comparison is null
 * (NOT IN's null semantics); an uncorrelated scalar subquery, anywhere, is joined as its one
 * row's value. What is left is the core with placeholders replaced.
 */
export function withSubqueries(input: DataFrame, core: SelectCore, scope: SqlScope): { df: DataFrame; core: SelectCore; dropAfterWhere: readonly string[]; helpers: readonly string[] } {
  const all = [core.where, ...core.items, ...(core.groupBy ?? [])].filter((e): e is Expr => e !== null);
  if (!all.some(holdsPlaceholder)) return { df: input, core, dropAfterWhere: [], helpers: [] };
  const whereParts = core.where ? conjuncts(core.where) : [];
  // The WHERE's plain conjuncts filter first: the equalities of a comma join must meet its
  // cross join (optimizer/reorder-joins.ts) before a subquery's join stands between them.
  const plainParts = whereParts.filter((c) => !holdsPlaceholder(c));
  let df = plainParts.length ? input.filter(new Column(conjunction(plainParts))) : input;
  const kept: Expr[] = [];
  for (const c of whereParts.filter(holdsPlaceholder)) {
    const negated = c.kind === "unary" && c.op === "not";
    const inner = negated ? c.expr : c;
    const sub = isPlaceholder(inner) ? scope.subqueries.get(inner.name) : undefined;
    if (!sub || sub.kind === "scalar") {
      kept.push(c);
      continue;
    }
    const plain = plainSelect(sub.query);
    const how = negated ? "left_anti" : "left_semi";
    if (sub.kind === "exists") {
      if (plain) {
        const { rows, where } = plainRows(plain, scope);
        df = subqueryJoin(scope, df, rows, where ?? literal(true), how);
      } else df = subqueryJoin(scope, df, buildQuery(sub.query, scope), literal(true), how);
      continue;
    }
    // x [NOT] IN (SELECT c ...), or a row value (x, y) IN (SELECT c, d ...): each outer value
    // (the outer query's) and each column of the subquery under names of their own, compared.
    const n = hiddenSubqueries++;
    const values = rowValues(sub.value);
    const named = (prefix: string) => values.map((_, i) => `${prefix}${n}${i ? `_${i}` : ""}`);
    const [outerValues, innerValues] = [named("__sql_in_outer_"), named("__sql_in_inner_")];
    const items = plain?.items.map(unaliased) ?? [];
    const star = items.some((i) => i.kind === "column" && i.name.endsWith("*"));
    if (plain && !star && items.length !== values.length) throw lengthMismatch(values, items);
    const single = plain && !star ? plainRows(plain, scope) : null;
    const subquery = single
      ? single.rows.select(new Column(column("*")), ...items.map((item, i) => new Column(alias(item, innerValues[i]!))))
      : buildQuery(sub.query, scope).toDF(...innerValues);
    // NOT IN: a row goes when any comparison is true or null (a null-aware anti join), column by column as Spark's rewrite.
    const tests = outerValues.map((o, i) => {
      const matches = binary("eq", column(o), column(innerValues[i]!));
      return negated ? call("coalesce", [matches, literal(true)]) : matches;
    });
    const withValue = df.select(new Column(column("*")), ...values.map((v, i) => new Column(alias(v, outerValues[i]!))));
    df = subqueryJoin(scope, withValue, subquery, conjunction(single?.where ? [...tests, single.where] : tests), how).drop(...outerValues);
  }
  // Scalar subqueries, and EXISTS / IN under OR or in the select list: each joined as columns of its own.
  const scalars = new Map<string, Joined>();
  const replace = (e: Expr): Expr => {
    const joined = withScalars(df, e, scope, scalars);
    df = joined.df;
    return joined.expr;
  };
  const where = kept.length ? conjunction(kept.map(replace)) : null;
  const whereOnly = [...scalars.values()].flatMap((j) => j.columns);
  const rest = {
    ...core,
    where,
    // HAVING's subqueries are joined to the aggregate's rows (aggregateCore).
    having: core.having,
    items: core.items.map((i) => (holdsPlaceholder(i) ? (i.kind === "alias" ? alias(replace(i.expr), i.name) : alias(replace(i), exprName(i))) : i)),
    groupBy: core.groupBy ? core.groupBy.map(replace) : null,
  };
  // A scalar only the WHERE reads goes once the WHERE has run, so that * does not show it.
  const read = new Set([...rest.items, ...(rest.groupBy ?? [])].flatMap((e) => [...referencedColumns(e)]));
  const helpers = [...scalars.values()].flatMap((j) => j.columns);
  return { df, core: rest, dropAfterWhere: whereOnly.filter((n) => !read.has(n)), helpers: helpers.filter((n) => read.has(n)) };
}

const SCALAR_PREFIX = "__sql_scalar_";
const NEGATED = ":not";

/** An aggregate-only subquery (`SELECT avg(y) FROM ... [WHERE ...]`): correlated or not, it becomes a join the analyzer builds. */
function aggregateScalar(q: Query): (SelectCore & { readonly items: readonly [Expr] }) | null {
  const b = q.body;
  if (organized(q) || b.kind !== "select") return null;
  if (b.distinct || b.groupBy !== null || b.having !== null || b.from.length === 0 || b.items.length !== 1 || !containsAggregate(b.items[0]!)) return null;
  if (b.where && holdsPlaceholder(b.where)) return null;
  return b as SelectCore & { readonly items: readonly [Expr] };
}

/**
 * The scalar subqueries `e` holds, each joined to `df` as a column (`joined` maps a
 * placeholder to its column, so one subquery read twice joins once): an aggregate subquery
 * through the analyzer's scalarSubquery node (correlated by its WHERE's equalities, or not),
 * any other (uncorrelated) one as its one row beside every row.
 */
export function withScalars(input: DataFrame, e: Expr, scope: SqlScope, joined: Map<string, Joined>): { df: DataFrame; expr: Expr } {
  let df = input;
  // NOT (x IN (SELECT ...)) is its own existence test in Spark (inValue): mark it before the placeholders go.
  const marked = transformExpr(e, (node) =>
    node.kind === "unary" && node.op === "not" && isPlaceholder(node.expr) && scope.subqueries.get(node.expr.name)?.kind === "in" ? column(`${node.expr.name}${NEGATED}`) : undefined,
  );
  const expr = transformExpr(marked, (node) => {
    if (node.kind !== "column" || !node.name.startsWith(SUBQUERY_PREFIX)) return undefined;
    const negated = node.name.endsWith(NEGATED);
    const sub = scope.subqueries.get(negated ? node.name.slice(0, -NEGATED.length) : node.name)!;
    let done = joined.get(node.name);
    if (!done) {
      const built = sub.kind === "scalar" ? scalarColumn(df, sub.query, scope) : sub.kind === "exists" ? existsValue(df, sub.query, scope) : inValue(df, sub.value, sub.query, scope, negated);
      df = built.df;
      done = { expr: built.expr, columns: built.columns };
      joined.set(node.name, done);
    }
    return done.expr;
  });
  return { df, expr };
}

/** A subquery's value as an expression over the columns its join added. */
export interface Joined {
  readonly expr: Expr;
  readonly columns: readonly string[];
}

function scalarColumn(input: DataFrame, query: Query, scope: SqlScope): { df: DataFrame } & Joined {
  const name = `${SCALAR_PREFIX}${hiddenSubqueries++}`;
  const agg = aggregateScalar(query);
  if (agg) {
    const from = agg.from.map((r) => relation(r, scope)).reduce((a, b) => a.crossJoin(b));
    return { df: scope.frame({ kind: "scalarSubquery", outer: input.plan, inner: from.plan, where: agg.where, value: unaliased(agg.items[0]), name }), expr: column(name), columns: [name] };
  }
  // Its one row beside every row: the subquery's value and row count as one row (null over no
  // rows), and more than one row fails the query when the value is read, as Spark's check.
  const rows = `${name}_rows`;
  const value = buildQuery(query, scope).toDF(name).agg(new Column(alias({ kind: "agg", fn: "first", arg: column(name) }, name)), new Column(alias({ kind: "agg", fn: "count", arg: null }, rows)));
  const tooMany = call("raise_error", [literal("More than one row returned by a subquery used as an expression. SQLSTATE: 21000"), literal("SCALAR_SUBQUERY_TOO_MANY_ROWS")]);
  const checked: Expr = { kind: "caseWhen", branches: [{ when: binary("gt", column(rows), literal(1)), then: tooMany }], otherwise: column(name) };
  return { df: input.crossJoin(value), expr: checked, columns: [name, rows] };
}

/**
 * EXISTS (q) as a value (under OR, in the select list): whether q has a row for this row,
 * counted as Spark counts it, through the scalar-subquery join (correlated by q's WHERE's
 * equalities, 0 where none match).
 */
function existsValue(input: DataFrame, query: Query, scope: SqlScope): { df: DataFrame } & Joined {
  const name = `${SCALAR_PREFIX}${hiddenSubqueries++}`;
  const plain = plainSelect(query);
  const own = plain && plainRows(plain, scope);
  const rows: Expr = { kind: "agg", fn: "count", arg: null };
  const df = own
    ? scope.frame({ kind: "scalarSubquery", outer: input.plan, inner: own.rows.plan, where: own.where, value: rows, name })
    : input.crossJoin(buildQuery(query, scope).agg(new Column(alias(rows, name))));
  return { df, expr: binary("gt", column(name), literal(0)), columns: [name] };
}

/**
 * x IN (SELECT c ...) as a value (uncorrelated), as Spark 4 computes it outside a filter (an
 * existence join): true where some c equals x, else false, never null. x NOT IN (...): false
 * where some c equals x, or where a comparison is null (x is null, or some c is) and the
 * subquery has rows; else true.
 */
function inValue(input: DataFrame, value: Expr, query: Query, scope: SqlScope, negated: boolean): { df: DataFrame } & Joined {
  const n = hiddenSubqueries++;
  const [v, matched, rows, nulls] = [`__sql_in_value_${n}`, `__sql_in_matched_${n}`, `__sql_in_rows_${n}`, `__sql_in_nulls_${n}`];
  // A row value (x, y) IN (SELECT c, d ...): true where some row equals it at every place.
  const outer = rowValues(value);
  const names = outer.map((_, i) => `${v}${i ? `_${i}` : ""}`);
  const inner = buildQuery(query, scope).toDF(...names);
  if (negated && outer.length > 1) {
    // NOT IN with a row value: true where no row's comparison is true or null, each row's null
    // its own (Spark's existence join on `cond OR isnull(cond)`): a count of those rows, 0 or not,
    // through the scalar subquery's join on the outer values' domain.
    const unknownOrEqual = conjunction(outer.map((x, i) => call("coalesce", [binary("eq", column(names[i]!), x), literal(true)])));
    const count = `${SCALAR_PREFIX}${n}`;
    const df = scope.frame({ kind: "scalarSubquery", outer: input.plan, inner: inner.plan, where: unknownOrEqual, value: { kind: "agg", fn: "count", arg: null }, name: count });
    return { df, expr: binary("eq", column(count), literal(0)), columns: [count] };
  }
  const values = inner.distinct().select(...names.map((name) => new Column(column(name))), new Column(alias(literal(true), matched)));
  const joined = input.join(values, new Column(conjunction(outer.map((x, i) => binary("eq", x, column(names[i]!))))), "left");
  const found: Expr = { kind: "unary", op: "isNotNull", expr: column(matched) };
  if (!negated) return { df: joined, expr: found, columns: [...names, matched] };
  const stats = inner.agg(new Column(alias({ kind: "agg", fn: "count", arg: null }, rows)), new Column(alias({ kind: "agg", fn: "count_if", arg: { kind: "unary", op: "isNull", expr: column(v) } }, nulls)));
  const unknown = binary("and", binary("gt", column(rows), literal(0)), binary("or", { kind: "unary", op: "isNull", expr: value }, binary("gt", column(nulls), literal(0))));
  return { df: joined.crossJoin(stats), expr: { kind: "unary", op: "not", expr: binary("or", found, unknown) }, columns: [v, matched, rows, nulls] };
}
