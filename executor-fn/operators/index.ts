/**
 * Every stage operator kind and its factory: a kind without an entry fails to compile.
 * A stage's pipeline is its operators opened one over the other on the source's batches.
 */
import type { StageOperator } from "../../shared/plan/physical.ts";
import type { Schema } from "../../shared/plan/types.ts";
import type { BatchStream } from "../../shared/batch/batch.ts";
import { finalAggregate, partialAggregate } from "./aggregate.ts";
import { broadcastJoin } from "./broadcast-join.ts";
import { filter } from "./filter.ts";
import { generate } from "./generate.ts";
import { limit } from "./limit.ts";
import { offset } from "./offset.ts";
import type { Operator, OperatorContext, OperatorFactory } from "./operator.ts";
import { project } from "./project.ts";
import { combine, mapPartitions } from "./rdd.ts";
import { sort } from "./sort.ts";
import { window } from "./window.ts";

export type { OperatorContext } from "./operator.ts";

const OPERATORS: { [K in StageOperator["kind"]]: OperatorFactory<K> } = {
  filter,
  project,
  partialAggregate,
  finalAggregate,
  sort,
  broadcastJoin,
  mapPartitions,
  combine,
  limit,
  offset,
  window,
  generate,
};

export function makeOperator(op: StageOperator, input: Schema, ctx: OperatorContext): Operator {
  return (OPERATORS[op.kind] as OperatorFactory<StageOperator["kind"]>)(op as never, input, ctx);
}

/** The stage's operators over its source: the output stream and its schema. */
export function pipeline(operators: readonly StageOperator[], source: BatchStream, schema: Schema, ctx: OperatorContext): { batches: BatchStream; schema: Schema } {
  let batches = source;
  for (const op of operators) {
    const operator = makeOperator(op, schema, ctx);
    batches = operator.open(batches);
    schema = operator.outputSchema;
  }
  return { batches, schema };
}
