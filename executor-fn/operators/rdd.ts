/** RDD operations: user functions over a partition's elements (rows at the edge, by nature). */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { combineStream, mapPartitionsStream } from "../stage/rdd-operators.ts";
import type { OperatorFactory } from "./operator.ts";
import { rowOperator } from "./row-adapter.ts";

export const mapPartitions: OperatorFactory<"mapPartitions"> = (op, input, ctx) =>
  rowOperator(operatorOutputSchema(input, op), (rows) => mapPartitionsStream(op, rows, input, ctx));

export const combine: OperatorFactory<"combine"> = (op, input, ctx) => rowOperator(operatorOutputSchema(input, op), (rows) => combineStream(op, rows, ctx));
