/** Two-phase hash aggregation: partial states per group on the map side, merged and finished on the reduce side. */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { finalAggregateStream, partialAggregateStream } from "../stage/aggregate.ts";
import type { OperatorFactory } from "./operator.ts";
import { rowOperator } from "./row-adapter.ts";

export const partialAggregate: OperatorFactory<"partialAggregate"> = (op, input, ctx) =>
  rowOperator(operatorOutputSchema(input, op), (rows) => partialAggregateStream(rows, input, op.groupBy, op.aggregates, ctx.compile, ctx.memory));

export const finalAggregate: OperatorFactory<"finalAggregate"> = (op, input, ctx) =>
  rowOperator(operatorOutputSchema(input, op), (rows) => finalAggregateStream(rows, op.keys.length, op.aggregates, ctx.memory));
