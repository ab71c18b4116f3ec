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
import { coalesceInputs } from "./coalesce-inputs.ts";
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
export function blocksOf(mapResults: readonly TaskSuccess[], r: number): ShuffleBlockRef[] {
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
      return reducerInputs(stage.inputs.parentStageIds.flatMap((id) => finished.get(id)!), stage.numPartitions);
    case "join":
      return joinInputs(finished.get(stage.inputs.leftStageId)!, finished.get(stage.inputs.rightStageId)!, stage.numPartitions);
  }
}

function tasksOf(stage: StageGraph["stages"][number], finished: ReadonlyMap<number, TaskSuccess[]>, context: JobContext): StageTask[] {
  const all = stageInputs(stage, finished);
  const inputs = stage.coalesceTo !== undefined ? coalesceInputs(all, stage.coalesceTo) : all;
  return inputs.map((input, partition) => ({
    version: TASK_PROTOCOL_VERSION,
    appId: context.appId,
    stageId: stage.plan.stageId,
    partition,
    attempt: 0,
    stage: stage.plan,
    input,
    scratch: context.scratch,
  }));
}

async function run(tasks: readonly StageTask[], context: JobContext, maxConcurrency = context.maxConcurrency): Promise<TaskSuccess[]> {
  return runTasks(tasks, context.invoker, { maxConcurrency, maxFailures: context.maxFailures });
}

/** Runs every stage but the result stage, in dependency order. */
async function runParents(graph: StageGraph, context: JobContext): Promise<Map<number, TaskSuccess[]>> {
  const finished = new Map<number, TaskSuccess[]>();
  for (const stage of graph.stages) {
    if (stage.plan.stageId === graph.resultStageId) continue;
    const results = await run(tasksOf(stage, finished, context), context);
    context.onStageCompleted?.(stage.plan.stageId, results);
    finished.set(stage.plan.stageId, results);
  }
  return finished;
}

const rowsOf = (results: readonly TaskSuccess[]): Row[] => results.flatMap((r) => (r.output.kind === "rows" ? (r.output.rows as Row[]) : []));

/** Runs every stage; returns the result stage's task results (rows or stored output). */
export async function runJobOutputs(graph: StageGraph, context: JobContext): Promise<TaskSuccess[]> {
  const finished = await runParents(graph, context);
  const resultStage = graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;
  const results = await run(tasksOf(resultStage, finished, context), context);
  context.onStageCompleted?.(graph.resultStageId, results);
  return results;
}

export async function runJob(graph: StageGraph, context: JobContext): Promise<Row[]> {
  return rowsOf(await runJobOutputs(graph, context));
}

/**
 * Like runJob, but the result stage's tasks run one at a time and each partition's rows are
 * yielded before the next task starts: the driver holds one partition at a time.
 */
export async function* streamJob(graph: StageGraph, context: JobContext): AsyncGenerator<Row[]> {
  const finished = await runParents(graph, context);
  const resultStage = graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;
  for (const task of tasksOf(resultStage, finished, context)) {
    yield rowsOf(await run([task], context, 1));
  }
}
