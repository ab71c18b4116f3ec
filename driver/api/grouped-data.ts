/** The result of groupBy(): aggregate it with agg() or the shortcuts. */
import type { Expr } from "../../shared/plan/expr.ts";
import type { Column } from "./column.ts";
import type { DataFrame } from "./dataframe.ts";
import { avg, count, max, min, sum } from "./functions.ts";

export class GroupedData {
  constructor(
    private readonly keys: readonly Expr[],
    private readonly build: (groupBy: readonly Expr[], aggregates: readonly Expr[]) => DataFrame,
  ) {}

  /**
   * One row per group: the groupBy keys, then each column given. A column may be an aggregate
   * (`sum("a")`) or an expression over aggregates, groupBy keys and literals
   * (`sum("a").divide(sum("b"))`, `round(avg("x"), 2)`, `col("k").plus(sum("x"))`), named as
   * Spark names it; each distinct aggregate is computed once. A column read outside every
   * aggregate must be a groupBy key.
   */
  agg(...aggregates: Column[]): DataFrame {
    if (aggregates.length === 0) throw new Error("agg() needs at least one aggregate, e.g. sum(\"amount\").");
    return this.build(this.keys, aggregates.map((a) => a.expr));
  }

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
