/**
 * Data types and schemas. Values at run time are plain JSON-able JavaScript values:
 *   string → string, int/long/double → number (long is exact up to 2^53), boolean → boolean,
 *   date → "YYYY-MM-DD" string (so ordering compares correctly), timestamp → number of
 *   microseconds since 1970-01-01T00:00:00Z (shared/plan/functions/timestamps.ts), array → string[]
 *   (array<string>, as split() makes), null → null; any → any JSON-able value (the elements of
 *   an RDD, a UDF's declared "any" result), which only user functions look inside.
 */
import { z } from "zod";

export const DataType = z.enum(["string", "int", "long", "double", "boolean", "date", "timestamp", "array", "null", "any"]);
export type DataType = z.infer<typeof DataType>;

export const Field = z.object({ name: z.string(), type: DataType, nullable: z.boolean() }).strict();
export type Field = z.infer<typeof Field>;

export const Schema = z.object({ fields: z.array(Field) }).strict();
export type Schema = z.infer<typeof Schema>;

export type Scalar = string | number | boolean | null;
export type Value = Scalar | readonly string[];
/** Rows travel between operators as arrays in schema order; users see objects. */
export type Row = Value[];

/** Spark's int range, [-2^31, 2^31 - 1]: the one place that says it. */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** Whether n is an integer that an int column holds. */
export function isIntValue(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX;
}

/** Spark infers an integral number as int when it fits, else long (CSV, JSON, folder values, literals). */
export function integralType(n: number): "int" | "long" {
  return isIntValue(n) ? "int" : "long";
}

export const NUMERIC_TYPES: readonly DataType[] = ["int", "long", "double"];

export function isNumeric(type: DataType): boolean {
  return NUMERIC_TYPES.includes(type);
}

/** The common type two numeric types widen to (int < long < double). */
export function widerNumeric(a: DataType, b: DataType): DataType {
  const order = ["null", "int", "long", "double"];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a value fits a column of `type` (null aside), as Spark's verifySchema checks createDataFrame's rows. */
export function fitsType(type: DataType, v: unknown): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "int":
      return isIntValue(v);
    case "long":
      return Number.isInteger(v);
    case "double":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "date":
      return typeof v === "string" && DATE_TEXT.test(v);
    case "timestamp":
      // From 0001-01-01T00:00:00Z to before 10000-01-01T00:00:00Z (MIN_MICROS, END_MICROS in functions/timestamps.ts)
      return Number.isInteger(v) && (v as number) >= -62135596800000000 && (v as number) < 253402300800000000;
    case "array":
      return Array.isArray(v) && v.every((s) => typeof s === "string");
    case "null":
      return v === null;
    case "any":
      return true;
  }
}

/** Why `row` does not fit `schema` (the first bad field), or undefined when it does. */
export function rowMismatch(schema: Schema, row: readonly unknown[]): string | undefined {
  for (let i = 0; i < schema.fields.length; i++) {
    const f = schema.fields[i]!;
    const v = row[i];
    if (v === null || v === undefined) {
      if (!f.nullable) return `field "${f.name}" is not nullable, but the value is null`;
      continue;
    }
    if (!fitsType(f.type, v)) return `field "${f.name}" (${TYPE_NAMES[f.type]}) cannot hold ${JSON.stringify(v)} (${Array.isArray(v) ? "an array" : `a ${typeof v}`})`;
  }
  return undefined;
}

export function fieldIndex(schema: Schema, name: string): number {
  return schema.fields.findIndex((f) => f.name === name);
}

/** Spark's DDL names for types, as printSchema() shows them. */
export const TYPE_NAMES: Record<DataType, string> = {
  string: "string",
  int: "integer",
  long: "long",
  double: "double",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
  array: "array<string>",
  null: "void",
  any: "any",
};

const DDL_ALIASES: Record<string, DataType> = {
  string: "string",
  varchar: "string",
  int: "int",
  integer: "int",
  bigint: "long",
  long: "long",
  double: "double",
  float: "double",
  boolean: "boolean",
  bool: "boolean",
  date: "date",
  timestamp: "timestamp",
  timestamp_ltz: "timestamp",
};

/** Parses a type name as Spark's DDL spells it (`INT`, `bigint`, `string`, ...). */
export function parseTypeName(name: string): DataType {
  const type = DDL_ALIASES[name.trim().toLowerCase()];
  if (!type) {
    throw new Error(`Unknown data type "${name}": use one of ${Object.keys(DDL_ALIASES).join(", ")}.`);
  }
  return type;
}

/** Parses a DDL schema string such as `"id INT, amount DOUBLE"` (all columns nullable). */
export function parseDdlSchema(ddl: string): Schema {
  const fields = ddl.split(",").map((part, i) => {
    const match = /^\s*`?([^`\s]+)`?\s+(\w+)\s*(NOT\s+NULL)?\s*$/i.exec(part);
    if (!match) {
      throw new Error(`Cannot read column ${i + 1} of the schema "${ddl}": expected "<name> <type>", got "${part.trim()}".`);
    }
    return { name: match[1]!, type: parseTypeName(match[2]!), nullable: !match[3] };
  });
  return { fields };
}
