/**
 * Runs one task of a stage: read the partition as a stream of row batches, push them
 * through the stage's operators, and hand them to the sink (returned as result rows, or
 * written as one shuffle object). Narrow operators (filter, project, limit) work batch by
 * batch; blocking ones (aggregation, sort) consume their input first, and aggregation
 * spills to local disk past the task's memory budget. The same code runs in a Lambda
 * invocation and in a local worker thread.
 */
import { sourceSchema } from "../../shared/plan/physical.ts";
import { collectRows, type Batch } from "../../shared/batch/batch.ts";
import type { StageTask, TaskSuccess } from "../../shared/task.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { resultObjectUri, shuffleObjectUri } from "../../shared/storage/keys.ts";
import { loadStagePlan } from "./load-plan.ts";
import { memoryContext } from "./memory.ts";
import { sampleKeys, ShuffleWriter } from "./shuffle.ts";
import { writeRows } from "../io/writers.ts";
import { readPartition, readShuffleBatches, type SourceCounters } from "./sources.ts";
import { TaskError } from "../task-error.ts";
import { TaskFunctions } from "./task-functions.ts";
import { plainValue } from "./plain-value.ts";
import { encodeResultValues } from "../../shared/codecs/result-values.ts";
import { pipeline, type OperatorContext } from "../operators/index.ts";
import { packMapIndex } from "../../shared/shuffle-index.ts";

/**
 * Broadcast build sides already read by this container (Spark keeps broadcasts per
 * executor): the tasks of one stage that land on a warm container read them once.
 */
const broadcastCache = new Map<string, Promise<Batch[]>>();
const BROADCASTS_KEPT = 2;

function broadcastReader(task: StageTask, store: ObjectStore, counters: SourceCounters["shuffle"]): (shuffleId: number) => Promise<Batch[]> {
  return (shuffleId) => {
    const entry = task.broadcast?.find((b) => b.shuffleId === shuffleId);
    if (!entry) throw new TaskError("InvalidTask", `the task carries no blocks of broadcast shuffle ${shuffleId}`);
    const key = JSON.stringify(entry.blocks);
    let rows = broadcastCache.get(key);
    if (!rows) {
      rows = readShuffleBatches(entry.blocks, store, counters);
      rows.catch(() => broadcastCache.delete(key));
      if (broadcastCache.size >= BROADCASTS_KEPT) broadcastCache.delete(broadcastCache.keys().next().value!);
      broadcastCache.set(key, rows);
    }
    return rows;
  };
}

let coldStart = true;

/** A successful answer's head: the task's identity and its output. */
export function succeeded(task: StageTask, output: TaskSuccess["output"]): Pick<TaskSuccess, "status" | "version" | "stageId" | "partition" | "attempt" | "output"> {
  return { status: "ok", version: task.version, stageId: task.stageId, partition: task.partition, attempt: task.attempt, output };
}

/** What a task's store counted: bytes and requests (TaskMetrics). */
export function storeMetrics(store: ObjectStore): Pick<TaskSuccess["metrics"], "bytesRead" | "bytesWritten" | "requests"> {
  const c = store.counts;
  return { bytesRead: c.bytesRead, bytesWritten: c.bytesWritten, requests: { get: c.get, put: c.put, list: c.list, head: c.head, delete: c.delete } };
}

/** True for the first task this container runs (a cold start), false after. */
export function firstTaskHere(): boolean {
  const first = coldStart;
  coldStart = false;
  return first;
}

/** Result rows too large for the answer, stored in scratch storage: only their location travels back. */
export async function storeResultRows(task: StageTask, store: ObjectStore, rows: readonly unknown[][], json = JSON.stringify(rows)): Promise<Extract<TaskSuccess["output"], { kind: "storedRows" }>> {
  const uri = resultObjectUri(task.scratch, task.stageId, task.partition, task.attempt);
  await store.put(uri, json);
  return { kind: "storedRows", uri, rows: rows.length, bytes: Buffer.byteLength(json) };
}

export async function runStageTask(task: StageTask, store: ObjectStore): Promise<TaskSuccess> {
  const started = performance.now();
  const isColdStart = firstTaskHere();
  const stage = await loadStagePlan(task.stage, store);
  const counters: SourceCounters = { recordsIn: 0, shuffle: { bytesRead: 0, recordsRead: 0 }, files: { rowGroups: 0, rowGroupsSkipped: 0, malformed: 0 } };
  const where = `partition ${task.partition} of stage ${task.stageId}`;
  const functions = await TaskFunctions.forStage(stage, store, where);
  const ctx: OperatorContext = {
    compile: {
      partition: task.partition,
      ...(stage.timeZone !== undefined ? { timeZone: stage.timeZone } : {}),
      functions: (fn) => {
        const f = functions.get(fn);
        return (...args) => plainValue(f(...args), fn.op, where);
      },
    },
    memory: memoryContext(task.memoryBudgetBytes),
    broadcast: (shuffleId) => broadcastReader(task, store, counters.shuffle)(shuffleId),
    functions,
    partition: task.partition,
    where,
  };

  let shuffleWritten = { bytes: 0, records: 0 };
  const source = readPartition(stage.source, task.input, store, ctx.compile, ctx.memory, counters);
  const { batches, schema } = pipeline(stage.operators, source, sourceSchema(stage.source), ctx);

  let output: TaskSuccess["output"];
  let recordsOut = 0;
  if (stage.sink.kind === "result") {
    const rows = encodeResultValues(await collectRows(batches));
    recordsOut = rows.length;
    const json = JSON.stringify(rows);
    const bytes = Buffer.byteLength(json);
    output = bytes <= task.resultInlineMaxBytes ? { kind: "rows", rows, bytes } : await storeResultRows(task, store, rows, json);
  } else if (stage.sink.kind === "write") {
    const rows = await collectRows(batches);
    recordsOut = rows.length;
    output = { kind: "written", files: await writeRows(rows, schema, stage.sink, task.partition, task.attempt, store, stage.timeZone) };
  } else if (stage.sink.kind === "sample") {
    const sample = await sampleKeys(batches, stage.sink.orders, stage.sink.size, schema, ctx.compile);
    recordsOut = sample.rows;
    output = { kind: "sample", keys: encodeResultValues(sample.keys), rows: sample.rows };
  } else {
    const writer = new ShuffleWriter(stage.sink.partitioning, schema, ctx.compile, task.shuffleCompress === false ? { codec: "none" } : {});
    for await (const batch of batches) writer.add(batch);
    recordsOut = writer.rows;
    const { bytes, blocks } = writer.finish();
    shuffleWritten = { bytes: bytes.byteLength, records: writer.rows };
    const uri = shuffleObjectUri(task.scratch, stage.sink.shuffleId, task.stageId, task.partition, task.attempt);
    await store.put(uri, bytes);
    output = { kind: "shuffle", uri, partitions: blocks.length, index: packMapIndex(blocks.map((b) => b.length), blocks.map((b) => b.rows)) };
  }
  const accumulators = functions.accumulatorUpdates();
  return {
    ...succeeded(task, output),
    ...(accumulators.length ? { accumulators } : {}),
    metrics: {
      durationMs: performance.now() - started,
      coldStart: isColdStart,
      recordsIn: counters.recordsIn,
      recordsOut,
      ...storeMetrics(store),
      spill: { bytes: ctx.memory.spilled.bytes, files: ctx.memory.spilled.files },
      scan: { rowGroups: counters.files.rowGroups, rowGroupsSkipped: counters.files.rowGroupsSkipped, malformedRecords: counters.files.malformed },
      shuffle: {
        bytesWritten: shuffleWritten.bytes,
        recordsWritten: shuffleWritten.records,
        bytesRead: counters.shuffle.bytesRead,
        recordsRead: counters.shuffle.recordsRead,
      },
      peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    },
  };
}
