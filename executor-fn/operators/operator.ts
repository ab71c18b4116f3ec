/**
 * The shape of a stage operator: built once per task from its validated plan node and the
 * schema of its input, it knows its output schema and turns a stream of batches into another.
 * `OPERATORS` (index.ts) maps every StageOperator kind to its factory, exhaustively.
 */
import type { StageOperator } from "../../shared/plan/physical.ts";
import type { Schema } from "../../shared/plan/types.ts";
import type { Batch, BatchStream } from "../../shared/batch/batch.ts";
import type { CompileContext } from "../compile/expression.ts";
import type { MemoryContext } from "../stage/memory.ts";
import type { TaskFunctions } from "../stage/task-functions.ts";

export interface OperatorContext {
  readonly compile: CompileContext;
  readonly memory: MemoryContext;
  /** The batches of a broadcast shuffle this task reads whole. */
  readonly broadcast: (shuffleId: number) => Promise<readonly Batch[]>;
  /** The task's user functions (RDD operations, UDFs). */
  readonly functions: TaskFunctions;
  readonly partition: number;
  /** "partition 3 of stage 1", for messages. */
  readonly where: string;
}

export interface Operator {
  readonly outputSchema: Schema;
  open(input: BatchStream): BatchStream;
}

export type OperatorFactory<K extends StageOperator["kind"]> = (op: Extract<StageOperator, { kind: K }>, input: Schema, ctx: OperatorContext) => Operator;
