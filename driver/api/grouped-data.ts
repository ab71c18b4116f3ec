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
