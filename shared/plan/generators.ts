/**
 * What a generator (explode, posexplode, inline and their _outer forms: expr.ts) gives: its
 * output columns for an input of some type, as Spark's Generator.elementSchema, and the rows
 * one input value becomes. The one definition for the analyzer, the logical plan's schema and
 * the executor's generate operator.
 */
import { exprName, type Expr, type ExprOf } from "./expr.ts";
import { AnalysisError, typeOf } from "./resolve.ts";
import { elementOf, fieldsOf, mapOf, type DataType, type Field, type Schema, type Value } from "./types.ts";

/** The generator's output columns over an argument of `argType`, or why the argument is refused. */
export function generatorFields(gen: ExprOf<"generator">, argType: DataType): readonly Field[] | string {
  const element = argType === "null" ? "null" : elementOf(argType);
  const map = mapOf(argType);
  const name = exprName(gen);
  let fields: Field[];
  if (map !== null && gen.fn !== "inline") {
    // A map's entries: key and value (and pos), as Spark's explode and posexplode of a map.
    fields = [{ name: "key", type: map.key, nullable: gen.outer }, { name: "value", type: map.value, nullable: true }];
    if (gen.fn === "posexplode") fields.unshift({ name: "pos", type: "int", nullable: gen.outer });
    return named(gen, fields, name);
  }
  if (element === null) return `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "${name}": ${exprName(gen.arg)} is ${argType}, expected an array${gen.fn === "inline" ? " of structs" : " or a map"}.`;
  switch (gen.fn) {
    case "explode":
      fields = [{ name: "col", type: element, nullable: true }];
      break;
    case "posexplode":
      fields = [
        { name: "pos", type: "int", nullable: gen.outer },
        { name: "col", type: element, nullable: true },
      ];
      break;
    case "inline": {
      const struct = element === "null" ? [] : fieldsOf(element);
      if (struct === null) return `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "${name}": ${exprName(gen.arg)} is ${argType}, expected an array of structs.`;
      fields = struct.map((f) => ({ name: f.name, type: f.type, nullable: true }));
      break;
    }
  }
  return named(gen, fields, name);
}

/** The fields under the names alias() gave, when it gave them. */
function named(gen: ExprOf<"generator">, fields: readonly Field[], name: string): readonly Field[] | string {
  if (gen.names === undefined) return fields;
  if (gen.names.length !== fields.length) {
    return `[UDTF_ALIAS_NUMBER_MISMATCH] ${name} gives ${fields.length} column(s) (${fields.map((f) => f.name).join(", ")}), but alias() names ${gen.names.length}: give one name per column.`;
  }
  return fields.map((f, i) => ({ ...f, name: gen.names![i]! }));
}

/**
 * The rows one value becomes, each the generated columns' values: an array's elements (with
 * their positions; an inline struct's fields), none for a null or empty array, or one row of
 * nulls for those with `outer`.
 */
export function generatedRows(gen: ExprOf<"generator">, value: Value, width: number, map = false): readonly (readonly Value[])[] {
  if (map) {
    const [keys, values] = (value ?? [[], []]) as readonly [readonly Value[], readonly Value[]];
    if (keys.length === 0) return gen.outer ? [new Array<Value>(width).fill(null)] : [];
    return keys.map((k, i) => (gen.fn === "posexplode" ? [i, k, values[i] ?? null] : [k, values[i] ?? null]));
  }
  const items = (value ?? []) as readonly Value[];
  if (items.length === 0) return gen.outer ? [new Array<Value>(width).fill(null)] : [];
  switch (gen.fn) {
    case "explode":
      return items.map((x) => [x]);
    case "posexplode":
      return items.map((x, i) => [i, x]);
    case "inline":
      // A null struct gives a row of nulls, as Spark's inline.
      return items.map((x) => (x === null ? new Array<Value>(width).fill(null) : (x as readonly Value[])));
  }
}

/** A plan's generator expression, checked (a stage operator holds it as any expression). */
export function asGenerator(e: Expr): ExprOf<"generator"> {
  if (e.kind !== "generator") throw new Error(`internal: ${exprName(e)} is not a generator`);
  return e;
}

/** A generator's columns over its input's schema, refused (an AnalysisError) with the reason. */
export function generatedFields(gen: ExprOf<"generator">, input: Schema): readonly Field[] {
  const fields = generatorFields(gen, typeOf(gen.arg, input).type);
  if (typeof fields === "string") throw new AnalysisError(fields);
  return fields;
}
