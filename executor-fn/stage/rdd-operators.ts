/**
 * The RDD operators of a stage. An RDD's rows have one column whose values are its elements
 * (any JSON-able value; key/value pairs are 2-element arrays). `mapPartitions` applies a
 * user function the way its mode says; `combine` is combineByKey's per-key merge on either
 * side of the shuffle. Keys are compared by value: their JSON text, so 1 and "1" differ and
 * [1, "a"] equals [1, "a"] wherever it was built.
 */
import { keyIdentity } from "../operators/keys.ts";
import type { Combiner, RddMode, StageOperator } from "../../shared/plan/physical.ts";
import { rowMismatch, type Row, type Schema, type Value } from "../../shared/plan/types.ts";
import type { CompiledFunction } from "../../shared/functions/compile.ts";
import { UserFunctionError } from "../../shared/functions/compile.ts";
import type { TaskFunctions } from "./task-functions.ts";
import { plainValue } from "./plain-value.ts";
import { jsonLine } from "../../shared/codecs/text-output.ts";
import { DEFAULT_TIME_ZONE, timeZone } from "../../shared/plan/functions/time-zone.ts";

type Batches = AsyncIterable<Row[]>;
type MapPartitionsOp = Extract<StageOperator, { kind: "mapPartitions" }>;

interface RddContext {
  readonly functions: TaskFunctions;
  readonly partition: number;
  readonly where: string;
  /** spark.sql.session.timeZone: how toJSON writes timestamps. */
  readonly compile: { readonly timeZone?: string };
}

const row = (element: unknown): Row => [element as Value];

function snippet(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function iterate(result: unknown, op: string, where: string): Iterable<unknown> {
  if (result !== null && result !== undefined && typeof (result as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
    return result as Iterable<unknown>;
  }
  throw new UserFunctionError(`${op}: the function returned ${snippet(result)} in ${where}; it must return an array or another iterable.`);
}

function pair(element: unknown, op: string, where: string, index: number): readonly [unknown, unknown] {
  if (Array.isArray(element) && element.length === 2) return element as [unknown, unknown];
  throw new UserFunctionError(`${op}: element ${index} of ${where} is not a [key, value] pair: ${snippet(element)}. Make pairs with map((x) => [key, value]) or keyBy().`);
}

async function collectElements(input: Batches, element: (r: Row) => unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of input) for (const r of batch) out.push(element(r));
  return out;
}

/** How a row becomes the element the function sees. */
function elementOf(mode: RddMode, schema: Schema): (r: Row) => unknown {
  if (mode === "toObjects") {
    const names = schema.fields.map((f) => f.name);
    return (r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null]));
  }
  return (r) => r[0];
}

/** An element as a row of `schema` (createDataFrame(rdd, schema)): objects by field name, arrays by position. */
function toRow(element: unknown, schema: Schema, where: string, index: number): Row {
  const r = elementRow(element, schema, where, index);
  const bad = rowMismatch(schema, r);
  if (bad) throw new UserFunctionError(`createDataFrame: element ${index} of ${where}: ${bad}. Convert it in a map() first, or declare the column's type to match.`);
  return r;
}

function elementRow(element: unknown, schema: Schema, where: string, index: number): Row {
  const fields = schema.fields;
  if (Array.isArray(element)) {
    if (element.length !== fields.length) throw new UserFunctionError(`createDataFrame: element ${index} of ${where} has ${element.length} values, the schema has ${fields.length} columns: ${snippet(element)}.`);
    return element as Row;
  }
  if (typeof element === "object" && element !== null) return fields.map((f) => ((element as Record<string, unknown>)[f.name] ?? null) as Value);
  if (fields.length === 1) return [element as Value];
  throw new UserFunctionError(`createDataFrame: element ${index} of ${where} is ${snippet(element)}, not an object or an array of ${fields.length} values.`);
}

export async function* mapPartitionsStream(op: MapPartitionsOp, input: Batches, schema: Schema, ctx: RddContext): Batches {
  const raw: CompiledFunction | undefined = op.fn ? ctx.functions.get(op.fn) : undefined;
  const name = op.fn?.op ?? op.mode;
  const element = elementOf(op.mode, schema);
  const where = ctx.where;
  // Plain data out of every call: what the function returns must mean the same on every master.
  const f = raw && ((...args: unknown[]) => plainValue(raw(...args), name, where));
  const plain = (v: unknown) => plainValue(v, name, where);
  let index = 0;
  const perElement = async function* (each: (e: unknown, out: Row[]) => void): Batches {
    for await (const batch of input) {
      const out: Row[] = [];
      for (const r of batch) each(element(r), out);
      if (out.length > 0) yield out;
    }
  };
  switch (op.mode) {
    case "map":
      return yield* perElement((e, out) => void out.push(row(f!(e))));
    case "filter":
      return yield* perElement((e, out) => void (f!(e) ? out.push(row(e)) : undefined));
    case "flatMap":
      return yield* perElement((e, out) => {
        for (const y of iterate(raw!(e), name, where)) out.push(row(plain(y)));
      });
    case "mapValues":
      return yield* perElement((e, out) => {
        const [k, v] = pair(e, name, where, index++);
        out.push(row([k, f!(v)]));
      });
    case "flatMapValues":
      return yield* perElement((e, out) => {
        const [k, v] = pair(e, name, where, index++);
        for (const y of iterate(raw!(v), name, where)) out.push(row([k, plain(y)]));
      });
    case "keyBy":
      return yield* perElement((e, out) => void out.push(row([f!(e), e])));
    case "foreach":
      for await (const batch of input) for (const r of batch) raw!(element(r));
      return;
    case "toObjects":
      return yield* perElement((e, out) => void out.push(row(e)));
    case "toRows":
      return yield* perElement((e, out) => void out.push(toRow(e, op.schema, where, index++)));
    case "toJson": {
      const zone = timeZone(ctx.compile.timeZone ?? DEFAULT_TIME_ZONE);
      for await (const batch of input) if (batch.length > 0) yield batch.map((r) => row(jsonLine(r, schema, zone)));
      return;
    }
    case "glom":
      yield [row(await collectElements(input, element))];
      return;
    case "mapPartitions":
    case "mapPartitionsWithIndex": {
      const elements = await collectElements(input, element);
      const result = op.mode === "mapPartitions" ? raw!(elements) : raw!(ctx.partition, elements);
      const out: Row[] = [];
      for (const y of iterate(result, name, where)) out.push(row(plain(y)));
      if (out.length > 0) yield out;
      return;
    }
    case "foreachPartition":
      raw!(await collectElements(input, element));
      return;
    case "reducePartition": {
      // fold (with a zero: every partition answers) or reduce (an empty partition answers nothing).
      let acc: unknown = op.zero ? structuredClone(op.zero.value) : undefined;
      let any = op.zero !== null;
      for await (const batch of input) {
        for (const r of batch) {
          const e = element(r);
          acc = any ? f!(acc, e) : e;
          any = true;
        }
      }
      if (any) yield [row(acc)];
      return;
    }
  }
}

/**
 * combineByKey within one partition: map side ("values") builds each key's combiner from its
 * values; reduce side ("combiners") merges the map sides' combiners. Output: [key, combiner].
 */
export async function* combineStream(op: Extract<StageOperator, { kind: "combine" }>, input: Batches, ctx: RddContext): Batches {
  const c: Combiner = op.combiner;
  const name = c.mergeValue.op;
  const plain = (f: CompiledFunction): CompiledFunction => (...args) => plainValue(f(...args), name, ctx.where);
  const mergeValue = plain(ctx.functions.get(c.mergeValue));
  const mergeCombiners = plain(ctx.functions.get(c.mergeCombiners));
  const create = c.createCombiner ? plain(ctx.functions.get(c.createCombiner)) : undefined;
  const first =
    op.merge === "combiners"
      ? (v: unknown) => v
      : c.zero
        ? (v: unknown) => mergeValue(structuredClone(c.zero!.value), v)
        : create
          ? (v: unknown) => create(v)
          : (v: unknown) => v;
  const merge = op.merge === "combiners" ? mergeCombiners : mergeValue;
  const groups = new Map<number | string, [unknown, unknown]>();
  let index = 0;
  for await (const batch of input) {
    for (const r of batch) {
      const [k, v] = pair(r[0], name, ctx.where, index++);
      const id = keyIdentity(k);
      const entry = groups.get(id);
      if (entry) entry[1] = merge(entry[1], v);
      else groups.set(id, [k, first(v)]);
    }
  }
  if (groups.size > 0) yield [...groups.values()].map((e) => row(e));
}
