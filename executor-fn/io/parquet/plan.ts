/** Which file column a scan column reads, how its physical values become a vector (ColumnPlan), and the page codecs (SNAPPY in WebAssembly, the rest from zlib). */
import * as zlib from "node:zlib";
import type { ColumnChunk, Compressors, SchemaElement, SchemaTree } from "hyparquet";
import { snappyUncompress } from "hyparquet/src/snappy.js";
import { snappyUncompressor } from "hysnappy";
import { typeKind, type DataType } from "../../../shared/plan/types.ts";
import { TaskError } from "../../task-error.ts";

type Zstd = { zstdDecompressSync?: (input: Uint8Array) => Uint8Array };

/** Pages larger than this decompress with hyparquet's JavaScript snappy (WebAssembly memory only grows). */
const WASM_SNAPPY_MAX_BYTES = 64 << 20;
let wasmSnappy: ((input: Uint8Array, outputLength: number) => Uint8Array) | undefined;

/**
 * SNAPPY through hysnappy (a 4 KB WebAssembly build of the reference decoder, instantiated on
 * first use in well under a millisecond): about 3x hyparquet's JavaScript decoder on numeric
 * pages, which made decompression most of a scan's time.
 */
function snappy(input: Uint8Array, outputLength: number): Uint8Array {
  if (input.length + outputLength > WASM_SNAPPY_MAX_BYTES) {
    const out = new Uint8Array(outputLength);
    snappyUncompress(input, out);
    return out;
  }
  wasmSnappy ??= snappyUncompressor();
  return wasmSnappy(input, outputLength);
}

/** Codecs: SNAPPY as above, and the ones Node's zlib has. */
export const COMPRESSORS: Compressors = {
  SNAPPY: snappy,
  GZIP: (input) => zlib.unzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...((zlib as Zstd).zstdDecompressSync ? { ZSTD: (input: Uint8Array) => (zlib as Zstd).zstdDecompressSync!(input) } : {}),
};

/** How a leaf's physical values become a vector. */
type Logical =
  | "bool"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float"
  | "double"
  | "float16"
  | "decimal"
  | "date"
  | "timestamp"
  | "int96"
  | "string"
  | "binary"
  | "json"
  | "uuid";

/** One output column of a file: where it is in the file's schema and how it decodes. */
export interface ColumnPlan {
  readonly name: string;
  /** The scan's type for the column (the file's type, unless the scan declared another). */
  readonly type: DataType;
  /** Root → leaf schema nodes. */
  readonly schemaPath: SchemaTree[];
  readonly element: SchemaElement;
  readonly maxDef: number;
  /** The column's node in the file's schema. */
  readonly top: SchemaTree;
  /** Root → leaf paths of every leaf under the column (one for a flat column). */
  readonly leafPaths: readonly SchemaTree[][];
  /** Read whole and assembled into values (parquet/nested.ts): groups, repeated fields, exact decimals. */
  readonly nested: boolean;
  readonly logical: Logical;
  /** Divide unscaled DECIMAL values by this. */
  readonly decimalDivisor: number;
  /** Timestamp unit: values per millisecond (1, 1000, 1e6). */
  readonly perMillis: number;
  /** The type the decoded vector holds before any conversion to `type`. */
  readonly natural: DataType;
}

export function logicalOf(element: SchemaElement): { logical: Logical; natural: DataType; divisor: number; perMillis: number } {
  const { type, converted_type: ct, logical_type: lt } = element;
  const out = (logical: Logical, natural: DataType, divisor = 1, perMillis = 1) => ({ logical, natural, divisor, perMillis });
  if (ct === "DECIMAL" || lt?.type === "DECIMAL") {
    const scale = element.scale ?? (lt?.type === "DECIMAL" ? lt.scale : 0) ?? 0;
    return out("decimal", "double", 10 ** scale);
  }
  if (ct === "DATE" || lt?.type === "DATE") return out("date", "date");
  if (ct === "TIMESTAMP_MILLIS") return out("timestamp", "timestamp", 1, 1);
  if (ct === "TIMESTAMP_MICROS") return out("timestamp", "timestamp", 1, 1000);
  // A TIMESTAMP not adjusted to UTC is a wall clock: its values are timestamp_ntz's as they are.
  if (lt?.type === "TIMESTAMP") return out("timestamp", lt.isAdjustedToUTC === false ? "timestamp_ntz" : "timestamp", 1, lt.unit === "MILLIS" ? 1 : lt.unit === "MICROS" ? 1000 : 1_000_000);
  if (type === "INT96") return out("int96", "timestamp");
  if (ct === "JSON" || lt?.type === "JSON") return out("json", "string");
  if (lt?.type === "UUID") return out("uuid", "string");
  if (lt?.type === "FLOAT16") return out("float16", "double");
  switch (type) {
    case "BOOLEAN":
      return out("bool", "boolean");
    case "INT32":
      if (ct === "UINT_32" || (lt?.type === "INTEGER" && lt.bitWidth === 32 && !lt.isSigned)) return out("uint32", "long");
      if (ct === "INT_8" || (lt?.type === "INTEGER" && lt.bitWidth === 8 && lt.isSigned)) return out("int32", "byte");
      if (ct === "INT_16" || (lt?.type === "INTEGER" && lt.bitWidth === 16 && lt.isSigned)) return out("int32", "short");
      return out("int32", "int");
    case "INT64":
      return ct === "UINT_64" || (lt?.type === "INTEGER" && lt.bitWidth === 64 && !lt.isSigned) ? out("uint64", "long") : out("int64", "long");
    case "FLOAT":
      return out("float", "float");
    case "DOUBLE":
      return out("double", "double");
    case "BYTE_ARRAY":
    case "FIXED_LEN_BYTE_ARRAY":
      // Bytes unless annotated as text (shared/codecs/parquet-types.ts says the same).
      return ct === "UTF8" || ct === "ENUM" || lt?.type === "STRING" || lt?.type === "ENUM" ? out("string", "string") : out("binary", "binary");
    default:
      return out("string", "string");
  }
}

/** Root → leaf paths of every leaf under `node`, in file order. */
function leafPathsUnder(node: SchemaTree, path: SchemaTree[]): SchemaTree[][] {
  return node.children.length === 0 ? [path] : node.children.flatMap((c) => leafPathsUnder(c, [...path, c]));
}

/**
 * The plan for one top-level column of the file, or undefined when the file lacks it. A
 * group or repeated column, or one the scan reads as a decimal or a nested type, is read
 * whole and assembled (parquet/nested.ts); a flat one is decoded page by page.
 */
export function planColumn(tree: SchemaTree, name: string, type: DataType, where: string): ColumnPlan | undefined {
  const top = tree.children.find((c) => c.element.name === name);
  if (!top) return undefined;
  const leafPaths = leafPathsUnder(top, [tree, top]);
  const path = leafPaths[0]!;
  const node = path[path.length - 1]!;
  let maxDef = 0;
  for (const n of path.slice(1)) if (n.element.repetition_type !== "REQUIRED") maxDef++;
  const { logical, natural, divisor, perMillis } = logicalOf(node.element);
  const kind = typeKind(type);
  const grouped = top.children.length > 0 || top.element.repetition_type === "REPEATED";
  // A JSON leaf keeps its own conversions (sparkfn once wrote arrays as JSON text).
  const nested = grouped || (logical !== "json" && (kind === "decimal" || kind === "array" || kind === "struct" || kind === "map"));
  return { name, type, top, leafPaths, schemaPath: path, element: node.element, maxDef, nested, logical, decimalDivisor: divisor, perMillis, natural };
}

/** The byte range of a column chunk in the file. */
export function chunkRange(chunk: ColumnChunk): { start: number; end: number } {
  const meta = chunk.meta_data!;
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size) };
}
