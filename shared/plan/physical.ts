/**
 * Physical plans: a job is a graph of stages cut at exchanges (shuffles). Each stage is a
 * source, a pipeline of narrow operators, and a sink; a task runs one stage over one
 * partition. This is what travels to executors, validated there by `StagePlanSchema`.
 */
import { z } from "zod";
import { ExprSchema, AggFn, type Expr } from "./expr.ts";
import { JoinType, joinSchema } from "./join.ts";
import { FileFormat, ScanOptions } from "./file-source.ts";
import { outputField } from "./resolve.ts";
import { asGenerator, generatedFields } from "./generators.ts";
import { Schema, type Field } from "./types.ts";
import { ShippedFunction } from "./function.ts";
import { isPackedUint32 } from "../shuffle-index.ts";

/**
 * What an RDD's narrow operator does with a partition's elements (each row's one column)
 * and its user function: see executor-fn/stage/rdd-operators.ts. `toObjects` (df.rdd) turns
 * rows into objects, `toRows` (createDataFrame(rdd, schema)) elements into rows, `toJson`
 * (df.toJSON()) rows into JSON text.
 */
export const RddMode = z.enum([
  "map", "flatMap", "filter", "mapValues", "flatMapValues", "keyBy", "mapPartitions", "mapPartitionsWithIndex",
  "glom", "foreach", "foreachPartition", "reducePartition", "toObjects", "toRows", "toJson",
]);
export type RddMode = z.infer<typeof RddMode>;

/** An RDD's rows: one column whose values are its elements. */
export const ELEMENT_SCHEMA: Schema = { fields: [{ name: "value", type: "any", nullable: true }] };

/** A value that may be absent (JSON cannot say `undefined`). */
const Zero = z.object({ value: z.unknown() }).strict().nullable();

/**
 * combineByKey's functions over [key, value] elements: a key's first value becomes
 * createCombiner(v) (or mergeValue(copy of zero, v) when there is a zero, or v itself),
 * later ones merge in with mergeValue; mergeCombiners joins two partial results.
 */
export const Combiner = z
  .object({ createCombiner: ShippedFunction.nullable(), zero: Zero, mergeValue: ShippedFunction, mergeCombiners: ShippedFunction })
  .strict();
export type Combiner = z.infer<typeof Combiner>;

export const STAGE_PLAN_VERSION = 1;

const Int = z.number().int().nonnegative();
const SortOrderSchema = z.object({ expr: ExprSchema, ascending: z.boolean(), nullsFirst: z.boolean() }).strict();

/**
 * One aggregate of an aggregation: function, argument (null = `*`), further arguments and
 * ignoreNulls option (as the `agg` expression has them; absent in older plans) and output name.
 */
export const AggCall = z
  .object({ fn: AggFn, arg: ExprSchema.nullable(), args: z.array(ExprSchema).optional(), ignoreNulls: z.boolean().optional(), legacy: z.literal(true).optional(), name: z.string() })
  .strict();
export type AggCall = z.infer<typeof AggCall>;

export const StageSource = z.discriminatedUnion("kind", [
  /**
   * Files of one format. `columns` is the projection (null: all); `filters` are the scan's
   * pushed conditions, which a Parquet reader uses to skip row groups by their statistics
   * (the stage's filter operators still apply them to every row).
   */
  z
    .object({
      kind: z.literal("file"),
      format: FileFormat,
      options: ScanOptions,
      fileSchema: Schema,
      columns: z.array(z.string()).nullable(),
      filters: z.array(ExprSchema),
      /** Columns of fileSchema whose values come from the files' `key=value` folders (each input file's partitionValues). */
      partitionColumns: z.array(z.string()),
    })
    .strict(),
  z.object({ kind: z.literal("rows"), schema: Schema }).strict(),
  z.object({ kind: z.literal("range") }).strict(),
  z.object({ kind: z.literal("shuffle"), shuffleId: Int, schema: Schema }).strict(),
  /** Partitions of a cached DataFrame (its tasks get `shuffle` inputs naming the stored blocks). */
  z.object({ kind: z.literal("cached"), cacheId: Int, schema: Schema }).strict(),
  /**
   * A hash join of two shuffles co-partitioned on their keys (or one partition each when
   * there are no keys): reads partition r of both and emits joined rows.
   */
  z
    .object({
      kind: z.literal("join"),
      how: JoinType,
      left: z.object({ shuffleId: Int, schema: Schema }).strict(),
      right: z.object({ shuffleId: Int, schema: Schema }).strict(),
      leftKeys: z.array(ExprSchema),
      rightKeys: z.array(ExprSchema),
      condition: ExprSchema.nullable(),
    })
    .strict(),
]);
export type StageSource = z.infer<typeof StageSource>;

export const StageOperator = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("filter"), condition: ExprSchema }).strict(),
  z.object({ kind: z.literal("project"), exprs: z.array(ExprSchema) }).strict(),
  /** Map side: rows → [...group keys, ...aggregate states] per group of this partition. */
  z.object({ kind: z.literal("partialAggregate"), groupBy: z.array(ExprSchema), aggregates: z.array(AggCall) }).strict(),
  /** Reduce side: merges states of the same keys, outputs [...keys, ...results]. */
  z.object({ kind: z.literal("finalAggregate"), keys: z.array(z.string()), aggregates: z.array(AggCall) }).strict(),
  z.object({ kind: z.literal("sort"), orders: z.array(SortOrderSchema) }).strict(),
  z.object({ kind: z.literal("limit"), n: Int }).strict(),
  /** Skips the first n live rows (one partition: the whole input's first n). */
  z.object({ kind: z.literal("offset"), n: Int }).strict(),
  /** An RDD operation over the partition's elements; `schema` is its output (one `value` column, or a DataFrame's for toRows). */
  z.object({ kind: z.literal("mapPartitions"), mode: RddMode, fn: ShippedFunction.nullable(), zero: Zero, schema: Schema }).strict(),
  /** combineByKey: map side merges values per key ("values"), reduce side merges partial results ("combiners"). */
  z.object({ kind: z.literal("combine"), merge: z.enum(["values", "combiners"]), combiner: Combiner }).strict(),
  /**
   * A broadcast hash join: the build side is a whole (small) shuffle, read by every task
   * (the task's `broadcast` input); the stage's own rows are the probe side.
   */
  z
    .object({
      kind: z.literal("broadcastJoin"),
      how: JoinType,
      buildSide: z.enum(["left", "right"]),
      build: z.object({ shuffleId: Int, schema: Schema }).strict(),
      probeKeys: z.array(ExprSchema),
      buildKeys: z.array(ExprSchema),
      condition: ExprSchema.nullable(),
      /**
       * An anti join with NOT IN's nulls (driver/planner/null-aware-anti-join.ts): an empty
       * build side keeps every probe row, a null build key keeps none, and a null probe key
       * stays only when the build side is empty.
       */
      nullAware: z.literal(true).optional(),
    })
    .strict(),
  /**
   * Window functions over rows already sorted by (partitionBy, orderBy) within the task:
   * appends one column per function (`expr` a `window` expression, `name` its column).
   */
  z
    .object({
      kind: z.literal("window"),
      partitionBy: z.array(ExprSchema),
      orderBy: z.array(SortOrderSchema),
      functions: z.array(z.object({ expr: ExprSchema, name: z.string() }).strict()),
    })
    .strict(),
  /** Explode and its family: appends the generator's columns, each input row repeated per generated row (`generator` a `generator` expression). */
  z.object({ kind: z.literal("generate"), generator: ExprSchema }).strict(),
]);
export type StageOperator = z.infer<typeof StageOperator>;

export const Partitioning = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("hash"), keys: z.array(ExprSchema), numPartitions: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal("roundRobin"), numPartitions: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal("single") }).strict(),
  /** Map task p writes all its rows to reduce partition offset + p (a union's one-to-one move). */
  z.object({ kind: z.literal("offset"), offset: Int, numPartitions: z.number().int().positive() }).strict(),
  /**
   * Sort order split into key ranges (Spark's RangePartitioner): partition i holds the keys
   * after bounds[i-1] up to bounds[i]. The planner leaves `bounds` null; the driver samples
   * the map stage's keys and fills them in before the stage runs.
   */
  z
    .object({
      kind: z.literal("range"),
      orders: z.array(SortOrderSchema).min(1),
      numPartitions: z.number().int().positive(),
      bounds: z.array(z.array(z.unknown())).nullable(),
    })
    .strict(),
]);
export type Partitioning = z.infer<typeof Partitioning>;

export const StageSink = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("result") }).strict(),
  /**
   * Writes the partition's rows as one file of `format` under `dir` (a job's temporary
   * folder; the driver commits the files once every task succeeded).
   */
  z.object({ kind: z.literal("write"), format: FileFormat, dir: z.string().min(1), header: z.boolean(), partitionBy: z.array(z.string()) }).strict(),
  /** Returns a random sample of at most `size` sort keys of the partition, and its row count. */
  z.object({ kind: z.literal("sample"), orders: z.array(SortOrderSchema).min(1), size: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal("shuffle"), shuffleId: Int, partitioning: Partitioning }).strict(),
]);
export type StageSink = z.infer<typeof StageSink>;

export const StagePlanSchema = z
  .object({
    version: z.literal(STAGE_PLAN_VERSION),
    stageId: Int,
    source: StageSource,
    operators: z.array(StageOperator),
    sink: StageSink,
    /** spark.sql.session.timeZone, a Spark zone id (absent: UTC): how timestamps are read, shown and cut into days. */
    timeZone: z.string().min(1).max(100).optional(),
  })
  .strict();
export type StagePlan = z.infer<typeof StagePlanSchema>;

export const ShuffleBlockRefSchema = z.object({ uri: z.string().min(1), offset: Int, length: Int, rows: Int }).strict();
const Block = ShuffleBlockRefSchema;
export type ShuffleBlockRef = z.infer<typeof Block>;

/**
 * The objects of one map stage, in map order (map i wrote `uris[i]`): inline, or stored once
 * per stage as a JSON array of URIs (a map-output table), checked against its SHA-256.
 */
export const MapObjectsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("inline"), uris: z.array(z.string().min(1)) }).strict(),
  z.object({ kind: z.literal("stored"), uri: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), count: Int }).strict(),
]);
export type MapObjects = z.infer<typeof MapObjectsSchema>;

/** Packed values per slice: map, offset (low and high 32 bits), length, rows (shared/shuffle-index.ts). */
export const SLICE_VALUES = 5;

/**
 * A reducer's packed slices kept in a slice file the driver wrote for the stage (many
 * reducers' indexes back to back): `length` bytes from `offset`, read with one ranged GET and
 * checked against their SHA-256. Used once an index is too large to travel in every payload,
 * so a payload's size does not grow with the number of maps.
 */
export const StoredSliceIndexSchema = z.object({ uri: z.string().min(1), offset: Int, length: Int, sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type StoredSliceIndex = z.infer<typeof StoredSliceIndexSchema>;

/**
 * A reducer's slices of one map stage's objects: per slice, one contiguous byte range of one
 * map object (the reducer's adjacent reduce partitions in it, back to back), read with one
 * ranged GET; `index` packs `slices` × SLICE_VALUES little-endian Uint32 values, as base64 or
 * stored in a slice file.
 */
export const MapSlicesSchema = z
  .object({ objects: MapObjectsSchema, slices: Int, index: z.union([z.string(), StoredSliceIndexSchema]) })
  .strict()
  .refine((s) => (typeof s.index === "string" ? isPackedUint32(s.index, s.slices * SLICE_VALUES) : s.index.length === s.slices * SLICE_VALUES * 4), {
    message: "must be base64 of slices × 5 little-endian Uint32 values, or a stored range of slices × 20 bytes",
    path: ["index"],
  });
export type MapSlices = z.infer<typeof MapSlicesSchema>;

/** What one partition of a stage reads. */
export const PartitionInput = z.discriminatedUnion("kind", [
  /** Whole files, or byte ranges [start, start + length) of them (splits of line-based files). */
  z
    .object({
      kind: z.literal("files"),
      files: z.array(
        z
          .object({
            uri: z.string().min(1),
            size: Int,
            start: Int.optional(),
            length: Int.optional(),
            partitionValues: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
          })
          .strict(),
      ),
    })
    .strict(),
  /** Rows given by the driver (createDataFrame, parallelize): JSON values of the stage's schema. */
  z.object({ kind: z.literal("rows"), rows: z.array(z.array(z.unknown())) }).strict(),
  z.object({ kind: z.literal("range"), start: z.number(), end: z.number(), step: z.number() }).strict(),
  /** Byte ranges of map outputs holding this reduce partition (empty ones left out). */
  z.object({ kind: z.literal("shuffle"), blocks: z.array(Block) }).strict(),
  /** The same, for both sides of a join. */
  z.object({ kind: z.literal("join"), left: z.array(Block), right: z.array(Block) }).strict(),
  /** A reducer's slices of the map stages it reads (one entry per stage): map-output tables, not block lists. */
  z.object({ kind: z.literal("mapSlices"), reads: z.array(MapSlicesSchema) }).strict(),
  /** The same, for both sides of a join. */
  z.object({ kind: z.literal("joinSlices"), left: z.array(MapSlicesSchema), right: z.array(MapSlicesSchema) }).strict(),
  /**
   * A combiner of a two-level exchange (driver/scheduler/combine.ts): maps [from, from + count)
   * of a map-output table merged into one object with the same reduce partitions, each
   * partition's blocks from every map back to back. `index` holds each map's index as the map
   * reported it (shared/shuffle-index.ts packMapIndex: `partitions` lengths, then rows), maps
   * one after another: base64, or a stored range of a slice file.
   */
  z
    .object({ kind: z.literal("combine"), objects: MapObjectsSchema, from: Int, count: z.number().int().positive(), partitions: Int, index: z.union([z.string(), StoredSliceIndexSchema]) })
    .strict(),
  /**
   * Any of the above, stored as JSON in the job's scratch space because the invocation
   * payload would pass Lambda's 6 MB limit (a reducer of thousands of map outputs); the
   * executor checks it against its SHA-256 and validates it like an inline input.
   */
  z.object({ kind: z.literal("stored"), uri: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
]);
export type PartitionInput = z.infer<typeof PartitionInput>;

// ---- schemas through a stage -------------------------------------------------------------

export function sourceSchema(source: StageSource): Schema {
  switch (source.kind) {
    case "file":
      return source.columns === null
        ? source.fileSchema
        : { fields: source.columns.map((c) => source.fileSchema.fields.find((f) => f.name === c)!) };
    case "rows":
    case "shuffle":
    case "cached":
      return source.schema;
    case "range":
      return { fields: [{ name: "id", type: "long", nullable: false }] };
    case "join":
      return joinSchema(source.left.schema, source.right.schema, source.how);
  }
}

function aggField(call: AggCall, input: Schema): Field {
  const expr: Expr = { kind: "agg", fn: call.fn, arg: call.arg, args: call.args, ignoreNulls: call.ignoreNulls, ...(call.legacy ? { legacy: true as const } : {}) };
  return { ...outputField(expr, input), name: call.name };
}

/** Schema of the rows an operator produces from rows of schema `input`. */
export function operatorOutputSchema(input: Schema, op: StageOperator): Schema {
  switch (op.kind) {
    case "filter":
    case "sort":
    case "limit":
    case "offset":
      return input;
    case "project":
      return { fields: op.exprs.map((e) => outputField(e, input)) };
    case "partialAggregate":
      // States are internal values; they keep the aggregate's name and nominal type.
      return { fields: [...op.groupBy.map((e) => outputField(e, input)), ...op.aggregates.map((a) => aggField(a, input))] };
    case "finalAggregate":
      // The input already carries keys then states named after the aggregates.
      return input;
    case "mapPartitions":
      return op.schema;
    case "combine":
      return input;
    case "broadcastJoin":
      return op.buildSide === "right" ? joinSchema(input, op.build.schema, op.how) : joinSchema(op.build.schema, input, op.how);
    case "window":
      return { fields: [...input.fields, ...op.functions.map((f) => ({ ...outputField(f.expr, input), name: f.name }))] };
    case "generate":
      return { fields: [...input.fields, ...generatedFields(asGenerator(op.generator), input)] };
  }
}

export function stageOutputSchema(stage: Pick<StagePlan, "source" | "operators">): Schema {
  return stage.operators.reduce<Schema>(operatorOutputSchema, sourceSchema(stage.source));
}
