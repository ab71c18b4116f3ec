/**
 * What the grammar's actions need while one text parses: the session's UDFs, the subqueries
 * met (their placeholders stand in expressions), and the errors they raise.
 */
import type { IToken } from "chevrotain";
import { column, exprName, transformExpr, type Expr, type WindowSpec } from "../../shared/plan/expr.ts";
import { UserError } from "../../shared/errors.ts";
import { SUBQUERY_PREFIX, type Subquery } from "./ast.ts";

/** SQL text that does not parse: Spark's PARSE_SYNTAX_ERROR, with where and what was expected. */
export class SqlParseError extends UserError {
  override readonly name = "ParseException";
}

/** Functions the session adds to SQL's (registered UDFs). */
export type UserFunctions = (name: string, args: readonly Expr[]) => Expr | undefined;

interface ParseState {
  functions: UserFunctions | undefined;
  /** Absent: subqueries are not allowed (expr(), string filters). */
  subqueries: Map<string, Subquery> | undefined;
}

const state: ParseState = { functions: undefined, subqueries: undefined };

/** Runs one parse with these UDFs and, if given, a map that collects its subqueries. */
export function withParseState<T>(functions: UserFunctions | undefined, subqueries: Map<string, Subquery> | undefined, parse: () => T): T {
  state.functions = functions;
  state.subqueries = subqueries;
  try {
    return parse();
  } finally {
    state.functions = undefined;
    state.subqueries = undefined;
  }
}

export const userFunctions = (): UserFunctions | undefined => state.functions;

/** A placeholder column for a subquery inside an expression (driver/sql/query-builder.ts joins it). */
export function subqueryPlaceholder(subquery: Subquery): Expr {
  const found = state.subqueries;
  if (!found) throw new SqlParseError("Subqueries (IN (SELECT ...), EXISTS, (SELECT ...)) are supported in spark.sql text, not in expr() or a string filter: write the query with spark.sql.");
  const name = `${SUBQUERY_PREFIX}${found.size}`;
  found.set(name, subquery);
  return column(name);
}

/** f(...) OVER (...): a window function or an aggregate over the window, as Column.over builds it. */
export function overWindow(called: Expr, spec: WindowSpec, at: IToken): Expr {
  if (called.kind === "window") return { ...called, spec };
  if (called.kind === "agg") return { kind: "window", fn: "aggregate", args: [called], spec };
  throw new SqlParseError(`${exprName(called)} OVER (...) at line ${at.startLine}: only window functions (row_number, rank, lag, ...) and aggregates take OVER.`);
}

export function unsupported(token: IToken, what: string, instead: string): SqlParseError {
  return new SqlParseError(`${what} is not supported yet (at line ${token.startLine}, position ${(token.startColumn ?? 1) - 1}); ${instead}.`);
}

/** OVER w: a spec whose PARTITION BY holds only this marker until the WINDOW clause's spec replaces it. */
const WINDOW_REFERENCE = "\u0000window:";

export function namedWindowReference(name: string): WindowSpec {
  return { partitionBy: [column(`${WINDOW_REFERENCE}${name}`)], orderBy: [], frame: null };
}

/** The select's expressions with OVER w replaced by the spec its WINDOW clause gives w. */
export function withNamedWindows(e: Expr, windows: ReadonlyMap<string, WindowSpec>, at: IToken | undefined): Expr {
  return transformExpr(e, (node) => {
    if (node.kind !== "window" || !node.spec) return undefined;
    const first = node.spec.partitionBy[0];
    if (first?.kind !== "column" || !first.name.startsWith(WINDOW_REFERENCE)) return undefined;
    const name = first.name.slice(WINDOW_REFERENCE.length);
    const spec = windows.get(name.toLowerCase());
    if (!spec) {
      const where = at ? ` (the WINDOW clause is at line ${at.startLine})` : "";
      throw new SqlParseError(`[MISSING_WINDOW_SPECIFICATION] Window specification ${name} is not defined in the WINDOW clause${where}: add \`WINDOW ${name} AS (PARTITION BY ... ORDER BY ...)\` after HAVING.`);
    }
    return { ...node, spec };
  });
}
