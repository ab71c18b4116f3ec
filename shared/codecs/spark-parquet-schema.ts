/**
 * Spark's own schema in a Parquet file's key-value metadata (`org.apache.spark.sql.parquet.row.metadata`,
 * the schema as DataType.json writes it). Spark writes it in every file and reads a column's
 * type from it where the Parquet type alone cannot say: an ANSI interval is a plain INT32
 * (year-month: months) or INT64 (day-time: microseconds) in the file. sparkfn writes the key
 * when a file holds an interval column, and reads interval columns back from it.
 */
import { decimalOf, elementOf, fieldsOf, intervalOf, mapOf, type DataType, type IntervalType, type Schema } from "../plan/types.ts";

export const SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";

type SparkJsonType = string | { readonly type: string; readonly [key: string]: unknown };

/** Spark's JSON name of a sparkfn type (DataType.json), as the file's Parquet columns hold it. */
function sparkJsonType(type: DataType): SparkJsonType {
  const element = elementOf(type);
  if (element !== null) return { type: "array", elementType: sparkJsonType(element), containsNull: true };
  const map = mapOf(type);
  if (map !== null) return { type: "map", keyType: sparkJsonType(map.key), valueType: sparkJsonType(map.value), valueContainsNull: true };
  const fields = fieldsOf(type);
  if (fields !== null) return { type: "struct", fields: fields.map((f) => ({ name: f.name, type: sparkJsonType(f.type), nullable: true, metadata: {} })) };
  const decimal = decimalOf(type);
  if (decimal !== null) return `decimal(${decimal.precision},${decimal.scale})`;
  if (intervalOf(type) !== null) return type;
  switch (type) {
    case "int":
      return "integer";
    // Written as text: a null column as a string column, sparkfn's JSON values as JSON text (a string to Spark).
    case "null":
    case "any":
      return "string";
    default:
      return type;
  }
}

/** The key-value metadata entry Spark reads a file's schema from. */
export function sparkRowMetadata(schema: Schema): { key: string; value: string } {
  const json = { type: "struct", fields: schema.fields.map((f) => ({ name: f.name, type: sparkJsonType(f.type), nullable: true, metadata: {} })) };
  return { key: SPARK_ROW_METADATA, value: JSON.stringify(json) };
}

/**
 * The top-level interval columns Spark's schema in the metadata names, by column name. A
 * missing or unreadable entry names none: the columns then read as the Parquet types say.
 */
export function sparkIntervalColumns(metadata: readonly { key: string; value?: string | undefined }[] | undefined): Map<string, IntervalType> {
  const out = new Map<string, IntervalType>();
  const text = metadata?.find((kv) => kv.key === SPARK_ROW_METADATA)?.value;
  if (!text) return out;
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    return out;
  }
  const fields = (schema as { fields?: unknown }).fields;
  if (!Array.isArray(fields)) return out;
  for (const f of fields as { name?: unknown; type?: unknown }[]) {
    if (typeof f?.name === "string" && typeof f.type === "string" && intervalOf(f.type as DataType) !== null) out.set(f.name, f.type as IntervalType);
  }
  return out;
}
