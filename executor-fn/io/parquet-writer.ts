/**
 * Parquet output with hyparquet-writer: one row group per 100,000 rows, snappy compression
 * (the library's built-in codec; zstd would need a compressor we would have to ship), column
 * statistics on, so sparkfn (and other engines) can skip row groups. Every column is optional
 * (nullable). Types: byte → INT32 INT_8, short → INT32 INT_16 (as Spark writes them), int → INT32,
 * long → INT64, float → FLOAT, double → DOUBLE, boolean → BOOLEAN, string →
 * UTF8 string, date → INT32 DATE, timestamp → INT64 TIMESTAMP(MICROS, adjusted to UTC),
 * timestamp_ntz → INT64 TIMESTAMP(MICROS, not adjusted to UTC), a day-time interval → INT64 of
 * its microseconds and a year-month interval → INT32 of its months, with Spark's schema in the
 * file's metadata so that Spark and sparkfn read them back as intervals (spark-parquet-schema.ts),
 * decimal(p, s) → DECIMAL(p, s) as Spark writes it (INT32 up to 9 digits, INT64 up to 18, else a
 * FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold p digits); and nested types in Spark's
 * standard layout (spark.sql.parquet.writeLegacyFormat=false):
 *
 *   array<T>   optional group a (LIST) { repeated group list { optional T element } }
 *   map<K, V>  optional group m (MAP) { repeated group key_value { required K key; optional V value } }
 *   struct     optional group s { optional fields... }
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { decimalOf, elementOf, fieldsOf, intervalOf, isInterval, mapOf, type DataType, type Row, type Schema, type Value } from "../../shared/plan/types.ts";
import { sparkRowMetadata } from "../../shared/codecs/spark-parquet-schema.ts";
import { bytesOf } from "../../shared/plan/binary.ts";
import { TaskError } from "../task-error.ts";

const ROW_GROUP_ROWS = 100_000;
const DAY_MS = 86_400_000;

type Element = {
  name: string;
  type?: string;
  converted_type?: string;
  logical_type?: { type: string; precision?: number; scale?: number };
  repetition_type?: string;
  num_children?: number;
  precision?: number;
  scale?: number;
  type_length?: number;
};

/** The fewest bytes whose two's complement holds every p-digit number (Spark's Decimal.minBytesForPrecision). */
function decimalBytes(precision: number): number {
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) < 10n ** BigInt(precision)) bytes++;
  return bytes;
}

/** The schema elements of one column (or part of one), in Parquet's depth-first order. */
function elements(name: string, type: DataType, repetition: "OPTIONAL" | "REQUIRED" = "OPTIONAL"): Element[] {
  const base = { name, repetition_type: repetition };
  const element = elementOf(type);
  if (element !== null) {
    return [{ ...base, converted_type: "LIST", logical_type: { type: "LIST" }, num_children: 1 }, { name: "list", repetition_type: "REPEATED", num_children: 1 }, ...elements("element", element)];
  }
  const map = mapOf(type);
  if (map !== null) {
    return [
      { ...base, converted_type: "MAP", logical_type: { type: "MAP" }, num_children: 1 },
      { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
      ...elements("key", map.key, "REQUIRED"),
      ...elements("value", map.value),
    ];
  }
  const fields = fieldsOf(type);
  if (fields !== null) return [{ ...base, num_children: fields.length }, ...fields.flatMap((f) => elements(f.name, f.type))];
  return [{ ...leaf(type), ...base }];
}

function leaf(type: DataType): Omit<Element, "name"> {
  const decimal = decimalOf(type);
  if (decimal) {
    const { precision, scale } = decimal;
    const physical = precision <= 9 ? { type: "INT32" } : precision <= 18 ? { type: "INT64" } : { type: "FIXED_LEN_BYTE_ARRAY", type_length: decimalBytes(precision) };
    return { ...physical, converted_type: "DECIMAL", precision, scale, logical_type: { type: "DECIMAL", precision, scale } };
  }
  // No annotation, as Spark writes them: the type lives in Spark's schema in the metadata.
  const interval = intervalOf(type);
  if (interval !== null) return { type: interval.kind === "daytime" ? "INT64" : "INT32" };
  switch (type) {
    // The converted type only: hyparquet-writer writes IntType's bit width as an i32 where Parquet's thrift has an i8, which readers refuse.
    case "byte":
      return { type: "INT32", converted_type: "INT_8" };
    case "short":
      return { type: "INT32", converted_type: "INT_16" };
    case "float":
      return { type: "FLOAT" };
    case "int":
      return { type: "INT32" };
    case "long":
      return { type: "INT64" };
    case "double":
      return { type: "DOUBLE" };
    case "boolean":
      return { type: "BOOLEAN" };
    case "binary":
      // Bytes, with no annotation (Spark's BinaryType).
      return { type: "BYTE_ARRAY" };
    case "string":
    case "null":
      return { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "date":
      return { type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "timestamp":
      // Spark's own choice (spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS): an instant, adjusted to UTC.
      return { type: "INT64", converted_type: "TIMESTAMP_MICROS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" } as never };
    case "timestamp_ntz":
      // A wall clock, as Spark writes TimestampNTZType: not adjusted to UTC, and no converted type (TIMESTAMP_MICROS means adjusted).
      return { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" } as never };
    case "any":
      return { type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
  }
  throw new Error(`internal: no Parquet type for ${type}`);
}

/**
 * A value as hyparquet-writer takes it for `type`: longs and timestamps as bigints, dates as
 * days, arrays as arrays, structs as objects keyed by field name, maps as [key, value] pairs.
 */
function toParquet(v: Value | undefined, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  const element = elementOf(type);
  if (element !== null) return (v as readonly Value[]).map((e) => toParquet(e, element));
  const map = mapOf(type);
  if (map !== null) {
    const [keys, values] = v as readonly [readonly Value[], readonly Value[]];
    return keys.map((k, i) => [toParquet(k, map.key), toParquet(values[i], map.value)]);
  }
  const fields = fieldsOf(type);
  if (fields !== null) {
    // No prototype: a field may be named "__proto__".
    const out = Object.create(null) as Record<string, unknown>;
    fields.forEach((f, i) => (out[f.name] = toParquet((v as readonly Value[])[i], f.type)));
    return out;
  }
  if (intervalOf(type)?.kind === "daytime") return BigInt(v as number);
  switch (type) {
    case "long":
    case "timestamp":
    case "timestamp_ntz":
      return BigInt(v as number);
    case "date":
      return Math.round(Date.parse(`${v as string}T00:00:00Z`) / DAY_MS);
    case "any":
      return JSON.stringify(v);
    case "binary":
      return bytesOf(v as string);
    default:
      return v;
  }
}

export function writeParquetFile(rows: readonly Row[], schema: Schema): Uint8Array {
  try {
    const buffer = parquetWriteBuffer({
      columnData: schema.fields.map((f, i) => ({ name: f.name, data: rows.map((row) => toParquet(row[i], f.type)) as never, nullable: true })),
      schema: [{ name: "root", num_children: schema.fields.length }, ...schema.fields.flatMap((f) => elements(f.name, f.type))] as never,
      rowGroupSize: ROW_GROUP_ROWS,
      codec: "SNAPPY",
      ...(schema.fields.some((f) => isInterval(f.type)) ? { kvMetadata: [sparkRowMetadata(schema)] } : {}),
    });
    return new Uint8Array(buffer);
  } catch (error) {
    throw new TaskError("BadInput", `writing Parquet failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
