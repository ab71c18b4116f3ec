/**
 * A parsed SQL query, before its tables are looked up: what driver/sql/query-builder.ts turns
 * into DataFrame operations. Expressions are already the DataFrame API's nodes.
 */
import type { Expr } from "../../shared/plan/expr.ts";
import type { SortOrder } from "../../shared/plan/logical.ts";

export type Relation =
  | { readonly kind: "table"; readonly name: string; readonly alias: string | null; readonly columns: readonly string[] | null }
  | { readonly kind: "subquery"; readonly query: Query; readonly alias: string | null; readonly columns: readonly string[] | null }
  /** VALUES (1, 'a'), (2, 'b'): an inline table, its columns col1, col2... unless named. */
  | { readonly kind: "values"; readonly rows: readonly (readonly Expr[])[]; readonly alias: string | null; readonly columns: readonly string[] | null }
  | { readonly kind: "join"; readonly left: Relation; readonly right: Relation; readonly how: string; readonly on: Expr | null; readonly using: readonly string[] | null };

export interface SelectCore {
  readonly kind: "select";
  readonly distinct: boolean;
  /** Select-list items: expressions, aliased ones, `*` and `t.*` columns. */
  readonly items: readonly Expr[];
  /** FROM's relations (a comma list is a cross join of them); empty: one row with no columns. */
  readonly from: readonly Relation[];
  readonly where: Expr | null;
  /** GROUP BY expressions; a whole-number literal is an ordinal into the select list. */
  readonly groupBy: readonly Expr[] | null;
  /** ROLLUP, CUBE or GROUPING SETS: the sets of keys aggregated by (indexes into groupBy); null: plain GROUP BY. */
  readonly groupingSets: readonly (readonly number[])[] | null;
  readonly having: Expr | null;
  /** Relations a BROADCAST(t) hint comment after SELECT names (BROADCASTJOIN and MAPJOIN too), lower case. */
  readonly broadcast: readonly string[];
}

export type QueryBody = SelectCore | { readonly kind: "setOperation"; readonly op: "union" | "intersect" | "except"; readonly all: boolean; readonly left: QueryBody; readonly right: QueryBody } | { readonly kind: "nested"; readonly query: Query };

export interface Query {
  /** WITH name [(columns)] AS (query): columns rename the query's, in order. */
  readonly ctes: readonly { readonly name: string; readonly query: Query; readonly columns: readonly string[] | null }[];
  readonly body: QueryBody;
  readonly orderBy: readonly SortOrder[];
  readonly limit: number | null;
  /** OFFSET n: the rows after the first n, before LIMIT takes its rows (as in Spark). */
  readonly offset: number | null;
}

/** A subquery inside an expression; the expression holds a placeholder column named SUBQUERY_PREFIX + n. */
export type Subquery =
  | { readonly kind: "exists"; readonly query: Query }
  | { readonly kind: "in"; readonly query: Query; readonly value: Expr }
  | { readonly kind: "scalar"; readonly query: Query };

/** The placeholder's name: NUL first, so that no user column can be named so. */
export const SUBQUERY_PREFIX = "\u0000subquery:";
