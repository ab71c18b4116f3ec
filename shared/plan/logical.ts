/**
 * Logical plans as data (DataFusion's LogicalPlan, Kysely's operation nodes): readonly
 * nodes discriminated by `kind`, plain JSON. The driver's DataFrame methods build them with
 * the validating factories below; the optimizer rewrites them; the physical planner cuts
 * them into stages. Logical plans live on the driver; what travels to executors is the
 * versioned StagePlan of physical.ts.
 */
import { AnalysisError, outputField, resolveColumn, typeOf } from "./resolve.ts";
import { column, containsAggregate, exprName, referencedColumns, transformExpr, type Expr, type ExprOf } from "./expr.ts";
import { generatedFields } from "./generators.ts";
import { splitAggregates, type AggregateContext } from "./aggregate-expressions.ts";
import { joinSchema, type JoinType } from "./join.ts";
import type { Combiner, RddMode, ShuffleBlockRef } from "./physical.ts";
import type { ShippedFunction } from "./function.ts";
import { isNumeric, type Row, type Scalar, type Schema } from "./types.ts";
import type { FileFormat, ScanOptions } from "./file-source.ts";

export interface SortOrder {
  readonly expr: Expr;
  readonly ascending: boolean;
  /** Spark's default: nulls first when ascending, last when descending. */
  readonly nullsFirst: boolean;
}

export interface FileSource {
  readonly format: FileFormat;
  /** Input objects (already listed; with their `key=value` folder values); the planner cuts them into splits. */
  readonly files: readonly { readonly uri: string; readonly size: number; readonly partitionValues?: readonly Scalar[] }[];
  /**
   * The scan's full schema (declared or inferred): the files' columns, the corrupt-record
   * column if any, then the partition columns read from folder names.
   */
  readonly schema: Schema;
  /** Columns whose values come from `key=value` folders, in the order of each file's `partitionValues`. */
  readonly partitionColumns: readonly string[];
  readonly options: ScanOptions;
  /** CSV/JSON `multiLine`: records may span lines, so files are not split. */
  readonly multiLine: boolean;
  /** Rows in all the files, when known at planning (Parquet footers): the optimizer's join order reads it. */
  readonly rowCount?: number;
  /** Per integer column, a bound on its distinct values (max - min + 1 from Parquet footers' statistics). */
  readonly distinctAtMost?: Readonly<Record<string, number>>;
}

/** Where each partition of a cached DataFrame lies (byte ranges of stored blocks). */
export type CachedPartitions = readonly (readonly ShuffleBlockRef[])[];

export type LogicalPlan =
  /** A DataFrame materialized by cache()/persist(), read back from the app's scratch space. */
  | { readonly kind: "cachedRelation"; readonly cacheId: number; readonly schema: Schema; readonly partitions: CachedPartitions }
  | { readonly kind: "scan"; readonly source: FileSource; readonly columns: readonly string[] | null; readonly pushedFilters: readonly Expr[] }
  | { readonly kind: "localRelation"; readonly schema: Schema; readonly rows: readonly Row[]; readonly numPartitions: number }
  | { readonly kind: "range"; readonly start: number; readonly end: number; readonly step: number; readonly numPartitions: number }
  | { readonly kind: "project"; readonly input: LogicalPlan; readonly exprs: readonly Expr[] }
  | { readonly kind: "filter"; readonly input: LogicalPlan; readonly condition: Expr }
  | { readonly kind: "aggregate"; readonly input: LogicalPlan; readonly groupBy: readonly Expr[]; readonly aggregates: readonly Expr[] }
  /** `numPartitions`: an RDD sort's fixed count (else spark.sql.shuffle.partitions, adaptive). */
  | { readonly kind: "sort"; readonly input: LogicalPlan; readonly orders: readonly SortOrder[]; readonly numPartitions?: number }
  | { readonly kind: "limit"; readonly input: LogicalPlan; readonly n: number }
  /** df.offset(n), SQL's OFFSET: the rows after the first n (Spark's Offset). */
  | { readonly kind: "offset"; readonly input: LogicalPlan; readonly n: number }
  | { readonly kind: "repartition"; readonly input: LogicalPlan; readonly numPartitions: number; readonly exprs: readonly Expr[] }
  /** Fewer partitions without a shuffle: neighbouring partitions' inputs are read by one task. */
  | { readonly kind: "coalesce"; readonly input: LogicalPlan; readonly numPartitions: number }
  /** Rows of all inputs, matched by position; the schema is the first input's. */
  | { readonly kind: "union"; readonly inputs: readonly LogicalPlan[] }
  /** broadcast(df): a join with this side (under narrow operators) ships it whole to every task of the other side. */
  | { readonly kind: "hint"; readonly input: LogicalPlan; readonly hint: "broadcast" }
  /** An RDD operation (map, filter, mapPartitions, ...) or a conversion between RDD and DataFrame rows. */
  | { readonly kind: "mapPartitions"; readonly input: LogicalPlan; readonly mode: RddMode; readonly fn: ShippedFunction | null; readonly zero: { readonly value: unknown } | null; readonly schema: Schema }
  /** combineByKey over [key, value] elements: per-key merge on each side of a hash exchange on the key. */
  | { readonly kind: "combineByKey"; readonly input: LogicalPlan; readonly combiner: Combiner; readonly numPartitions: number }
  /** Equi-join on leftKeys[i] = rightKeys[i], then `condition` (if any) on the joined row. */
  | { readonly kind: "join"; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly how: JoinType; readonly leftKeys: readonly Expr[]; readonly rightKeys: readonly Expr[]; readonly condition: Expr | null }
  /**
   * The input's columns, then one per window function (aliased `window` expressions, all over
   * this PARTITION BY and ORDER BY; each with its own frame): driver/planner/windows.ts builds it.
   */
  | { readonly kind: "window"; readonly input: LogicalPlan; readonly partitionBy: readonly Expr[]; readonly orderBy: readonly SortOrder[]; readonly functions: readonly Expr[] }
  /** The input's columns, then the generator's (explode, ...): each input row repeated once per generated row (driver/planner/generators.ts builds it). */
  | { readonly kind: "generate"; readonly input: LogicalPlan; readonly generator: ExprOf<"generator"> };

/**
 * What the DataFrame API builds: the logical plan plus nodes that need the input's schema
 * (or I/O) to become logical nodes. The analyzer resolves them at the first action. The
 * unary nodes repeat LogicalPlan's with an unresolved input: TypeScript infers a recursive
 * generic alias for both as `any`, so they are spelled out.
 */
export type UnresolvedPlan =
  | { readonly kind: "unresolvedScan"; readonly format: FileFormat; readonly paths: readonly string[]; readonly options: Readonly<Record<string, string>>; readonly schema: Schema | null }
  | { readonly kind: "withColumns"; readonly input: UnresolvedPlan; readonly columns: readonly { readonly name: string; readonly expr: Expr }[] }
  | { readonly kind: "dropColumns"; readonly input: UnresolvedPlan; readonly names: readonly string[] }
  | { readonly kind: "renameColumn"; readonly input: UnresolvedPlan; readonly from: string; readonly to: string }
  | { readonly kind: "distinct"; readonly input: UnresolvedPlan }
  | PlanOf<"scan" | "localRelation" | "range" | "cachedRelation">
  | { readonly kind: "project"; readonly input: UnresolvedPlan; readonly exprs: readonly Expr[] }
  | { readonly kind: "filter"; readonly input: UnresolvedPlan; readonly condition: Expr }
  | {
      readonly kind: "aggregate";
      readonly input: UnresolvedPlan;
      readonly groupBy: readonly Expr[];
      readonly aggregates: readonly Expr[];
      /**
       * SQL's GROUP BY of a select-list alias (spark.sql.groupByAliases): for key i, the aliased
       * expression to group by when the input has no column of the key's name (a column of
       * that name wins, as in Spark). Key i is then `alias(column(name), hidden)`.
       */
      readonly groupByAliases?: readonly (Expr | null)[];
    }
  | { readonly kind: "sort"; readonly input: UnresolvedPlan; readonly orders: readonly SortOrder[]; readonly numPartitions?: number }
  | { readonly kind: "limit"; readonly input: UnresolvedPlan; readonly n: number }
  | { readonly kind: "offset"; readonly input: UnresolvedPlan; readonly n: number }
  | { readonly kind: "repartition"; readonly input: UnresolvedPlan; readonly numPartitions: number; readonly exprs: readonly Expr[] }
  | { readonly kind: "coalesce"; readonly input: UnresolvedPlan; readonly numPartitions: number }
  | { readonly kind: "hint"; readonly input: UnresolvedPlan; readonly hint: "broadcast" }
  | { readonly kind: "dropDuplicates"; readonly input: UnresolvedPlan; readonly columns: readonly string[] }
  | { readonly kind: "mapPartitions"; readonly input: UnresolvedPlan; readonly mode: RddMode; readonly fn: ShippedFunction | null; readonly zero: { readonly value: unknown } | null; readonly schema: Schema }
  | { readonly kind: "combineByKey"; readonly input: UnresolvedPlan; readonly combiner: Combiner; readonly numPartitions: number }
  /** A subtree the session has cached: read from the cache once it is materialized. */
  | { readonly kind: "cacheMarker"; readonly input: UnresolvedPlan; readonly cacheId: number }
  /** df.union(other) (by position) or df.unionByName(other) (by column name). */
  | { readonly kind: "unresolvedUnion"; readonly inputs: readonly UnresolvedPlan[]; readonly byName: boolean }
  /**
   * df.join(other, on, how): `on` is column names (a using-join) or a condition. `innerFirst`
   * (a SQL subquery's join): the condition's unqualified names reach the right side's columns
   * first, as a subquery's own columns shadow the outer query's in Spark.
   */
  | { readonly kind: "unresolvedJoin"; readonly left: UnresolvedPlan; readonly right: UnresolvedPlan; readonly how: string; readonly on: readonly string[] | Expr | null; readonly innerFirst?: boolean }
  /** df.toDF(...names): every column renamed, by position. */
  | { readonly kind: "renameAll"; readonly input: UnresolvedPlan; readonly names: readonly string[] }
  /**
   * df.na.fill: nulls (and NaN in double columns) replaced by `value` in the columns of its
   * kind (numbers, strings or booleans) among `subset`, or per column by `perColumn`.
   */
  | { readonly kind: "fillNa"; readonly input: UnresolvedPlan; readonly value: Scalar; readonly subset: readonly string[] | null; readonly perColumn: readonly (readonly [string, Scalar])[] | null }
  /** df.na.drop: rows with fewer than `thresh` values that are neither null nor NaN among `subset` (null thresh: how "any" or "all"). */
  | { readonly kind: "dropNa"; readonly input: UnresolvedPlan; readonly how: "any" | "all"; readonly thresh: number | null; readonly subset: readonly string[] | null }
  /** df.na.replace: values equal to a pair's first replaced by its second, in the columns of their kind among `subset`. */
  | { readonly kind: "replaceValues"; readonly input: UnresolvedPlan; readonly pairs: readonly (readonly [Scalar, Scalar])[]; readonly subset: readonly string[] | null }
  /** intersect / intersectAll / subtract / exceptAll: rows compared by position, nulls equal. */
  | { readonly kind: "setOperation"; readonly left: UnresolvedPlan; readonly right: UnresolvedPlan; readonly op: "intersect" | "except"; readonly all: boolean }
  /** rollup / cube / groupingSets: the aggregation once per set of keys (indexes into `keys`), absent keys null. */
  | {
      readonly kind: "groupingSets";
      readonly input: UnresolvedPlan;
      readonly keys: readonly Expr[];
      readonly sets: readonly (readonly number[])[];
      readonly aggregates: readonly Expr[];
      /** SQL's grouping by a select-list alias, as the aggregate's `groupByAliases`. */
      readonly keyAliases?: readonly (Expr | null)[];
    }
  /** groupBy(keys).pivot(column, values).agg(...): one column per pivot value (and aggregate); values null: the column's distinct values, found first. */
  | { readonly kind: "pivot"; readonly input: UnresolvedPlan; readonly keys: readonly Expr[]; readonly pivot: Expr; readonly values: readonly Scalar[] | null; readonly aggregates: readonly Expr[] }
  /** unpivot / melt: a row per input row and value column, with the id columns, the column's name and its value. */
  | { readonly kind: "unpivot"; readonly input: UnresolvedPlan; readonly ids: readonly Expr[]; readonly values: readonly Expr[] | null; readonly variableColumnName: string; readonly valueColumnName: string }
  /** df.summary(...statistics) / describe(...columns): a row per statistic, a string column per numeric or string column. */
  | { readonly kind: "summary"; readonly input: UnresolvedPlan; readonly statistics: readonly string[]; readonly columns: readonly string[] | null }
  /** df.sample / df.randomSplit: the rows a sampling function (rdd-builtins' `sample`) keeps of each partition, in order. */
  | { readonly kind: "sampleRows"; readonly input: UnresolvedPlan; readonly sampler: ShippedFunction }
  /** df.alias(name): the same rows, their columns reachable as `name.column` (a self-join's sides). */
  | { readonly kind: "subqueryAlias"; readonly input: UnresolvedPlan; readonly alias: string }
  /**
   * A SQL aggregate scalar subquery (`(SELECT avg(y) FROM inner WHERE inner.k = outer.k)`):
   * the outer rows with a column `name` holding its value for each (driver/planner/scalar-subquery.ts).
   */
  | { readonly kind: "scalarSubquery"; readonly outer: UnresolvedPlan; readonly inner: UnresolvedPlan; readonly where: Expr | null; readonly value: Expr; readonly name: string }
  /** A plan the analyzer has already checked (the analyzer's own rewrites build on it). */
  | { readonly kind: "analyzed"; readonly plan: LogicalPlan };

export type PlanKind = LogicalPlan["kind"];
export type PlanOf<K extends PlanKind> = Extract<LogicalPlan, { kind: K }>;

type SchemaRules = { [K in PlanKind]: (plan: PlanOf<K>) => Schema };

const SCHEMA_OF: SchemaRules = {
  cachedRelation: (p) => p.schema,
  scan: (p) =>
    p.columns === null ? p.source.schema : { fields: p.columns.map((name) => resolveColumn(p.source.schema, name)) },
  localRelation: (p) => p.schema,
  range: () => ({ fields: [{ name: "id", type: "long", nullable: false }] }),
  project: (p) => {
    const input = schemaOf(p.input);
    return { fields: p.exprs.map((e) => outputField(e, input)) };
  },
  filter: (p) => schemaOf(p.input),
  aggregate: (p) => {
    const input = schemaOf(p.input);
    return { fields: [...p.groupBy, ...p.aggregates].map((e) => outputField(e, input)) };
  },
  sort: (p) => schemaOf(p.input),
  limit: (p) => schemaOf(p.input),
  offset: (p) => schemaOf(p.input),
  repartition: (p) => schemaOf(p.input),
  coalesce: (p) => schemaOf(p.input),
  hint: (p) => schemaOf(p.input),
  mapPartitions: (p) => p.schema,
  combineByKey: (p) => schemaOf(p.input),
  join: (p) => joinSchema(schemaOf(p.left), schemaOf(p.right), p.how),
  window: (p) => {
    const input = schemaOf(p.input);
    return { fields: [...input.fields, ...p.functions.map((e) => outputField(e, input))] };
  },
  generate: (p) => {
    const input = schemaOf(p.input);
    return { fields: [...input.fields, ...generatedFields(p.generator, input)] };
  },
  union: (p) => {
    const schemas = p.inputs.map(schemaOf);
    return { fields: schemas[0]!.fields.map((f, i) => ({ ...f, nullable: schemas.some((s) => s.fields[i]!.nullable) })) };
  },
};

export function schemaOf(plan: LogicalPlan): Schema {
  return (SCHEMA_OF[plan.kind] as (p: LogicalPlan) => Schema)(plan);
}

/** The direct inputs of a node. */
export function inputsOf(plan: LogicalPlan): LogicalPlan[] {
  if (plan.kind === "join") return [plan.left, plan.right];
  if (plan.kind === "union") return [...plan.inputs];
  return "input" in plan ? [plan.input] : [];
}

/** A copy of `plan` with its inputs replaced (same order as inputsOf). */
export function withInputs(plan: LogicalPlan, inputs: readonly LogicalPlan[]): LogicalPlan {
  if (plan.kind === "join") return { ...plan, left: inputs[0]!, right: inputs[1]! };
  if (plan.kind === "union") return { ...plan, inputs };
  return "input" in plan ? ({ ...plan, input: inputs[0]! } as LogicalPlan) : plan;
}

/** Rewrites the expressions a node holds itself (not its inputs'). */
const MAP_EXPRESSIONS: { [K in LogicalPlan["kind"]]: (p: Extract<LogicalPlan, { kind: K }>, f: (e: Expr) => Expr) => LogicalPlan } = {
  cachedRelation: (p) => p,
  scan: (p, f) => ({ ...p, pushedFilters: p.pushedFilters.map(f) }),
  localRelation: (p) => p,
  range: (p) => p,
  project: (p, f) => ({ ...p, exprs: p.exprs.map(f) }),
  filter: (p, f) => ({ ...p, condition: f(p.condition) }),
  aggregate: (p, f) => ({ ...p, groupBy: p.groupBy.map(f), aggregates: p.aggregates.map(f) }),
  sort: (p, f) => ({ ...p, orders: p.orders.map((o) => ({ ...o, expr: f(o.expr) })) }),
  limit: (p) => p,
  offset: (p) => p,
  repartition: (p, f) => ({ ...p, exprs: p.exprs.map(f) }),
  coalesce: (p) => p,
  union: (p) => p,
  hint: (p) => p,
  mapPartitions: (p) => p,
  combineByKey: (p) => p,
  join: (p, f) => ({ ...p, leftKeys: p.leftKeys.map(f), rightKeys: p.rightKeys.map(f), condition: p.condition === null ? null : f(p.condition) }),
  window: (p, f) => ({ ...p, partitionBy: p.partitionBy.map(f), orderBy: p.orderBy.map((o) => ({ ...o, expr: f(o.expr) })), functions: p.functions.map(f) }),
  generate: (p, f) => ({ ...p, generator: { ...p.generator, arg: f(p.generator.arg) } }),
};

/** Every node of `plan` with its expressions rewritten bottom-up by `f` (undefined keeps a node). */
export function transformExpressions(plan: LogicalPlan, f: (node: Expr) => Expr | undefined): LogicalPlan {
  const inputs = inputsOf(plan).map((input) => transformExpressions(input, f));
  const node = withInputs(plan, inputs);
  return (MAP_EXPRESSIONS[node.kind] as (p: LogicalPlan, f: (e: Expr) => Expr) => LogicalPlan)(node, (e) => transformExpr(e, f));
}

// ---- validating factories --------------------------------------------------------------

function checkScalar(exprs: readonly Expr[], input: Schema, where: string): void {
  for (const e of exprs) {
    if (containsAggregate(e)) throw new AnalysisError(`${where}: aggregate ${exprName(e)} is only allowed in agg() and select(); compute it there, then use its column.`);
    typeOf(e, input);
  }
}

export function project(input: LogicalPlan, exprs: readonly Expr[]): LogicalPlan {
  const names = exprs.map(exprName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new AnalysisError(`select: the column name "${dup}" appears twice; rename one with alias().`);
  // select(sum("a"), ...) aggregates the whole input into one row, as Spark's does.
  if (exprs.some(containsAggregate)) return aggregate(input, [], exprs, "select");
  checkScalar(exprs, schemaOf(input), "select");
  return { kind: "project", input, exprs };
}

export function filter(input: LogicalPlan, condition: Expr): LogicalPlan {
  checkScalar([condition], schemaOf(input), "filter");
  const t = typeOf(condition, schemaOf(input));
  if (t.type !== "boolean" && t.type !== "null") {
    throw new AnalysisError(`filter: the condition ${exprName(condition)} is ${t.type}, not boolean.`);
  }
  return { kind: "filter", input, condition };
}

/**
 * groupBy(keys).agg(exprs): plain aggregate calls become one aggregate node; expressions over
 * aggregates (`sum(a) / sum(b)`, `k + sum(x)`) a project over an aggregate node of their
 * distinct calls (shared/plan/aggregate-expressions.ts).
 */
export function aggregate(input: LogicalPlan, groupBy: readonly Expr[], aggregates: readonly Expr[], where: AggregateContext = "agg"): LogicalPlan {
  const schema = schemaOf(input);
  checkScalar(groupBy, schema, "groupBy");
  const split = splitAggregates(groupBy, aggregates, schema, where);
  if (split === null) return { kind: "aggregate", input, groupBy, aggregates };
  const node: LogicalPlan = { kind: "aggregate", input, groupBy, aggregates: split.aggregates };
  return { kind: "project", input: node, exprs: [...groupBy.map((g) => column(exprName(g))), ...split.outputs] };
}

export function sort(input: LogicalPlan, orders: readonly SortOrder[], numPartitions?: number): LogicalPlan {
  checkScalar(orders.map((o) => o.expr), schemaOf(input), "orderBy");
  if (numPartitions !== undefined && (!Number.isInteger(numPartitions) || numPartitions < 1)) throw new AnalysisError(`sort: numPartitions must be a whole number of at least 1, got ${numPartitions}.`);
  return numPartitions === undefined ? { kind: "sort", input, orders } : { kind: "sort", input, orders, numPartitions };
}

export function limit(input: LogicalPlan, n: number): LogicalPlan {
  if (!Number.isInteger(n) || n < 0) throw new AnalysisError(`limit(${n}): expected a whole number of at least 0.`);
  return { kind: "limit", input, n };
}

export function offset(input: LogicalPlan, n: number): LogicalPlan {
  if (!Number.isInteger(n) || n < 0) throw new AnalysisError(`offset(${n}): expected a whole number of at least 0.`);
  return { kind: "offset", input, n };
}

export function repartition(input: LogicalPlan, numPartitions: number, exprs: readonly Expr[]): LogicalPlan {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new AnalysisError(`repartition(${numPartitions}): expected a whole number of at least 1.`);
  }
  checkScalar(exprs, schemaOf(input), "repartition");
  return { kind: "repartition", input, numPartitions, exprs };
}

export function join(
  left: LogicalPlan,
  right: LogicalPlan,
  how: JoinType,
  leftKeys: readonly Expr[],
  rightKeys: readonly Expr[],
  condition: Expr | null,
): LogicalPlan {
  const [l, r] = [schemaOf(left), schemaOf(right)];
  checkScalar(leftKeys, l, "join (left keys)");
  checkScalar(rightKeys, r, "join (right keys)");
  if (leftKeys.length !== rightKeys.length) throw new AnalysisError("join: as many left keys as right keys are needed.");
  if (how !== "semi" && how !== "anti") {
    const names = new Set(l.fields.map((f) => f.name));
    const clash = r.fields.find((f) => names.has(f.name));
    if (clash) {
      throw new AnalysisError(
        `join: both sides have a column "${clash.name}"; rename one side's with withColumnRenamed(), or join on "${clash.name}" by name (df.join(other, "${clash.name}")).`,
      );
    }
  }
  if (condition) {
    const joined = { fields: [...l.fields, ...r.fields] };
    checkScalar([condition], joined, "join condition");
  }
  return { kind: "join", left, right, how, leftKeys, rightKeys, condition };
}

export function coalesce(input: LogicalPlan, numPartitions: number): LogicalPlan {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new AnalysisError(`coalesce(${numPartitions}): expected a whole number of at least 1.`);
  }
  return { kind: "coalesce", input, numPartitions };
}

/** Union by position: every input needs the same number of columns, of compatible types. */
export function union(inputs: readonly LogicalPlan[]): LogicalPlan {
  const schemas = inputs.map(schemaOf);
  const first = schemas[0]!;
  schemas.forEach((s, n) => {
    if (s.fields.length !== first.fields.length) {
      throw new AnalysisError(`union: input ${n + 1} has ${s.fields.length} columns, the first has ${first.fields.length}; select the same columns on both sides.`);
    }
    s.fields.forEach((f, i) => {
      const g = first.fields[i]!;
      const compatible =
        f.type === g.type || f.type === "null" || g.type === "null" || f.type === "any" || g.type === "any" || (isNumeric(f.type) && isNumeric(g.type));
      if (!compatible) throw new AnalysisError(`union: column ${i + 1} is ${g.type} ("${g.name}") in the first input but ${f.type} ("${f.name}") in input ${n + 1}; cast() one of them.`);
    });
  });
  return { kind: "union", inputs };
}

/** Columns of the input that a node's own expressions read. */
export function columnsReadBy(plan: LogicalPlan): Set<string> {
  const out = new Set<string>();
  const add = (e: Expr) => referencedColumns(e, out);
  switch (plan.kind) {
    case "project":
      plan.exprs.forEach(add);
      break;
    case "filter":
      add(plan.condition);
      break;
    case "aggregate":
      [...plan.groupBy, ...plan.aggregates].forEach(add);
      break;
    case "sort":
      plan.orders.forEach((o) => add(o.expr));
      break;
    case "repartition":
      plan.exprs.forEach(add);
      break;
    case "join":
      [...plan.leftKeys, ...plan.rightKeys, ...(plan.condition ? [plan.condition] : [])].forEach(add);
      break;
    case "window":
      [...plan.partitionBy, ...plan.orderBy.map((o) => o.expr), ...plan.functions].forEach(add);
      break;
    case "generate":
      add(plan.generator.arg);
      break;
    default:
      break;
  }
  return out;
}
