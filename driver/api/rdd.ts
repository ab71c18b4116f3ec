/**
 * RDDs, PySpark-style. An RDD is a plan whose rows have one column, its elements: any
 * JSON-able value, with key/value pairs as 2-element arrays `[k, v]` (keys compare by value,
 * so numbers, strings and arrays of them all work as keys). Transformations return new RDDs
 * over new plan nodes; actions run a job.
 *
 * Every operation that takes a function also takes an optional captures object, which the
 * function receives as its last argument (see closures.ts for why and what may be captured):
 *
 *   rdd.map((x, env) => x * env.rate, { rate })
 *   words.reduceByKey((a, b) => a + b)
 *
 * Where Spark takes a number of partitions after the function (reduceByKey(f, 8)), pass it
 * in place of the captures, or after them: reduceByKey(f, { w }, 8).
 */
import { alias, type Expr } from "../../shared/plan/expr.ts";
import type { UnresolvedPlan } from "../../shared/plan/logical.ts";
import type { Combiner, RddMode } from "../../shared/plan/physical.ts";
import type { ShippedFunction } from "../../shared/plan/function.ts";
import type { Schema } from "../../shared/plan/types.ts";
import { compileFunction } from "../../shared/functions/compile.ts";
import { callSite, isCaptures, shipFunction, type Captures } from "./closures.ts";
import { BUILTINS } from "./rdd-builtins.ts";
import type { QueryExecution } from "./dataframe.ts";
import type { Broadcast } from "./broadcast.ts";
import type { Accumulator } from "./accumulator.ts";
import type { ShippedModule } from "./modules.ts";
import { outputLocation } from "./writer.ts";

import { ELEMENT_SCHEMA } from "../../shared/plan/physical.ts";
export { ELEMENT_SCHEMA };

const element: Expr = { kind: "column", name: "value" };
const keyExpr: Expr = { kind: "call", fn: "element_at", args: [element, { kind: "literal", value: 1, type: "int" }] };


type Fn = (...args: never[]) => unknown;
type Extra = Captures | number | undefined;

/** Splits Spark's optional numPartitions from sparkfn's optional captures. */
function extras(a: Extra, b?: number): { captures: Captures | undefined; numPartitions: number | undefined } {
  if (typeof a === "number") return { captures: undefined, numPartitions: a };
  if (a !== undefined && !isCaptures(a)) throw new TypeError("Expected a captures object or a number of partitions.");
  return { captures: a, numPartitions: b };
}

function checkPartitions(op: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${op}: numPartitions must be a whole number of at least 1, got ${n}.`);
  return n;
}

export class RDD<T = unknown> {
  constructor(
    readonly plan: UnresolvedPlan,
    private readonly session: QueryExecution,
  ) {}

  private with<U>(plan: UnresolvedPlan): RDD<U> {
    return new RDD<U>(plan, this.session);
  }

  private ship(op: string, fn: unknown, captures?: Captures): ShippedFunction {
    return shipFunction(`rdd.${op}`, fn, captures);
  }

  private builtin(op: string, name: keyof typeof BUILTINS, captures?: Captures): ShippedFunction {
    return shipFunction(`rdd.${op}`, BUILTINS[name], captures, callSite());
  }

  private mapped<U>(mode: RddMode, fn: ShippedFunction | null, zero: { value: unknown } | null = null): RDD<U> {
    return this.with<U>({ kind: "mapPartitions", input: this.plan, mode, fn, zero, schema: ELEMENT_SCHEMA });
  }

  private combined<U>(combiner: Combiner, numPartitions: number | undefined, op: string): RDD<U> {
    const n = checkPartitions(`rdd.${op}`, numPartitions ?? this.session.defaultParallelism);
    return this.with<U>({ kind: "combineByKey", input: this.plan, combiner, numPartitions: n });
  }

  // ---- narrow transformations ----

  map<U, E extends Captures = Captures>(fn: (x: T, env: Env<E>) => U, captures?: E): RDD<U> {
    return this.mapped("map", this.ship("map", fn, captures));
  }

  flatMap<U, E extends Captures = Captures>(fn: (x: T, env: Env<E>) => Iterable<U>, captures?: E): RDD<U> {
    return this.mapped("flatMap", this.ship("flatMap", fn, captures));
  }

  filter<E extends Captures = Captures>(fn: (x: T, env: Env<E>) => unknown, captures?: E): RDD<T> {
    return this.mapped("filter", this.ship("filter", fn, captures));
  }

  /** `fn` gets the partition's elements as an array and returns an iterable of new elements. */
  mapPartitions<U, E extends Captures = Captures>(fn: (elements: T[], env: Env<E>) => Iterable<U>, captures?: E): RDD<U> {
    return this.mapped("mapPartitions", this.ship("mapPartitions", fn, captures));
  }

  mapPartitionsWithIndex<U, E extends Captures = Captures>(fn: (index: number, elements: T[], env: Env<E>) => Iterable<U>, captures?: E): RDD<U> {
    return this.mapped("mapPartitionsWithIndex", this.ship("mapPartitionsWithIndex", fn, captures));
  }

  /** Each partition as one array. */
  glom(): RDD<T[]> {
    return this.mapped("glom", null);
  }

  keyBy<K, E extends Captures = Captures>(fn: (x: T, env: Env<E>) => K, captures?: E): RDD<[K, T]> {
    return this.mapped("keyBy", this.ship("keyBy", fn, captures));
  }

  mapValues<U, E extends Captures = Captures>(fn: (v: ValueOf<T>, env: Env<E>) => U, captures?: E): RDD<[KeyOf<T>, U]> {
    return this.mapped("mapValues", this.ship("mapValues", fn, captures));
  }

  flatMapValues<U, E extends Captures = Captures>(fn: (v: ValueOf<T>, env: Env<E>) => Iterable<U>, captures?: E): RDD<[KeyOf<T>, U]> {
    return this.mapped("flatMapValues", this.ship("flatMapValues", fn, captures));
  }

  keys(): RDD<KeyOf<T>> {
    return this.mapped("map", this.builtin("keys", "keyOf"));
  }

  values(): RDD<ValueOf<T>> {
    return this.mapped("map", this.builtin("values", "valueOf"));
  }

  union(other: RDD<T>): RDD<T> {
    return this.with({ kind: "unresolvedUnion", inputs: [this.plan, other.plan], byName: false });
  }

  /** Fewer partitions without a shuffle. */
  coalesce(numPartitions: number): RDD<T> {
    return this.with({ kind: "coalesce", input: this.plan, numPartitions: checkPartitions("rdd.coalesce", numPartitions) });
  }

  /** Exactly numPartitions partitions, elements dealt round-robin (a shuffle). */
  repartition(numPartitions: number): RDD<T> {
    return this.with({ kind: "repartition", input: this.plan, numPartitions: checkPartitions("rdd.repartition", numPartitions), exprs: [] });
  }

  /** A random sample: each element kept with probability `fraction` (or, with replacement, Poisson-many copies). */
  sample(withReplacement: boolean, fraction: number, seed = Math.floor(Math.random() * 2 ** 31)): RDD<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) throw new RangeError(`rdd.sample: fraction must be in [0, 1] without replacement, ≥ 0 with it; got ${fraction}.`);
    return this.mapped("mapPartitionsWithIndex", this.builtin("sample", "sample", { fraction, seed, withReplacement }));
  }

  // ---- shuffles ----

  /**
   * The general per-key aggregation: the first value of a key in a partition becomes
   * createCombiner(v), later ones merge in with mergeValue(c, v), and partitions' results
   * merge with mergeCombiners(c1, c2). The captures go to all three functions.
   */
  combineByKey<C, E extends Captures = Captures>(
    createCombiner: (v: ValueOf<T>, env: Env<E>) => C,
    mergeValue: (c: C, v: ValueOf<T>, env: Env<E>) => C,
    mergeCombiners: (a: C, b: C, env: Env<E>) => C,
    capturesOrPartitions?: E | number,
    numPartitions?: number,
  ): RDD<[KeyOf<T>, C]> {
    const { captures, numPartitions: n } = extras(capturesOrPartitions, numPartitions);
    const combiner: Combiner = {
      createCombiner: this.ship("combineByKey", createCombiner, captures),
      zero: null,
      mergeValue: this.ship("combineByKey", mergeValue, captures),
      mergeCombiners: this.ship("combineByKey", mergeCombiners, captures),
    };
    return this.combined(combiner, n, "combineByKey");
  }

  reduceByKey<E extends Captures = Captures>(fn: (a: ValueOf<T>, b: ValueOf<T>, env: Env<E>) => ValueOf<T>, capturesOrPartitions?: E | number, numPartitions?: number): RDD<[KeyOf<T>, ValueOf<T>]> {
    const { captures, numPartitions: n } = extras(capturesOrPartitions, numPartitions);
    const f = this.ship("reduceByKey", fn, captures);
    return this.combined({ createCombiner: null, zero: null, mergeValue: f, mergeCombiners: f }, n, "reduceByKey");
  }

  /** Per key: fold the values into a copy of `zero` with seqOp, merge partitions' results with combOp. */
  aggregateByKey<U, E extends Captures = Captures>(
    zero: U,
    seqOp: (acc: U, v: ValueOf<T>, env: Env<E>) => U,
    combOp: (a: U, b: U, env: Env<E>) => U,
    capturesOrPartitions?: E | number,
    numPartitions?: number,
  ): RDD<[KeyOf<T>, U]> {
    const { captures, numPartitions: n } = extras(capturesOrPartitions, numPartitions);
    const combiner: Combiner = {
      createCombiner: null,
      zero: { value: structuredClone(zero) },
      mergeValue: this.ship("aggregateByKey", seqOp, captures),
      mergeCombiners: this.ship("aggregateByKey", combOp, captures),
    };
    return this.combined(combiner, n, "aggregateByKey");
  }

  foldByKey<E extends Captures = Captures>(zero: ValueOf<T>, fn: (a: ValueOf<T>, b: ValueOf<T>, env: Env<E>) => ValueOf<T>, capturesOrPartitions?: E | number, numPartitions?: number): RDD<[KeyOf<T>, ValueOf<T>]> {
    return this.aggregateByKey(zero, fn, fn, capturesOrPartitions, numPartitions);
  }

  groupByKey(numPartitions?: number): RDD<[KeyOf<T>, ValueOf<T>[]]> {
    const combiner: Combiner = {
      createCombiner: this.builtin("groupByKey", "listOf"),
      zero: null,
      mergeValue: this.builtin("groupByKey", "append"),
      mergeCombiners: this.builtin("groupByKey", "concat"),
    };
    return this.combined(combiner, numPartitions, "groupByKey");
  }

  /** Elements grouped by fn(x): [key, elements]. */
  groupBy<K, E extends Captures = Captures>(fn: (x: T, env: Env<E>) => K, capturesOrPartitions?: E | number, numPartitions?: number): RDD<[K, T[]]> {
    const { captures, numPartitions: n } = extras(capturesOrPartitions, numPartitions);
    return (this.keyBy(fn, captures as E | undefined) as RDD<[K, T]>).groupByKey(n) as unknown as RDD<[K, T[]]>;
  }

  distinct(numPartitions?: number): RDD<T> {
    const pairs = this.mapped<[T, null]>("map", this.builtin("distinct", "pairWithNull"));
    const f = this.builtin("distinct", "keepFirst");
    return pairs.combined<[T, null]>({ createCombiner: null, zero: null, mergeValue: f, mergeCombiners: f }, numPartitions, "distinct").keys() as RDD<T>;
  }

  /** [k, [values of this, values of other]] for every key of either. */
  cogroup<W>(other: RDD<[KeyOf<T>, W]>, numPartitions?: number): RDD<[KeyOf<T>, [ValueOf<T>[], W[]]]> {
    const left = this.mapped<[KeyOf<T>, [0, ValueOf<T>]]>("mapValues", this.builtin("cogroup", "tagLeft"));
    const right = other.mapped<[KeyOf<T>, [1, W]]>("mapValues", this.builtin("cogroup", "tagRight"));
    const both = this.with<[KeyOf<T>, [0 | 1, unknown]]>({ kind: "unresolvedUnion", inputs: [left.plan, right.plan], byName: false });
    const combiner: Combiner = {
      createCombiner: this.builtin("cogroup", "cogroupCreate"),
      zero: null,
      mergeValue: this.builtin("cogroup", "cogroupAdd"),
      mergeCombiners: this.builtin("cogroup", "cogroupMerge"),
    };
    return both.combined(combiner, numPartitions, "cogroup");
  }

  private joinWith<W, R>(op: string, other: RDD<[KeyOf<T>, W]>, keepLeft: boolean, keepRight: boolean, numPartitions?: number): RDD<[KeyOf<T>, R]> {
    const grouped = this.cogroup(other, numPartitions);
    return grouped.mapped("flatMapValues", this.builtin(op, "joinPairs", { keepLeft, keepRight }));
  }

  join<W>(other: RDD<[KeyOf<T>, W]>, numPartitions?: number): RDD<[KeyOf<T>, [ValueOf<T>, W]]> {
    return this.joinWith("join", other, false, false, numPartitions);
  }

  leftOuterJoin<W>(other: RDD<[KeyOf<T>, W]>, numPartitions?: number): RDD<[KeyOf<T>, [ValueOf<T>, W | null]]> {
    return this.joinWith("leftOuterJoin", other, true, false, numPartitions);
  }

  rightOuterJoin<W>(other: RDD<[KeyOf<T>, W]>, numPartitions?: number): RDD<[KeyOf<T>, [ValueOf<T> | null, W]]> {
    return this.joinWith("rightOuterJoin", other, false, true, numPartitions);
  }

  fullOuterJoin<W>(other: RDD<[KeyOf<T>, W]>, numPartitions?: number): RDD<[KeyOf<T>, [ValueOf<T> | null, W | null]]> {
    return this.joinWith("fullOuterJoin", other, true, true, numPartitions);
  }

  /**
   * Sorted by fn(x) across partitions (a range-partitioned shuffle on sampled key bounds,
   * then a sort within each partition). Keys compare as Spark SQL values: numbers, strings,
   * arrays element by element; nulls first when ascending.
   */
  sortBy<K, E extends Captures = Captures>(fn: (x: T, env: Env<E>) => K, ascending = true, capturesOrPartitions?: E | number, numPartitions?: number): RDD<T> {
    const { captures, numPartitions: n } = extras(capturesOrPartitions, numPartitions);
    const keyed = this.keyBy(fn, captures as E | undefined);
    return keyed.sortByKey(ascending, n).mapped("map", this.builtin("sortBy", "valueOf"));
  }

  /** Sorted by key into numPartitions ranges (default spark.default.parallelism). */
  sortByKey(ascending = true, numPartitions?: number): RDD<T> {
    const n = checkPartitions("rdd.sortByKey", numPartitions ?? this.session.defaultParallelism);
    return this.with({ kind: "sort", input: this.plan, orders: [{ expr: keyExpr, ascending, nullsFirst: ascending }], numPartitions: n });
  }

  /**
   * Pairs each element with its index (partition by partition, in order). Like Spark, it
   * runs a job first to count each partition's elements; so it returns a promise.
   */
  async zipWithIndex(): Promise<RDD<[T, number]>> {
    const counts = (await this.mapped<[number, number]>("mapPartitionsWithIndex", this.builtin("zipWithIndex", "countPerPartition")).collect()).sort((a, b) => a[0] - b[0]);
    const offsets: number[] = [];
    let total = 0;
    for (const [i, n] of counts) {
      offsets[i] = total;
      total += n;
    }
    return this.mapped("mapPartitionsWithIndex", this.builtin("zipWithIndex", "zipWithIndex", { offsets: Array.from(offsets, (o) => o ?? 0) }));
  }

  /** Keeps the computed partitions for later jobs (Spark's cache()). */
  cache(): this {
    this.session.cachePlan(this.plan);
    return this;
  }

  persist(): this {
    return this.cache();
  }

  async unpersist(): Promise<this> {
    await this.session.uncachePlan(this.plan);
    return this;
  }

  // ---- actions ----

  async collect(): Promise<T[]> {
    const { rows } = await this.session.execute(this.plan);
    return rows.map((r) => r[0] as T);
  }

  async count(): Promise<number> {
    const { rows } = await this.session.execute({ kind: "aggregate", input: this.plan, groupBy: [], aggregates: [alias({ kind: "agg", fn: "count", arg: null }, "count")] });
    return Number(rows[0]?.[0] ?? 0);
  }

  async take(n: number): Promise<T[]> {
    const { rows } = await this.session.execute({ kind: "limit", input: this.plan, n });
    return rows.map((r) => r[0] as T);
  }

  async first(): Promise<T> {
    const [x] = await this.take(1);
    if (x === undefined) throw new Error("rdd.first(): the RDD is empty.");
    return x;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  async getNumPartitions(): Promise<number> {
    return this.session.numPartitions(this.plan);
  }

  /** Each partition folded from a copy of `zero` with seqOp, on the executors. */
  private partials<U>(op: string, zero: U, seqOp: unknown, captures?: Captures): Promise<U[]> {
    return this.mapped<U>("reducePartition", shipFunction(`rdd.${op}`, seqOp, captures), { value: structuredClone(zero) }).collect();
  }

  async reduce<E extends Captures = Captures>(fn: (a: T, b: T, env: Env<E>) => T, captures?: E): Promise<T> {
    const shipped = shipFunction("rdd.reduce", fn, captures);
    const partials = await this.mapped<T>("reducePartition", shipped, null).collect();
    if (partials.length === 0) throw new Error("rdd.reduce(): the RDD is empty; use fold() with a zero value for empty RDDs.");
    const f = compileFunction(shipped, this.session.driverFunctions);
    return partials.reduce((a, b) => f(a, b) as T);
  }

  /** Like reduce, from a zero value that each partition and the final merge start from. */
  async fold<E extends Captures = Captures>(zero: T, fn: (a: T, b: T, env: Env<E>) => T, captures?: E): Promise<T> {
    const partials = await this.partials<T>("fold", zero, fn, captures);
    const f = compileFunction(shipFunction("rdd.fold", fn, captures), this.session.driverFunctions);
    return partials.reduce((a, b) => f(a, b) as T, structuredClone(zero));
  }

  async aggregate<U, E extends Captures = Captures>(zero: U, seqOp: (acc: U, x: T, env: Env<E>) => U, combOp: (a: U, b: U, env: Env<E>) => U, captures?: E): Promise<U> {
    const partials = await this.partials<U>("aggregate", zero, seqOp, captures);
    const comb = compileFunction(shipFunction("rdd.aggregate", combOp, captures), this.session.driverFunctions);
    return partials.reduce((a, b) => comb(a, b) as U, structuredClone(zero));
  }

  async sum(): Promise<number> {
    return this.fold(0 as T, BUILTINS.add as unknown as (a: T, b: T) => T) as Promise<number>;
  }

  /** How many elements each key has, as a Map (keys compared by value: JSON text). */
  async countByKey(): Promise<Map<KeyOf<T>, number>> {
    const combiner: Combiner = {
      createCombiner: this.builtin("countByKey", "one"),
      zero: null,
      mergeValue: this.builtin("countByKey", "increment"),
      mergeCombiners: this.builtin("countByKey", "add"),
    };
    return new Map(await this.combined<[KeyOf<T>, number]>(combiner, undefined, "countByKey").collect());
  }

  async countByValue(): Promise<Map<T, number>> {
    return (this.mapped<[T, null]>("map", this.builtin("countByValue", "pairWithNull")) as RDD<[T, null]>).countByKey() as Promise<Map<T, number>>;
  }

  /** The pairs as a Map (keys compared by value, as everywhere in RDDs: a later pair of the same key wins). */
  async collectAsMap(): Promise<Map<KeyOf<T>, ValueOf<T>>> {
    const byValue = new Map<string, [KeyOf<T>, ValueOf<T>]>();
    for (const [k, v] of (await this.collect()) as unknown as [KeyOf<T>, ValueOf<T>][]) {
      const id = JSON.stringify(k) ?? "null";
      byValue.delete(id); // keep the later pair's position too
      byValue.set(id, [k, v]);
    }
    return new Map(byValue.values());
  }

  /** Runs fn on every element on the executors (for its effect on accumulators, or logging). */
  async foreach<E extends Captures = Captures>(fn: (x: T, env: Env<E>) => void, captures?: E): Promise<void> {
    await this.mapped("foreach", this.ship("foreach", fn, captures)).collect();
  }

  async foreachPartition<E extends Captures = Captures>(fn: (elements: T[], env: Env<E>) => void, captures?: E): Promise<void> {
    await this.mapped("foreachPartition", this.ship("foreachPartition", fn, captures)).collect();
  }

  /** One text file per partition under `path` (strings as they are, other elements as JSON), committed as a whole. */
  async saveAsTextFile(path: string): Promise<void> {
    const fn = this.builtin("saveAsTextFile", "toText");
    const schema: Schema = { fields: [{ name: "value", type: "string", nullable: true }] };
    await this.session.write({ kind: "mapPartitions", input: this.plan, mode: "map", fn, zero: null, schema }, { format: "text", path: outputLocation(path), mode: "errorifexists", header: false, partitionBy: [] });
  }

  async explain(): Promise<string> {
    return this.session.explain(this.plan);
  }

  toString(): string {
    return `RDD[${this.plan.kind}]`;
  }
}

/**
 * What a function receives as its last argument for a captures object: the same data, a
 * broadcast variable as `{ value }`, an accumulator as `{ add(v) }`.
 */
export type Env<C> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a package's exports are not typed here
  readonly [K in keyof C]: C[K] extends Broadcast<infer V> ? { readonly value: V } : C[K] extends Accumulator<infer A> ? { add(value: A extends readonly (infer I)[] ? I : number): void } : C[K] extends ShippedModule ? any : C[K];
};

type KeyOf<T> = T extends readonly [infer K, unknown] ? K : unknown;
type ValueOf<T> = T extends readonly [unknown, infer V] ? V : unknown;
