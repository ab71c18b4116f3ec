/** Sort: the whole partition in the orders' sequence. */
import { compareSortKeys } from "../../shared/plan/semantics.ts";
import type { Row } from "../../shared/plan/types.ts";
import { compileExpr } from "../compile/expression.ts";
import type { OperatorFactory } from "./operator.ts";
import { rowOperator } from "./row-adapter.ts";

export const sort: OperatorFactory<"sort"> = (op, input, ctx) => {
  const keys = op.orders.map((o) => compileExpr(o.expr, input, ctx.compile));
  return rowOperator(input, async function* (rows) {
    const decorated: { row: Row; keys: Row }[] = [];
    for await (const batch of rows) for (const row of batch) decorated.push({ row, keys: keys.map((k) => k(row)) });
    decorated.sort((a, b) => compareSortKeys(a.keys, b.keys, op.orders));
    if (decorated.length > 0) yield decorated.map((d) => d.row);
  });
};
