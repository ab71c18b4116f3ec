/**
 * Runs one task of a stage: read the partition, push its rows through the stage's
 * operators, and hand them to the sink (returned as result rows, or written as one shuffle
 * object). The same code runs in a Lambda invocation and in a local worker thread.
 */
import { compareForSort } from "../../shared/plan/semantics.ts";
import { operatorOutputSchema, sourceSchema, type StageOperator } from "../../shared/plan/physical.ts";
import type { Row, Schema } from "../../shared/plan/types.ts";
import type { StageTask, TaskSuccess } from "../../shared/task.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { resultObjectUri, shuffleObjectUri } from "../../shared/storage/keys.ts";
import { compileExpr, compilePredicate, compileProjection, type CompileContext } from "../compile/expression.ts";
import { finalAggregate, partialAggregate } from "./aggregate.ts";
import { encodePartitions, partitionRows } from "./shuffle.ts";
import { loadStagePlan } from "./load-plan.ts";
import { readPartition } from "./sources.ts";

type Apply = { [K in StageOperator["kind"]]: (op: Extract<StageOperator, { kind: K }>, rows: Row[], schema: Schema, ctx: CompileContext) => Row[] };

const APPLY: Apply = {
  filter: (op, rows, schema, ctx) => {
    const keep = compilePredicate(op.condition, schema, ctx);
    return rows.filter(keep);
  },
  project: (op, rows, schema, ctx) => {
    const project = compileProjection(op.exprs, schema, ctx);
    return rows.map(project);
  },
  partialAggregate: (op, rows, schema, ctx) => partialAggregate(rows, schema, op.groupBy, op.aggregates, ctx),
  finalAggregate: (op, rows) => finalAggregate(rows, op.keys.length, op.aggregates),
  sort: (op, rows, schema, ctx) => {
    const keys = op.orders.map((o) => compileExpr(o.expr, schema, ctx));
    const decorated = rows.map((row) => ({ row, keys: keys.map((k) => k(row)) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const o = op.orders[i]!;
        const c = compareForSort(a.keys[i]!, b.keys[i]!, o.ascending, o.nullsFirst);
        if (c !== 0) return c;
      }
      return 0;
    });
    return decorated.map((d) => d.row);
  },
  limit: (op, rows) => rows.slice(0, op.n),
};

let coldStart = true;

export async function runStageTask(task: StageTask, store: ObjectStore): Promise<TaskSuccess> {
  const started = performance.now();
  const isColdStart = coldStart;
  coldStart = false;
  const ctx: CompileContext = { partition: task.partition };
  const stage = await loadStagePlan(task.stage, store);

  let rows = await readPartition(stage.source, task.input, store, ctx);
  const recordsIn = rows.length;
  let schema = sourceSchema(stage.source);
  for (const op of stage.operators) {
    rows = (APPLY[op.kind] as (op: StageOperator, rows: Row[], schema: Schema, ctx: CompileContext) => Row[])(op, rows, schema, ctx);
    schema = operatorOutputSchema(schema, op);
  }

  let output: TaskSuccess["output"];
  if (stage.sink.kind === "result") {
    const json = JSON.stringify(rows);
    const bytes = Buffer.byteLength(json);
    if (bytes <= task.resultInlineMaxBytes) {
      output = { kind: "rows", rows, bytes };
    } else {
      const uri = resultObjectUri(task.scratch, task.stageId, task.partition, task.attempt);
      await store.put(uri, json);
      output = { kind: "storedRows", uri, rows: rows.length, bytes };
    }
  } else {
    const partitions = partitionRows(rows, stage.sink.partitioning, schema, ctx);
    const { bytes, blocks } = encodePartitions(partitions);
    const uri = shuffleObjectUri(task.scratch, stage.sink.shuffleId, task.stageId, task.partition, task.attempt);
    await store.put(uri, bytes);
    output = { kind: "shuffle", uri, blocks };
  }
  const counts = store.counts;
  return {
    status: "ok",
    version: task.version,
    stageId: task.stageId,
    partition: task.partition,
    attempt: task.attempt,
    output,
    metrics: {
      durationMs: performance.now() - started,
      coldStart: isColdStart,
      recordsIn,
      recordsOut: rows.length,
      bytesRead: counts.bytesRead,
      bytesWritten: counts.bytesWritten,
      requests: { get: counts.get, put: counts.put, list: counts.list, head: counts.head, delete: counts.delete },
      peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    },
  };
}
