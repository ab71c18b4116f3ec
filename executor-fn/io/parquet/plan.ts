/** Which file column a scan column reads, how its physical values become a vector (ColumnPlan), and the page codecs (SNAPPY in WebAssembly, the rest from zlib). */
import * as zlib from "node:zlib";
import type { ColumnChunk, Compressors, SchemaElement, SchemaTree } from "hyparquet";
import { snappyUncompress } from "hyparquet/src/snappy.js";
import { snappyUncompressor } from "hysnappy";
import type { DataType } from "../../../shared/plan/types.ts";
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
  /** A LIST (or a repeated field): read through hyparquet's Dremel assembly. */
  readonly nested: boolean;
  readonly logical: Logical;
  /** Divide unscaled DECIMAL values by this. */
  readonly decimalDivisor: number;
  /** Timestamp unit: values per millisecond (1, 1000, 1e6). */
  readonly perMillis: number;
  /** The type the decoded vector holds before any conversion to `type`. */
  readonly natural: DataType;
}

function logicalOf(element: SchemaElement): { logical: Logical; natural: DataType; divisor: number; perMillis: number } {
  const { type, converted_type: ct, logical_type: lt } = element;
  const out = (logical: Logical, natural: DataType, divisor = 1, perMillis = 1) => ({ logical, natural, divisor, perMillis });
  if (ct === "DECIMAL" || lt?.type === "DECIMAL") {
    const scale = element.scale ?? (lt?.type === "DECIMAL" ? lt.scale : 0) ?? 0;
    return out("decimal", "double", 10 ** scale);
  }
  if (ct === "DATE" || lt?.type === "DATE") return out("date", "date");
  if (ct === "TIMESTAMP_MILLIS") return out("timestamp", "timestamp", 1, 1);
  if (ct === "TIMESTAMP_MICROS") return out("timestamp", "timestamp", 1, 1000);
  if (lt?.type === "TIMESTAMP") return out("timestamp", "timestamp", 1, lt.unit === "MILLIS" ? 1 : lt.unit === "MICROS" ? 1000 : 1_000_000);
  if (type === "INT96") return out("int96", "timestamp");
  if (ct === "JSON" || lt?.type === "JSON") return out("json", "string");
  if (lt?.type === "UUID") return out("uuid", "string");
  if (lt?.type === "FLOAT16") return out("float16", "double");
  switch (type) {
    case "BOOLEAN":
      return out("bool", "boolean");
    case "INT32":
      return ct === "UINT_32" || (lt?.type === "INTEGER" && lt.bitWidth === 32 && !lt.isSigned) ? out("uint32", "long") : out("int32", "int");
    case "INT64":
      return ct === "UINT_64" || (lt?.type === "INTEGER" && lt.bitWidth === 64 && !lt.isSigned) ? out("uint64", "long") : out("int64", "long");
    case "FLOAT":
      return out("float", "double");
    case "DOUBLE":
      return out("double", "double");
    default:
      return out("string", "string");
  }
}

/**
 * The plan for one top-level column of the file, or undefined when the file lacks it.
 * Throws for what sparkfn does not read (structs, maps), naming the column.
 */
export function planColumn(tree: SchemaTree, name: string, type: DataType, where: string): ColumnPlan | undefined {
  const top = tree.children.find((c) => c.element.name === name);
  if (!top) return undefined;
  const path: SchemaTree[] = [tree, top];
  let node = top;
  const isList = top.element.converted_type === "LIST" || top.element.logical_type?.type === "LIST";
  if (top.children.length > 0 && !isList) throw new TaskError("BadInput", `${where}: column "${name}" is a nested group, which sparkfn does not read.`);
  // A LIST: name / list (repeated) / element, or a two-level list; one leaf below.
  while (node.children.length > 0) {
    if (node.children.length !== 1) throw new TaskError("BadInput", `${where}: column "${name}" is a list of groups, which sparkfn does not read.`);
    node = node.children[0]!;
    path.push(node);
  }
  let maxDef = 0;
  let maxRep = 0;
  for (const n of path.slice(1)) {
    if (n.element.repetition_type !== "REQUIRED") maxDef++;
    if (n.element.repetition_type === "REPEATED") maxRep++;
  }
  const nested = maxRep > 0 || path.length > 2;
  const { logical, natural, divisor, perMillis } = logicalOf(node.element);
  return { name, type, schemaPath: path, element: node.element, maxDef, nested, logical, decimalDivisor: divisor, perMillis, natural: nested ? "array<string>" : natural };
}

/** The byte range of a column chunk in the file. */
export function chunkRange(chunk: ColumnChunk): { start: number; end: number } {
  const meta = chunk.meta_data!;
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size) };
}
