/**
 * Spark's functions over arrays, maps and structs (`array`, `struct`, `named_struct`, field and
 * item access, `element_at`, `size`, `array_contains`, `sort_array`, `array_distinct`,
 * `flatten`, `array_max`, `array_min`, `array_position`, `array_remove`, `slice`,
 * `array_join`, `map`/`create_map`, `map_keys`, `map_values`, `map_entries`,
 * `map_from_arrays`, `map_contains_key`): what each takes, what type it gives, and the one
 * definition of its values, as kernels over boxed values (an array is a JavaScript array of
 * its elements' values, a struct an array of its fields' values, a map [keys, values]: types.ts). The vector compiler calls a kernel only when every argument is non-null,
 * except for a function that `takesNulls`.
 *
 * Element equality and order are Spark's (shared/plan/semantics.ts): NaN equals NaN and sorts
 * above every number, -0.0 equals 0.0, strings by code point; nulls sort first ascending.
 */
import { formatArg, formatString, formatStringRefuses } from "./format-string.ts";
import { BadInputError, SparkConditionError } from "../../errors.ts";
import { exprName, type Expr } from "../expr.ts";
import { compareForSort, sameValue } from "../semantics.ts";
import { arrayType, elementOf, fieldsOf, isNested, isNumeric, mapOf, mapType, structType, widerNumeric, type DataType, type Value } from "../types.ts";

/** A function's result as resolve.ts sees it. */
export interface ArrayTyped {
  readonly type: DataType;
  readonly nullable: boolean;
}

type Kernel = (...xs: Value[]) => Value;

export interface ArrayFunction {
  /** The result's type from the arguments' (exprs: literal parameters, names), or why the arguments are refused. */
  readonly type: (args: readonly ArrayTyped[], exprs: readonly Expr[]) => ArrayTyped | string;
  /** The kernel for these argument types; `ansi`: Spark 4's default mode (an index out of bounds fails); `lastWin`: spark.sql.mapKeyDedupPolicy = LAST_WIN. */
  readonly kernel: (types: readonly DataType[], exprs: readonly Expr[], ansi: boolean, lastWin: boolean) => Kernel;
  /** The kernel sees null arguments (else the compiler gives null for one). */
  readonly takesNulls?: true;
}

/** An index out of an array's bounds (ANSI mode), or 0 given to element_at: Spark's conditions and words. */
export class ArrayIndexError extends SparkConditionError<"INVALID_ARRAY_INDEX" | "INVALID_ARRAY_INDEX_IN_ELEMENT_AT" | "INVALID_INDEX_OF_ZERO"> {
  override readonly name = "ArrayIndexError";
}

const arrays = (xs: readonly Value[]) => xs as readonly (readonly Value[])[];
const anyNullable = (args: readonly ArrayTyped[]) => args.some((a) => a.nullable);

/** Equality as a hash set of values has it (array_distinct's): Object.is (NaN is NaN, -0.0 is not 0.0), arrays and structs part by part. */
const identical = (x: Value, y: Value): boolean =>
  Object.is(x, y) || (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((e, i) => identical(e as Value, y[i] as Value)));

/** An array argument's element type ("null" for an untyped NULL), or a refusal naming the argument. */
function elementArg(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[], i = 0): { readonly element: DataType } | { readonly refused: string } {
  const t = args[i]!.type;
  if (t === "null") return { element: "null" };
  // A value of type any (an RDD element: the driver's pair functions take its key and value with element_at).
  if (t === "any") return { element: "any" };
  const element = elementOf(t);
  return element !== null ? { element } : { refused: `${fn}(): argument ${i + 1} (${exprName(exprs[i]!)}) is ${t}, expected an array.` };
}

/** An integer literal argument (a position or length need not be a literal in Spark, but sparkfn's callers pass ints). */
function intArg(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[], i: number): string | null {
  const t = args[i]!.type;
  return t === "int" || t === "null" ? null : `${fn}(): argument ${i + 1} (${exprName(exprs[i]!)}) is ${t}, expected an int. Use cast("int").`;
}

/**
 * A value argument beside an array's elements (array_contains, array_position, array_remove):
 * of the elements' type, or both numbers; anything else is Spark's ARRAY_FUNCTION_DIFF_TYPES.
 */
function sameElementType(fn: string, element: DataType, args: readonly ArrayTyped[], exprs: readonly Expr[]): string | null {
  const t = args[1]!.type;
  if (t === "null") return `[DATATYPE_MISMATCH.NULL_TYPE] Cannot resolve "${fn}(${exprs.map(exprName).join(", ")})" due to data type mismatch: Null typed values cannot be used as arguments of \`${fn}\`.`;
  if (element === "null" || t === element || (isNumeric(t) && isNumeric(element))) return null;
  return `[DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES] Cannot resolve "${fn}(${exprs.map(exprName).join(", ")})" due to data type mismatch: Input to \`${fn}\` should have been "ARRAY" followed by a value with same element type, but it's [${args.map((a) => a.type).join(", ")}]. Cast the value to the elements' type.`;
}

/** Orderable element types (sort_array, array_max, array_min): not nested, not any. */
const orderable = (t: DataType) => !isNested(t) && t !== "any";

/** Spark's name for a struct() argument's field: a column's or an alias's name, else col1, col2, ... */
function structFieldName(e: Expr, i: number): string {
  if (e.kind === "alias") return e.name;
  if (e.kind === "column") return e.name.slice(e.name.lastIndexOf(".") + 1);
  if (e.kind === "call" && e.fn === "get_field") return String((e.args[1] as Extract<Expr, { kind: "literal" }>).value);
  return `col${i + 1}`;
}

/** The field name of get_field (a string literal: the analyzer builds the call). */
const fieldName = (e: Expr | undefined): string | null => (e?.kind === "literal" && typeof e.value === "string" ? e.value : null);

/** A map value's keys and values. */
const entries = (m: Value) => m as readonly [readonly Value[], readonly Value[]];

/** A map's value for `key` (Spark's key equality: NaN is NaN, -0.0 is 0.0), null when absent. */
function lookup(m: Value, key: Value): Value {
  const [keys, values] = entries(m);
  for (let i = 0; i < keys.length; i++) if (sameValue(keys[i]!, key)) return values[i] ?? null;
  return null;
}

/**
 * Builds a map from parallel keys and values as Spark 4 does: a null key fails; a repeated key
 * fails (spark.sql.mapKeyDedupPolicy = EXCEPTION, the default) or, with `lastWin` (LAST_WIN),
 * gives its last value, at the place the key first had.
 */
export function buildMap(keys: readonly Value[], values: readonly Value[], lastWin = false): Value {
  let outKeys: Value[] | null = null;
  let outValues: Value[] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === null) throw new BadInputError("[NULL_MAP_KEY] Cannot use null as map key.");
    const seen = (outKeys ?? keys.slice(0, i)).findIndex((x) => sameValue(x, k));
    if (seen >= 0 && !lastWin) {
      throw new BadInputError(
        `[DUPLICATED_MAP_KEY] Duplicate map key ${typeof k === "string" ? k : JSON.stringify(k)} was found, please check the input data. If you want to remove the duplicated keys, you can set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN" so that the key inserted at last takes precedence.`,
      );
    }
    if (seen >= 0) {
      outKeys ??= keys.slice(0, i);
      outValues ??= values.slice(0, i);
      outValues[seen] = values[i] ?? null;
    } else if (outKeys) {
      outKeys.push(k);
      outValues!.push(values[i] ?? null);
    }
  }
  return [(outKeys ?? keys) as Value[], (outValues ?? values) as Value[]];
}

/** One type for several (coercion.ts has unified them): numbers widen; else all equal. */
function unified(fn: string, types: readonly DataType[]): { readonly type: DataType } | { readonly refused: string } {
  let out: DataType = "null";
  for (const t of types) {
    if (t === "null" || t === out) continue;
    if (out === "null") out = t;
    else if (isNumeric(out) && isNumeric(t)) out = widerNumeric(out, t);
    else return { refused: `${fn}(): the values have different types (${[...new Set(types)].join(", ")}); cast them to one type.` };
  }
  return { type: out };
}

/** element_at's and get_item's index into `a` (0-based), or -1 when out of bounds. */
const positionOf = (a: readonly Value[], i: number, oneBased: boolean): number => {
  if (!oneBased) return i >= 0 && i < a.length ? i : -1;
  const at = i > 0 ? i - 1 : a.length + i;
  return at >= 0 && at < a.length ? at : -1;
};

export const ARRAY_FUNCTIONS = {
  array: {
    // coercion.ts has unified the arguments' types (as coalesce's).
    type: (args) => {
      const element = unified("array", args.map((a) => a.type));
      return "refused" in element ? element.refused : { type: arrayType(element.type), nullable: false };
    },
    kernel: () => (...xs) => xs,
    takesNulls: true,
  },
  struct: {
    type: (args, exprs) => ({ type: structType(args.map((a, i) => ({ name: structFieldName(exprs[i]!, i), type: a.type }))), nullable: false }),
    kernel: () => (...xs) => xs,
    takesNulls: true,
  },
  named_struct: {
    type: (args, exprs) => {
      if (args.length % 2 !== 0) return `named_struct() takes pairs of a name and a value, got ${args.length} argument(s).`;
      const fields = [];
      for (let i = 0; i < args.length; i += 2) {
        const name = fieldName(exprs[i]);
        if (name === null) return `named_struct(): argument ${i + 1} (${exprName(exprs[i]!)}) must be a string literal, the name of field ${i / 2 + 1}.`;
        fields.push({ name, type: args[i + 1]!.type });
      }
      return { type: structType(fields), nullable: false };
    },
    kernel: () => (...xs) => xs.filter((_, i) => i % 2 === 1),
    takesNulls: true,
  },
  /** s.field (col("s.field"), getField): null when the struct is. */
  get_field: {
    type: (args, exprs) => {
      const fields = fieldsOf(args[0]!.type);
      const name = fieldName(exprs[1]);
      if (fields === null || name === null) return `${exprName(exprs[0]!)} is ${args[0]!.type}, not a struct: only a struct has fields.`;
      const field = fields.find((f) => f.name === name);
      if (!field) return `[FIELD_NOT_FOUND] No such struct field \`${name}\` in ${fields.map((f) => `\`${f.name}\``).join(", ")}.`;
      return { type: field.type, nullable: true };
    },
    kernel: (types, exprs) => {
      const at = fieldsOf(types[0]!)!.findIndex((f) => f.name === fieldName(exprs[1]));
      return (s) => (s as readonly Value[])[at] ?? null;
    },
  },
  /** a[i] (getItem): 0-based; out of bounds is INVALID_ARRAY_INDEX with ANSI on, null with it off. m[k]: the key's value or null. */
  get_item: {
    type: (args, exprs) => {
      if (mapOf(args[0]!.type)) return mapValueType("getItem", args, exprs);
      const a = elementArg("getItem", args, exprs);
      if ("refused" in a) return a.refused;
      return intArg("getItem", args, exprs, 1) ?? { type: a.element, nullable: true };
    },
    kernel: (types, _exprs, ansi) => (a, i) => {
      if (mapOf(types[0]!)) return lookup(a, i);
      const values = a as readonly Value[];
      const at = positionOf(values, i as number, false);
      if (at < 0 && ansi) {
        throw new ArrayIndexError("INVALID_ARRAY_INDEX", `The index ${i} is out of bounds. The array has ${values.length} elements. Use the SQL function \`get()\` to tolerate accessing element at invalid index and return NULL instead.`);
      }
      return at < 0 ? null : (values[at] ?? null);
    },
  },
  /** element_at(a, i): 1-based, negative from the end; 0 always fails; out of bounds fails with ANSI on. */
  element_at: {
    type: (args, exprs) => elementAtType("element_at", args, exprs),
    kernel: (types, _exprs, ansi) => (mapOf(types[0]!) ? lookup : elementAt(ansi)),
  },
  try_element_at: {
    type: (args, exprs) => elementAtType("try_element_at", args, exprs),
    kernel: (types) => (mapOf(types[0]!) ? lookup : elementAt(false)),
  },
  /** size(a): the element count; size(NULL) is null with ANSI on and -1 with it off (spark.sql.legacy.sizeOfNull). */
  size: {
    type: (args, exprs) => {
      const t = args[0]!.type;
      if (t !== "null" && elementOf(t) === null && mapOf(t) === null) return `size(): ${exprName(exprs[0]!)} is ${t}, not an array or a map.`;
      return { type: "int", nullable: args[0]!.nullable };
    },
    kernel: (types, _exprs, ansi) => (a) => (a === null ? (ansi ? null : -1) : mapOf(types[0]!) ? entries(a)[0].length : (a as readonly Value[]).length),
    takesNulls: true,
  },
  /** array_contains(a, v): true if found; else null if the array holds a null; else false. */
  array_contains: {
    type: (args, exprs) => {
      const a = elementArg("array_contains", args, exprs);
      if ("refused" in a) return a.refused;
      return sameElementType("array_contains", a.element, args, exprs) ?? { type: "boolean", nullable: true };
    },
    kernel: () => (a, v) => {
      let sawNull = false;
      for (const x of a as readonly Value[]) {
        if (x === null) sawNull = true;
        else if (sameValue(x, v)) return true;
      }
      return sawNull ? null : false;
    },
  },
  /** sort_array(a[, asc]): nulls first ascending, last descending. */
  sort_array: {
    type: (args, exprs) => {
      const a = elementArg("sort_array", args, exprs);
      if ("refused" in a) return a.refused;
      if (!orderable(a.element)) return `sort_array(): the elements are ${a.element}, which sparkfn cannot order yet.`;
      const asc = exprs[1];
      if (asc && !(asc.kind === "literal" && typeof asc.value === "boolean")) return `sort_array(): the sort direction (${exprName(asc)}) must be a boolean literal.`;
      return { type: arrayType(a.element), nullable: args[0]!.nullable };
    },
    kernel: (_types, exprs) => {
      const ascending = exprs[1] === undefined || (exprs[1] as Extract<Expr, { kind: "literal" }>).value === true;
      return (a) => [...(a as readonly Value[])].sort((x, y) => compareForSort(x, y, ascending, ascending));
    },
  },
  /** array_distinct(a): the first of equal elements, in order; one null kept. Its set tells -0.0 from 0.0 (NaN equals NaN). */
  array_distinct: {
    type: (args, exprs) => sameArray("array_distinct", args, exprs),
    kernel: () => (a) => {
      const out: Value[] = [];
      for (const x of a as readonly Value[]) if (!out.some((y) => identical(x, y))) out.push(x);
      return out;
    },
  },
  /** flatten(a): the inner arrays' elements in order; null when any inner array is null. */
  flatten: {
    type: (args, exprs) => {
      const a = elementArg("flatten", args, exprs);
      if ("refused" in a) return a.refused;
      const inner = a.element === "null" ? "null" : elementOf(a.element);
      if (inner === null) return `flatten(): ${exprName(exprs[0]!)} is ${args[0]!.type}, expected an array of arrays.`;
      return { type: arrayType(inner), nullable: true };
    },
    kernel: () => (a) => {
      const out: Value[] = [];
      for (const inner of arrays(a as readonly Value[])) {
        if (inner === null) return null;
        out.push(...inner);
      }
      return out;
    },
  },
  /** array_max(a), array_min(a): the largest (smallest) non-null element; NaN is the largest; null for none. */
  array_max: {
    type: (args, exprs) => extremeType("array_max", args, exprs),
    kernel: () => extreme(1),
  },
  array_min: {
    type: (args, exprs) => extremeType("array_min", args, exprs),
    kernel: () => extreme(-1),
  },
  /** array_position(a, v): the 1-based position of the first element equal to v, 0 if none (a long). */
  array_position: {
    type: (args, exprs) => {
      const a = elementArg("array_position", args, exprs);
      if ("refused" in a) return a.refused;
      return sameElementType("array_position", a.element, args, exprs) ?? { type: "long", nullable: anyNullable(args) };
    },
    kernel: () => (a, v) => {
      const values = a as readonly Value[];
      for (let i = 0; i < values.length; i++) if (values[i] !== null && sameValue(values[i]!, v)) return i + 1;
      return 0;
    },
  },
  /** array_remove(a, v): the elements not equal to v (nulls kept). */
  array_remove: {
    type: (args, exprs) => {
      const a = elementArg("array_remove", args, exprs);
      if ("refused" in a) return a.refused;
      return sameElementType("array_remove", a.element, args, exprs) ?? sameArray("array_remove", args, exprs);
    },
    kernel: () => (a, v) => (a as readonly Value[]).filter((x) => x === null || !sameValue(x, v)),
  },
  /** slice(a, start, length): from the 1-based start (negative from the end), at most length elements. */
  slice: {
    type: (args, exprs) => {
      const bad = intArg("slice", args, exprs, 1) ?? intArg("slice", args, exprs, 2);
      return bad ?? sameArray("slice", args, exprs);
    },
    kernel: () => (a, start, length) => {
      const values = a as readonly Value[];
      const [s, n] = [start as number, length as number];
      if (s === 0) throw new BadInputError(`[INVALID_PARAMETER_VALUE.START] The value of parameter(s) \`start\` in \`slice\` is invalid: Expects a positive or a negative value for \`start\`, but got 0.`);
      if (n < 0) throw new BadInputError(`[INVALID_PARAMETER_VALUE.LENGTH] The value of parameter(s) \`length\` in \`slice\` is invalid: Expects \`length\` greater than or equal to 0, but got ${n}.`);
      const from = s > 0 ? s - 1 : values.length + s;
      return from < 0 || from >= values.length ? [] : values.slice(from, from + n);
    },
  },
  /** array_join(a, delimiter[, nullReplacement]): the string elements joined; nulls skipped unless replaced. */
  array_join: {
    type: (args, exprs) => {
      const a = elementArg("array_join", args, exprs);
      if ("refused" in a) return a.refused;
      if (a.element !== "null" && a.element !== "string") return `array_join(): the elements are ${a.element}, expected strings. Cast the array to array<string>.`;
      for (let i = 1; i < args.length; i++) {
        if (args[i]!.type !== "string" && args[i]!.type !== "null") return `array_join(): argument ${i + 1} (${exprName(exprs[i]!)}) is ${args[i]!.type}, expected a string.`;
      }
      return { type: "string", nullable: anyNullable(args) };
    },
    kernel: (types) => (a, delimiter, replacement) => {
      const parts: string[] = [];
      for (const x of a as readonly Value[]) {
        if (x !== null) parts.push(x as string);
        else if (types.length > 2) parts.push(replacement as string);
      }
      return parts.join(delimiter as string);
    },
  },
  /** map(k1, v1, k2, v2, ...) (create_map): keys of one type, values of one type; a null or repeated key fails. */
  map: {
    type: (args, exprs) => {
      if (args.length % 2 !== 0) return `map() takes pairs of a key and a value, got ${args.length} argument(s).`;
      const key = unified("map", args.filter((_, i) => i % 2 === 0).map((a) => a.type));
      const value = unified("map", args.filter((_, i) => i % 2 === 1).map((a) => a.type));
      if ("refused" in key) return key.refused;
      if ("refused" in value) return value.refused;
      if (mapOf(key.type)) return `map(): ${exprName(exprs[0]!)} is a map, which cannot be a map's key.`;
      return { type: mapType(key.type, value.type), nullable: false };
    },
    kernel: (_types, _exprs, _ansi, lastWin) => (...xs) => buildMap(xs.filter((_, i) => i % 2 === 0), xs.filter((_, i) => i % 2 === 1), lastWin),
    takesNulls: true,
  },
  /** map_from_arrays(keys, values): arrays of one length; a null or repeated key fails. */
  map_from_arrays: {
    type: (args, exprs) => {
      const [k, v] = [elementArg("map_from_arrays", args, exprs, 0), elementArg("map_from_arrays", args, exprs, 1)];
      if ("refused" in k) return k.refused;
      if ("refused" in v) return v.refused;
      return { type: mapType(k.element, v.element), nullable: anyNullable(args) };
    },
    kernel: (_types, _exprs, _ansi, lastWin) => (k, v) => {
      const [keys, values] = [k as readonly Value[], v as readonly Value[]];
      // Spark 4.0.1's own condition name and words.
      if (keys.length !== values.length) throw new BadInputError("[_LEGACY_ERROR_TEMP_2128] The key array and value array of MapData must have the same length.");
      return buildMap(keys, values, lastWin);
    },
  },
  map_keys: {
    type: (args, exprs) => mapPart("map_keys", args, exprs, "key"),
    kernel: () => (m) => entries(m)[0],
  },
  map_values: {
    type: (args, exprs) => mapPart("map_values", args, exprs, "value"),
    kernel: () => (m) => entries(m)[1],
  },
  /** map_entries(m): array<struct<key, value>> in the map's order. */
  map_entries: {
    type: (args, exprs) => {
      const map = mapOf(args[0]!.type);
      if (map === null) return `map_entries(): ${exprName(exprs[0]!)} is ${args[0]!.type}, expected a map.`;
      return { type: arrayType(structType([{ name: "key", type: map.key }, { name: "value", type: map.value }])), nullable: args[0]!.nullable };
    },
    kernel: () => (m) => entries(m)[0].map((k, i) => [k, entries(m)[1][i] ?? null]),
  },
  map_contains_key: {
    type: (args, exprs) => {
      const typed = mapValueType("map_contains_key", args, exprs);
      return typeof typed === "string" ? typed : { type: "boolean", nullable: anyNullable(args) };
    },
    kernel: () => (m, k) => entries(m)[0].some((x) => sameValue(x!, k)),
  },
  /** format_string(format, args...), SQL's printf too: java.util.Formatter's output over Spark's values (./format-string.ts); a null argument prints "null". */
  format_string: {
    type: (args, exprs) => {
      const format = args[0]!.type;
      if (format !== "string" && format !== "null") return `format_string(): the format ${exprName(exprs[0]!)} is ${format}, expected a string.`;
      for (const a of args.slice(1)) {
        const why = formatStringRefuses(a.type);
        if (why) return why;
      }
      return { type: "string", nullable: args[0]!.nullable };
    },
    kernel: (types) => {
      const convert = types.slice(1).map(formatArg);
      return (format, ...xs) => (format === null ? null : formatString(format as string, xs.map((x, i) => convert[i]!(x))));
    },
    takesNulls: true,
  },
} as const satisfies Record<string, ArrayFunction>;

/** A map argument's key or value type as an array's (map_keys, map_values). */
function mapPart(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[], part: "key" | "value"): ArrayTyped | string {
  const map = mapOf(args[0]!.type);
  if (map === null) return `${fn}(): ${exprName(exprs[0]!)} is ${args[0]!.type}, expected a map.`;
  return { type: arrayType(map[part]), nullable: args[0]!.nullable };
}

/** m[k], element_at(m, k): the map's value type; the key of the map's key type (or both numbers). */
function mapValueType(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[]): ArrayTyped | string {
  const map = mapOf(args[0]!.type)!;
  const t = args[1]!.type;
  if (t !== "null" && t !== map.key && !(isNumeric(t) && isNumeric(map.key))) {
    return `[DATATYPE_MISMATCH.MAP_FUNCTION_DIFF_TYPES] Cannot resolve "${fn}(${exprs.map(exprName).join(", ")})": the key ${exprName(exprs[1]!)} is ${t}, but the map's keys are ${map.key}. Cast the key.`;
  }
  return { type: map.value, nullable: true };
}

export type ArrayFn = keyof typeof ARRAY_FUNCTIONS;
export const isArrayFn = (fn: string): fn is ArrayFn => Object.hasOwn(ARRAY_FUNCTIONS, fn);

function sameArray(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[]): ArrayTyped | string {
  const a = elementArg(fn, args, exprs);
  if ("refused" in a) return a.refused;
  return { type: arrayType(a.element), nullable: anyNullable(args) };
}

function extremeType(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[]): ArrayTyped | string {
  const a = elementArg(fn, args, exprs);
  if ("refused" in a) return a.refused;
  if (!orderable(a.element)) return `${fn}(): the elements are ${a.element}, which sparkfn cannot order yet.`;
  return { type: a.element, nullable: true };
}

const extreme = (sign: 1 | -1): Kernel => (a) => {
  let best: Value = null;
  for (const x of a as readonly Value[]) if (x !== null && (best === null || sign * compareForSort(x, best, true, true) > 0)) best = x;
  return best;
};

function elementAtType(fn: string, args: readonly ArrayTyped[], exprs: readonly Expr[]): ArrayTyped | string {
  if (mapOf(args[0]!.type)) return mapValueType(fn, args, exprs);
  const a = elementArg(fn, args, exprs);
  if ("refused" in a) return a.refused;
  return intArg(fn, args, exprs, 1) ?? { type: a.element, nullable: true };
}

function elementAt(ansi: boolean): Kernel {
  return (a, i) => {
    // A value of type any that is not an array (an RDD element that is no pair) has no element.
    if (!Array.isArray(a)) return null;
    const values = a as readonly Value[];
    if (i === 0) throw new ArrayIndexError("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).");
    const at = positionOf(values, i as number, true);
    if (at < 0 && ansi) {
      throw new ArrayIndexError("INVALID_ARRAY_INDEX_IN_ELEMENT_AT", `The index ${i} is out of bounds. The array has ${values.length} elements. Use \`try_element_at\` to tolerate accessing element at invalid index and return NULL instead.`);
    }
    return at < 0 ? null : (values[at] ?? null);
  };
}
