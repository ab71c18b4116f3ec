/** Result rows as users get them from collect(): objects keyed by column name, timestamps as Dates, decimals as text. */
import { dateOfMicros, microsOfDate } from "../../shared/plan/functions/timestamps.ts";
import { localDateTimeText, localDateTimeValue } from "../../shared/plan/functions/timestamp-ntz.ts";
import { decimalText } from "../../shared/plan/decimal.ts";
import { byteString, bytesOf } from "../../shared/plan/binary.ts";
import { arrayType, decimalOf, elementOf, fieldsOf, isDecimal, isNested, mapOf, mapType, structType, typeKind, type DataType, type Schema, type Value } from "../../shared/plan/types.ts";

/**
 * A value as collect() gives it: a timestamp column's values are Dates (to the millisecond), a
 * timestamp_ntz column's ISO local date-time text ("2024-03-10T02:30:00.5": a wall clock, no zone), a
 * decimal column's their exact plain text ("12.30", as Java's BigDecimal.toPlainString), an
 * array's an array, a struct's an object keyed by field name (as PySpark's Row.asDict), a map's
 * a Map (in the map's order), a binary's a Uint8Array (PySpark's bytearray), a day-time
 * interval's its microseconds and a year-month interval's its months, as numbers (PySpark's
 * timedelta has no JavaScript twin; cast to string for Spark's text, `INTERVAL '1 02:03:04' DAY
 * TO SECOND`), the rest as rows carry them.
 */
export type RowValue = Value | Date | Uint8Array | readonly RowValue[] | { readonly [field: string]: RowValue } | ReadonlyMap<RowValue, RowValue>;
export type RowObject = Record<string, RowValue>;

/**
 * Rows as objects keyed by column name, in column order. Properties are assigned in one loop
 * (objects of one shape, about 2.5x faster than Object.fromEntries on 1M rows); a column named
 * `__proto__` would set the prototype that way, so such a schema takes Object.fromEntries,
 * which defines it as an own property.
 */
export function toObjects(schema: Schema, rows: Value[][]): RowObject[] {
  // Columns whose values users see converted (timestamps, decimals, nested values): one pass, one rule (userValue).
  const converted = schema.fields.flatMap((f, i) => (f.type === "timestamp" || f.type === "timestamp_ntz" || f.type === "binary" || isDecimal(f.type) || isNested(f.type) ? [[i, f.type] as const] : []));
  if (converted.length > 0) {
    rows = rows.map((row) => {
      const out = row.slice();
      for (const [c, type] of converted) out[c] = userValue(type, out[c] ?? null) as Value;
      return out;
    });
  }
  const names = schema.fields.map((f) => f.name);
  if (names.includes("__proto__")) return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? null])));
  const out: RowObject[] = new Array(rows.length);
  const width = names.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const object: RowObject = {};
    for (let i = 0; i < width; i++) object[names[i]!] = row[i] ?? null;
    out[r] = object;
  }
  return out;
}

/** A value of `type` as collect() gives it (see RowValue): nested values converted all the way down. */
export function userValue(type: DataType, v: Value): RowValue {
  if (v === null) return null;
  switch (typeKind(type)) {
    case "timestamp":
      return typeof v === "number" ? dateOfMicros(v) : v;
    case "timestamp_ntz":
      // A wall clock, not an instant: ISO local date-time text (shared/plan/functions/timestamp-ntz.ts).
      return typeof v === "number" ? localDateTimeText(v) : v;
    case "binary":
      return typeof v === "string" ? bytesOf(v) : v;
    case "decimal":
      return typeof v === "bigint" ? decimalText(v, decimalOf(type)!.scale) : v;
    case "array": {
      const element = elementOf(type)!;
      return (v as readonly Value[]).map((e) => userValue(element, e));
    }
    case "map": {
      const { key, value } = mapOf(type)!;
      const [keys, values] = v as readonly [readonly Value[], readonly Value[]];
      return new Map(keys.map((k, i) => [userValue(key, k), userValue(value, values[i] ?? null)]));
    }
    case "struct": {
      const object: Record<string, RowValue> = {};
      fieldsOf(type)!.forEach((f, i) => Object.defineProperty(object, f.name, { value: userValue(f.type, (v as readonly Value[])[i] ?? null), enumerable: true, writable: true, configurable: true }));
      return object;
    }
    default:
      return v;
  }
}

/**
 * A value a user gave createDataFrame for a column of `type` as rows carry it: a Date is
 * microseconds, an object for a struct its fields' values in field order, nested values converted
 * all the way down. What does not fit is left as it is, for the schema check to name.
 */
export function rowValueOf(type: DataType, v: RowValue | undefined): Value {
  if (v === undefined || v === null) return null;
  if (type === "timestamp_ntz") return localDateTimeValue(v) as Value;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? (String(v) as Value) : microsOfDate(v);
  if (v instanceof Uint8Array) return byteString(v);
  switch (typeKind(type)) {
    case "array": {
      if (!Array.isArray(v)) return v as Value;
      const element = elementOf(type)!;
      return (v as readonly RowValue[]).map((e) => rowValueOf(element, e));
    }
    case "map": {
      // A Map, or an object whose keys are the map's (string) keys.
      const { key, value } = mapOf(type)!;
      const entries = v instanceof Map ? [...v.entries()] : typeof v === "object" && !Array.isArray(v) ? Object.entries(v as object) : null;
      if (entries === null) return v as Value;
      return [entries.map(([k]) => rowValueOf(key, k as RowValue)), entries.map(([, x]) => rowValueOf(value, x as RowValue))];
    }
    case "struct": {
      const fields = fieldsOf(type)!;
      if (Array.isArray(v)) return v.length === fields.length ? v.map((e, i) => rowValueOf(fields[i]!.type, e)) : (v as Value);
      if (typeof v !== "object") return v as Value;
      const object = v as { readonly [field: string]: RowValue };
      return fields.map((f) => rowValueOf(f.type, Object.hasOwn(object, f.name) ? object[f.name] : null));
    }
    case "float":
      // A number in a float column is the nearest float, as PySpark stores a Python float there.
      return typeof v === "number" ? Math.fround(v) : (v as Value);
    default:
      return v as Value;
  }
}

/**
 * The type createDataFrame infers for a column's values (nulls aside): numbers are long or
 * double, Dates timestamps, arrays array<T> of their elements' type, plain objects structs of
 * their keys in first-seen order; `what` names the column in the message when the values mix
 * kinds that no one type holds.
 */
export function inferValueType(values: readonly RowValue[], what: string): DataType {
  const present = values.filter((v) => v !== null && v !== undefined);
  const kinds = new Set(present.map((v) => (Array.isArray(v) ? "array" : v instanceof Date ? "timestamp" : v instanceof Uint8Array ? "binary" : v instanceof Map ? "map" : typeof v === "number" ? (Number.isInteger(v) ? "long" : "double") : typeof v)));
  if (kinds.size === 0) return "string";
  const numeric = [...kinds].every((k) => k === "long" || k === "double");
  if (kinds.size > 1 && !numeric) throw new Error(`createDataFrame: ${what} mixes ${[...kinds].join(" and ")} values; give a schema.`);
  if (numeric) return kinds.has("double") ? "double" : "long";
  const kind = [...kinds][0]!;
  if (kind === "array") return arrayType(inferValueType(present.flatMap((v) => v as readonly RowValue[]), `${what}'s elements`));
  if (kind === "map") {
    const maps = present as readonly ReadonlyMap<RowValue, RowValue>[];
    return mapType(inferValueType(maps.flatMap((m) => [...m.keys()]), `${what}'s keys`), inferValueType(maps.flatMap((m) => [...m.values()]), `${what}'s values`));
  }
  if (kind === "object") {
    const names: string[] = [];
    for (const v of present) for (const k of Object.keys(v as object)) if (!names.includes(k)) names.push(k);
    return structType(names.map((name) => ({ name, type: inferValueType(present.map((v) => (v as Record<string, RowValue>)[name] ?? null), `${what}.${name}`) })));
  }
  if (kind === "string" || kind === "boolean" || kind === "timestamp" || kind === "binary") return kind;
  throw new Error(`createDataFrame: ${what} holds ${kind} values, which no column type holds; give a schema.`);
}
