/**
 * DataFrame: an immutable, lazy query. Each transformation returns a new DataFrame around a
 * new plan node; actions (collect, count, show, ...) analyze, optimize, plan and run it.
 */
import { timestampText } from "../../shared/plan/functions/timestamps.ts";
import { UTC, type TimeZone } from "../../shared/plan/functions/time-zone.ts";
import { DataFrameWriter, type WriteExecution } from "./writer.ts";
import { column, exprName, type Expr } from "../../shared/plan/expr.ts";
import { REGEX_COLUMN } from "../../shared/plan/names.ts";
import { parseExpression, parseNamedExpression } from "../sql/parser.ts";
import type { Catalog } from "../catalog.ts";
import { BUILTINS } from "./rdd-builtins.ts";
import { callSite, shipFunction } from "./closures.ts";
import { cubeSets, rollupSets } from "../planner/grouping-sets.ts";
import { DESCRIBE_STATISTICS } from "../planner/summary.ts";
import { refuseAggregateInWithColumn } from "../../shared/plan/aggregate-expressions.ts";
import type { SortOrder, UnresolvedPlan } from "../../shared/plan/logical.ts";
import { schemaTreeLines, typeName, type Schema, type Value } from "../../shared/plan/types.ts";
import { castValue } from "../../shared/plan/casts.ts";
import { formatTable } from "../format/table.ts";
import { showBinary } from "../../shared/plan/binary.ts";
import { Column, SortOrderColumn } from "./column.ts";
import { asColumn, count as countFn, type ColumnOrName } from "./functions.ts";
import { GroupedData } from "./grouped-data.ts";
import { ELEMENT_SCHEMA, RDD } from "./rdd.ts";
import type { FunctionRuntime } from "../../shared/functions/compile.ts";
import type { Scalar } from "../../shared/plan/types.ts";
import { DataFrameNaFunctions, type Replacement } from "./na-functions.ts";

import { toObjects, type RowObject } from "./rows.ts";
export type { RowObject, RowValue } from "./rows.ts";

/** What a DataFrame needs from its session: running and explaining plans. */
export interface QueryExecution extends WriteExecution {
  readonly defaultParallelism: number;
  /** Runs user functions on the driver (an RDD reduce's final merge), with broadcasts and accumulators. */
  readonly driverFunctions: FunctionRuntime;
  execute(plan: UnresolvedPlan): Promise<{ schema: Schema; rows: Value[][] }>;
  stream(plan: UnresolvedPlan): Promise<{ schema: Schema; partitions: AsyncIterable<Value[][]> }>;
  schemaOf(plan: UnresolvedPlan): Promise<Schema>;
  explain(plan: UnresolvedPlan): Promise<string>;
  /** spark.sql.session.timeZone: how show() prints timestamps. */
  sessionTimeZone(): TimeZone;
  numPartitions(plan: UnresolvedPlan): Promise<number>;
  cachePlan(plan: UnresolvedPlan): void;
  /** The session's temporary views. */
  readonly catalog: Catalog;
  uncachePlan(plan: UnresolvedPlan): Promise<void>;
}

const randomSeed = () => Math.floor(Math.random() * 2 ** 31);

function sortOrder(c: ColumnOrName | SortOrderColumn): SortOrder {
  if (c instanceof SortOrderColumn) return c.toSortOrder();
  return { expr: asColumn(c).expr, ascending: true, nullsFirst: true };
}

export class DataFrame {
  constructor(
    readonly plan: UnresolvedPlan,
    private readonly session: QueryExecution,
  ) {}

  private with(plan: UnresolvedPlan): DataFrame {
    return new DataFrame(plan, this.session);
  }

  // ---- transformations ----

  /** Columns or expressions; when they aggregate (`select(sum("a"))`), one row over all rows, as df.agg(...). */
  select(...cols: (ColumnOrName | ColumnOrName[])[]): DataFrame {
    return this.with({ kind: "project", input: this.plan, exprs: (cols.flat() as ColumnOrName[]).map((c) => asColumn(c).expr) });
  }

  withColumn(name: string, value: Column): DataFrame {
    refuseAggregateInWithColumn(name, value.expr);
    return this.with({ kind: "withColumns", input: this.plan, columns: [{ name, expr: value.expr }] });
  }

  withColumnRenamed(existing: string, renamed: string): DataFrame {
    return this.with({ kind: "renameColumn", input: this.plan, from: existing, to: renamed });
  }

  /** Several columns added or replaced at once: `df.withColumns({ a: col("x").plus(1), b: lit(2) })`. */
  withColumns(columns: Readonly<Record<string, Column>> | ReadonlyMap<string, Column>): DataFrame {
    const entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns);
    for (const [name, value] of entries) refuseAggregateInWithColumn(name, value.expr);
    return this.with({ kind: "withColumns", input: this.plan, columns: entries.map(([name, value]) => ({ name, expr: value.expr })) });
  }

  /** Several columns renamed at once (`{ old: "new" }`); names that are not columns are passed over, as in Spark. */
  withColumnsRenamed(renames: Readonly<Record<string, string>> | ReadonlyMap<string, string>): DataFrame {
    const entries = renames instanceof Map ? [...renames.entries()] : Object.entries(renames);
    return entries.reduce<DataFrame>((df, [from, to]) => df.withColumnRenamed(from, to), this);
  }

  /** The same rows with every column renamed, by position: `df.toDF("id", "name")`. */
  toDF(...names: string[]): DataFrame {
    return this.with({ kind: "renameAll", input: this.plan, names });
  }

  /** Missing-value functions: `df.na.fill(0)`, `df.na.drop()`, `df.na.replace("a", "b")`. */
  get na(): DataFrameNaFunctions<DataFrame> {
    return new DataFrameNaFunctions(this.plan, (plan) => this.with(plan));
  }

  /** Nulls (and NaN in double columns) replaced: a value fills the columns of its kind; an object gives a value per column. */
  fillna(value: Scalar | Readonly<Record<string, Scalar>>, subset?: string | readonly string[]): DataFrame {
    return this.na.fill(value, subset);
  }

  /** Rows with a null or NaN dropped (`how` "any"), or only rows of nothing but ("all"), or with fewer than `thresh` values. */
  dropna(how: "any" | "all" = "any", thresh?: number | null, subset?: string | readonly string[]): DataFrame {
    return this.na.drop(how, thresh, subset);
  }

  /** Values replaced by others in the columns of their kind: `df.replace(["a", "b"], "x")`, `df.replace({ a: "x" })`. */
  replace(toReplace: Replacement, value?: Scalar | readonly Scalar[], subset?: string | readonly string[]): DataFrame {
    return this.na.replace(toReplace, value, subset);
  }

  /**
   * Wide to long: a row per input row and value column, with the `ids` columns, the value
   * column's name (in `variableColumnName`) and its value (in `valueColumnName`, widened to
   * one type). `values` null: every column that is not an id.
   */
  unpivot(ids: ColumnOrName | readonly ColumnOrName[], values: ColumnOrName | readonly ColumnOrName[] | null, variableColumnName: string, valueColumnName: string): DataFrame {
    const exprs = (cols: ColumnOrName | readonly ColumnOrName[]) => (Array.isArray(cols) ? (cols as readonly ColumnOrName[]) : [cols as ColumnOrName]).map((c) => asColumn(c).expr);
    return this.with({ kind: "unpivot", input: this.plan, ids: exprs(ids), values: values === null ? null : exprs(values), variableColumnName, valueColumnName });
  }

  /** Same as unpivot(). */
  melt(ids: ColumnOrName | readonly ColumnOrName[], values: ColumnOrName | readonly ColumnOrName[] | null, variableColumnName: string, valueColumnName: string): DataFrame {
    return this.unpivot(ids, values, variableColumnName, valueColumnName);
  }

  /** count, mean, stddev, min and max of the numeric and string columns (all, or those named), as strings, a row per statistic. */
  describe(...columns: (string | string[])[]): DataFrame {
    return this.with({ kind: "summary", input: this.plan, statistics: DESCRIBE_STATISTICS, columns: columns.length ? columns.flat() : null });
  }

  /** The statistics named (default: count, mean, stddev, min, 25%, 50%, 75%, max) of the numeric and string columns, as strings. */
  summary(...statistics: string[]): DataFrame {
    return this.with({ kind: "summary", input: this.plan, statistics, columns: null });
  }

  /** `f(this)`: chains a function of a DataFrame, as PySpark's transform. */
  transform<A extends unknown[]>(f: (df: DataFrame, ...args: A) => DataFrame, ...args: A): DataFrame {
    return f(this, ...args);
  }

  drop(...names: string[]): DataFrame {
    return this.with({ kind: "dropColumns", input: this.plan, names });
  }

  /** Rows where the condition holds: a Column, or Spark SQL text (`df.filter("amount > 1000 AND category = 'x'")`). */
  filter(condition: Column | string): DataFrame {
    return this.with({ kind: "filter", input: this.plan, condition: typeof condition === "string" ? parseExpression(condition) : condition.expr });
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /** select() of Spark SQL expression texts, each with an optional alias: `df.selectExpr("category", "amount * 2 AS doubled", "*")`. */
  selectExpr(...exprs: (string | string[])[]): DataFrame {
    return this.with({ kind: "project", input: this.plan, exprs: exprs.flat().map(parseNamedExpression) });
  }

  groupBy(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData {
    const keys = (cols.flat() as ColumnOrName[]).map((c) => asColumn(c).expr);
    return new GroupedData(
      keys,
      (groupBy: readonly Expr[], aggregates: readonly Expr[]) => this.with({ kind: "aggregate", input: this.plan, groupBy, aggregates }),
      (pivot, values, aggregates) => this.with({ kind: "pivot", input: this.plan, keys, pivot, values, aggregates }),
    );
  }

  /** Subtotals: the aggregation by (k1..kn), (k1..kn-1), ..., and the grand total (keys left out are null; grouping(k) tells which). */
  rollup(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData {
    const keys = (cols.flat() as ColumnOrName[]).map((c) => asColumn(c).expr);
    return this.groupingSetsOf(keys, rollupSets(keys.length));
  }

  /** The aggregation by every subset of the keys (keys left out are null; grouping_id() numbers the subsets). */
  cube(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData {
    const keys = (cols.flat() as ColumnOrName[]).map((c) => asColumn(c).expr);
    return this.groupingSetsOf(keys, cubeSets(keys.length));
  }

  /** The aggregation by each given set of the keys `cols`: `df.groupingSets([["a", "b"], ["a"], []], "a", "b")`. */
  groupingSets(sets: readonly (readonly ColumnOrName[])[], ...cols: ColumnOrName[]): GroupedData {
    const keys = cols.map((c) => asColumn(c).expr);
    const names = keys.map(exprName);
    const indexes = sets.map((set) =>
      set.map((c) => {
        const i = names.indexOf(exprName(asColumn(c).expr));
        if (i < 0) throw new Error(`groupingSets: ${exprName(asColumn(c).expr)} is in a grouping set but not among the columns given (${names.join(", ")}).`);
        return i;
      }),
    );
    return this.groupingSetsOf(keys, indexes);
  }

  private groupingSetsOf(keys: readonly Expr[], sets: readonly (readonly number[])[]): GroupedData {
    return new GroupedData(keys, (_, aggregates) => this.with({ kind: "groupingSets", input: this.plan, keys, sets, aggregates }));
  }

  /** Aggregates over the whole DataFrame: `df.agg(sum("amount"), sum("a").divide(count("*")))`. */
  agg(...aggregates: Column[]): DataFrame {
    return this.groupBy().agg(...aggregates);
  }

  orderBy(...cols: (ColumnOrName | SortOrderColumn | (ColumnOrName | SortOrderColumn)[])[]): DataFrame {
    const orders = (cols.flat() as (ColumnOrName | SortOrderColumn)[]).map(sortOrder);
    return this.with({ kind: "sort", input: this.plan, orders });
  }

  sort(...cols: (ColumnOrName | SortOrderColumn | (ColumnOrName | SortOrderColumn)[])[]): DataFrame {
    return this.orderBy(...cols);
  }

  limit(n: number): DataFrame {
    return this.with({ kind: "limit", input: this.plan, n });
  }

  /** The rows after the first n (Spark's Dataset.offset). */
  offset(n: number): DataFrame {
    return this.with({ kind: "offset", input: this.plan, n });
  }

  distinct(): DataFrame {
    return this.with({ kind: "distinct", input: this.plan });
  }

  /**
   * Joins with another DataFrame. `on` is a column name or names present on both sides (a
   * using-join: each key appears once in the output) or a Column condition such as
   * `col("category").equalTo(col("code"))`; without `on`, every pair (a cross join).
   * `how`: inner (default), left, right, full/outer, semi/left_semi, anti/left_anti.
   */
  join(other: DataFrame, on?: string | string[] | Column, how = "inner"): DataFrame {
    const spec = on === undefined ? null : on instanceof Column ? on.expr : typeof on === "string" ? [on] : on;
    return this.with({ kind: "unresolvedJoin", left: this.plan, right: other.plan, how, on: spec });
  }

  /**
   * A hint for the planner, as Spark's df.hint(name): "broadcast" ships this DataFrame whole
   * to every task of the other side of a join, instead of shuffling both sides.
   */
  hint(name: "broadcast"): DataFrame {
    if (name !== "broadcast") throw new Error(`Unknown hint "${String(name)}": sparkfn supports "broadcast".`);
    return this.with({ kind: "hint", input: this.plan, hint: name });
  }

  /** Fewer partitions without a shuffle: neighbouring partitions are read by one task. */
  coalesce(numPartitions: number): DataFrame {
    return this.with({ kind: "coalesce", input: this.plan, numPartitions });
  }

  /** This DataFrame under an alias, so that its columns can be named `alias.column` (`col("e.name")`), as a self-join needs. */
  alias(name: string): DataFrame {
    return this.with({ kind: "subqueryAlias", input: this.plan, alias: name });
  }

  /** The columns whose names match a Java regular expression (in backquotes, as Spark's): `df.select(df.colRegex("`(id|amount)`"))`. */
  colRegex(colName: string): Column {
    const quoted = /^`(.*)`$/s.exec(colName);
    return new Column(column(`${REGEX_COLUMN}${quoted ? quoted[1]!.replaceAll("``", "`") : colName}`));
  }

  /**
   * A random sample, as PySpark's df.sample(withReplacement?, fraction, seed?): each row kept
   * with probability `fraction` (Bernoulli), or with replacement a Poisson(fraction) number
   * of copies. The draws come from a generator seeded by `seed` and the partition, so the
   * same seed over the same input gives the same rows.
   */
  sample(fraction: number, seed?: number): DataFrame;
  sample(withReplacement: boolean | null, fraction: number, seed?: number): DataFrame;
  sample(a: boolean | number | null, b?: number, c?: number): DataFrame {
    const [withReplacement, fraction, seed] = typeof a === "number" ? [false, a, b] : [a ?? false, b, c];
    if (typeof fraction !== "number" || Number.isNaN(fraction)) throw new Error("sample: give the fraction of rows to keep, a number (df.sample(0.1) or df.sample(false, 0.1, seed)).");
    if (fraction < 0) throw new Error(`sample: the fraction must be 0 or more, got ${fraction}.`);
    if (!withReplacement && fraction > 1) throw new Error(`sample: without replacement the fraction is a probability, at most 1; got ${fraction}. Use sample(true, ${fraction}) to draw rows more than once.`);
    return this.sampled("sample", { fraction, seed: seed ?? randomSeed(), withReplacement });
  }

  /**
   * The rows cut at random into DataFrames with sizes in the proportions of `weights`
   * (normalized), as PySpark's randomSplit: every row lands in exactly one of them, because
   * all of them cut one sequence of draws (seeded by `seed` and the partition) at the weights'
   * cumulative bounds. That holds while the input gives its rows in the same order each time,
   * as files, tables and sparkfn's shuffles do.
   */
  randomSplit(weights: readonly number[], seed: number = randomSeed()): DataFrame[] {
    if (weights.length === 0 || weights.some((w) => !(w >= 0))) throw new Error(`randomSplit: weights must be numbers, 0 or more; got [${weights.join(", ")}].`);
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new Error(`randomSplit: the weights must sum to more than 0; got [${weights.join(", ")}].`);
    let lower = 0;
    return weights.map((w, i) => {
      const upper = i === weights.length - 1 ? 1 : lower + w / total;
      const split = this.sampled("randomSplit", { lower, fraction: upper, seed, withReplacement: false });
      lower = upper;
      return split;
    });
  }

  private sampled(op: string, captures: { fraction: number; seed: number; withReplacement: boolean; lower?: number }): DataFrame {
    return this.with({ kind: "sampleRows", input: this.plan, sampler: shipFunction(`df.${op}`, BUILTINS.sample, captures, callSite()) });
  }

  /** One row per distinct value of `columns` (all columns when none are given). */
  dropDuplicates(columns: string[] = []): DataFrame {
    return this.with({ kind: "dropDuplicates", input: this.plan, columns });
  }

  /** Every pair of rows (a cross join). */
  crossJoin(other: DataFrame): DataFrame {
    return this.with({ kind: "unresolvedJoin", left: this.plan, right: other.plan, how: "inner", on: null });
  }

  /** Distinct rows that are in both (SQL's INTERSECT), compared by position, nulls equal. */
  intersect(other: DataFrame): DataFrame {
    return this.with({ kind: "setOperation", left: this.plan, right: other.plan, op: "intersect", all: false });
  }

  /** Rows in both, as many times as in the side that has fewer (INTERSECT ALL). */
  intersectAll(other: DataFrame): DataFrame {
    return this.with({ kind: "setOperation", left: this.plan, right: other.plan, op: "intersect", all: true });
  }

  /** Distinct rows of this one that are not in the other (EXCEPT DISTINCT). */
  subtract(other: DataFrame): DataFrame {
    return this.with({ kind: "setOperation", left: this.plan, right: other.plan, op: "except", all: false });
  }

  /** This one's rows less as many equal rows as the other has (EXCEPT ALL). */
  exceptAll(other: DataFrame): DataFrame {
    return this.with({ kind: "setOperation", left: this.plan, right: other.plan, op: "except", all: true });
  }

  /** Rows of both, matched by column position (SQL's UNION ALL; use distinct() to dedupe). */
  union(other: DataFrame): DataFrame {
    return this.with({ kind: "unresolvedUnion", inputs: [this.plan, other.plan], byName: false });
  }

  /** Rows of both, matched by column name. */
  unionByName(other: DataFrame): DataFrame {
    return this.with({ kind: "unresolvedUnion", inputs: [this.plan, other.plan], byName: true });
  }

  repartition(numPartitions: number, ...cols: ColumnOrName[]): DataFrame {
    return this.with({ kind: "repartition", input: this.plan, numPartitions, exprs: cols.map((c) => asColumn(c).expr) });
  }

  /**
   * Keeps this DataFrame's rows after the next action computes them, so later queries that
   * use it read them back instead of recomputing (on functions: stored in the app's scratch
   * space until unpersist() or spark.stop()). Returns this DataFrame, as in Spark.
   */
  cache(): this {
    this.session.cachePlan(this.plan);
    return this;
  }

  /** Same as cache(): sparkfn has one storage level (the app's scratch space). */
  persist(): this {
    return this.cache();
  }

  /** Drops the cached rows. */
  async unpersist(): Promise<this> {
    await this.session.uncachePlan(this.plan);
    return this;
  }

  // ---- actions ----

  async collect(): Promise<RowObject[]> {
    const { schema, rows } = await this.session.execute(this.plan);
    return toObjects(schema, rows);
  }

  /**
   * Rows one at a time, fetching one partition at a time: the driver holds at most one
   * partition's rows (Spark's toLocalIterator).
   */
  async *toLocalIterator(): AsyncGenerator<RowObject> {
    const { schema, partitions } = await this.session.stream(this.plan);
    for await (const rows of partitions) {
      // Convert row by row, dropping each array as it goes: one partition is held, not two.
      for (let i = 0; i < rows.length; i++) {
        const [object] = toObjects(schema, [rows[i]!]);
        (rows as unknown[])[i] = undefined;
        yield object!;
      }
    }
  }

  async count(): Promise<number> {
    const rows = await this.agg(countFn("*").alias("count")).collect();
    return rows[0]!.count as number;
  }

  async take(n: number): Promise<RowObject[]> {
    return this.limit(n).collect();
  }

  async head(n = 1): Promise<RowObject[]> {
    return this.take(n);
  }

  async first(): Promise<RowObject | undefined> {
    return (await this.take(1))[0];
  }

  /** Whether there are no rows (reads at most one). */
  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  /** The last `n` rows, in order (all rows pass through the driver, as Spark's tail collects them). */
  async tail(n: number): Promise<RowObject[]> {
    if (!Number.isInteger(n) || n < 0) throw new Error(`tail(${n}): n must be a whole number, 0 or more.`);
    const rows = await this.collect();
    return n === 0 ? [] : rows.slice(-n);
  }

  /** Prints the first `n` rows as Spark's show() does; strings longer than 20 characters are cut. */
  async show(n = 20, truncate = true): Promise<string> {
    const { schema, rows } = await this.session.execute({ kind: "limit", input: this.plan, n });
    const zone = this.session.sessionTimeZone();
    const cell = (v: Value, c: number) => {
      const type = schema.fields[c]!.type;
      // As Spark prints a value: its cast to a string (a double 1 is "1.0", 1e21 "1.0E21", a decimal
      // its plain digits, an array "[1, 2]", a struct "{1, a}", a binary its bytes in hex "[0A 1B]").
      const s = v === null ? "null" : type === "binary" ? showBinary(v as string) : type === "timestamp" ? timestampText(v as number, zone) : type === "timestamp_ntz" ? timestampText(v as number, UTC) : type === "string" || type === "any" ? String(v) : String(castValue(v, type, "string"));
      return truncate && s.length > 20 ? `${s.slice(0, 17)}...` : s;
    };
    const text = formatTable(schema.fields.map((f) => f.name), rows.map((r) => r.map(cell)));
    console.log(text);
    return text;
  }

  /** Prints (and returns) the parsed, optimized and physical plans, with stage boundaries. */
  async explain(): Promise<string> {
    const text = await this.session.explain(this.plan);
    console.log(text);
    return text;
  }

  async schema(): Promise<Schema> {
    return this.session.schemaOf(this.plan);
  }

  async columns(): Promise<string[]> {
    return (await this.schema()).fields.map((f) => f.name);
  }

  async printSchema(): Promise<string> {
    const schema = await this.schema();
    const text = ["root", ...schema.fields.flatMap((f) => [` |-- ${f.name}: ${typeName(f.type)} (nullable = ${f.nullable})`, ...schemaTreeLines(f.type, " |    ")])].join("\n");
    console.log(text);
    return text;
  }

  /** `df.rdd.getNumPartitions()`; the full RDD API comes with its own issue. */
  /** Writes this DataFrame to files: `df.write.mode("overwrite").parquet(path)`. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this.plan, this.session);
  }

  /** Registers this DataFrame as a temporary view for spark.sql / spark.table, replacing one of that name. */
  createOrReplaceTempView(name: string): void {
    this.session.catalog.createTempView(name, this.plan, true);
  }

  /** As createOrReplaceTempView, but a view of that name already there is an error (Spark's TEMP_TABLE_OR_VIEW_ALREADY_EXISTS). */
  createTempView(name: string): void {
    this.session.catalog.createTempView(name, this.plan, false);
  }

  /** The rows as an RDD of JSON strings, one object per row as Spark's JSON writer writes it (null fields left out). */
  toJSON(): RDD<string> {
    return new RDD<string>({ kind: "mapPartitions", input: this.plan, mode: "toJson", fn: null, zero: null, schema: ELEMENT_SCHEMA }, this.session);
  }

  /** The rows as an RDD of plain objects ({ column: value }). */
  get rdd(): RDD<RowObject> {
    return new RDD<RowObject>({ kind: "mapPartitions", input: this.plan, mode: "toObjects", fn: null, zero: null, schema: ELEMENT_SCHEMA }, this.session);
  }

  toString(): string {
    return `DataFrame[${this.plan.kind}]`;
  }
}

