/**
 * Parquet column chunks decoded straight into column vectors (shared/batch/vector.ts), one
 * page at a time, with no row assembly: hyparquet parses the thrift page headers and
 * decompresses pages (and decodes the rarer encodings: DELTA_*, BYTE_STREAM_SPLIT, nested
 * lists); the hot paths are here, writing typed arrays directly:
 *
 *   levels        RLE/bit-packed hybrid → the `nulls` byte mask (no per-value JS arrays)
 *   dictionary    indices → Int32Array codes; a string dictionary is kept as a `dict` vector
 *                 (one string per dictionary entry, none per row); numeric dictionaries are
 *                 gathered into the typed array
 *   PLAIN         DOUBLE/INT32 as views of the page (a copy only when unaligned), INT64
 *                 through its two 32-bit halves (no BigInt per value) and refused beyond
 *                 ±(2^53 − 1), BYTE_ARRAY strings cut from one latin1 string of the page
 *                 when the page is ASCII (UTF-8 decoding otherwise)
 *
 * Types follow shared/codecs/parquet-types.ts: dates are "YYYY-MM-DD" strings (in a `dict`
 * vector: a page's distinct days are formatted once), timestamps microseconds (f64), DECIMAL
 * the nearest double, JSON its text (or parsed, for array/any columns), a LIST of strings an
 * `any` vector of string arrays.
 *
 * This file reads a chunk page by page; the pieces: plan.ts (column plans, codecs), hybrid.ts
 * (RLE/bit-packed levels and indices), values.ts (value encodings), pages.ts (pages and
 * dictionaries to vectors).
 */
import type { CompressionCodec, PageHeader } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { decompressPage } from "hyparquet/src/datapage.js";
import type { DataType, Value } from "../../../shared/plan/types.ts";
import { valueAt, vectorFromValues, type Nulls, type Vector } from "../../../shared/batch/vector.ts";
import { TaskError } from "../../task-error.ts";
import { COMPRESSORS, type ColumnPlan } from "./plan.ts";
import { assembleColumn, type LeafChunk } from "./nested.ts";
import { UnsafeLong, readOtherValues, readPlainValues, type Compact } from "./values.ts";
import { fromCodes, int64Dictionary, makeDictionary, spread, spreadPlain, toScanType, type Dictionary } from "./pages.ts";
import { nullMask, readHybrid } from "./hybrid.ts";


/** Why a chunk cannot be read, as the BadInput error says it. */
export function chunkError(where: string, plan: ColumnPlan, group: number, error: unknown): TaskError {
  if (error instanceof TaskError) return error;
  if (error instanceof UnsafeLong) return new TaskError("BadInput", `${where}: column "${plan.name}" (row group ${group}) ${error.message}.`);
  return new TaskError("BadInput", `${where}: column "${plan.name}" in row group ${group} cannot be read (${error instanceof Error ? error.message : String(error)})`);
}

/** A vector's rows [from, to): views where the layout allows, copies for arrays of values. */
export function sliceVector(v: Vector, from: number, to: number, length: number): Vector {
  if (from === 0 && to === length) return v;
  const nulls = v.nulls === null ? null : v.nulls.subarray(from, to);
  switch (v.kind) {
    case "f64":
      return { kind: "f64", values: v.values.subarray(from, to), nulls };
    case "i32":
      return { kind: "i32", values: v.values.subarray(from, to), nulls };
    case "bool":
      return { kind: "bool", values: v.values.subarray(from, to), nulls };
    case "dict":
      return { kind: "dict", codes: v.codes.subarray(from, to), dict: v.dict, nulls };
    case "str":
      return { kind: "str", values: v.values.slice(from, to), nulls };
    case "any":
      return { kind: "any", values: v.values.slice(from, to), nulls };
  }
}

/** Pieces of consecutive rows (from pages) as one vector. */
function concatVectors(parts: readonly { v: Vector; n: number }[], n: number, type: DataType): Vector {
  let nulls: Uint8Array | null = null;
  if (parts.some((p) => p.v.nulls !== null)) {
    nulls = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      if (p.v.nulls !== null) nulls.set(p.v.nulls.subarray(0, p.n), at);
      at += p.n;
    }
  }
  const first = parts[0]!.v;
  const same = parts.every((p) => p.v.kind === first.kind && (first.kind !== "dict" || (p.v.kind === "dict" && p.v.dict === first.dict)));
  if (same) {
    switch (first.kind) {
      case "f64":
      case "i32":
      case "bool": {
        const out = first.kind === "f64" ? new Float64Array(n) : first.kind === "i32" ? new Int32Array(n) : new Uint8Array(n);
        let at = 0;
        for (const p of parts) {
          out.set((p.v as { values: Float64Array }).values.subarray(0, p.n), at);
          at += p.n;
        }
        return { kind: first.kind, values: out, nulls } as Vector;
      }
      case "dict": {
        const out = new Int32Array(n);
        let at = 0;
        for (const p of parts) {
          out.set((p.v as { codes: Int32Array }).codes.subarray(0, p.n), at);
          at += p.n;
        }
        return { kind: "dict", codes: out, dict: first.dict, nulls };
      }
      case "str":
      case "any": {
        const out: Value[] = [];
        for (const p of parts) for (let i = 0; i < p.n; i++) out.push((p.v as { values: readonly Value[] }).values[i]!);
        return { kind: first.kind, values: out, nulls } as Vector;
      }
    }
  }
  // Pages of one chunk in different layouts (a dictionary page set, then PLAIN pages).
  const values: Value[] = [];
  for (const p of parts) for (let i = 0; i < p.n; i++) values.push(valueAt(p.v, i));
  return vectorFromValues(type, values);
}

/** A decoded page: its rows as vectors, on demand. */
interface Piece {
  readonly rows: number;
  /** Rows [from, to); asked for in order. */
  slice(from: number, to: number): Vector;
}

function vectorPiece(v: Vector, rows: number): Piece {
  return { rows, slice: (from, to) => sliceVector(v, from, to, rows) };
}

/**
 * A page of strings kept as bytes and offsets (or timestamps as integers): each slice makes
 * only its own strings, so they are as short-lived as the batch (a page's worth made at once
 * outlives the young generation, and collecting it from the old one cost more than the rest
 * of the decoding).
 */
class LazyPiece implements Piece {
  /** The row up to which non-null values were counted, and their count. */
  private row = 0;
  private k = 0;

  constructor(
    readonly rows: number,
    private readonly lazy: Extract<Compact, { kind: "lazy" }>,
    private readonly nulls: Nulls,
    private readonly convert: (v: Vector, n: number) => Vector,
  ) {}

  /** Non-null values before `row`. */
  private valuesBefore(row: number): number {
    const { nulls } = this;
    if (nulls === null) return row;
    if (row < this.row) {
      this.row = 0;
      this.k = 0;
    }
    let k = this.k;
    for (let r = this.row; r < row; r++) k += 1 - nulls[r]!;
    this.row = row;
    this.k = k;
    return k;
  }

  slice(from: number, to: number): Vector {
    const k0 = this.valuesBefore(from);
    const k1 = this.valuesBefore(to);
    const values = this.lazy.make(k0, k1);
    const n = to - from;
    const v = this.nulls === null ? ({ kind: "str", values, nulls: null } as const) : spread({ kind: "str", values }, this.nulls.subarray(from, to), n);
    return this.convert(v, n);
  }
}

/** A page's values, with the page's nulls (for a lazy piece) or spread over them. */
type PageValues = { vector: Vector; n: number } | { lazy: Extract<Compact, { kind: "lazy" }>; nulls: Nulls; n: number };

/**
 * Reads one column chunk page by page, handing out consecutive rows as vectors. Pages are
 * decoded only when rows of them are taken.
 */
export class ColumnCursor {
  private readonly view: DataView;
  private offset = 0;
  private dictionary: Dictionary | undefined;
  private piece: Piece | undefined;
  private at = 0;
  /** Rows handed out or decoded so far (for the error when the chunk is short). */
  private rowsDecoded = 0;
  /** Dictionary codes of a page with nulls, before they are spread over its rows. */
  private codeScratch = new Int32Array(0);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly plan: ColumnPlan,
    private readonly codec: CompressionCodec,
    private readonly rows: number,
    private readonly where: string,
    private readonly group: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next n rows. */
  take(n: number): Vector {
    try {
      if (this.piece !== undefined && this.piece.rows - this.at >= n) {
        const v = this.piece.slice(this.at, this.at + n);
        this.at += n;
        return v;
      }
      const parts: { v: Vector; n: number }[] = [];
      let need = n;
      while (need > 0) {
        if (this.piece === undefined || this.at === this.piece.rows) this.nextPiece();
        const piece = this.piece!;
        const k = Math.min(need, piece.rows - this.at);
        parts.push({ v: piece.slice(this.at, this.at + k), n: k });
        this.at += k;
        need -= k;
      }
      return parts.length === 1 ? parts[0]!.v : concatVectors(parts, n, this.plan.type);
    } catch (error) {
      throw chunkError(this.where, this.plan, this.group, error);
    }
  }

  private nextPiece(): void {
    for (;;) {
      if (this.offset >= this.bytes.length) throw new Error(`the column chunk ends after ${this.rowsDecoded} of ${this.rows} rows`);
      const reader = { view: this.view, offset: this.offset };
      const header = parquetHeader(reader);
      const start = reader.offset;
      const end = start + header.compressed_page_size;
      if (header.compressed_page_size < 0 || end > this.bytes.length) throw new Error("a page runs past the end of the column chunk");
      this.offset = end;
      const page = this.bytes.subarray(start, end);
      if (header.type === "DICTIONARY_PAGE") {
        this.readDictionary(header, page);
        continue;
      }
      if (header.type !== "DATA_PAGE" && header.type !== "DATA_PAGE_V2") continue;
      const v = header.type === "DATA_PAGE" ? this.readPageV1(header, page) : this.readPageV2(header, page);
      if (v.n === 0) continue;
      const { plan, where } = this;
      this.piece =
        "lazy" in v
          ? new LazyPiece(v.n, v.lazy, v.nulls, (vector, n) => toScanType(vector, n, plan, where))
          : vectorPiece(toScanType(v.vector, v.n, plan, where), v.n);
      this.at = 0;
      this.rowsDecoded += v.n;
      return;
    }
  }

  private readDictionary(header: PageHeader, page: Uint8Array): void {
    const count = header.dictionary_page_header?.num_values ?? 0;
    const bytes = decompressPage(page, header.uncompressed_page_size, this.codec, COMPRESSORS);
    this.dictionary =
      this.plan.element.type === "INT64" ? int64Dictionary(this.plan, bytes, 0, count) : makeDictionary(readPlainValues(this.plan, bytes, 0, bytes.length, count));
  }

  /** Definition levels → the nulls mask (null when every row has a value) and the null count. */
  private levels(bytes: Uint8Array, pos: number, end: number, n: number): { nulls: Nulls; numNulls: number; pos: number } {
    const { maxDef } = this.plan;
    if (maxDef === 0) return { nulls: null, numNulls: 0, pos };
    if (maxDef === 1) return nullMask(bytes, pos, end, n);
    const defs = new Uint8Array(n);
    const after = readHybrid(bytes, pos, end, 32 - Math.clz32(maxDef), defs, n);
    let numNulls = 0;
    for (let i = 0; i < n; i++) {
      const isNull = defs[i] === maxDef ? 0 : 1;
      defs[i] = isNull;
      numNulls += isNull;
    }
    return { nulls: numNulls === 0 ? null : defs, numNulls, pos: after };
  }

  private readPageV1(header: PageHeader, compressed: Uint8Array): PageValues {
    const daph = header.data_page_header!;
    const n = daph.num_values;
    const bytes = decompressPage(compressed, header.uncompressed_page_size, this.codec, COMPRESSORS);
    let pos = 0;
    let levels: { nulls: Nulls; numNulls: number } = { nulls: null, numNulls: 0 };
    if (this.plan.maxDef > 0) {
      if (daph.definition_level_encoding !== "RLE") throw new Error(`unsupported definition level encoding ${daph.definition_level_encoding}`);
      if (bytes.length < 4) throw new Error("a data page too short for its definition levels");
      const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
      levels = this.levels(bytes, 4, 4 + length, n);
      pos = 4 + length;
    }
    return this.values(daph.encoding, bytes, pos, n, levels.nulls, levels.numNulls);
  }

  private readPageV2(header: PageHeader, page: Uint8Array): PageValues {
    const daph = header.data_page_header_v2!;
    const n = daph.num_values;
    const repBytes = daph.repetition_levels_byte_length;
    const defBytes = daph.definition_levels_byte_length;
    const { nulls, numNulls } = this.levels(page, repBytes, repBytes + defBytes, n);
    let values = page.subarray(repBytes + defBytes);
    if (daph.is_compressed !== false) values = decompressPage(values, header.uncompressed_page_size - repBytes - defBytes, this.codec, COMPRESSORS);
    if (numNulls !== daph.num_nulls && this.plan.maxDef > 0) throw new Error(`the page's definition levels give ${numNulls} nulls, its header ${daph.num_nulls}`);
    return this.values(daph.encoding, values, 0, n, nulls, numNulls);
  }

  private values(encoding: string, bytes: Uint8Array, pos: number, n: number, nulls: Nulls, numNulls: number): PageValues {
    const count = n - numNulls;
    const end = bytes.length;
    const page = (compact: Compact): PageValues => (compact.kind === "lazy" ? { lazy: compact, nulls, n } : { vector: spread(compact, nulls, n), n });
    switch (encoding) {
      case "PLAIN": {
        // Doubles and plain ints with nulls go straight from the page to their rows.
        const { element, logical } = this.plan;
        if (nulls !== null && element.type === "DOUBLE") return { vector: { kind: "f64", values: spreadPlain(new Float64Array(n), bytes, pos, end, count, nulls, n), nulls }, n };
        if (nulls !== null && element.type === "INT32" && logical === "int32") return { vector: { kind: "i32", values: spreadPlain(new Int32Array(n), bytes, pos, end, count, nulls, n), nulls }, n };
        return page(readPlainValues(this.plan, bytes, pos, end, count));
      }
      case "PLAIN_DICTIONARY":
      case "RLE_DICTIONARY": {
        if (this.dictionary === undefined) throw new Error("a dictionary-encoded page without a dictionary page");
        // With nulls the codes are spread (or gathered) into a new vector: decode them into scratch.
        const owned = nulls === null;
        if (!owned && this.codeScratch.length < count) this.codeScratch = new Int32Array(count);
        const codes = owned ? new Int32Array(count) : this.codeScratch.subarray(0, count);
        const bound = { or: 0 };
        if (count > 0) readHybrid(bytes, pos + 1, end, bytes[pos]!, codes, count, bound);
        return { vector: fromCodes(this.dictionary, codes, nulls, n, bound.or, owned), n };
      }
      case "RLE": {
        if (this.plan.element.type !== "BOOLEAN") throw new Error(`RLE values in a ${this.plan.element.type} column`);
        const out = new Uint8Array(count);
        if (count > 0) {
          const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(pos, true);
          readHybrid(bytes, pos + 4, pos + 4 + length, 1, out, count);
        }
        return page({ kind: "bool", values: out });
      }
      default:
        return page(readOtherValues(this.plan, encoding, bytes, pos, end, count));
    }
  }
}

/**
 * A column read whole and assembled (parquet/nested.ts): its values built once for the row
 * group, handed out as slices.
 */
export function assembledCursor(plan: ColumnPlan, leaves: readonly LeafChunk[], rows: number, where: string, group: number): { take(n: number): Vector } {
  let vector: Vector;
  try {
    vector = vectorFromValues(plan.type, assembleColumn(plan.top, leaves, rows, plan.type, where));
  } catch (error) {
    throw chunkError(where, plan, group, error);
  }
  let at = 0;
  return {
    take(n: number): Vector {
      const v = sliceVector(vector, at, at + n, rows);
      at += n;
      return v;
    },
  };
}
