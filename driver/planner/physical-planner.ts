/**
 * The physical planner: a pure function from an (optimized) logical plan to a graph of
 * stages. Narrow operators are pipelined inside a stage; an exchange (aggregation, sort,
 * limit, repartition) ends the current stage with a shuffle sink and starts a new stage
 * that reads the shuffle. Aggregations are split into a partial (map-side) aggregate
 * before the exchange and a final one after it.
 *
 * No AWS here: the scheduler turns stages into tasks.
 */
import { exprName, type Expr } from "../../shared/plan/expr.ts";
import { schemaOf, type LogicalPlan, type PlanKind, type PlanOf, type SortOrder } from "../../shared/plan/logical.ts";
import {
  STAGE_PLAN_VERSION,
  stageOutputSchema,
  type AggCall,
  type PartitionInput,
  type Partitioning,
  type StageOperator,
  type StagePlan,
  type StageSource,
} from "../../shared/plan/physical.ts";
import type { Row, Schema } from "../../shared/plan/types.ts";
import { estimateBytes, hasBroadcastHint } from "./statistics.ts";
import { DEFAULT_FILE_SPLITS, planFilePartitions, type FileSplitOptions } from "./file-splits.ts";
import { splittable } from "../../shared/plan/file-source.ts";
import { mayMatch } from "./partition-pruning.ts";
import { nullAwareAntiKeys } from "./null-aware-anti-join.ts";
import { InternalError } from "../../shared/errors.ts";
import { DEFAULT_TIME_ZONE } from "../../shared/plan/functions/time-zone.ts";

export interface PlannerOptions {
  /** spark.sql.shuffle.partitions */
  readonly shufflePartitions: number;
  /** A final limit runs as an incremental take (collect); false for writes, which need every row in one job. */
  readonly incrementalLimit?: boolean;
  /** How files become splits and tasks (spark.sql.files.*); defaults as in Spark. */
  readonly files?: FileSplitOptions;
  /** spark.sql.autoBroadcastJoinThreshold in bytes; -1 (the default here) broadcasts only hinted sides. */
  readonly autoBroadcastJoinThreshold?: number;
  /** spark.sql.session.timeZone, checked (undefined: UTC). */
  readonly timeZone?: string;
}

/** A shuffle whose every block a stage's tasks read whole (the build side of a broadcast join). */
export interface BroadcastInput {
  readonly shuffleId: number;
  readonly stageId: number;
}

export interface PlannedStage {
  readonly plan: StagePlan;
  readonly numPartitions: number;
  /** When set, the partition inputs are merged into this many tasks (coalesce). */
  readonly coalesceTo?: number;
  /**
   * The stage reads a shuffle whose partition count the engine chose (aggregation, sort,
   * join), so adaptive execution may coalesce or split its partitions at run time. Not set
   * for a user's repartition(n) or a union, whose partitioning is asked for.
   */
  readonly adaptive?: boolean;
  /** Broadcast shuffles the stage's tasks read whole, besides their own input. */
  readonly broadcasts?: readonly BroadcastInput[];
  /** Inputs of each partition, or the stage whose shuffle output it reads. */
  readonly inputs:
    | { readonly kind: "direct"; readonly partitions: readonly PartitionInput[] }
    | { readonly kind: "shuffle"; readonly parentStageIds: readonly number[] }
    | { readonly kind: "join"; readonly leftStageId: number; readonly rightStageId: number };
}

export interface StageGraph {
  /** In dependency order: every stage comes after the stages it reads. */
  readonly stages: readonly PlannedStage[];
  readonly resultStageId: number;
  readonly schema: Schema;
  /**
   * Set when the plan ends in a limit (Spark's CollectLimit): the result stage keeps a local
   * limit per partition and the driver runs its tasks a few at a time until it has this many rows.
   */
  readonly collectLimit?: number;
}

interface Pipeline {
  source: StageSource;
  inputs: PlannedStage["inputs"];
  numPartitions: number;
  operators: StageOperator[];
  coalesceTo?: number;
  adaptive?: boolean;
  broadcasts?: BroadcastInput[];
}

const stageOf = (plan: StagePlan, p: Pipeline, options: PlannerOptions): PlannedStage => ({
  // The session time zone travels with every stage that is not in UTC (an absent zone is UTC).
  plan: options.timeZone !== undefined && options.timeZone !== DEFAULT_TIME_ZONE ? { ...plan, timeZone: options.timeZone } : plan,
  numPartitions: p.numPartitions,
  inputs: p.inputs,
  ...(p.coalesceTo !== undefined ? { coalesceTo: p.coalesceTo } : {}),
  ...(p.adaptive ? { adaptive: true } : {}),
  ...(p.broadcasts?.length ? { broadcasts: [...p.broadcasts] } : {}),
});

class Builder {
  readonly stages: PlannedStage[] = [];
  private nextShuffle = 0;
  constructor(readonly options: PlannerOptions) {}

  newShuffleId(): number {
    return this.nextShuffle++;
  }

  /** Ends `pipeline` with a shuffle sink and starts the stage that reads it. */
  exchange(pipeline: Pipeline, partitioning: Partitioning, adaptive = false): Pipeline {
    const { shuffleId, stageId, schema } = this.writeShuffle(pipeline, partitioning);
    const numPartitions = partitioning.kind === "single" ? 1 : partitioning.numPartitions;
    return {
      source: { kind: "shuffle", shuffleId, schema },
      inputs: { kind: "shuffle", parentStageIds: [stageId] },
      numPartitions,
      operators: [],
      ...(adaptive && numPartitions > 1 ? { adaptive: true } : {}),
    };
  }

  /** Ends `pipeline` as a map stage writing a new shuffle. */
  writeShuffle(pipeline: Pipeline, partitioning: Partitioning, shuffleId = this.newShuffleId()): { shuffleId: number; stageId: number; schema: Schema } {
    const stageId = this.stages.length;
    const plan: StagePlan = {
      version: STAGE_PLAN_VERSION,
      stageId,
      source: pipeline.source,
      operators: pipeline.operators,
      sink: { kind: "shuffle", shuffleId, partitioning },
    };
    this.stages.push(stageOf(plan, pipeline, this.options));
    return { shuffleId, stageId, schema: stageOutputSchema(plan) };
  }

  finish(pipeline: Pipeline): PlannedStage {
    const plan: StagePlan = {
      version: STAGE_PLAN_VERSION,
      stageId: this.stages.length,
      source: pipeline.source,
      operators: pipeline.operators,
      sink: { kind: "result" },
    };
    const stage = stageOf(plan, pipeline, this.options);
    this.stages.push(stage);
    return stage;
  }
}

/** Spark's ParallelCollectionRDD slicing: slice i holds items [⌊i·len/n⌋, ⌊(i+1)·len/n⌋). */
function slices<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
}

function toAggCall(expr: Expr): AggCall {
  const inner = expr.kind === "alias" ? expr.expr : expr;
  if (inner.kind !== "agg") throw new InternalError(`${exprName(expr)} is not an aggregate`);
  return {
    fn: inner.fn,
    arg: inner.arg,
    ...(inner.args?.length ? { args: [...inner.args] } : {}),
    ...(inner.ignoreNulls !== undefined ? { ignoreNulls: inner.ignoreNulls } : {}),
    ...(inner.legacy ? { legacy: true as const } : {}),
    name: exprName(expr),
  };
}

/**
 * Which side of a join to broadcast, if any (Spark's JoinSelection): a side marked with
 * broadcast(df), else a side whose estimate is within spark.sql.autoBroadcastJoinThreshold
 * (the smaller when both are). Only a side whose rows never need padding may be the build
 * side: the right of inner/left/semi/anti joins, the left of inner/right joins.
 */
function broadcastSide(p: PlanOf<"join">, options: PlannerOptions): "left" | "right" | undefined {
  const canRight = p.how === "inner" || p.how === "left" || p.how === "semi" || p.how === "anti";
  const canLeft = p.how === "inner" || p.how === "right";
  if (canRight && hasBroadcastHint(p.right)) return "right";
  if (canLeft && hasBroadcastHint(p.left)) return "left";
  const threshold = options.autoBroadcastJoinThreshold ?? -1;
  if (threshold < 0) return undefined;
  const small = (plan: LogicalPlan) => {
    const size = estimateBytes(plan);
    return size !== undefined && size <= threshold ? size : undefined;
  };
  const [right, left] = [canRight ? small(p.right) : undefined, canLeft ? small(p.left) : undefined];
  if (right !== undefined && (left === undefined || right <= left)) return "right";
  return left !== undefined ? "left" : undefined;
}

/**
 * The rows after the first n of the whole input, in its partitions' order: one partition skips
 * them. Under a limit, each partition first keeps limit + n rows (Spark's LocalLimit below
 * GlobalLimitAndOffset): no more can reach the limit.
 */
function offsetPipeline(p: PlanOf<"offset">, b: Builder, limit?: number): Pipeline {
  const pipeline = build(p.input, b);
  if (pipeline.numPartitions <= 1) {
    pipeline.operators.push({ kind: "offset", n: p.n });
    return pipeline;
  }
  if (limit !== undefined) pipeline.operators.push({ kind: "limit", n: limit + p.n });
  const single = b.exchange(pipeline, { kind: "single" });
  single.operators.push({ kind: "offset", n: p.n });
  return single;
}

type Rules = { [K in PlanKind]: (plan: PlanOf<K>, b: Builder) => Pipeline };

const RULES: Rules = {
  cachedRelation: (p) => ({
    source: { kind: "cached", cacheId: p.cacheId, schema: p.schema },
    inputs: { kind: "direct", partitions: p.partitions.map((blocks) => ({ kind: "shuffle", blocks: [...blocks] })) },
    numPartitions: p.partitions.length,
    operators: [],
  }),
  scan: (p, b) => {
    const { source } = p;
    // Partition pruning: files whose folder values fail a pushed filter are not read at all.
    const files = source.partitionColumns.length
      ? source.files.filter((f) => mayMatch(p.pushedFilters, new Map(source.partitionColumns.map((c, i) => [c, f.partitionValues?.[i] ?? null]))))
      : source.files;
    const partitions = planFilePartitions(files, (uri) => splittable(source.format, uri, source.multiLine), b.options.files ?? DEFAULT_FILE_SPLITS);
    return {
      source: {
        kind: "file",
        format: source.format,
        options: source.options,
        fileSchema: source.schema,
        columns: p.columns ? [...p.columns] : null,
        filters: [...p.pushedFilters],
        partitionColumns: [...source.partitionColumns],
      },
      inputs: { kind: "direct", partitions },
      numPartitions: partitions.length,
      operators: p.pushedFilters.map((condition) => ({ kind: "filter", condition })),
    };
  },
  localRelation: (p) => ({
    source: { kind: "rows", schema: p.schema },
    inputs: { kind: "direct", partitions: slices<Row>(p.rows, p.numPartitions).map((rows) => ({ kind: "rows", rows })) },
    numPartitions: p.numPartitions,
    operators: [],
  }),
  range: (p) => {
    const count = Math.max(0, Math.ceil((p.end - p.start) / p.step));
    const per = Math.ceil(count / p.numPartitions);
    const partitions: PartitionInput[] = Array.from({ length: p.numPartitions }, (_, i) => {
      const first = Math.min(i * per, count);
      const last = Math.min((i + 1) * per, count);
      return { kind: "range", start: p.start + first * p.step, end: p.start + last * p.step, step: p.step };
    });
    return { source: { kind: "range" }, inputs: { kind: "direct", partitions }, numPartitions: p.numPartitions, operators: [] };
  },
  project: (p, b) => {
    const pipeline = build(p.input, b);
    pipeline.operators.push({ kind: "project", exprs: [...p.exprs] });
    return pipeline;
  },
  filter: (p, b) => {
    const pipeline = build(p.input, b);
    pipeline.operators.push({ kind: "filter", condition: p.condition });
    return pipeline;
  },
  generate: (p, b) => {
    const pipeline = build(p.input, b);
    pipeline.operators.push({ kind: "generate", generator: p.generator });
    return pipeline;
  },
  aggregate: (p, b) => {
    const pipeline = build(p.input, b);
    const aggregates = p.aggregates.map(toAggCall);
    pipeline.operators.push({ kind: "partialAggregate", groupBy: [...p.groupBy], aggregates });
    const keys = p.groupBy.map(exprName);
    const partitioning: Partitioning =
      keys.length === 0
        ? { kind: "single" }
        : { kind: "hash", keys: keys.map((name) => ({ kind: "column", name })), numPartitions: b.options.shufflePartitions };
    const reduce = b.exchange(pipeline, partitioning, true);
    reduce.operators.push({ kind: "finalAggregate", keys, aggregates });
    return reduce;
  },
  sort: (p, b) => {
    const pipeline = build(p.input, b);
    const orders = [...p.orders];
    // An RDD sort keeps the partition count it was given (Spark does not adapt RDD shuffles).
    if (p.numPartitions !== undefined) {
      const fixed = b.exchange(pipeline, { kind: "range", orders, numPartitions: p.numPartitions, bounds: null });
      fixed.operators.push({ kind: "sort", orders });
      return fixed;
    }
    // One partition is already the whole input: sort it where it is.
    if (pipeline.numPartitions <= 1 && pipeline.coalesceTo === undefined) {
      pipeline.operators.push({ kind: "sort", orders });
      return pipeline;
    }
    // Range-partition on the sort keys (bounds sampled by the driver), then sort each range:
    // the partitions, in order, are the global order.
    const reduce = b.exchange(pipeline, { kind: "range", orders, numPartitions: b.options.shufflePartitions, bounds: null }, true);
    reduce.operators.push({ kind: "sort", orders });
    return reduce;
  },
  limit: (p, b) => {
    const pipeline = p.input.kind === "offset" ? offsetPipeline(p.input, b, p.n) : build(p.input, b);
    pipeline.operators.push({ kind: "limit", n: p.n });
    // Partitions that already have one or zero inputs need no exchange.
    if (pipeline.numPartitions <= 1) return pipeline;
    const reduce = b.exchange(pipeline, { kind: "single" });
    reduce.operators.push({ kind: "limit", n: p.n });
    return reduce;
  },
  offset: (p, b) => offsetPipeline(p, b),
  hint: (p, b) => build(p.input, b),
  mapPartitions: (p, b) => {
    const pipeline = build(p.input, b);
    pipeline.operators.push({ kind: "mapPartitions", mode: p.mode, fn: p.fn, zero: p.zero, schema: p.schema });
    return pipeline;
  },
  combineByKey: (p, b) => {
    // Merge values per key in each map task, hash the keys (element [0]) across the shuffle, merge the partial results.
    const pipeline = build(p.input, b);
    pipeline.operators.push({ kind: "combine", merge: "values", combiner: p.combiner });
    const element: Expr = { kind: "column", name: schemaOf(p.input).fields[0]!.name };
    const key: Expr = { kind: "call", fn: "element_at", args: [element, { kind: "literal", value: 1, type: "int" }] };
    const reduce = b.exchange(pipeline, { kind: "hash", keys: [key], numPartitions: p.numPartitions });
    reduce.operators.push({ kind: "combine", merge: "combiners", combiner: p.combiner });
    return reduce;
  },
  join: (p, b) => {
    const buildSide = broadcastSide(p, b.options);
    if (buildSide) {
      const side = buildSide;
      // Broadcast hash join: the small side is written once as a single-partition shuffle,
      // and the other side's pipeline goes on, each task joining against all of it.
      const buildWritten = b.writeShuffle(build(side === "right" ? p.right : p.left, b), { kind: "single" });
      const probe = build(side === "right" ? p.left : p.right, b);
      // NOT IN's anti join hashes on its one comparison, the build side deciding the nulls.
      const notIn = side === "right" ? nullAwareAntiKeys(p) : null;
      probe.operators.push({
        kind: "broadcastJoin",
        how: p.how,
        buildSide: side,
        build: { shuffleId: buildWritten.shuffleId, schema: buildWritten.schema },
        probeKeys: notIn ? [notIn.leftKey] : [...(side === "right" ? p.leftKeys : p.rightKeys)],
        buildKeys: notIn ? [notIn.rightKey] : [...(side === "right" ? p.rightKeys : p.leftKeys)],
        condition: notIn ? null : p.condition,
        ...(notIn ? { nullAware: true as const } : {}),
      });
      probe.broadcasts = [...(probe.broadcasts ?? []), { shuffleId: buildWritten.shuffleId, stageId: buildWritten.stageId }];
      return probe;
    }
    // Co-partition both sides on their keys; a join without keys meets in one partition.
    const keyed = p.leftKeys.length > 0;
    const n = keyed ? b.options.shufflePartitions : 1;
    const side = (keys: readonly Expr[]): Partitioning => (keyed ? { kind: "hash", keys: [...keys], numPartitions: n } : { kind: "single" });
    const left = b.writeShuffle(build(p.left, b), side(p.leftKeys));
    const right = b.writeShuffle(build(p.right, b), side(p.rightKeys));
    return {
      source: {
        kind: "join",
        how: p.how,
        left: { shuffleId: left.shuffleId, schema: left.schema },
        right: { shuffleId: right.shuffleId, schema: right.schema },
        leftKeys: [...p.leftKeys],
        rightKeys: [...p.rightKeys],
        condition: p.condition,
      },
      inputs: { kind: "join", leftStageId: left.stageId, rightStageId: right.stageId },
      numPartitions: n,
      operators: [],
      ...(keyed ? { adaptive: true } : {}),
    };
  },
  coalesce: (p, b) => {
    const pipeline = build(p.input, b);
    if (p.numPartitions < pipeline.numPartitions) {
      pipeline.numPartitions = p.numPartitions;
      pipeline.coalesceTo = p.numPartitions;
    }
    return pipeline;
  },
  union: (p, b) => {
    // Every input's partition p moves as is to partition offset + p of one shared shuffle.
    const pipelines = p.inputs.map((input) => build(input, b));
    const total = pipelines.reduce((n, q) => n + q.numPartitions, 0);
    const shuffleId = b.newShuffleId();
    let offset = 0;
    const stageIds = pipelines.map((q) => {
      const written = b.writeShuffle(q, { kind: "offset", offset, numPartitions: Math.max(total, 1) }, shuffleId);
      offset += q.numPartitions;
      return written.stageId;
    });
    return {
      source: { kind: "shuffle", shuffleId, schema: schemaOf(p) },
      inputs: { kind: "shuffle", parentStageIds: stageIds },
      numPartitions: Math.max(total, 1),
      operators: [],
    };
  },
  window: (p, b) => {
    // Spark's WindowExec: hash the partition keys (one partition without keys), sort each task's
    // rows by (partition keys, order), then walk each key group in order.
    const pipeline = build(p.input, b);
    const partitioning: Partitioning = p.partitionBy.length
      ? { kind: "hash", keys: [...p.partitionBy], numPartitions: b.options.shufflePartitions }
      : { kind: "single" };
    // A window over a window of the same PARTITION BY: its rows are already partitioned so, and
    // already sorted so when the one below sorted by this one's order and more (Spark's
    // EnsureRequirements keeps a sort whose ordering satisfies the required one).
    const samePartitions = p.input.kind === "window" && JSON.stringify(p.input.partitionBy) === JSON.stringify(p.partitionBy);
    const reduce = samePartitions ? pipeline : b.exchange(pipeline, partitioning, true);
    const windowOrder = (w: PlanOf<"window">): SortOrder[] => [...w.partitionBy.map((expr) => ({ expr, ascending: true, nullsFirst: true })), ...w.orderBy];
    const orders = windowOrder(p);
    const sorted = samePartitions && JSON.stringify(windowOrder(p.input as PlanOf<"window">).slice(0, orders.length)) === JSON.stringify(orders);
    if (orders.length && !sorted) reduce.operators.push({ kind: "sort", orders });
    reduce.operators.push({
      kind: "window",
      partitionBy: [...p.partitionBy],
      orderBy: [...p.orderBy],
      functions: p.functions.map((f) => ({ expr: f.kind === "alias" ? f.expr : f, name: exprName(f) })),
    });
    return reduce;
  },
  repartition: (p, b) =>
    b.exchange(
      build(p.input, b),
      p.exprs.length > 0
        ? { kind: "hash", keys: [...p.exprs], numPartitions: p.numPartitions }
        : { kind: "roundRobin", numPartitions: p.numPartitions },
    ),
};

function build(plan: LogicalPlan, b: Builder): Pipeline {
  return (RULES[plan.kind] as (p: LogicalPlan, b: Builder) => Pipeline)(plan, b);
}

export function planStages(plan: LogicalPlan, options: PlannerOptions): StageGraph {
  const builder = new Builder(options);
  if (plan.kind === "limit" && options.incrementalLimit !== false) {
    // No exchange for a final limit: each partition stops at n rows, the driver takes the first n.
    const pipeline = plan.input.kind === "offset" ? offsetPipeline(plan.input, builder, plan.n) : build(plan.input, builder);
    pipeline.operators.push({ kind: "limit", n: plan.n });
    const result = builder.finish(pipeline);
    return { stages: builder.stages, resultStageId: result.plan.stageId, schema: schemaOf(plan), collectLimit: plan.n };
  }
  const result = builder.finish(build(plan, builder));
  return { stages: builder.stages, resultStageId: result.plan.stageId, schema: schemaOf(plan) };
}
