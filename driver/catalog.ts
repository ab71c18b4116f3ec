/**
 * The session's temporary views (Spark's session catalog for temp views): names, case
 * insensitive as Spark's are by default, mapped to the plans of the DataFrames they stand for.
 * spark.sql() and spark.table() read them; a view is its DataFrame's plan, re-analyzed at each
 * use, so a view over files sees the files as they are when a query runs.
 */
import { UserError } from "../shared/errors.ts";
import type { UnresolvedPlan } from "../shared/plan/logical.ts";

export class CatalogError extends UserError {
  override readonly name = "AnalysisException";
}

export interface TableInfo {
  readonly name: string;
  readonly tableType: "TEMPORARY";
  readonly isTemporary: true;
}

export class Catalog {
  private readonly views = new Map<string, { name: string; plan: UnresolvedPlan }>();

  /** df.createTempView / createOrReplaceTempView. */
  createTempView(name: string, plan: UnresolvedPlan, replace: boolean): void {
    if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new CatalogError(`[INVALID_IDENTIFIER] The view name "${name}" is not a valid name: use letters, digits and underscores, starting with a letter or underscore.`);
    }
    const key = name.toLowerCase();
    if (!replace && this.views.has(key)) {
      throw new CatalogError(`[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view \`${name}\` because it already exists. Choose a different name, drop it with spark.catalog.dropTempView("${name}"), or use createOrReplaceTempView.`);
    }
    this.views.set(key, { name, plan });
  }

  /** Whether a view of that name was there to drop. */
  dropTempView(name: string): boolean {
    return this.views.delete(name.toLowerCase());
  }

  listTables(): TableInfo[] {
    return [...this.views.values()].map((v) => ({ name: v.name, tableType: "TEMPORARY" as const, isTemporary: true as const })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  tableExists(name: string): boolean {
    return this.views.has(name.toLowerCase());
  }

  /** The view's plan, or Spark's TABLE_OR_VIEW_NOT_FOUND naming the views there are. */
  lookup(name: string): UnresolvedPlan {
    const view = this.views.get(name.toLowerCase());
    if (view) return view.plan;
    const known = this.listTables().map((t) => t.name);
    throw new CatalogError(
      `[TABLE_OR_VIEW_NOT_FOUND] The table or view \`${name}\` cannot be found. ${known.length ? `Temporary views: ${known.join(", ")}.` : "There are no temporary views."} Register a DataFrame with df.createOrReplaceTempView("${name}").`,
    );
  }
}
