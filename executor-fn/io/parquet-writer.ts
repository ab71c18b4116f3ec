/**
 * Parquet output with hyparquet-writer: one row group per 100,000 rows, snappy compression
 * (the library's built-in codec; zstd would need a compressor we would have to ship), column
 * statistics on, so sparkfn (and other engines) can skip row groups. Every column is optional
 * (nullable). Types: int → INT32, long → INT64, double → DOUBLE, boolean → BOOLEAN, string →
 * UTF8 string, date → INT32 DATE, timestamp → INT64 TIMESTAMP(MICROS, adjusted to UTC),
 * array<string> → a JSON column, decimal(p, s) → DECIMAL(p, s) as Spark writes it (INT32 up to 9
 * digits, INT64 up to 18, else a FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold p digits).
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { decimalOf, isNested, type Row, type Schema } from "../../shared/plan/types.ts";
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

function element(name: string, type: Schema["fields"][number]["type"]): Element {
  const optional = { name, repetition_type: "OPTIONAL" };
  const decimal = decimalOf(type);
  if (decimal) {
    const { precision, scale } = decimal;
    const physical = precision <= 9 ? { type: "INT32" } : precision <= 18 ? { type: "INT64" } : { type: "FIXED_LEN_BYTE_ARRAY", type_length: decimalBytes(precision) };
    return { ...optional, ...physical, converted_type: "DECIMAL", precision, scale, logical_type: { type: "DECIMAL", precision, scale } };
  }
  switch (type) {
    case "int":
      return { ...optional, type: "INT32" };
    case "long":
      return { ...optional, type: "INT64" };
    case "double":
      return { ...optional, type: "DOUBLE" };
    case "boolean":
      return { ...optional, type: "BOOLEAN" };
    case "string":
    case "null":
      return { ...optional, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "date":
      return { ...optional, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "timestamp":
      // Spark's own choice (spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS): an instant, adjusted to UTC.
      return { ...optional, type: "INT64", converted_type: "TIMESTAMP_MICROS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" } as never };
    case "any":
      return { ...optional, type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
  }
  // Arrays and structs are JSON text until Parquet's LIST and group columns are written (issue 15).
  if (isNested(type)) return { ...optional, type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
  throw new Error(`internal: no Parquet type for ${type}`);
}

function columnValues(rows: readonly Row[], i: number, type: Schema["fields"][number]["type"]): unknown[] {
  return rows.map((row) => {
    const v = row[i];
    if (v === null || v === undefined) return null;
    switch (type) {
      case "long":
        return BigInt(v as number);
      case "date":
        return Math.round(Date.parse(`${v as string}T00:00:00Z`) / DAY_MS);
      case "timestamp":
        return BigInt(v as number);
      case "any":
        return JSON.stringify(v);
      default:
        return isNested(type) ? JSON.stringify(v) : v;
    }
  });
}

export function writeParquetFile(rows: readonly Row[], schema: Schema): Uint8Array {
  try {
    const buffer = parquetWriteBuffer({
      columnData: schema.fields.map((f, i) => ({ name: f.name, data: columnValues(rows, i, f.type) as never, nullable: true })),
      schema: [{ name: "root", num_children: schema.fields.length }, ...schema.fields.map((f) => element(f.name, f.type))] as never,
      rowGroupSize: ROW_GROUP_ROWS,
      codec: "SNAPPY",
    });
    return new Uint8Array(buffer);
  } catch (error) {
    throw new TaskError("BadInput", `writing Parquet failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
