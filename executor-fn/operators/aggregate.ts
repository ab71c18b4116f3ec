/** Two-phase hash aggregation: partial states per group on the map side, merged and finished on the reduce side. */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { finalAggregateStream, partialAggregateStream } from "./aggregate/hash-aggregate.ts";
import type { OperatorFactory } from "./operator.ts";

export const partialAggregate: OperatorFactory<"partialAggregate"> = (op, input, ctx) => ({
  outputSchema: operatorOutputSchema(input, op),
  open: (batches) => partialAggregateStream(batches, input, op.groupBy, op.aggregates, ctx.compile, ctx.memory),
});

export const finalAggregate: OperatorFactory<"finalAggregate"> = (op, input, ctx) => ({
  outputSchema: operatorOutputSchema(input, op),
  open: (batches) => finalAggregateStream(batches, input, op.keys.length, op.aggregates, ctx.memory),
});
