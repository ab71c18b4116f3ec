/** Filter: narrows each batch's selection to the rows where the condition is true; copies nothing. */
import { compileVectorFilter } from "../compile/vector-expression.ts";
import type { OperatorFactory } from "./operator.ts";

export const filter: OperatorFactory<"filter"> = (op, input, ctx) => {
  const keep = compileVectorFilter(op.condition, input, ctx.compile);
  return {
    outputSchema: input,
    async *open(batches) {
      for await (const batch of batches) {
        if (batch.count === 0) continue;
        const out = keep(batch);
        if (out.count > 0) yield out;
      }
    },
  };
};
