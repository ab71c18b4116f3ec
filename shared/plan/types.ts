/**
 * Data types and schemas. Values at run time are plain JavaScript values:
 *   string → string, binary → a byte string, one character (0..255) a byte (users see a
 *   Uint8Array: shared/plan/binary.ts), byte/short/int/long/float/double → number (long is exact up to 2^53; a
 *   float is a double that Math.fround keeps: every float value is one), boolean → boolean,
 *   decimal(p, s) → bigint, the unscaled value (12.30 in decimal(5,2) is 1230n; the type holds
 *   the scale: shared/plan/decimal.ts), shown to users as its plain text ("12.30"),
 *   date → "YYYY-MM-DD" string (so ordering compares correctly), timestamp → number of
 *   microseconds since 1970-01-01T00:00:00Z (shared/plan/functions/timestamps.ts),
 *   timestamp_ntz → a wall clock without a zone, as the microseconds that wall clock would be
 *   in UTC (shared/plan/functions/timestamp-ntz.ts; users see "YYYY-MM-DDTHH:mm:ss[.ffffff]"),
 *   a day-time interval (`interval day to second`...) → its microseconds, a year-month interval
 *   (`interval year to month`...) → its months (shared/plan/intervals.ts),
 *   array<T> → an array of T's values, struct<a:T,b:U> → an array of its fields' values in
 *   field order (users see an object: driver/api/rows.ts), map<K,V> → [keys, values], two
 *   arrays of one length, as Spark's MapData (users see a Map), null → null; any → any JSON-able
 *   value (the elements of an RDD, a UDF's declared "any" result), which only user functions
 *   look inside.
 *
 * A type is its text: a base type's name, `decimal(p,s)`, `array<T>`, `map<K,V>`, `struct<a:T,b:U>` (a
 * field name that is not an identifier in backticks). Nested types are spelled canonically by
 * arrayType() and structType(), so equal types are equal strings. Element and field
 * nullability are not part of the type yet: every element and field may be null.
 */
import { z } from "zod";
import { quoteFieldName, readTypeSyntax, splitDdlColumns, TypeSyntaxError, type TypeSyntax } from "./type-syntax.ts";
import { isByteString } from "./binary.ts";

export const BaseType = z.enum(["string", "binary", "byte", "short", "int", "long", "float", "double", "boolean", "date", "timestamp", "timestamp_ntz", "null", "any"]);
export type BaseType = z.infer<typeof BaseType>;

/** Spark's decimal(p, s): p digits in all (1..38), s of them after the point (0..p). */
export type DecimalType = `decimal(${number},${number})`;
export type ArrayType = `array<${string}>`;
export type StructType = `struct<${string}>`;
export type MapType = `map<${string}>`;
/** Spark's ANSI intervals, spelled as Spark's simpleString: `interval day`, `interval day to second`, `interval year to month` (shared/plan/intervals.ts). */
export type IntervalType = `interval ${string}`;
export type DataType = BaseType | DecimalType | ArrayType | StructType | MapType | IntervalType;

export interface StructField {
  readonly name: string;
  readonly type: DataType;
}

/** array<element>, canonically spelled. */
export const arrayType = (element: DataType): ArrayType => `array<${element}>`;

/** struct<...> of these fields, canonically spelled. */
export const structType = (fields: readonly StructField[]): StructType => `struct<${fields.map((f) => `${quoteFieldName(f.name)}:${f.type}`).join(",")}>`;

/** map<key,value>, canonically spelled. */
export const mapType = (key: DataType, value: DataType): MapType => `map<${key},${value}>`;

/** The key and value types of a map type, or null for other types. */
export function mapOf(t: DataType): { readonly key: DataType; readonly value: DataType } | null {
  if (!t.startsWith("map<")) return null;
  const n = nestedOf(t);
  return n?.kind === "map" ? n : null;
}

/** The element type of an array type, or null for other types. */
export function elementOf(t: DataType): DataType | null {
  if (!t.startsWith("array<")) return null;
  const n = nestedOf(t);
  return n?.kind === "array" ? n.element : null;
}

/** The fields of a struct type, or null for other types. */
export function fieldsOf(t: DataType): readonly StructField[] | null {
  if (!t.startsWith("struct<")) return null;
  const n = nestedOf(t);
  return n?.kind === "struct" ? n.fields : null;
}

type Nested =
  | { readonly kind: "array"; readonly element: DataType }
  | { readonly kind: "struct"; readonly fields: readonly StructField[] }
  | { readonly kind: "map"; readonly key: DataType; readonly value: DataType };
const NESTED = new Map<string, Nested | null>();

/** A nested type read from its canonical text (memoized: a task asks for few types, many times). */
function nestedOf(t: string): Nested | null {
  let n = NESTED.get(t);
  if (n === undefined) {
    try {
      const syntax = readTypeSyntax(t);
      const type = fromSyntax(syntax, t);
      n =
        type !== t
          ? null
          : syntax.kind === "array"
            ? { kind: "array", element: fromSyntax(syntax.element, t) }
            : syntax.kind === "struct"
              ? { kind: "struct", fields: syntax.fields.map((f) => ({ name: f.name, type: fromSyntax(f.type, t) })) }
              : syntax.kind === "map"
                ? { kind: "map", key: fromSyntax(syntax.key, t), value: fromSyntax(syntax.value, t) }
                : null;
    } catch {
      n = null;
    }
    if (NESTED.size > 10_000) NESTED.clear();
    NESTED.set(t, n);
  }
  return n;
}

/** The most digits a decimal holds (Spark's DecimalType.MAX_PRECISION). */
export const MAX_PRECISION = 38;
const DECIMAL_TYPE = /^decimal\((\d{1,2}),(\d{1,2})\)$/;

/** A decimal type's precision and scale, or null for other types. */
export function decimalOf(t: DataType): { readonly precision: number; readonly scale: number } | null {
  if (t.charCodeAt(0) !== 100 /* d */ || t === "double" || t === "date") return null;
  const m = DECIMAL_TYPE.exec(t);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : null;
}

export const isDecimal = (t: DataType): t is DecimalType => decimalOf(t) !== null;

/** decimal(p, s), checked: Spark's DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION and INVALID_SCALE... as errors naming the type. */
export function decimalType(precision: number, scale: number): DecimalType {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_PRECISION) {
    throw new Error(`[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] decimal(${precision},${scale}): the precision must be between 1 and ${MAX_PRECISION}.`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new Error(`decimal(${precision},${scale}): the scale must be between 0 and the precision (${precision}).`);
  }
  return `decimal(${precision},${scale})`;
}

/**
 * What code dispatches on: a base type, "decimal" for every decimal(p, s), "array", "struct" and
 * "map" for nested types, "daytime" and "yearmonth" for every day-time and year-month interval.
 */
export type TypeKind = BaseType | "decimal" | "array" | "struct" | "map" | "daytime" | "yearmonth";
export const typeKind = (t: DataType): TypeKind =>
  t.startsWith("array<") ? "array" : t.startsWith("struct<") ? "struct" : t.startsWith("map<") ? "map" : isDecimal(t) ? "decimal" : t.startsWith("interval ") ? intervalKind(t) : (t as BaseType);

/** A day-time interval's fields (a value is microseconds), a year-month interval's (a value is months), in order from the largest. */
export const DAY_TIME_FIELDS = ["day", "hour", "minute", "second"] as const;
export const YEAR_MONTH_FIELDS = ["year", "month"] as const;
export type DayTimeField = (typeof DAY_TIME_FIELDS)[number];
export type YearMonthField = (typeof YEAR_MONTH_FIELDS)[number];
export type IntervalField = DayTimeField | YearMonthField;

export interface IntervalShape {
  readonly kind: "daytime" | "yearmonth";
  /** The fields' positions in DAY_TIME_FIELDS or YEAR_MONTH_FIELDS, start <= end. */
  readonly start: number;
  readonly end: number;
}

const INTERVAL_TYPE = /^interval (day|hour|minute|second|year|month)(?: to (hour|minute|second|month))?$/;

/** An interval type's kind and fields, or null for other types (and for misspelled ones: `interval second to day`). */
export function intervalOf(t: DataType): IntervalShape | null {
  if (!t.startsWith("interval ")) return null;
  const m = INTERVAL_TYPE.exec(t);
  if (!m) return null;
  const dayTime = (DAY_TIME_FIELDS as readonly string[]).includes(m[1]!);
  const fields: readonly string[] = dayTime ? DAY_TIME_FIELDS : YEAR_MONTH_FIELDS;
  const start = fields.indexOf(m[1]!);
  const end = m[2] === undefined ? start : fields.indexOf(m[2]);
  if (end < 0 || (m[2] !== undefined && end <= start)) return null;
  return { kind: dayTime ? "daytime" : "yearmonth", start, end };
}

const intervalKind = (t: DataType): TypeKind => intervalOf(t)?.kind ?? (t as BaseType);

/** The interval type of these fields, canonically spelled (`interval day to second`, `interval month`). */
export function intervalType(kind: IntervalShape["kind"], start: number, end: number = start): IntervalType {
  const fields: readonly string[] = kind === "daytime" ? DAY_TIME_FIELDS : YEAR_MONTH_FIELDS;
  return start === end ? `interval ${fields[start]!}` : `interval ${fields[start]!} to ${fields[end]!}`;
}

export const isInterval = (t: DataType): t is IntervalType => intervalOf(t) !== null;

/** The interval type holding both intervals of one kind (the widest fields), as Spark's DayTimeIntervalType/YearMonthIntervalType merge. */
export function widerInterval(a: DataType, b: DataType): DataType {
  const [x, y] = [intervalOf(a)!, intervalOf(b)!];
  return intervalType(x.kind, Math.min(x.start, y.start), Math.max(x.end, y.end));
}

/** Whether a type holds other values (array, struct, map). */
/** Whether Spark orders values of the type (min, max, ORDER BY): not any, and no map at any depth (arrays and structs order part by part). */
export const isOrderable = (t: DataType): boolean => t !== "any" && !t.includes("map<");

export const isNested = (t: DataType): t is ArrayType | StructType | MapType => t.startsWith("array<") || t.startsWith("struct<") || t.startsWith("map<");

export const DataType: z.ZodType<DataType> = z.union([
  BaseType,
  z.custom<DecimalType | ArrayType | StructType | MapType | IntervalType>((v) => {
    if (typeof v !== "string") return false;
    if (v.startsWith("interval ")) return intervalOf(v as DataType) !== null;
    if (isNested(v as DataType)) return nestedOf(v) !== null;
    const d = decimalOf(v as DataType);
    return d !== null && d.precision >= 1 && d.precision <= MAX_PRECISION && d.scale <= d.precision;
  }, "expected a type name"),
]);

export const Field = z.object({ name: z.string(), type: DataType, nullable: z.boolean() }).strict();
export type Field = z.infer<typeof Field>;

export const Schema = z.object({ fields: z.array(Field) }).strict();
export type Schema = z.infer<typeof Schema>;

/** A literal's value in a plan (JSON): a decimal literal is its text. */
export type Scalar = string | number | boolean | null;
/** A value at run time: a decimal is its unscaled bigint. */
export type Value = Scalar | bigint | readonly Value[];
/** Rows travel between operators as arrays in schema order; users see objects. */
export type Row = Value[];

/** Spark's int range, [-2^31, 2^31 - 1]: the one place that says it. */
export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** The ranges of Spark's narrow integral types (tinyint, smallint), and int's. */
export const INTEGRAL_RANGES = { byte: [-128, 127], short: [-32768, 32767], int: [INT_MIN, INT_MAX] } as const;

/** Java's narrowing of an integer to a byte, short or int: its low bits, as (byte), (short) and (int) keep them (legacy casts and arithmetic). */
export function wrapIntegral(t: NarrowIntegral, n: number): number {
  const bits = t === "byte" ? 8 : t === "short" ? 16 : 32;
  if (!Number.isSafeInteger(n)) return Number(BigInt.asIntN(bits, BigInt(n))) + 0;
  return (bits === 32 ? n | 0 : (n << (32 - bits)) >> (32 - bits)) + 0;
}

/** Spark's integral types narrower than long. */
export type NarrowIntegral = keyof typeof INTEGRAL_RANGES;
export const isNarrowIntegral = (t: DataType): t is NarrowIntegral => t === "byte" || t === "short" || t === "int";
/** Spark's integral types. */
export const isIntegral = (t: DataType): t is NarrowIntegral | "long" => isNarrowIntegral(t) || t === "long";

/** Whether n is an integer that an int column holds. */
export function isIntValue(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX;
}

/** Spark infers an integral number as int when it fits, else long (CSV, JSON, folder values, literals). */
export function integralType(n: number): "int" | "long" {
  return isIntValue(n) ? "int" : "long";
}

export const NUMERIC_TYPES: readonly DataType[] = ["byte", "short", "int", "long", "float", "double"];

export function isNumeric(type: DataType): boolean {
  return NUMERIC_TYPES.includes(type) || isDecimal(type);
}

/** The decimal an integral type widens to (Spark's DecimalType.forType): byte 3 digits, short 5, int 10, long 20. */
export function integralDecimal(t: NarrowIntegral | "long"): DecimalType {
  return ({ byte: "decimal(3,0)", short: "decimal(5,0)", int: "decimal(10,0)", long: "decimal(20,0)" } as const)[t];
}

/**
 * The common type two numeric types widen to: byte < short < int < long < float < double; a
 * decimal with an integral type or another decimal widens to a decimal that holds both (Spark's
 * widerDecimalType; past 38 digits it keeps the integral digits and drops fraction digits); a
 * decimal with a float or a double is a double.
 */
export function widerNumeric(a: DataType, b: DataType): DataType {
  const da = decimalOf(a);
  const db = decimalOf(b);
  if (da || db) {
    if (a === "null") return b;
    if (b === "null") return a;
    if (a === "double" || b === "double" || a === "float" || b === "float") return "double";
    const x = da ?? decimalOf(integralDecimal(a as NarrowIntegral | "long"))!;
    const y = db ?? decimalOf(integralDecimal(b as NarrowIntegral | "long"))!;
    const scale = Math.max(x.scale, y.scale);
    const whole = Math.max(x.precision - x.scale, y.precision - y.scale);
    // Past 38 digits the integral digits win and the scale shrinks (Spark's boundedPreferIntegralDigits).
    const excess = Math.max(0, whole + scale - MAX_PRECISION);
    return decimalType(Math.min(whole + scale, MAX_PRECISION), Math.max(0, scale - excess));
  }
  const order = ["null", "byte", "short", "int", "long", "float", "double"];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

/** decimal(p, s) with p capped at 38 (Spark's DecimalType.bounded: the scale is capped too). */
export function boundedDecimal(precision: number, scale: number): DecimalType {
  return decimalType(Math.min(precision, MAX_PRECISION), Math.min(scale, MAX_PRECISION));
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a value fits a column of `type` (null aside), as Spark's verifySchema checks createDataFrame's rows. */
export function fitsType(type: DataType, v: unknown): boolean {
  const decimal = decimalOf(type);
  if (decimal) return typeof v === "bigint" && (v < 0n ? -v : v) < 10n ** BigInt(decimal.precision);
  switch (typeKind(type)) {
    case "decimal":
      return false;
    case "string":
      return typeof v === "string";
    case "binary":
      return isByteString(v);
    case "byte":
    case "short":
    case "int":
      return Number.isInteger(v) && (v as number) >= INTEGRAL_RANGES[typeKind(type) as NarrowIntegral][0] && (v as number) <= INTEGRAL_RANGES[typeKind(type) as NarrowIntegral][1];
    case "long":
      return Number.isInteger(v);
    case "float":
      return typeof v === "number" && (v !== v || Math.fround(v) === v);
    case "double":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "date":
      return typeof v === "string" && DATE_TEXT.test(v);
    case "daytime":
      return Number.isSafeInteger(v);
    case "yearmonth":
      return isIntValue(v);
    case "timestamp":
    case "timestamp_ntz":
      // From 0001-01-01T00:00:00Z to before 10000-01-01T00:00:00Z (MIN_MICROS, END_MICROS in functions/timestamps.ts)
      return Number.isInteger(v) && (v as number) >= -62135596800000000 && (v as number) < 253402300800000000;
    case "array": {
      const element = elementOf(type)!;
      return Array.isArray(v) && v.every((e) => e === null || fitsType(element, e));
    }
    case "struct": {
      const fields = fieldsOf(type)!;
      return Array.isArray(v) && v.length === fields.length && fields.every((f, i) => v[i] === null || fitsType(f.type, v[i]));
    }
    case "map": {
      const { key, value } = mapOf(type)!;
      if (!Array.isArray(v) || v.length !== 2 || !Array.isArray(v[0]) || !Array.isArray(v[1]) || v[0].length !== v[1].length) return false;
      return v[0].every((k) => k !== null && fitsType(key, k)) && v[1].every((x) => x === null || fitsType(value, x));
    }
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
    if (!fitsType(f.type, v)) return `field "${f.name}" (${typeName(f.type)}) cannot hold ${typeof v === "bigint" ? `${v}n` : JSON.stringify(v)} (${Array.isArray(v) ? "an array" : `a ${typeof v}`})`;
  }
  return undefined;
}

export function fieldIndex(schema: Schema, name: string): number {
  return schema.fields.findIndex((f) => f.name === name);
}

/** Spark's name for a type, as printSchema() shows it on a column's line (a nested type's parts follow on lines of their own). */
export function typeName(t: DataType): string {
  const kind = typeKind(t);
  return kind === "decimal" || kind === "daytime" || kind === "yearmonth" ? t : kind === "array" || kind === "struct" || kind === "map" ? kind : TYPE_NAMES[t as BaseType];
}

/** Spark's simpleString of a type, as show() and messages spell nested types: `array<int>`, `struct<a:bigint>`. */
export function simpleTypeName(t: DataType): string {
  const element = elementOf(t);
  if (element !== null) return `array<${simpleTypeName(element)}>`;
  const fields = fieldsOf(t);
  if (fields !== null) return `struct<${fields.map((f) => `${f.name}:${simpleTypeName(f.type)}`).join(",")}>`;
  const map = mapOf(t);
  if (map !== null) return `map<${simpleTypeName(map.key)},${simpleTypeName(map.value)}>`;
  return t === "long" ? "bigint" : t === "null" ? "void" : t === "byte" ? "tinyint" : t === "short" ? "smallint" : t;
}

/** printSchema()'s lines for a nested type's parts, each starting with `prefix` (` |    `), as Spark's StructType.treeString. */
export function schemaTreeLines(t: DataType, prefix: string): string[] {
  const element = elementOf(t);
  if (element !== null) return [`${prefix}|-- element: ${typeName(element)} (containsNull = true)`, ...schemaTreeLines(element, `${prefix}|    `)];
  const map = mapOf(t);
  if (map !== null) {
    return [
      `${prefix}|-- key: ${typeName(map.key)}`,
      ...schemaTreeLines(map.key, `${prefix}|    `),
      `${prefix}|-- value: ${typeName(map.value)} (valueContainsNull = true)`,
      ...schemaTreeLines(map.value, `${prefix}|    `),
    ];
  }
  const fields = fieldsOf(t);
  if (fields === null) return [];
  return fields.flatMap((f) => [`${prefix}|-- ${f.name}: ${typeName(f.type)} (nullable = true)`, ...schemaTreeLines(f.type, `${prefix}|    `)]);
}

const TYPE_NAMES: Record<BaseType, string> = {
  string: "string",
  binary: "binary",
  byte: "byte",
  short: "short",
  float: "float",
  int: "integer",
  long: "long",
  double: "double",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz",
  null: "void",
  any: "any",
};

const DDL_ALIASES: Record<string, DataType> = {
  string: "string",
  varchar: "string",
  binary: "binary",
  int: "int",
  integer: "int",
  bigint: "long",
  long: "long",
  double: "double",
  float: "float",
  real: "float",
  tinyint: "byte",
  byte: "byte",
  smallint: "short",
  short: "short",
  boolean: "boolean",
  bool: "boolean",
  date: "date",
  timestamp: "timestamp",
  timestamp_ltz: "timestamp",
  timestamp_ntz: "timestamp_ntz",
  // The type of NULL (an empty array's elements): Spark's void; "null" is its name in sparkfn's canonical spellings.
  void: "null",
  null: "null",
};

/** A type from its syntax tree; `text` is the whole type's text, for messages. */
function fromSyntax(syntax: TypeSyntax, text: string): DataType {
  switch (syntax.kind) {
    case "name": {
      const interval = intervalOf(syntax.name as DataType);
      if (interval) return intervalType(interval.kind, interval.start, interval.end);
      const type = DDL_ALIASES[syntax.name];
      if (!type) throw new TypeSyntaxError(`Unknown data type "${syntax.name}" in "${text}": use one of ${Object.keys(DDL_ALIASES).join(", ")}, decimal(p,s), array<T>, struct<name: T, ...>.`);
      return type;
    }
    case "decimal":
      return decimalType(syntax.precision ?? 10, syntax.scale ?? 0);
    case "array":
      return arrayType(fromSyntax(syntax.element, text));
    case "struct":
      return structType(syntax.fields.map((f) => ({ name: f.name, type: fromSyntax(f.type, text) })));
    case "map":
      return mapType(fromSyntax(syntax.key, text), fromSyntax(syntax.value, text));
  }
}

/** Parses a type name as Spark's DDL spells it (`INT`, `bigint`, `decimal(10,2)`, `array<string>`, `struct<a: int>`, ...); `decimal` alone is decimal(10,0). */
export function parseTypeName(name: string): DataType {
  return fromSyntax(readTypeSyntax(name), name.trim());
}

/** Parses a DDL schema string such as `"id INT, amount DOUBLE, tags ARRAY<STRING>"` (columns nullable unless NOT NULL). */
export function parseDdlSchema(ddl: string): Schema {
  const fields = splitDdlColumns(ddl).map((part, i) => {
    if (part.name === "" || part.type === "") {
      throw new Error(`Cannot read column ${i + 1} of the schema "${ddl}": expected "<name> <type>", got "${part.text.trim()}".`);
    }
    return { name: part.name, type: parseTypeName(part.type), nullable: !part.notNull };
  });
  return { fields };
}
