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
import { createHash } from "node:crypto";
import { stagePlanUri } from "../../shared/storage/keys.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { coalesceInputs } from "./coalesce-inputs.ts";
import { ResultSizeGuard } from "./result-size.ts";
import { runTasks } from "./run-tasks.ts";

export interface JobContext {
  readonly appId: string;
  /** Reads results that tasks stored instead of returning (too large for a response). */
  readonly store: ObjectStore;
  /** spark.driver.maxResultSize in bytes (0 = no cap). */
  readonly maxResultBytes: number;
  /** Results larger than this are stored by the task and fetched by the driver. */
  readonly resultInlineMaxBytes: number;
  /** Counts result bytes the driver received or fetched. */
  readonly onResultBytes?: (bytes: number) => void;
  readonly taskTimeoutMs?: number;
  readonly faultFor?: (task: StageTask, attempt: number) => StageTask["fault"];
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

type PlannedStage = StageGraph["stages"][number];

/** Where each stage's plan was stored (once per stage; tasks carry only this reference). */
const planRefs = new WeakMap<PlannedStage, StageTask["stage"]>();

async function storePlans(graph: StageGraph, context: JobContext): Promise<void> {
  await Promise.all(
    graph.stages.map(async (stage) => {
      if (planRefs.has(stage)) return;
      const json = JSON.stringify(stage.plan);
      const sha256 = createHash("sha256").update(json).digest("hex");
      const uri = stagePlanUri(context.scratch, stage.plan.stageId, sha256);
      await context.store.put(uri, json);
      planRefs.set(stage, { uri, sha256 });
    }),
  );
}

function tasksOf(stage: PlannedStage, finished: ReadonlyMap<number, TaskSuccess[]>, context: JobContext): StageTask[] {
  const ref = planRefs.get(stage);
  if (!ref) throw new Error(`internal: the plan of stage ${stage.plan.stageId} was not stored`);
  const all = stageInputs(stage, finished);
  const inputs = stage.coalesceTo !== undefined ? coalesceInputs(all, stage.coalesceTo) : all;
  return inputs.map((input, partition) => ({
    version: TASK_PROTOCOL_VERSION,
    appId: context.appId,
    stageId: stage.plan.stageId,
    partition,
    attempt: 0,
    stage: ref,
    input,
    scratch: context.scratch,
    resultInlineMaxBytes: context.resultInlineMaxBytes,
  }));
}

function parentStageIds(stage: StageGraph["stages"][number]): number[] {
  switch (stage.inputs.kind) {
    case "direct":
      return [];
    case "shuffle":
      return [...stage.inputs.parentStageIds];
    case "join":
      return [stage.inputs.leftStageId, stage.inputs.rightStageId];
  }
}

/**
 * Lost shuffle output: re-runs only the map tasks whose objects are missing (each with its
 * next attempt number), records the new outputs, and gives the reducer its new inputs.
 */
function fetchRecovery(graph: StageGraph, stage: StageGraph["stages"][number], finished: Map<number, TaskSuccess[]>, context: JobContext) {
  return async (task: StageTask, missing: readonly string[]): Promise<StageTask> => {
    for (const parentId of parentStageIds(stage)) {
      const parent = graph.stages.find((s) => s.plan.stageId === parentId)!;
      const outputs = finished.get(parentId)!;
      const parentTasks = tasksOf(parent, finished, context);
      for (let i = 0; i < outputs.length; i++) {
        const out = outputs[i]!;
        if (out.output.kind !== "shuffle" || !missing.includes(out.output.uri)) continue;
        const [redone] = await run([parentTasks[i]!], context, 1, undefined, out.attempt + 1);
        outputs[i] = redone!;
      }
    }
    return { ...task, input: tasksOf(stage, finished, context)[task.partition]!.input };
  };
}

async function run(
  tasks: readonly StageTask[],
  context: JobContext,
  maxConcurrency = context.maxConcurrency,
  onSuccess?: (result: TaskSuccess) => void,
  firstAttempt = 0,
  onFetchFailed?: (task: StageTask, missing: readonly string[]) => Promise<StageTask>,
): Promise<TaskSuccess[]> {
  return runTasks(tasks, context.invoker, {
    maxConcurrency,
    maxFailures: context.maxFailures,
    firstAttempt,
    ...(onSuccess ? { onSuccess } : {}),
    ...(onFetchFailed ? { onFetchFailed } : {}),
    ...(context.taskTimeoutMs ? { taskTimeoutMs: context.taskTimeoutMs } : {}),
    ...(context.faultFor ? { faultFor: context.faultFor } : {}),
  });
}

/** A result-stage check: adds each result's size to the guard as it arrives (inline ones are already here). */
function checkSizes(guard: ResultSizeGuard, context: JobContext) {
  return (result: TaskSuccess) => {
    if (result.output.kind === "rows" || result.output.kind === "storedRows") guard.add(result.output.bytes);
    if (result.output.kind === "rows") context.onResultBytes?.(result.output.bytes);
  };
}

/** The rows of result tasks, fetching stored ones (only after every size check passed). */
async function fetchRows(results: readonly TaskSuccess[], context: JobContext): Promise<Row[]> {
  const parts = await Promise.all(
    results.map(async (r) => {
      if (r.output.kind === "rows") return r.output.rows as Row[];
      if (r.output.kind === "storedRows") {
        const bytes = await context.store.get(r.output.uri);
        context.onResultBytes?.(bytes.byteLength);
        return JSON.parse(new TextDecoder().decode(bytes)) as Row[];
      }
      return [];
    }),
  );
  return parts.flat();
}

/** Runs every stage but the result stage, in dependency order. */
async function runParents(graph: StageGraph, context: JobContext): Promise<Map<number, TaskSuccess[]>> {
  await storePlans(graph, context);
  const finished = new Map<number, TaskSuccess[]>();
  for (const stage of graph.stages) {
    if (stage.plan.stageId === graph.resultStageId) continue;
    const results = await run(tasksOf(stage, finished, context), context, context.maxConcurrency, undefined, 0, fetchRecovery(graph, stage, finished, context));
    context.onStageCompleted?.(stage.plan.stageId, results);
    finished.set(stage.plan.stageId, results);
  }
  return finished;
}

/** Runs every stage; returns the result stage's task results (rows, stored rows, or stored output). */
export async function runJobOutputs(graph: StageGraph, context: JobContext): Promise<TaskSuccess[]> {
  const finished = await runParents(graph, context);
  const resultStage = graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;
  const guard = new ResultSizeGuard(context.maxResultBytes);
  const recover = fetchRecovery(graph, resultStage, finished, context);
  const results = await run(tasksOf(resultStage, finished, context), context, context.maxConcurrency, checkSizes(guard, context), 0, recover);
  context.onStageCompleted?.(graph.resultStageId, results);
  return results;
}

/** Spark's spark.sql.limit.scaleUpFactor: each round of an incremental take tries 4x more partitions. */
const LIMIT_SCALE_UP = 4;

export async function runJob(graph: StageGraph, context: JobContext): Promise<Row[]> {
  if (graph.collectLimit === undefined) return fetchRows(await runJobOutputs(graph, context), context);
  // Incremental take: one partition first, then more, until n rows are here (partition order kept).
  const n = graph.collectLimit;
  const finished = await runParents(graph, context);
  const resultStage = graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;
  const tasks = tasksOf(resultStage, finished, context);
  const guard = new ResultSizeGuard(context.maxResultBytes);
  const rows: Row[] = [];
  let next = 0;
  let wave = 1;
  while (rows.length < n && next < tasks.length) {
    const batch = tasks.slice(next, next + wave);
    const results = await run(batch, context, context.maxConcurrency, checkSizes(guard, context), 0, fetchRecovery(graph, resultStage, finished, context));
    context.onStageCompleted?.(graph.resultStageId, results);
    rows.push(...(await fetchRows(results, context)));
    next += batch.length;
    wave *= LIMIT_SCALE_UP;
  }
  return rows.slice(0, n);
}

/**
 * Like runJob, but the result stage's tasks run one at a time and each partition's rows are
 * yielded before the next task starts: the driver holds one partition at a time.
 */
export async function* streamJob(graph: StageGraph, context: JobContext): AsyncGenerator<Row[]> {
  const finished = await runParents(graph, context);
  const resultStage = graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;
  for (const task of tasksOf(resultStage, finished, context)) {
    // Each partition is checked on its own, as Spark runs one job per partition here.
    const recover = fetchRecovery(graph, resultStage, finished, context);
    yield await fetchRows(await run([task], context, 1, checkSizes(new ResultSizeGuard(context.maxResultBytes), context), 0, recover), context);
  }
}
