/**
 * Runs a job's stage graph: stages in dependency order, each as one task per partition.
 * A stage that reads a shuffle gets, for each reduce partition, the byte ranges of that
 * partition in every map task's output (empty ranges left out).
 */
import type { PartitionInput, ShuffleBlockRef } from "../../shared/plan/physical.ts";
import type { Row } from "../../shared/plan/types.ts";
import { TASK_PROTOCOL_VERSION, type StageTask, type TaskSuccess } from "../../shared/task.ts";
import type { TaskInvoker } from "../invoker/task-invoker.ts";
import type { StageGraph } from "../planner/physical-planner.ts";
import { runTasks } from "./run-tasks.ts";

export interface JobContext {
  readonly appId: string;
  /** Base URI of the app's scratch space (shuffle output). */
  readonly scratch: string;
  readonly invoker: TaskInvoker;
  readonly maxConcurrency: number;
  readonly maxFailures: number;
  /** Called with every finished stage's task results (metrics, event log). */
  readonly onStageCompleted?: (stageId: number, results: readonly TaskSuccess[]) => void;
}

/** The non-empty blocks of reduce partition `r` across all map outputs of a stage. */
function blocksOf(mapResults: readonly TaskSuccess[], r: number): ShuffleBlockRef[] {
  return mapResults.flatMap((m) => {
    if (m.output.kind !== "shuffle") throw new Error(`internal: stage ${m.stageId} wrote no shuffle output`);
    const block = m.output.blocks[r];
    return block && block.rows > 0 ? [{ uri: m.output.uri, ...block }] : [];
  });
}

export function reducerInputs(mapResults: readonly TaskSuccess[], numPartitions: number): PartitionInput[] {
  return Array.from({ length: numPartitions }, (_, r) => ({ kind: "shuffle" as const, blocks: blocksOf(mapResults, r) }));
}

function joinInputs(left: readonly TaskSuccess[], right: readonly TaskSuccess[], numPartitions: number): PartitionInput[] {
  return Array.from({ length: numPartitions }, (_, r) => ({ kind: "join" as const, left: blocksOf(left, r), right: blocksOf(right, r) }));
}

function stageInputs(stage: StageGraph["stages"][number], finished: ReadonlyMap<number, TaskSuccess[]>): readonly PartitionInput[] {
  switch (stage.inputs.kind) {
    case "direct":
      return stage.inputs.partitions;
    case "shuffle":
      return reducerInputs(finished.get(stage.inputs.parentStageId)!, stage.numPartitions);
    case "join":
      return joinInputs(finished.get(stage.inputs.leftStageId)!, finished.get(stage.inputs.rightStageId)!, stage.numPartitions);
  }
}

export async function runJob(graph: StageGraph, context: JobContext): Promise<Row[]> {
  const finished = new Map<number, TaskSuccess[]>();
  for (const stage of graph.stages) {
    const inputs = stageInputs(stage, finished);
    const tasks: StageTask[] = inputs.map((input, partition) => ({
      version: TASK_PROTOCOL_VERSION,
      appId: context.appId,
      stageId: stage.plan.stageId,
      partition,
      attempt: 0,
      stage: stage.plan,
      input,
      scratch: context.scratch,
    }));
    const results = await runTasks(tasks, context.invoker, { maxConcurrency: context.maxConcurrency, maxFailures: context.maxFailures });
    context.onStageCompleted?.(stage.plan.stageId, results);
    finished.set(stage.plan.stageId, results);
  }
  const result = finished.get(graph.resultStageId)!;
  return result.flatMap((r) => (r.output.kind === "rows" ? (r.output.rows as Row[]) : []));
}
