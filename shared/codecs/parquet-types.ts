/**
 * How Parquet types map to sparkfn's (shared by the driver, which reads schemas from footers,
 * and the executor, which reads and writes files), and how values convert:
 *
 *   BOOLEAN → boolean · INT32 INT_8 → byte · INT32 INT_16 → short · INT32 (and UINT_8/16) → int ·
 *   INT64 → long (exact to 2^53) · FLOAT → float · DOUBLE → double · BYTE_ARRAY UTF8/STRING/ENUM → string ·
 *   BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY without a text annotation → binary (as Spark reads them) · INT32 DATE → date ·
 *   TIMESTAMP (millis, micros, nanos) and INT96 → timestamp (microseconds) · TIMESTAMP with
 *   isAdjustedToUTC = false → timestamp_ntz (a wall clock, as Spark reads it) ·
 *   JSON → string, or array when sparkfn wrote an array<string> column as JSON ·
 *   DECIMAL → double by default (the nearest double: exact to about 15 significant digits), or
 *   exactly decimal(p, s) when the scan's schema declares it (see `decimals` below) ·
 *   a LIST → array<T> · a MAP → map<K, V> · any other group → struct<...>, with the backward-
 *   compatibility rules of the Parquet spec's LogicalTypes.md for lists written by older tools
 *   (two-level lists, `array` and `_tuple` groups, bare repeated fields).
 */
import type { SchemaTree } from "hyparquet";
import { byteString, utf8Bytes } from "../plan/binary.ts";
import { arrayType, decimalType, mapType, structType, type DataType, type Value } from "../plan/types.ts";

/** The pieces of a Parquet schema element that decide its sparkfn type. */
export interface ParquetLeaf {
  readonly name: string;
  readonly type?: string | undefined;
  readonly convertedType?: string | undefined;
  readonly logicalType?: string | undefined;
  /** An INTEGER logical type's width and sign. */
  readonly bitWidth?: number | undefined;
  readonly isSigned?: boolean | undefined;
  /** A TIMESTAMP logical type's isAdjustedToUTC: false is a wall clock (timestamp_ntz). */
  readonly adjustedToUtc?: boolean | undefined;
}

export function sparkfnType(leaf: ParquetLeaf, where: string): DataType {
  const { type, convertedType, logicalType } = leaf;
  if (logicalType === "DATE" || convertedType === "DATE") return "date";
  if (logicalType === "TIMESTAMP" && leaf.adjustedToUtc === false) return "timestamp_ntz";
  if (logicalType === "TIMESTAMP" || convertedType?.startsWith("TIMESTAMP") || type === "INT96") return "timestamp";
  if (logicalType === "JSON" || convertedType === "JSON") return "string";
  // A DECIMAL reads as the nearest double unless the scan declares decimal(p, s) (see parquetType).
  if (convertedType === "DECIMAL" || logicalType === "DECIMAL") return "double";
  switch (type) {
    case "BOOLEAN":
      return "boolean";
    case "INT32":
      // Spark writes tinyint and smallint as INT_8 and INT_16 and reads them back as such.
      if (convertedType === "INT_8" || (logicalType === "INTEGER" && leaf.bitWidth === 8 && leaf.isSigned !== false)) return "byte";
      if (convertedType === "INT_16" || (logicalType === "INTEGER" && leaf.bitWidth === 16 && leaf.isSigned !== false)) return "short";
      return "int";
    case "INT64":
      return "long";
    case "FLOAT":
      return "float";
    case "DOUBLE":
      return "double";
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY":
      // Text only when annotated so (a UUID, which Spark does not read, as its text); bytes otherwise, as Spark.
      return convertedType === "UTF8" || convertedType === "ENUM" || logicalType === "STRING" || logicalType === "ENUM" || logicalType === "UUID" ? "string" : "binary";
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
    case "float":
      return Math.fround(Number(value));
    case "byte":
    case "short":
      return Number(value);
    case "boolean":
      return Boolean(value);
    case "date":
      return value instanceof Date ? dateOnly(value) : String(value);
    case "timestamp":
    case "timestamp_ntz":
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
    case "binary":
      return value instanceof Uint8Array ? byteString(value) : typeof value === "string" ? utf8Bytes(value) : null;
    case "null":
      return null;
    case "any":
      return (typeof value === "string" ? JSON.parse(value) : value) as Value;
    default:
      // A decimal column: sparkfnType reads Parquet decimals as doubles, so no Parquet column has this type yet.
      throw new Error(`${where}: column "${column}" is ${type}, which sparkfn does not read from Parquet yet.`);
  }
}

const isAnnotated = (node: SchemaTree, what: "LIST" | "MAP") =>
  node.element.converted_type === what || node.element.logical_type?.type === what || (what === "MAP" && node.element.converted_type === "MAP_KEY_VALUE");

/**
 * A LIST group's element node, by the spec's rules: the repeated child is the element when it
 * is a primitive, a group of several fields, or a one-field group named `array` or
 * `<list>_tuple` (two-level lists of older writers); otherwise its one child is (three levels).
 */
export function listElement(list: SchemaTree, where: string): { repeated: SchemaTree; element: SchemaTree } {
  const repeated = list.children[0];
  if (list.children.length !== 1 || repeated?.element.repetition_type !== "REPEATED") {
    throw new Error(`${where}: column "${list.path[0]}" is a LIST whose group "${list.path.join(".")}" does not hold one repeated field.`);
  }
  const name = repeated.element.name;
  const twoLevel = repeated.children.length !== 1 || name === "array" || name === `${list.element.name}_tuple`;
  return { repeated, element: twoLevel ? repeated : repeated.children[0]! };
}

/** A MAP group's repeated key_value group and its key and value nodes. */
export function mapEntries(map: SchemaTree, where: string): { repeated: SchemaTree; key: SchemaTree; value: SchemaTree } {
  const repeated = map.children[0];
  const key = repeated?.children.find((c) => c.element.name === "key") ?? repeated?.children[0];
  const value = repeated?.children.find((c) => c.element.name === "value") ?? repeated?.children[1];
  if (map.children.length !== 1 || repeated?.element.repetition_type !== "REPEATED" || repeated.children.length !== 2 || !key || !value) {
    throw new Error(`${where}: column "${map.path[0]}" is a MAP whose group "${map.path.join(".")}" does not hold one repeated key/value group.`);
  }
  return { repeated, key, value };
}

/** What kind of value a schema node holds, with the nodes that hold its parts. */
export type ParquetShape =
  | { readonly kind: "leaf" }
  | { readonly kind: "list"; readonly repeated: SchemaTree; readonly element: SchemaTree }
  | { readonly kind: "map"; readonly repeated: SchemaTree; readonly key: SchemaTree; readonly value: SchemaTree }
  | { readonly kind: "struct" };

export function parquetShape(node: SchemaTree, where: string): ParquetShape {
  if (isAnnotated(node, "LIST")) return { kind: "list", ...listElement(node, where) };
  if (isAnnotated(node, "MAP") && node.children.length > 0) return { kind: "map", ...mapEntries(node, where) };
  return node.children.length > 0 ? { kind: "struct" } : { kind: "leaf" };
}

/**
 * The sparkfn type of a schema node (a top-level column or a part of one). A repeated node
 * outside a LIST or MAP (a bare repeated field) is an array of its values. `decimals`:
 * "double" reads DECIMAL leaves as sparkfn's default does, "exact" as decimal(p, s).
 */
export function parquetType(node: SchemaTree, where: string, decimals: "double" | "exact" = "double"): DataType {
  const type = parquetValueType(node, where, decimals);
  return node.element.repetition_type === "REPEATED" ? arrayType(type) : type;
}

/** The type of one value of the node (one element, when the node is repeated). */
export function parquetValueType(node: SchemaTree, where: string, decimals: "double" | "exact"): DataType {
  const shape = parquetShape(node, where);
  switch (shape.kind) {
    case "list": {
      const element = shape.element === shape.repeated ? parquetValueType(shape.repeated, where, decimals) : parquetType(shape.element, where, decimals);
      return arrayType(element);
    }
    case "map":
      return mapType(parquetType(shape.key, where, decimals), parquetType(shape.value, where, decimals));
    case "struct":
      return structType(node.children.map((c) => ({ name: c.element.name, type: parquetType(c, where, decimals) })));
    case "leaf": {
      const e = node.element;
      if (decimals === "exact" && (e.converted_type === "DECIMAL" || e.logical_type?.type === "DECIMAL")) {
        const lt = e.logical_type?.type === "DECIMAL" ? e.logical_type : undefined;
        return decimalType(e.precision ?? lt?.precision ?? 38, e.scale ?? lt?.scale ?? 0);
      }
      const integer = e.logical_type?.type === "INTEGER" ? e.logical_type : undefined;
      const adjustedToUtc = e.logical_type?.type === "TIMESTAMP" ? e.logical_type.isAdjustedToUTC : undefined;
      return sparkfnType({ name: node.path.join("."), type: e.type, convertedType: e.converted_type, logicalType: e.logical_type?.type, bitWidth: integer?.bitWidth, isSigned: integer?.isSigned, adjustedToUtc }, where);
    }
  }
}
