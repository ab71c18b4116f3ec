/**
 * How Parquet types map to sparkfn's (shared by the driver, which reads schemas from footers,
 * and the executor, which reads and writes files), and how values convert:
 *
 *   BOOLEAN → boolean · INT32 (and INT_8/16, UINT_8/16) → int · INT64 → long (exact to 2^53) ·
 *   FLOAT, DOUBLE → double · BYTE_ARRAY UTF8/STRING/ENUM → string · INT32 DATE → date ·
 *   TIMESTAMP (millis, micros, nanos) and INT96 → timestamp (microseconds) · a LIST of strings → array ·
 *   JSON → string, or array when sparkfn wrote an array<string> column as JSON ·
 *   DECIMAL → double (the nearest double: exact to about 15 significant digits).
 *
 * Other types (structs, maps, lists of other types) are refused with the column's name.
 */
import type { DataType, Value } from "../plan/types.ts";

/** The pieces of a Parquet schema element that decide its sparkfn type. */
export interface ParquetLeaf {
  readonly name: string;
  readonly type?: string | undefined;
  readonly convertedType?: string | undefined;
  readonly logicalType?: string | undefined;
}

export function sparkfnType(leaf: ParquetLeaf, where: string): DataType {
  const { type, convertedType, logicalType } = leaf;
  if (logicalType === "DATE" || convertedType === "DATE") return "date";
  if (logicalType === "TIMESTAMP" || convertedType?.startsWith("TIMESTAMP") || type === "INT96") return "timestamp";
  if (logicalType === "JSON" || convertedType === "JSON") return "string";
  // sparkfn has no decimal type: a DECIMAL reads as the nearest double (exact to about 15 digits).
  if (convertedType === "DECIMAL" || logicalType === "DECIMAL") return "double";
  switch (type) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
      return "int";
    case "INT64":
      return "long";
    case "FLOAT":
    case "DOUBLE":
      return "double";
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY":
      return "string";
    default:
      throw new Error(`${where}: column "${leaf.name}" has the Parquet type ${type ?? "(group)"}, which sparkfn does not read.`);
  }
}

const dateOnly = (d: Date) => d.toISOString().slice(0, 10);

/** A value as hyparquet decoded it → a sparkfn value of `type`. */
export function fromParquet(value: unknown, type: DataType, column: string, where: string): Value {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "long":
    case "int": {
      const n = typeof value === "bigint" ? Number(value) : Number(value);
      if (typeof value === "bigint" && !Number.isSafeInteger(n)) throw new Error(`${where}: column "${column}" holds ${value}, beyond the 2^53 that sparkfn's long keeps exact.`);
      return n;
    }
    case "double":
      return Number(value);
    case "boolean":
      return Boolean(value);
    case "date":
      return value instanceof Date ? dateOnly(value) : String(value);
    case "timestamp":
      return value instanceof Date ? value.getTime() * 1000 : Number(value);
    case "array<string>":
      if (Array.isArray(value)) return value.map((v) => String(v));
      if (typeof value === "string") return JSON.parse(value) as string[];
      return null;
    case "string":
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return new TextDecoder().decode(value);
      if (typeof value === "object") return JSON.stringify(value);
      return String(value);
    case "null":
      return null;
    case "any":
      return (typeof value === "string" ? JSON.parse(value) : value) as Value;
    default:
      // A decimal column: sparkfnType reads Parquet decimals as doubles, so no Parquet column has this type yet.
      throw new Error(`${where}: column "${column}" is ${type}, which sparkfn does not read from Parquet yet.`);
  }
}
