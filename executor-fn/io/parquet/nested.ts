/**
 * Columns read whole and assembled into values: LIST, MAP and group columns (and DECIMAL
 * columns a scan reads exactly). Every leaf chunk under the column is decoded into its
 * definition and repetition levels and raw physical values (hyparquet's page readers), and
 * the column's values are assembled record by record from them, as Dremel's assembly does:
 * arrays as arrays, structs as their fields' values in order, maps as [keys, values] (so
 * integer keys stay integers and entries keep their order). Leaves convert exactly (a DECIMAL
 * is its unscaled bigint); the assembled value is then cast to the scan's type when the scan
 * asked for another one (a DECIMAL read as a double by default).
 */
import type { CompressionCodec, SchemaElement, SchemaTree } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { DEFAULT_PARSERS, parseFloat16 } from "hyparquet/src/convert.js";
import { decompressPage, readDataPage, readDataPageV2 } from "hyparquet/src/datapage.js";
import { readPlain } from "hyparquet/src/plain.js";
import { parquetShape, parquetType } from "../../../shared/codecs/parquet-types.ts";
import { castValue } from "../../../shared/plan/casts.ts";
import type { DataType, Value } from "../../../shared/plan/types.ts";
import { logicalOf, COMPRESSORS } from "./plan.ts";
import { UnsafeLong, dateString, exactMicros } from "./values.ts";

/** One leaf column chunk: its bytes, codec and root → leaf schema path. */
export interface LeafChunk {
  readonly path: readonly SchemaTree[];
  readonly bytes: Uint8Array;
  readonly codec: CompressionCodec;
}

/** A leaf's levels and values (non-null values only, in order), with a read position. */
class Leaf {
  /** Entry (level pair) and value positions. */
  i = 0;
  k = 0;

  constructor(
    readonly defs: readonly number[],
    readonly reps: readonly number[],
    readonly values: readonly Value[],
    readonly maxDef: number,
    readonly maxRep: number,
    readonly count: number,
  ) {}

  def(): number {
    return this.maxDef === 0 ? 0 : (this.defs[this.i] ?? -1);
  }
  /** The next entry's repetition level, or -1 after the last. */
  rep(): number {
    if (this.i >= this.count) return -1;
    return this.maxRep === 0 ? 0 : this.reps[this.i]!;
  }
  /** Consumes an entry: its value, or null when it is not defined to the leaf. */
  take(): Value {
    if (this.i >= this.count) throw new Error("a leaf column ends before its row group does");
    const defined = this.maxDef === 0 || this.defs[this.i] === this.maxDef;
    this.i++;
    return defined ? this.values[this.k++]! : null;
  }
}

const levelsOf = (path: readonly SchemaTree[]) => {
  let def = 0;
  let rep = 0;
  for (const n of path.slice(1)) {
    if (n.element.repetition_type !== "REQUIRED") def++;
    if (n.element.repetition_type === "REPEATED") rep++;
  }
  return { def, rep };
};

/** Raw physical value → sparkfn value of the leaf's exact type. */
function leafConverter(element: SchemaElement): (raw: unknown) => Value {
  const { logical, perMillis } = logicalOf(element);
  const text = new TextDecoder();
  const bytesOf = (raw: unknown) => (raw instanceof Uint8Array ? raw : new TextEncoder().encode(String(raw)));
  const long = (raw: unknown): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new UnsafeLong(String(raw));
    return n;
  };
  switch (logical) {
    case "bool":
      return (raw) => Boolean(raw);
    case "int32":
    case "double":
    case "float":
      return (raw) => Number(raw);
    case "uint32":
      return (raw) => Number(raw) >>> 0;
    case "int64":
      return long;
    case "uint64":
      return (raw) => long(BigInt.asUintN(64, BigInt(raw as bigint)));
    case "float16":
      return (raw) => parseFloat16(raw as Uint8Array) ?? null;
    case "decimal":
      return (raw) => (raw instanceof Uint8Array ? twosComplement(raw) : BigInt(raw as number | bigint));
    case "date":
      return (raw) => dateString(Number(raw));
    case "timestamp":
      return (raw) => {
        const v = BigInt(raw as number | bigint);
        if (perMillis === 1) return exactMicros(v * 1000n);
        if (perMillis === 1000) return exactMicros(v);
        return exactMicros(v / 1000n - (v % 1000n < 0n ? 1n : 0n));
      };
    case "int96":
      return (raw) => {
        const v = raw as bigint;
        const nanos = ((v >> 64n) - 2440588n) * 86_400_000_000_000n + BigInt.asUintN(64, v);
        return exactMicros(nanos / 1000n - (nanos % 1000n < 0n ? 1n : 0n));
      };
    case "uuid":
      return (raw) => {
        const hex = Array.from(raw as Uint8Array, (b) => b.toString(16).padStart(2, "0")).join("");
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      };
    case "string":
    case "json":
      return (raw) => text.decode(bytesOf(raw));
    case "binary":
      // A byte string (shared/plan/binary.ts).
      return (raw) => Buffer.from(bytesOf(raw)).toString("latin1");
  }
}

/** A big-endian two's complement integer (a DECIMAL stored as bytes). */
function twosComplement(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes.length > 0 && bytes[0]! >= 0x80 ? v - (1n << BigInt(8 * bytes.length)) : v;
}

/** A leaf chunk decoded page by page into levels and converted values. */
function readLeaf(chunk: LeafChunk): Leaf {
  const path = chunk.path as SchemaTree[];
  const leaf = path[path.length - 1]!.element;
  // The raw physical values: hyparquet's page readers convert nothing without annotations.
  const element: SchemaElement = { name: leaf.name, type: leaf.type, ...(leaf.type_length !== undefined ? { type_length: leaf.type_length } : {}), repetition_type: leaf.repetition_type };
  const decoder = { pathInSchema: path.slice(1).map((n) => n.element.name), type: leaf.type!, element, schemaPath: path, codec: chunk.codec, compressors: COMPRESSORS, parsers: DEFAULT_PARSERS };
  const convert = leafConverter(leaf);
  const { def: maxDef, rep: maxRep } = levelsOf(path);
  const defs: number[] = [];
  const reps: number[] = [];
  const values: Value[] = [];
  let count = 0;
  let dictionary: ArrayLike<unknown> | undefined;
  const view = new DataView(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
  const reader = { view, offset: 0 };
  while (reader.offset < chunk.bytes.length) {
    const header = parquetHeader(reader);
    const start = reader.offset;
    const size = header.compressed_page_size;
    if (size < 0 || start + size > chunk.bytes.length) throw new Error("a page runs past the end of the column chunk");
    reader.offset += size;
    const compressed = chunk.bytes.subarray(start, start + size);
    let page: { definitionLevels?: ArrayLike<number> | undefined; repetitionLevels: ArrayLike<number>; dataPage: ArrayLike<unknown> };
    let encoding: string;
    let n: number;
    if (header.type === "DICTIONARY_PAGE") {
      const bytes = decompressPage(compressed, header.uncompressed_page_size, chunk.codec, COMPRESSORS);
      const raw = readPlain({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }, decoder.type, header.dictionary_page_header?.num_values ?? 0, leaf.type_length);
      dictionary = Array.from(raw as ArrayLike<unknown>, convert);
      continue;
    } else if (header.type === "DATA_PAGE") {
      const daph = header.data_page_header!;
      page = readDataPage(decompressPage(compressed, header.uncompressed_page_size, chunk.codec, COMPRESSORS), daph, decoder);
      [encoding, n] = [daph.encoding, daph.num_values];
    } else if (header.type === "DATA_PAGE_V2") {
      const daph = header.data_page_header_v2!;
      page = readDataPageV2(compressed, header, decoder);
      [encoding, n] = [daph.encoding, daph.num_values];
    } else continue;
    // hyparquet leaves out the definition levels of a page without nulls (all are maxDef).
    const pageDefs = page.definitionLevels?.length ? page.definitionLevels : undefined;
    for (let j = 0; j < n; j++) {
      if (maxDef > 0) defs.push(pageDefs === undefined ? maxDef : pageDefs[j]!);
      if (maxRep > 0) reps.push(page.repetitionLevels[j]!);
    }
    count += n;
    const data = page.dataPage;
    if (encoding.endsWith("_DICTIONARY")) {
      if (dictionary === undefined) throw new Error("a dictionary-encoded page without a dictionary page");
      for (let j = 0; j < data.length; j++) values.push(dictionary[data[j] as number] as Value);
    } else for (let j = 0; j < data.length; j++) values.push(convert(data[j]));
  }
  return new Leaf(defs, reps, values, maxDef, maxRep, count);
}

/** Assembles values of one column from its leaves (each node's first leaf decides its levels). */
class Assembler {
  private readonly first = new Map<SchemaTree, Leaf>();
  private readonly under = new Map<SchemaTree, Leaf[]>();
  private readonly levels = new Map<SchemaTree, { def: number; rep: number }>();

  constructor(
    top: SchemaTree,
    private readonly leaves: ReadonlyMap<string, Leaf>,
    private readonly where: string,
  ) {
    this.index(top, [top], 0, 0);
  }

  private index(node: SchemaTree, path: SchemaTree[], def: number, rep: number): Leaf[] {
    const r = node.element.repetition_type;
    const level = { def: def + (r === "REQUIRED" ? 0 : 1), rep: rep + (r === "REPEATED" ? 1 : 0) };
    this.levels.set(node, level);
    let leaves: Leaf[];
    if (node.children.length === 0) {
      const leaf = this.leaves.get(node.path.join("."));
      if (!leaf) throw new Error(`no column chunk for "${node.path.join(".")}"`);
      leaves = [leaf];
    } else leaves = node.children.flatMap((c) => this.index(c, [...path, c], level.def, level.rep));
    this.under.set(node, leaves);
    this.first.set(node, leaves[0]!);
    return leaves;
  }

  /** Consumes the one entry each leaf under `node` has for a null or empty instance. */
  private skip(node: SchemaTree): void {
    for (const leaf of this.under.get(node)!) leaf.take();
  }

  /** One value of `node` (one element, when it is repeated). */
  value(node: SchemaTree): Value {
    const { def } = this.levels.get(node)!;
    if (node.element.repetition_type === "OPTIONAL" && this.first.get(node)!.def() < def) {
      this.skip(node);
      return null;
    }
    const shape = parquetShape(node, this.where);
    switch (shape.kind) {
      case "leaf":
        return this.first.get(node)!.take();
      case "list":
        return this.repeated(shape.repeated, () => this.value(shape.element));
      case "map": {
        const entries = this.repeated(shape.repeated, () => [this.value(shape.key), this.value(shape.value)]) as [Value, Value][];
        return [entries.map((e) => e[0]), entries.map((e) => e[1])];
      }
      case "struct":
        return node.children.map((c) => (c.element.repetition_type === "REPEATED" ? this.repeated(c, () => this.value(c)) : this.value(c)));
    }
  }

  /** The instances of a repeated node, one `element()` each (none when it has none). */
  private repeated(node: SchemaTree, element: () => Value): Value[] {
    const { def, rep } = this.levels.get(node)!;
    const first = this.first.get(node)!;
    if (first.def() < def) {
      this.skip(node);
      return [];
    }
    const out: Value[] = [];
    do out.push(element());
    while (first.rep() === rep);
    return out;
  }

  /** A top-level column's value for the next record. */
  record(top: SchemaTree): Value {
    return top.element.repetition_type === "REPEATED" ? this.repeated(top, () => this.value(top)) : this.value(top);
  }
}

/**
 * The `rows` values of a top-level column, of the scan's `type` (cast from the file's exact
 * type when they differ; a cast that fails names the value).
 */
export function assembleColumn(top: SchemaTree, chunks: readonly LeafChunk[], rows: number, type: DataType, where: string): Value[] {
  const leaves = new Map(chunks.map((c) => [c.path.slice(1).map((n) => n.element.name).join("."), readLeaf(c)] as const));
  // Keyed as hyparquet's tree paths are (below the root), so the assembler finds each leaf.
  const assembler = new Assembler(top, leaves, where);
  const exact = parquetType(top, where, "exact");
  const cast = exact === type ? undefined : (v: Value) => castValue(v, exact, type, "ansi");
  const out: Value[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = assembler.record(top);
    out[r] = cast === undefined || v === null ? v : cast(v);
  }
  for (const leaf of leaves.values()) {
    if (leaf.i !== leaf.count) throw new Error(`the column chunk holds more than the row group's ${rows} rows`);
  }
  return out;
}
