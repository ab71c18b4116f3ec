/** The result of groupBy(): aggregate it with agg() or the shortcuts. */
import type { Expr } from "../../shared/plan/expr.ts";
import type { Column } from "./column.ts";
import type { DataFrame } from "./dataframe.ts";
import { asColumn, avg, count, max, min, sum, type ColumnOrName } from "./functions.ts";
import type { Scalar } from "../../shared/plan/types.ts";

/** The shortcuts of groupBy() and pivot(): count(), sum(...), avg(...), min(...), max(...). */
abstract class Aggregations {
  abstract agg(...aggregates: Column[]): DataFrame;

  /** Rows per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(count("*").alias("count"));
  }

  sum(...cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => sum(c)));
  }

  avg(...cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => avg(c)));
  }

  mean(...cols: string[]): DataFrame {
    return this.avg(...cols);
  }

  min(...cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => min(c)));
  }

  max(...cols: string[]): DataFrame {
    return this.agg(...cols.map((c) => max(c)));
  }
}

export class GroupedData extends Aggregations {
  constructor(
    private readonly keys: readonly Expr[],
    private readonly build: (groupBy: readonly Expr[], aggregates: readonly Expr[]) => DataFrame,
    private readonly pivotOf?: (pivot: Expr, values: readonly Scalar[] | null, aggregates: readonly Expr[]) => DataFrame,
  ) {
    super();
  }

  /**
   * One row per group: the groupBy keys, then each column given. A column may be an aggregate
   * (`sum("a")`) or an expression over aggregates, groupBy keys and literals
   * (`sum("a").divide(sum("b"))`, `round(avg("x"), 2)`, `col("k").plus(sum("x"))`), named as
   * Spark names it; each distinct aggregate is computed once. A column read outside every
   * aggregate must be a groupBy key.
   */
  override agg(...aggregates: Column[]): DataFrame {
    if (aggregates.length === 0) throw new Error("agg() needs at least one aggregate, e.g. sum(\"amount\").");
    return this.build(this.keys, aggregates.map((a) => a.expr));
  }

  /**
   * One column per value of `pivotColumn` (and per aggregate): `groupBy("year").pivot("month",
   * [1, 2, 3]).agg(sum("sales"))`. Without values, its distinct values are found first (a query
   * of their own, as Spark's pivot() runs), sorted.
   */
  pivot(pivotColumn: ColumnOrName, values?: readonly Scalar[]): PivotedData {
    if (!this.pivotOf) throw new Error("pivot() follows groupBy(), not rollup(), cube() or groupingSets().");
    return new PivotedData((aggregates) => this.pivotOf!(asColumn(pivotColumn).expr, values ?? null, aggregates));
  }
}

/** groupBy(...).pivot(...): aggregate it with agg() or the shortcuts. */
export class PivotedData extends Aggregations {
  constructor(private readonly build: (aggregates: readonly Expr[]) => DataFrame) {
    super();
  }

  override agg(...aggregates: Column[]): DataFrame {
    if (aggregates.length === 0) throw new Error("pivot().agg() needs at least one aggregate, e.g. sum(\"amount\").");
    return this.build(aggregates.map((a) => a.expr));
  }
}
