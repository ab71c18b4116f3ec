/**
 * Text renderings of plans: what `df.explain()` prints, and what the planner's snapshot
 * tests compare. One line per node, children indented below their parent.
 */
import { exprName, type Expr, type ExprOf } from "../../shared/plan/expr.ts";
import { asGenerator } from "../../shared/plan/generators.ts";
import { inputsOf, type LogicalPlan, type PlanKind, type PlanOf, type SortOrder } from "../../shared/plan/logical.ts";
import type { Partitioning, StageOperator, StageSource } from "../../shared/plan/physical.ts";
import type { PlannedStage, StageGraph } from "./physical-planner.ts";
import type { ShippedFunction } from "../../shared/plan/function.ts";

const names = (list: readonly Expr[]) => list.map(exprName).join(", ");
/** `rdd.map at job.ts:12`: where a user function came from. */
const fnAt = (fn: ShippedFunction | null) => (fn ? ` ${fn.op}${fn.site ? ` at ${fn.site.file.split("/").at(-1)}:${fn.site.line}` : ""}` : "");
const order = (o: SortOrder) => `${exprName(o.expr)} ${o.ascending ? "ASC" : "DESC"} NULLS ${o.nullsFirst ? "FIRST" : "LAST"}`;

/** Spark's `Generate explode(tags), [tag]`. */
const generateLine = (g: ExprOf<"generator">) => `Generate ${exprName(g)}${g.outer ? " outer" : ""}${g.names ? `, [${g.names.join(", ")}]` : ""}`;

type Lines = { [K in PlanKind]: (plan: PlanOf<K>) => string };
const LOGICAL: Lines = {
  cachedRelation: (p) => `InMemoryRelation cache=${p.cacheId} [${p.schema.fields.map((f) => f.name).join(", ")}] ${p.partitions.length} partition(s)`,
  scan: (p) =>
    `Scan ${p.source.format} ${p.source.files.length} file(s) [${(p.columns ?? p.source.schema.fields.map((f) => f.name)).join(", ")}]` +
    (p.pushedFilters.length ? ` PushedFilters: [${names(p.pushedFilters)}]` : ""),
  localRelation: (p) => `LocalRelation [${p.schema.fields.map((f) => f.name).join(", ")}] ${p.rows.length} row(s)`,
  range: (p) => `Range (${p.start}, ${p.end}, step=${p.step}, splits=${p.numPartitions})`,
  project: (p) => `Project [${names(p.exprs)}]`,
  filter: (p) => `Filter ${exprName(p.condition)}`,
  aggregate: (p) => `Aggregate [${names(p.groupBy)}] [${names(p.aggregates)}]`,
  sort: (p) => `Sort [${p.orders.map(order).join(", ")}]`,
  limit: (p) => `Limit ${p.n}`,
  offset: (p) => `Offset ${p.n}`,
  repartition: (p) => `Repartition ${p.numPartitions}${p.exprs.length ? ` by [${names(p.exprs)}]` : ""}`,
  coalesce: (p) => `Coalesce ${p.numPartitions}`,
  hint: (p) => `ResolvedHint (strategy=${p.hint})`,
  mapPartitions: (p) => `MapPartitions ${p.mode}${fnAt(p.fn)}`,
  combineByKey: (p) => `CombineByKey ${p.numPartitions}${fnAt(p.combiner.mergeValue)}`,
  union: (p) => `Union (${p.inputs.length} inputs)`,
  window: (p) => `Window [${names(p.functions)}] [${names(p.partitionBy)}] [${p.orderBy.map(order).join(", ")}]`,
  generate: (p) => generateLine(p.generator),
  join: (p) => `Join ${p.how} [${p.leftKeys.map((k, i) => `${exprName(k)} = ${exprName(p.rightKeys[i]!)}`).join(", ")}]${p.condition ? ` ${exprName(p.condition)}` : ""}`,
};

export function explainLogical(plan: LogicalPlan, depth = 0): string {
  const line = `${"  ".repeat(depth)}${depth ? "+- " : ""}${(LOGICAL[plan.kind] as (p: LogicalPlan) => string)(plan)}`;
  return [line, ...inputsOf(plan).map((input) => explainLogical(input, depth + 1))].join("\n");
}

function partitioning(p: Partitioning): string {
  switch (p.kind) {
    case "hash":
      return `hashpartitioning(${names(p.keys)}, ${p.numPartitions})`;
    case "roundRobin":
      return `roundrobinpartitioning(${p.numPartitions})`;
    case "single":
      return "SinglePartition";
    case "offset":
      return `onetoone(offset=${p.offset}, ${p.numPartitions})`;
    case "range":
      return `rangepartitioning(${p.orders.map(order).join(", ")}, ${p.numPartitions})${p.bounds === null ? " (bounds sampled at run time)" : ""}`;
  }
}

function operator(op: StageOperator): string {
  switch (op.kind) {
    case "filter":
      return `Filter ${exprName(op.condition)}`;
    case "project":
      return `Project [${names(op.exprs)}]`;
    case "partialAggregate":
      return `HashAggregate(partial) keys=[${names(op.groupBy)}] functions=[${op.aggregates.map((a) => a.name).join(", ")}]`;
    case "finalAggregate":
      return `HashAggregate(final) keys=[${op.keys.join(", ")}] functions=[${op.aggregates.map((a) => a.name).join(", ")}]`;
    case "sort":
      return `Sort [${op.orders.map(order).join(", ")}]`;
    case "limit":
      return `Limit ${op.n}`;
    case "offset":
      return `Offset ${op.n}`;
    case "mapPartitions":
      return `MapPartitions ${op.mode}${fnAt(op.fn)}`;
    case "combine":
      return `CombineByKey(${op.merge === "values" ? "partial" : "final"})${fnAt(op.merge === "values" ? op.combiner.mergeValue : op.combiner.mergeCombiners)}`;
    case "window":
      return `Window [${op.functions.map((f) => f.name).join(", ")}] [${names(op.partitionBy)}] [${op.orderBy.map(order).join(", ")}]`;
    case "generate":
      return generateLine(asGenerator(op.generator));
    case "broadcastJoin": {
      const pairs = op.probeKeys.map((k, i) => (op.buildSide === "right" ? `${exprName(k)} = ${exprName(op.buildKeys[i]!)}` : `${exprName(op.buildKeys[i]!)} = ${exprName(k)}`));
      const kind = op.probeKeys.length ? "BroadcastHashJoin" : "BroadcastNestedLoopJoin";
      return `${kind} ${op.how} Build${op.buildSide === "right" ? "Right" : "Left"} [${pairs.join(", ")}]${op.condition ? ` ${exprName(op.condition)}` : ""}${op.nullAware ? " null-aware" : ""} broadcast=${op.build.shuffleId}`;
    }
  }
}

function source(s: StageSource): string {
  switch (s.kind) {
    case "file":
      return `Scan ${s.format} [${(s.columns ?? s.fileSchema.fields.map((f) => f.name)).join(", ")}]`;
    case "rows":
      return "LocalTableScan";
    case "range":
      return "Range";
    case "shuffle":
      return `ShuffleRead shuffle=${s.shuffleId}`;
    case "cached":
      return `CachedRead cache=${s.cacheId}`;
    case "join":
      return `${s.leftKeys.length ? "ShuffledHashJoin" : "NestedLoopJoin"} ${s.how} [${s.leftKeys.map((k, i) => `${exprName(k)} = ${exprName(s.rightKeys[i]!)}`).join(", ")}]${s.condition ? ` ${exprName(s.condition)}` : ""} shuffles=${s.left.shuffleId},${s.right.shuffleId}`;
  }
}

/** One stage: a header line, then its pipeline top-down (exchange, operators, source). */
export function explainStage(stage: PlannedStage): string {
  const { plan } = stage;
  const reads =
    stage.inputs.kind === "shuffle"
      ? ` <- Stage${stage.inputs.parentStageIds.length > 1 ? "s" : ""} ${stage.inputs.parentStageIds.join(", ")}`
      : stage.inputs.kind === "join"
        ? ` <- Stages ${stage.inputs.leftStageId}, ${stage.inputs.rightStageId}`
        : "";
  const kind = plan.sink.kind === "result" ? "result" : "shuffle map";
  const broadcasts = stage.broadcasts?.length ? `, broadcast from Stage${stage.broadcasts.length > 1 ? "s" : ""} ${stage.broadcasts.map((b) => b.stageId).join(", ")}` : "";
  const coalesced = (stage.coalesceTo !== undefined ? ", coalesced" : "") + (stage.adaptive ? ", adaptive" : "");
  const out = [`Stage ${plan.stageId} (${kind}, ${stage.numPartitions} task${stage.numPartitions === 1 ? "" : "s"}${coalesced})${reads}${broadcasts}`];
  const lines: string[] = [];
  if (plan.sink.kind === "shuffle") lines.push(`Exchange ${partitioning(plan.sink.partitioning)} shuffle=${plan.sink.shuffleId}`);
  lines.push(...[...plan.operators].reverse().map(operator), source(plan.source));
  out.push(...lines.map((l, i) => `  ${"  ".repeat(i)}${i ? "+- " : ""}${l}`));
  return out.join("\n");
}

/** Stages from the result back to the scans, each with its pipeline top-down. */
export function explainStages(graph: StageGraph): string {
  const out: string[] = graph.collectLimit !== undefined ? [`CollectLimit ${graph.collectLimit} (partitions are tried a few at a time)`] : [];
  for (const stage of [...graph.stages].reverse()) out.push(explainStage(stage));
  return out.join("\n");
}
