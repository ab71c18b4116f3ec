/**
 * Runs a job's stage graph: stages in dependency order, each as one task per partition.
 * A map stage's outputs are kept as a table (map-outputs.ts); a stage that reads a shuffle
 * gets, for each reducer, its slices of that table (reduce-inputs.ts).
 */
import type { PartitionInput, StagePlan } from "../../shared/plan/physical.ts";
import type { Row } from "../../shared/plan/types.ts";
import { TASK_PROTOCOL_VERSION, type StageTask, type TaskSuccess } from "../../shared/task.ts";
import type { TaskInvoker } from "../invoker/task-invoker.ts";
import type { StageGraph } from "../planner/physical-planner.ts";
import { createHash } from "node:crypto";
import { stagePlanUri } from "../../shared/storage/keys.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { planReduceTasks, type AdaptiveOptions, type ReduceTaskSpec } from "./adaptive.ts";
import { MapOutputs, withoutIndex } from "./map-outputs.ts";
import { combinedSizes, stageInputs } from "./reduce-inputs.ts";
import { coalesceInputs } from "./coalesce-inputs.ts";
import { CombineGate, combineInput, combinePlaceholder, mayLeaveUncombined, mixedOutputs, type CombineGroup, type CombineOptions, type TableEntry } from "./combine.ts";
import { encodeResultValues } from "../../shared/codecs/result-values.ts";
import { determineBounds, sampleSizePerPartition } from "./range-bounds.ts";
import { ResultSizeGuard } from "./result-size.ts";
import { runTasks, StageStoppedError, type AttemptEnd, type SpeculationOptions } from "./run-tasks.ts";
import { explainStage } from "../planner/explain.ts";
import type { EventBody, StagePass } from "../monitoring/events.ts";
import { decodeResultValues } from "../../shared/codecs/result-values.ts";
import { InternalError } from "../../shared/errors.ts";

export interface JobContext {
  readonly appId: string;
  /** This job's number in the session (event log, scratch folder). */
  readonly jobId: number;
  /** Records an event in the application's event log, if one is kept. */
  readonly emit?: (event: EventBody) => void;
  /** Reads results that tasks stored instead of returning (too large for a response). */
  readonly store: ObjectStore;
  /** spark.driver.maxResultSize in bytes (0 = no cap). */
  readonly maxResultBytes: number;
  /** Results larger than this are stored by the task and fetched by the driver. */
  readonly resultInlineMaxBytes: number;
  /** Counts result bytes the driver received or fetched. */
  readonly onResultBytes?: (bytes: number) => void;
  readonly taskTimeoutMs?: number;
  /** The driver's log level, passed on to executors. */
  readonly logLevel?: StageTask["logLevel"];
  /** sparkfn.executor.memoryBudget: what a task's aggregation may hold before spilling. */
  readonly memoryBudgetBytes?: number;
  /** sparkfn.shuffle.inlineIndexMaxBytes: reducers' slice indexes above this go to slice files. */
  readonly inlineIndexMaxBytes?: number;
  /** Whether map tasks compress their shuffle blocks (spark.shuffle.compress); true when absent. */
  readonly shuffleCompress?: boolean;
  readonly faultFor?: (task: StageTask, attempt: number) => StageTask["fault"];
  /** Base URI of the app's scratch space (shuffle output). */
  readonly scratch: string;
  readonly invoker: TaskInvoker;
  readonly maxConcurrency: number;
  readonly maxFailures: number;
  /** Aborted when the session stops: no new tasks are launched. */
  readonly signal?: AbortSignal;
  /** Sees each task attempt as it is launched. */
  readonly onTaskLaunch?: (task: StageTask) => void;
  /** spark.speculation settings; undefined when speculation is off. */
  readonly speculation?: SpeculationOptions;
  /** Adaptive execution (spark.sql.adaptive.*); undefined when disabled. */
  readonly adaptive?: AdaptiveOptions;
  /** Called with every finished stage's task results (metrics, event log); a stage's combiners report as one more call. */
  readonly onStageCompleted?: (stageId: number, results: readonly TaskSuccess[]) => void;
  /** The two-level exchange (sparkfn.shuffle.combine.*); undefined: never. */
  readonly combine?: CombineOptions;
}

type PlannedStage = StageGraph["stages"][number];

/** What a running job knows: finished map stages' outputs and each stage's stored plan. */
interface JobState {
  readonly graph: StageGraph;
  /** What each finished map stage's readers read: its map outputs, or its combiners' outputs. */
  readonly finished: Map<number, MapOutputs>;
  /** Map stages whose outputs were combined: the maps' own outputs, and the groups each combiner merged. */
  readonly combined: Map<number, CombinedStage>;
  /** Finished map stages' task results (as reported to onStageCompleted; a recomputed map replaces its entry). */
  readonly results: Map<number, TaskSuccess[]>;
  /** Where each stage's plan was stored (once per stage; tasks carry only this reference). */
  readonly refs: Map<number, StageTask["stage"]>;
  /** Reduce tasks chosen by adaptive execution, per stage. */
  readonly specs: Map<number, readonly ReduceTaskSpec[]>;
  /** Map outputs being recomputed, by the lost object's URI: readers that lost it at once share one rerun. */
  readonly recomputing: Map<string, Promise<void>>;
  /**
   * The highest attempt number launched per map task and per combiner (attemptKey): a rerun
   * continues from it, so it never reuses the number of a copy that lost and may still run.
   */
  readonly launched: Map<string, number>;
}

/** A map task's or a combiner's key in JobState.launched (they share their stage's partition numbers). */
const attemptKey = (task: StageTask): string => `${task.stageId}/${task.input.kind === "combine" ? "combiner" : "task"}/${task.partition}`;

/** A map stage whose outputs were combined: the maps' own outputs, and the groups each combiner merged. */
interface CombinedStage {
  readonly maps: MapOutputs;
  readonly groups: readonly CombineGroup[];
  /** Each combiner's result (undefined: a combiner the readers did not wait for). */
  results?: (TaskSuccess | undefined)[];
  /** Where each entry of the readers' table comes from, when it mixes combined and map outputs (combine.ts). */
  entries?: readonly TableEntry[];
}

async function storePlan(plan: StagePlan, context: JobContext): Promise<StageTask["stage"]> {
  const json = JSON.stringify(plan);
  const sha256 = createHash("sha256").update(json).digest("hex");
  const uri = stagePlanUri(context.scratch, plan.stageId, sha256);
  await context.store.put(uri, json);
  return { uri, sha256 };
}

/**
 * Range partitioning needs bounds before its map stage runs: a sampling pass over the same
 * inputs (Spark runs the same extra job) returns keys from every partition.
 */
async function withRangeBounds(stage: PlannedStage, state: JobState, context: JobContext): Promise<StagePlan> {
  const { plan } = stage;
  if (plan.sink.kind !== "shuffle" || plan.sink.partitioning.kind !== "range" || plan.sink.partitioning.bounds !== null) return plan;
  const partitioning = plan.sink.partitioning;
  const inputs = await stageInputsOf(stage, state, context);
  const size = sampleSizePerPartition(partitioning.numPartitions, inputs.length);
  const ref = await storePlan({ ...plan, sink: { kind: "sample", orders: partitioning.orders, size } }, context);
  const results = await run(taskList(stage, inputs, ref, context, state), context, { stage, pass: "sample", onFetchFailed: fetchRecovery(stage, state, context) });
  const samples = results.map((r) => {
    if (r.output.kind !== "sample") throw new InternalError(`sampling task of stage ${plan.stageId} returned ${r.output.kind}`);
    return { keys: decodeResultValues(r.output.keys as Row[]), rows: r.output.rows };
  });
  const bounds = determineBounds(samples, partitioning.orders, partitioning.numPartitions);
  // The plan is JSON: bounds travel as result values do (NaN and decimals' bigints tagged).
  return { ...plan, sink: { ...plan.sink, partitioning: { ...partitioning, bounds: encodeResultValues(bounds) } } };
}

/** Makes the stage's final plan (sampling range bounds if needed) and stores it once. */
async function prepareStage(stage: PlannedStage, state: JobState, context: JobContext): Promise<void> {
  if (state.refs.has(stage.plan.stageId)) return;
  state.refs.set(stage.plan.stageId, await storePlan(await withRangeBounds(stage, state, context), context));
}

/**
 * Adaptive execution's reduce tasks for a stage, decided once (from the sizes its map stages
 * reported) and kept, so a recomputed map output never reshapes the stage's tasks.
 */
function specsOf(stage: PlannedStage, state: JobState, context: JobContext): readonly ReduceTaskSpec[] | undefined {
  if (!stage.adaptive || !context.adaptive) return undefined;
  const known = state.specs.get(stage.plan.stageId);
  if (known) return known;
  let specs: ReduceTaskSpec[];
  if (stage.inputs.kind === "shuffle") {
    const maps = combinedSizes(stage.inputs.parentStageIds.map((id) => state.finished.get(id)!));
    specs = planReduceTasks(stage.numPartitions, { left: maps }, context.adaptive);
  } else if (stage.inputs.kind === "join" && stage.plan.source.kind === "join") {
    const [left, right] = [state.finished.get(stage.inputs.leftStageId)!, state.finished.get(stage.inputs.rightStageId)!];
    specs = planReduceTasks(stage.numPartitions, { left, right, how: stage.plan.source.how }, context.adaptive);
  } else {
    return undefined;
  }
  state.specs.set(stage.plan.stageId, specs);
  return specs;
}

async function stageInputsOf(stage: PlannedStage, state: JobState, context: JobContext): Promise<readonly PartitionInput[]> {
  const all = await stageInputs(stage, state.finished, specsOf(stage, state, context), context);
  return stage.coalesceTo !== undefined ? coalesceInputs(all, stage.coalesceTo) : all;
}

function taskList(stage: PlannedStage, inputs: readonly PartitionInput[], ref: StageTask["stage"], context: JobContext, state: JobState, combiners = false): StageTask[] {
  // A broadcast join's build side: every block of the build stage's single reduce partition (combiners read none).
  const broadcast = combiners ? undefined : stage.broadcasts?.map((b) => ({ shuffleId: b.shuffleId, blocks: state.finished.get(b.stageId)!.blocks(0) }));
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
    ...(context.memoryBudgetBytes !== undefined ? { memoryBudgetBytes: context.memoryBudgetBytes } : {}),
    ...(context.shuffleCompress === false ? { shuffleCompress: false } : {}),
    ...(context.logLevel ? { logLevel: context.logLevel } : {}),
    ...(broadcast ? { broadcast } : {}),
  }));
}

async function tasksOf(stage: PlannedStage, state: JobState, context: JobContext): Promise<StageTask[]> {
  const ref = state.refs.get(stage.plan.stageId);
  if (!ref) throw new InternalError(`the plan of stage ${stage.plan.stageId} was not stored`);
  return taskList(stage, await stageInputsOf(stage, state, context), ref, context, state);
}

function parentStageIds(stage: StageGraph["stages"][number]): number[] {
  const broadcasts = stage.broadcasts?.map((b) => b.stageId) ?? [];
  switch (stage.inputs.kind) {
    case "direct":
      return broadcasts;
    case "shuffle":
      return [...stage.inputs.parentStageIds, ...broadcasts];
    case "join":
      return [stage.inputs.leftStageId, stage.inputs.rightStageId, ...broadcasts];
  }
}

/** Who wrote a table of map outputs, to rerun the ones lost: a map stage's tasks, its combiners, or both (a mixed table). */
interface Producer {
  readonly stage: PlannedStage;
  readonly outputs: MapOutputs;
  /** What wrote entry i of `outputs`, with inputs as they are now. */
  readonly writer: (i: number) => Promise<Writer>;
}

/** The task that wrote one entry of a table, and where its rerun's result goes. */
interface Writer {
  readonly task: StageTask;
  readonly pass: Extract<StagePass, "recompute" | "recombine">;
  readonly onFetchFailed?: RunOptions["onFetchFailed"];
  /** Records the rerun's output in the table (and wherever else the entry is kept). */
  readonly record: (result: TaskSuccess) => void;
}

const stageById = (state: JobState, id: number): PlannedStage => state.graph.stages.find((s) => s.plan.stageId === id)!;

/**
 * Map task m of a finished map stage, writer of its output: recorded in the maps' table, the
 * stage's results and `also`. A map that reads a shuffle itself may find its own inputs lost
 * too: its rerun recovers them as any reader does (their writers first).
 */
async function mapWriter(stage: PlannedStage, state: JobState, context: JobContext, m: number, also?: (result: TaskSuccess) => void): Promise<Writer> {
  const id = stage.plan.stageId;
  const maps = state.combined.get(id)?.maps ?? state.finished.get(id)!;
  return {
    task: (await tasksOf(stage, state, context))[m]!,
    pass: "recompute",
    onFetchFailed: fetchRecovery(stage, state, context),
    record: (result) => {
      maps.record(m, result);
      const results = state.results.get(id);
      if (results) results[m] = withoutIndex(result);
      also?.(result);
    },
  };
}

/** The map tasks of a finished map stage, writers of its map outputs. */
function mapsOf(stage: PlannedStage, state: JobState, context: JobContext): Producer {
  const id = stage.plan.stageId;
  return { stage, outputs: state.combined.get(id)?.maps ?? state.finished.get(id)!, writer: (m) => mapWriter(stage, state, context, m) };
}

/**
 * What a reader of map stage `id` reads: its combiners' outputs when it was combined (and the
 * maps' own for the groups whose combiners it did not wait for), else its maps'.
 */
function producerOf(id: number, state: JobState, context: JobContext): Producer {
  const stage = stageById(state, id);
  const combined = state.combined.get(id);
  if (!combined) return mapsOf(stage, state, context);
  const outputs = state.finished.get(id)!;
  const entries = combined.entries;
  return {
    stage,
    outputs,
    writer: async (i) => {
      const entry = entries ? entries[i]! : { kind: "group" as const, group: i };
      if (entry.kind === "map") return mapWriter(stage, state, context, entry.map, (result) => outputs.record(i, result));
      return {
        task: await combineTaskOf(stage, state, context, entry.group),
        pass: "recombine",
        onFetchFailed: combineRecovery(stage, state, context),
        record: (result) => {
          outputs.record(i, result);
          if (combined.results) combined.results[entry.group] = withoutIndex(result);
        },
      };
    },
  };
}

/**
 * Reruns only the producer tasks whose objects are missing (each with its next attempt
 * number) and records their new outputs. Readers that report the same lost object while its
 * rerun is in flight wait for that rerun: one more attempt per loss, never two attempts with
 * the same number writing the same object.
 */
async function rerunLost(producer: Producer, missing: readonly string[], state: JobState, context: JobContext): Promise<void> {
  const { outputs, stage } = producer;
  const lost = [...new Set(missing)].map((uri) => outputs.mapOf(uri)).filter((i) => i >= 0);
  if (lost.length === 0) return;
  for (const i of lost) {
    const uri = outputs.uris[i]!;
    let rerun = state.recomputing.get(uri);
    if (!rerun) {
      // Registered before anything is awaited: a reader reporting the same loss meanwhile waits for this rerun.
      rerun = (async () => {
        const { task, pass, onFetchFailed, record } = await producer.writer(i);
        const firstAttempt = Math.max(outputs.attempts[i]!, state.launched.get(attemptKey(task)) ?? -1) + 1;
        await run([task], context, { stage, pass, maxConcurrency: 1, firstAttempt, onSuccess: record, launched: state.launched, ...(onFetchFailed ? { onFetchFailed } : {}) });
      })();
      state.recomputing.set(uri, rerun);
    }
    await rerun;
  }
}

/**
 * Lost shuffle output: reruns what wrote it (map tasks, or combiners, which recompute lost
 * maps of their own first), then gives the reducer its new inputs.
 */
function fetchRecovery(stage: PlannedStage, state: JobState, context: JobContext) {
  return async (task: StageTask, missing: readonly string[]): Promise<StageTask> => {
    for (const parentId of parentStageIds(stage)) await rerunLost(producerOf(parentId, state, context), missing, state, context);
    // The same task (plan, attempt) with inputs and broadcasts that name the new outputs.
    const fresh = taskList(stage, await stageInputsOf(stage, state, context), task.stage, context, state)[task.partition]!;
    return { ...task, input: fresh.input, ...(fresh.broadcast ? { broadcast: fresh.broadcast } : {}) };
  };
}

/** A combiner's lost input: the map objects it could not read are recomputed, and it gets the new table. */
function combineRecovery(stage: PlannedStage, state: JobState, context: JobContext) {
  return async (task: StageTask, missing: readonly string[]): Promise<StageTask> => {
    await rerunLost(mapsOf(stage, state, context), missing, state, context);
    return { ...task, input: (await combineTaskOf(stage, state, context, task.partition)).input };
  };
}

/** Combiner g of a combined map stage, over its maps' current outputs. */
async function combineTaskOf(stage: PlannedStage, state: JobState, context: JobContext, g: number): Promise<StageTask> {
  const { maps, groups } = state.combined.get(stage.plan.stageId)!;
  const [task] = taskList(stage, [await combineInput(maps, groups[g]!, context)], state.refs.get(stage.plan.stageId)!, context, state, true);
  return { ...task!, partition: g };
}

/** Reduce partitions a stage's shuffle sink writes (0: it writes none). */
function sinkPartitions(plan: StagePlan): number {
  if (plan.sink.kind !== "shuffle") return 0;
  const p = plan.sink.partitioning;
  return "numPartitions" in p ? p.numPartitions : 1;
}

/**
 * Runs a map stage. When it is wide enough (combine.ts), its combiners run alongside, each as
 * soon as its group's maps are done, and readers read the combiners' outputs; else (or if
 * combining fails: it is only an optimisation) the maps' own.
 */
async function runMapStage(stage: PlannedStage, tasks: readonly StageTask[], state: JobState, context: JobContext) {
  const outputs = new MapOutputs(stage.plan.stageId, tasks.length);
  const gate = CombineGate.wanted(tasks.length, sinkPartitions(stage.plan), context.combine) ? new CombineGate(tasks.length, context.combine) : undefined;
  const maps = run(tasks, context, {
    stage,
    launched: state.launched,
    onFetchFailed: fetchRecovery(stage, state, context),
    outputs,
    hedgeCopies: hedgeCopiesOf(state, context, tasks.length),
    ...(gate ? { onSuccess: (r: TaskSuccess) => gate.mapDone(r.partition, outputs.objectBytes(r.partition)) } : {}),
  });
  const combining = gate ? runCombiners(stage, outputs, gate, state, context, maps) : Promise.resolve(undefined);
  let results: TaskSuccess[];
  try {
    results = await maps;
  } catch (error) {
    gate?.fail(error instanceof Error ? error : new Error(String(error)));
    await combining;
    throw error;
  }
  const combined = await combining;
  return { results, readable: combined?.outputs ?? outputs, combiners: combined?.results };
}

/**
 * A map stage's combiners, each started when its maps are done; undefined when the stage is not
 * combined after all. With speculation on, the last one may be left unfinished once `mapsDone`
 * has resolved (mayLeaveUncombined): readers read its group's maps instead.
 */
async function runCombiners(stage: PlannedStage, maps: MapOutputs, gate: CombineGate, state: JobState, context: JobContext, mapsDone: Promise<unknown>) {
  const stageId = stage.plan.stageId;
  let groups: CombineGroup[] | undefined;
  try {
    groups = await gate.groups;
  } catch {
    return undefined; // the maps failed: theirs is the error to report
  }
  if (!groups) return undefined;
  state.combined.set(stageId, { maps, groups });
  const combined = new MapOutputs(stageId, groups.length);
  // Inputs are made when each group is ready (prepare): these only hold the tasks' places.
  const places = taskList(stage, groups.map((g) => combinePlaceholder(g, maps.partitions)), state.refs.get(stageId)!, context, state, true);
  const stop = new AbortController();
  let finished = 0;
  let mapsEnded = false;
  const stopIfLate = () => {
    if (context.speculation && mapsEnded && mayLeaveUncombined(groups.length, finished)) stop.abort();
  };
  mapsDone.then(
    () => {
      mapsEnded = true;
      stopIfLate();
    },
    () => undefined,
  );
  try {
    const results = await run(places, context, {
      launched: state.launched,
      onSuccess: () => {
        finished++;
        stopIfLate();
      },
      stop: stop.signal,
      stage,
      pass: "combine",
      outputs: combined,
      prepare: async (g) => {
        await gate.ready(g);
        return combineTaskOf(stage, state, context, g);
      },
      onFetchFailed: combineRecovery(stage, state, context),
      hedgeCopies: hedgeCopiesOf(state, context, maps.maps + groups.length),
    });
    state.combined.get(stageId)!.results = results;
    return { outputs: combined, results };
  } catch (error) {
    if (error instanceof StageStoppedError) {
      const { outputs, entries } = mixedOutputs(maps, combined, groups, error.results.map((r) => r !== undefined));
      Object.assign(state.combined.get(stageId)!, { results: [...error.results], entries });
      return { outputs, results: error.results.filter((r): r is TaskSuccess => r !== undefined) };
    }
    // The maps failed (reported by them), or the combiners did (reported in the event log as
    // the combine pass's failure): readers read the maps' outputs as they are.
    state.combined.delete(stageId);
    return undefined;
  }
}

interface RunOptions {
  readonly stage: PlannedStage;
  /**
   * "sample": a range partitioner's sampling pass; "recompute": map tasks rerun for lost
   * output; "combine": a map stage's combiners (combine.ts); "recombine": combiners rerun.
   */
  readonly pass?: StagePass;
  readonly maxConcurrency?: number;
  readonly onSuccess?: (result: TaskSuccess) => void;
  readonly firstAttempt?: number;
  readonly onFetchFailed?: (task: StageTask, missing: readonly string[]) => Promise<StageTask>;
  /** A map stage's outputs: each success is recorded there (by partition), and kept without its packed index. */
  readonly outputs?: MapOutputs;
  /** Up-front copies the stage may make (hedging: run-tasks.ts). */
  readonly hedgeCopies?: number;
  /** Makes each task ready before its first attempt (run-tasks.ts). */
  readonly prepare?: (index: number) => Promise<StageTask>;
  /** Ends the pass early (run-tasks.ts): it throws StageStoppedError with the tasks done by then. */
  readonly stop?: AbortSignal;
  /** Where the highest attempt number launched per task is kept (JobState.launched), for tasks whose outputs may be rerun. */
  readonly launched?: Map<string, number>;
}

/** Runs tasks of one stage, reporting the stage and every attempt to the event log. */
async function run(tasks: readonly StageTask[], context: JobContext, options: RunOptions): Promise<TaskSuccess[]> {
  const { stage, pass = "run" } = options;
  const { jobId } = context;
  const stageId = stage.plan.stageId;
  const emit = context.emit;
  emit?.({ event: "StageSubmitted", jobId, stageId, pass, numTasks: tasks.length, parentStageIds: parentStageIds(stage), plan: explainStage(stage) });
  try {
    const results = await runTasks(tasks, context.invoker, {
      maxConcurrency: options.maxConcurrency ?? context.maxConcurrency,
      maxFailures: context.maxFailures,
      firstAttempt: options.firstAttempt ?? 0,
      ...(options.onSuccess || options.outputs
        ? {
            onSuccess: (result: TaskSuccess) => {
              options.outputs?.record(result.partition, result);
              options.onSuccess?.(result);
            },
          }
        : {}),
      ...(options.outputs ? { keep: withoutIndex } : {}),
      ...(options.onFetchFailed ? { onFetchFailed: options.onFetchFailed } : {}),
      ...(context.taskTimeoutMs ? { taskTimeoutMs: context.taskTimeoutMs } : {}),
      ...(context.faultFor ? { faultFor: context.faultFor } : {}),
      ...(context.speculation ? { speculation: context.speculation } : {}),
      ...(options.hedgeCopies ? { hedgeCopies: options.hedgeCopies } : {}),
      ...(options.prepare ? { prepare: options.prepare } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      onLaunch: (task, speculative) => {
        if (options.launched) {
          const key = attemptKey(task);
          options.launched.set(key, Math.max(options.launched.get(key) ?? -1, task.attempt));
        }
        context.onTaskLaunch?.(task);
        emit?.({ event: "TaskStart", jobId, stageId, partition: task.partition, attempt: task.attempt, speculative });
      },
      ...(emit
        ? {
            onAttemptEnd: (end: AttemptEnd) => {
              const r = end.result;
              emit({
                event: "TaskEnd",
                jobId,
                stageId,
                partition: end.task.partition,
                attempt: end.attempt,
                speculative: end.speculative,
                status: end.status,
                durationMs: end.durationMs,
                willRetry: end.willRetry,
                ...(r.status === "error" ? { errorType: r.error.type, error: r.error.message } : { metrics: r.metrics }),
              });
            },
          }
        : {}),
    });
    emit?.({ event: "StageCompleted", jobId, stageId, pass, result: "succeeded" });
    return results;
  } catch (error) {
    // A pass stopped by design (a combine pass the readers did not wait for) did its part.
    if (error instanceof StageStoppedError) emit?.({ event: "StageCompleted", jobId, stageId, pass, result: "stopped", unfinished: error.results.filter((r) => !r).length });
    else emit?.({ event: "StageCompleted", jobId, stageId, pass, result: "failed", error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
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
      if (r.output.kind === "rows") return decodeResultValues(r.output.rows as Row[]);
      if (r.output.kind === "storedRows") {
        const bytes = await context.store.get(r.output.uri);
        context.onResultBytes?.(bytes.byteLength);
        return decodeResultValues(JSON.parse(new TextDecoder().decode(bytes)) as Row[]);
      }
      return [];
    }),
  );
  return parts.flat();
}

/**
 * The hedging budget of a stage of `tasks` tasks (sparkfn.speculation.hedgeBudget): a share of
 * the tasks of the job's finished stages and this one, so copies made up front or in a stage's
 * tail (run-tasks.ts) stay a small part of the job's invocations.
 */
function hedgeCopiesOf(state: JobState, context: JobContext, tasks: number): number {
  const budget = context.speculation?.hedgeBudget ?? 0;
  if (budget <= 0) return 0;
  for (const results of state.results.values()) tasks += results.length;
  return Math.floor(budget * tasks);
}

/**
 * Runs every stage but the result stage, each as soon as the stages it reads are done: the
 * two sides of a join run at the same time (the job's invoker bounds the tasks in flight).
 */
async function runParents(graph: StageGraph, context: JobContext): Promise<JobState> {
  const state: JobState = { graph, finished: new Map(), combined: new Map(), results: new Map(), refs: new Map(), specs: new Map(), recomputing: new Map(), launched: new Map() };
  const byId = new Map(graph.stages.map((s) => [s.plan.stageId, s]));
  const running = new Map<number, Promise<void>>();
  const runStage = (stage: PlannedStage): Promise<void> => {
    let done = running.get(stage.plan.stageId);
    if (!done) {
      done = (async () => {
        await Promise.all(parentStageIds(stage).map((id) => runStage(byId.get(id)!)));
        await prepareStage(stage, state, context);
        const tasks = await tasksOf(stage, state, context);
        // Maps its combiners had recomputed while the stage ran (newer than the first results).
        const early: TaskSuccess[] = [];
        state.results.set(stage.plan.stageId, early);
        const { results, readable, combiners } = await runMapStage(stage, tasks, state, context);
        early.forEach((redone, i) => (results[i] = redone));
        context.onStageCompleted?.(stage.plan.stageId, results);
        if (combiners) context.onStageCompleted?.(stage.plan.stageId, combiners);
        state.results.set(stage.plan.stageId, results);
        state.finished.set(stage.plan.stageId, readable);
      })();
      running.set(stage.plan.stageId, done);
    }
    return done;
  };
  const resultStage = byId.get(graph.resultStageId)!;
  const parents = parentStageIds(resultStage).map((id) => runStage(byId.get(id)!));
  // Let every stage settle before reporting the first failure (no stage left running unseen).
  const settled = await Promise.allSettled(parents);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  await prepareStage(resultStage, state, context);
  return state;
}

const resultStageOf = (graph: StageGraph) => graph.stages.find((s) => s.plan.stageId === graph.resultStageId)!;

/** Runs every stage; returns the result stage's task results (rows, stored rows, or stored output). */
export async function runJobOutputs(graph: StageGraph, context: JobContext): Promise<TaskSuccess[]> {
  const state = await runParents(graph, context);
  const resultStage = resultStageOf(graph);
  const guard = new ResultSizeGuard(context.maxResultBytes);
  const recover = fetchRecovery(resultStage, state, context);
  const tasks = await tasksOf(resultStage, state, context);
  const results = await run(tasks, context, { stage: resultStage, onSuccess: checkSizes(guard, context), onFetchFailed: recover, hedgeCopies: hedgeCopiesOf(state, context, tasks.length) });
  context.onStageCompleted?.(graph.resultStageId, results);
  return results;
}

/** Spark's spark.sql.limit.scaleUpFactor: each round of an incremental take tries 4x more partitions. */
const LIMIT_SCALE_UP = 4;

export async function runJob(graph: StageGraph, context: JobContext): Promise<Row[]> {
  if (graph.collectLimit === undefined) return fetchRows(await runJobOutputs(graph, context), context);
  // Incremental take: one partition first, then more, until n rows are here (partition order kept).
  const n = graph.collectLimit;
  const state = await runParents(graph, context);
  const resultStage = resultStageOf(graph);
  const tasks = await tasksOf(resultStage, state, context);
  const guard = new ResultSizeGuard(context.maxResultBytes);
  const rows: Row[] = [];
  let next = 0;
  let wave = 1;
  while (rows.length < n && next < tasks.length) {
    const batch = tasks.slice(next, next + wave);
    const results = await run(batch, context, { stage: resultStage, onSuccess: checkSizes(guard, context), onFetchFailed: fetchRecovery(resultStage, state, context) });
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
  const state = await runParents(graph, context);
  const resultStage = resultStageOf(graph);
  for (const task of await tasksOf(resultStage, state, context)) {
    // Each partition is checked on its own, as Spark runs one job per partition here.
    const recover = fetchRecovery(resultStage, state, context);
    const results = await run([task], context, { stage: resultStage, maxConcurrency: 1, onSuccess: checkSizes(new ResultSizeGuard(context.maxResultBytes), context), onFetchFailed: recover });
    yield await fetchRows(results, context);
  }
}
