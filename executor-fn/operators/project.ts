/** Project: evaluates the expressions over each batch's live rows into dense vectors. */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { denseBatch } from "../../shared/batch/batch.ts";
import { compileVectorProjection } from "../compile/vector-expression.ts";
import type { OperatorFactory } from "./operator.ts";

export const project: OperatorFactory<"project"> = (op, input, ctx) => {
  const evaluate = compileVectorProjection(op.exprs, input, ctx.compile);
  return {
    outputSchema: operatorOutputSchema(input, op),
    async *open(batches) {
      for await (const batch of batches) {
        if (batch.count > 0) yield denseBatch(evaluate(batch), batch.count);
      }
    },
  };
};
