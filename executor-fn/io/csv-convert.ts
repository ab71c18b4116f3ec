/**
 * CSV fields to vectors, one column at a time, straight from the bytes. The delimiter
 * (csv-reader.ts) leaves each field's byte span; a column builder converts a run of rows in
 * one loop over their spans, into the batch's vector:
 *
 *   numbers   sign, digits and an optional fraction are parsed from the bytes: the digits as
 *             an integer m < 2^53 and the value as m / 10^k (k <= 22), which is correctly
 *             rounded (both operands are exact doubles), so bit-identical to Number(text).
 *             Anything else (exponents, spaces, Infinity, long digit strings) is decoded and
 *             converted by castLoose, as before. int → i32, long and double → f64.
 *   strings   while the column's values repeat, a dictionary vector: the field's bytes are
 *             looked up in a per-reader ByteTable (a string is made once per distinct value,
 *             not per row) and each batch gets its own small dictionary of the values it
 *             uses; once a batch has more than DICT_DISTINCT_LIMIT distinct values, plain
 *             strings from then on: the column's fields of a run of rows are copied together
 *             and decoded at once, each value a slice of that string (non-ASCII ones are
 *             decoded one by one as UTF-8).
 *   others    (boolean, date, ...) decoded and converted by CASTS.
 *
 * A span: starts[i] < 0 for a missing field (-1) or one the delimiter found broken (-2);
 * ends[i] is the end, or ~end when the quoted field holds doubled quotes to unescape.
 */
import { timestampNtzReader, timestampReader } from "../../shared/plan/functions/timestamp-patterns.ts";
import type { ScanOptions } from "../../shared/plan/file-source.ts";
import { BadInputError } from "../../shared/errors.ts";
import { BATCH_ROWS } from "../../shared/batch/batch.ts";
import { vectorFromValues, type Vector } from "../../shared/batch/vector.ts";
import { castLoose } from "../../shared/plan/semantics.ts";
import { decimalOf, INTEGRAL_RANGES, isDecimal, type Field, type Value } from "../../shared/plan/types.ts";
import { fitsPrecision, parseDecimalText } from "../../shared/plan/decimal.ts";
import { ByteTable } from "./byte-table.ts";
import { exceedsLongRange } from "./scan-support.ts";
import { decodeUtf8 } from "./split-text.ts";

/** The spans of one column's fields, in the buffer they point into (row r at starts[base + r]). */
export interface Spans {
  readonly buf: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly base: number;
}

/** What a converter reports: a row's problem (the reader keeps the first per row), and where a row is. */
export interface Problems {
  fail(row: number, reason: string): void;
  where(row: number): string;
}

/** Builds one column of a batch: converts runs of rows, then hands the vector over. */
export interface ColumnBuilder {
  /** Converts rows [from, to) of the batch. */
  convert(spans: Spans, from: number, to: number, problems: Problems): void;
  /** The batch's vector of its first n rows; the builder then starts a new batch. */
  finish(n: number): Vector;
}

const QUOTES = /""/g;

/** Where a row's field is, for a UTF-8 error (built only when one occurs). */
const inColumn = (problems: Problems, row: number, field: Field) => () => `${problems.where(row)}, column "${field.name}"`;

/** A field's text: unescaped when quoted with doubled quotes; BadInput naming `where()` when not UTF-8. */
export function fieldText(buf: Uint8Array, start: number, end: number, where: () => string): string {
  const escaped = end < 0;
  const text = decodeUtf8(buf.subarray(start, escaped ? ~end : end), where);
  return escaped ? text.replace(QUOTES, '"') : text;
}

const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const TWO_53 = 2 ** 53;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const MAX_LONG = Number.MAX_SAFE_INTEGER;

/** The number of fraction digits the last scanDigits call read. */
let scannedFraction = 0;

/**
 * [+-]digits[.digits] read from the bytes as one signed integer of all its digits (below 2^53:
 * exact), the fraction's length left in `scannedFraction`; NaN when the text is anything else or
 * has too many digits (the caller then converts the decoded text).
 */
function scanDigits(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  let c = buf[i]!;
  const negative = c === 45;
  if (negative || c === 43) i++;
  let m = 0;
  const first = i;
  for (; i < e; i++) {
    c = buf[i]! - 48;
    if (c < 0 || c > 9) break;
    m = m * 10 + c;
  }
  let digits = i - first;
  let k = 0;
  if (i < e && buf[i] === 46) {
    const point = ++i;
    for (; i < e; i++) {
      c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      m = m * 10 + c;
    }
    k = i - point;
    digits += k;
  }
  // m >= 2^53 also catches a sum that rounded: rounding never brings it back below 2^53.
  if (i !== e || digits === 0 || m >= TWO_53) return NaN;
  scannedFraction = k;
  return negative ? -m : m;
}

/** [+-]digits[.digits] as Number() reads it (m / 10^k is correctly rounded), or NaN: see scanDigits. */
export function fastDecimal(buf: Uint8Array, s: number, e: number): number {
  const m = scanDigits(buf, s, e);
  if (m !== m || scannedFraction > 22) return NaN;
  return scannedFraction === 0 ? m : m / POW10[scannedFraction]!;
}

/**
 * [+-]digits[.digits] as a decimal's unscaled value at `scale` (exact: an integer below 2^53),
 * or NaN when scanDigits does not read it or it has more fraction digits than the scale
 * (rounding is the text conversion's).
 */
function fastUnscaled(buf: Uint8Array, s: number, e: number, scale: number): number {
  const m = scanDigits(buf, s, e);
  if (m !== m || scannedFraction > scale) return NaN;
  const v = m * POW10[scale - scannedFraction]!;
  return v < TWO_53 && v > -TWO_53 ? v : NaN;
}

const notValid = (text: string, field: Field) => `"${text}" is not a valid ${field.type} for column "${field.name}"`;

/** int (i32); byte, short, long, float or double (f64). */
class NumberColumn implements ColumnBuilder {
  private ints: Int32Array | null = null;
  private doubles: Float64Array | null = null;
  private nulls: Uint8Array | null = null;

  constructor(private readonly field: Field) {
    this.fresh();
  }

  private fresh(): void {
    if (this.field.type === "int") this.ints = new Int32Array(BATCH_ROWS);
    else this.doubles = new Float64Array(BATCH_ROWS);
    this.nulls = null;
  }

  finish(n: number): Vector {
    const nulls = this.nulls === null ? null : this.nulls.subarray(0, n);
    const v: Vector = this.ints !== null ? { kind: "i32", values: this.ints.subarray(0, n), nulls } : { kind: "f64", values: this.doubles!.subarray(0, n), nulls };
    this.fresh();
    return v;
  }

  private setNull(r: number): void {
    (this.nulls ??= new Uint8Array(BATCH_ROWS))[r] = 1;
  }

  convert(spans: Spans, from: number, to: number, problems: Problems): void {
    const { buf, starts, ends, base } = spans;
    const doubles = this.doubles;
    const type = this.field.type;
    if (doubles !== null && (type === "double" || type === "float")) {
      const round = type === "float";
      for (let r = from; r < to; r++) {
        const s = starts[base + r]!;
        const e = ends[base + r]!;
        if (s < 0 || e === s) this.setNull(r);
        else {
          const v = e > s ? fastDecimal(buf, s, e) : NaN;
          if (v === v) doubles[r] = round ? Math.fround(v) : v;
          else this.slow(spans, r, problems);
        }
      }
      return;
    }
    // byte and short: their own ranges; the rest as text through CASTS (slow) when out of range.
    const [min, max] = type === "byte" || type === "short" ? INTEGRAL_RANGES[type] : [-MAX_LONG, MAX_LONG];
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      const e = ends[base + r]!;
      if (s < 0 || e === s) this.setNull(r);
      else {
        const v = e > s ? Math.trunc(fastDecimal(buf, s, e)) : NaN;
        if (v !== v) this.slow(spans, r, problems);
        else if (this.ints !== null && v >= INT_MIN && v <= INT_MAX) this.ints[r] = v;
        else if (doubles !== null && v >= min && v <= max) doubles[r] = v;
        else this.slow(spans, r, problems);
      }
    }
  }

  /** A field the fast path does not take: decoded and converted by CASTS, or malformed. */
  private slow(spans: Spans, r: number, problems: Problems): void {
    const { field } = this;
    const i = spans.base + r;
    const text = fieldText(spans.buf, spans.starts[i]!, spans.ends[i]!, inColumn(problems, r, field));
    const value = text === "" ? null : (castLoose(field.type)(text) as number | null);
    if (value === null) {
      this.setNull(r);
      if (text !== "") problems.fail(r, notValid(text, field));
    } else if (field.type === "long" && (value > MAX_LONG || value < -MAX_LONG)) {
      this.setNull(r);
      problems.fail(r, exceedsLongRange(`"${text}"`, field));
    } else if (this.ints !== null) this.ints[r] = value;
    else this.doubles![r] = value;
  }
}

/** Types read through their text: boolean and date (CASTS), timestamps (the scan's reader), and whatever else a schema may hold. */
const LOOSE_CONVERSION = new Set(["byte", "short", "int", "long", "float", "double", "boolean", "date", "timestamp", "timestamp_ntz"]);

/** A text's value of a type read through text; null when it does not fit. */
type TextConversion = (text: string) => Value;

/** How a scan reads timestamp text (its timestampFormat and timeZone options; timestampNTZFormat for timestamp_ntz): null for text that does not fit. */
export function timestampConversion(options: ScanOptions, type: "timestamp" | "timestamp_ntz" = "timestamp"): TextConversion {
  const read = type === "timestamp_ntz" ? timestampNtzReader(options) : timestampReader(options);
  return (text) => {
    try {
      return read(text);
    } catch (error) {
      if (error instanceof BadInputError) return null;
      throw error;
    }
  };
}

/**
 * A decimal column: plain digits parsed from the bytes into the unscaled bigint; other text as
 * Spark's CSV reader takes it (new BigDecimal(text without its commas): "1,234.5" reads, " 7.5 "
 * does not), HALF_UP to the scale, and malformed when it has too many digits.
 */
class DecimalColumn implements ColumnBuilder {
  private values: Value[] = new Array(BATCH_ROWS);
  private readonly conversion: TextConversion;
  private readonly scale: number;
  private readonly limit: number;
  constructor(private readonly field: Field) {
    const d = decimalOf(field.type)!;
    this.scale = d.scale;
    this.limit = 10 ** Math.min(d.precision, 16);
    this.conversion = (text) => {
      const v = parseDecimalText(text.replaceAll(",", ""), d.scale);
      return v !== undefined && fitsPrecision(v, d.precision) ? v : null;
    };
  }

  convert(spans: Spans, from: number, to: number, problems: Problems): void {
    const { buf, starts, ends, base } = spans;
    const { field, values, scale, limit } = this;
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      const e = ends[base + r]!;
      if (s < 0 || e === s) {
        values[r] = null;
        continue;
      }
      const v = e > s ? fastUnscaled(buf, s, e, scale) : NaN;
      if (v === v && v < limit && v > -limit) {
        values[r] = BigInt(v);
        continue;
      }
      const text = fieldText(buf, s, e, inColumn(problems, r, field));
      const value = text === "" ? null : this.conversion(text);
      if (value === null && text !== "") problems.fail(r, notValid(text, field));
      values[r] = value;
    }
  }

  finish(n: number): Vector {
    const { values } = this;
    values.length = n;
    this.values = new Array(BATCH_ROWS);
    return vectorFromValues(this.field.type, values);
  }
}

class TextColumn implements ColumnBuilder {
  private values: Value[] = new Array(BATCH_ROWS);
  private readonly conversion: TextConversion;
  constructor(
    private readonly field: Field,
    options: ScanOptions,
  ) {
    this.conversion = field.type === "timestamp" || field.type === "timestamp_ntz" ? timestampConversion(options, field.type) : castLoose(field.type);
  }

  convert(spans: Spans, from: number, to: number, problems: Problems): void {
    const { buf, starts, ends, base } = spans;
    const { field, values } = this;
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      const e = ends[base + r]!;
      if (s < 0 || e === s) {
        values[r] = null;
        continue;
      }
      const text = fieldText(buf, s, e, inColumn(problems, r, field));
      const value = text === "" ? null : this.conversion(text);
      if (value === null && text !== "" && LOOSE_CONVERSION.has(field.type)) problems.fail(r, notValid(text, field));
      values[r] = value;
    }
  }

  finish(n: number): Vector {
    const { values } = this;
    values.length = n;
    this.values = new Array(BATCH_ROWS);
    return vectorFromValues(this.field.type, values);
  }
}

/** A batch (at most BATCH_ROWS = 4096 values) with more distinct values than this gives up the dictionary. */
export const DICT_DISTINCT_LIMIT = BATCH_ROWS / 2;

/**
 * A string column: a dictionary vector (codes into the batch's own dictionary; `local` maps
 * table entries to codes, valid when stamps[entry] === batch), or plain strings.
 */
class StringColumn implements ColumnBuilder {
  private dictionary = true;
  private readonly table = new ByteTable();
  private local = new Int32Array(256);
  private stamps = new Int32Array(256);
  private batch = 1;
  private codes = new Int32Array(BATCH_ROWS);
  private dict: string[] = [];
  private values: string[] | null = null;
  private nulls: Uint8Array | null = null;
  private scratch = new Uint8Array(64 * 1024);
  private readonly at = new Int32Array(BATCH_ROWS);

  constructor(private readonly field: Field) {}

  finish(n: number): Vector {
    const nulls = this.nulls === null ? null : this.nulls.subarray(0, n);
    let v: Vector;
    if (this.values !== null) {
      this.values.length = n;
      v = { kind: "str", values: this.values, nulls };
      this.values = this.dictionary ? null : new Array(BATCH_ROWS);
    } else {
      v = { kind: "dict", codes: this.codes.subarray(0, n), dict: this.dict, nulls };
      this.codes = new Int32Array(BATCH_ROWS);
      this.dict = [];
    }
    this.nulls = null;
    this.batch++;
    // A new batch: the table may start over (a batch's dictionary never holds a value twice).
    if (this.table.full) {
      this.table.reset();
      this.stamps.fill(0);
    }
    return v;
  }

  convert(spans: Spans, from: number, to: number, problems: Problems): void {
    let r = from;
    if (this.dictionary) {
      r = this.convertDict(spans, from, to, problems);
      if (r === to) return;
      // Too many distinct values: this batch's strings so far, then plain strings from now on.
      this.dictionary = false;
      const values: string[] = new Array(BATCH_ROWS);
      for (let i = 0; i < r; i++) values[i] = this.nulls !== null && this.nulls[i] === 1 ? "" : this.dict[this.codes[i]!]!;
      this.values = values;
    }
    this.convertPlain(spans, r, to, problems);
  }

  private convertPlain(spans: Spans, from: number, to: number, problems: Problems): void {
    const { buf, starts, ends, base } = spans;
    const { field } = this;
    const values = (this.values ??= new Array(BATCH_ROWS));
    // The segment's fields of this column, copied one after another and decoded at once: each
    // value is a slice of that string (a slice keeps its parent alive, and this parent holds
    // only this column's values, not the whole block).
    let size = 0;
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      const e = ends[base + r]!;
      if (s >= 0 && e > s) size += e - s;
    }
    let scratch = this.scratch;
    if (scratch.byteLength < size) scratch = this.scratch = new Uint8Array(Math.max(size, scratch.byteLength * 2));
    const at = this.at;
    let n = 0;
    let high = 0;
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      const e = ends[base + r]!;
      at[r] = n;
      if (s < 0 || e <= s) continue;
      if (e - s > 64) {
        scratch.set(buf.subarray(s, e), n);
        for (let i = s; i < e; i++) high |= buf[i]!;
        n += e - s;
      } else for (let i = s; i < e; i++) high |= scratch[n++] = buf[i]!;
    }
    const text = Buffer.from(scratch.buffer, scratch.byteOffset, n).toString("latin1");
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      const e = ends[base + r]!;
      if (s < 0 || e === s) {
        (this.nulls ??= new Uint8Array(BATCH_ROWS))[r] = 1;
        values[r] = "";
      } else if (e < 0) values[r] = fieldText(buf, s, e, inColumn(problems, r, field));
      else if (high < 0x80) values[r] = text.slice(at[r]!, at[r]! + e - s);
      else {
        let i = s;
        while (i < e && buf[i]! < 0x80) i++;
        values[r] = i === e ? text.slice(at[r]!, at[r]! + e - s) : decodeUtf8(buf.subarray(s, e), inColumn(problems, r, field));
      }
    }
  }

  /** Rows [from, to) as dictionary codes; returns the row where it gave up, or `to`. */
  private convertDict(spans: Spans, from: number, to: number, problems: Problems): number {
    const { starts, ends, base } = spans;
    const { table, codes, dict, batch } = this;
    for (let r = from; r < to; r++) {
      const s = starts[base + r]!;
      let e = ends[base + r]!;
      if (s < 0 || e === s) {
        (this.nulls ??= new Uint8Array(BATCH_ROWS))[r] = 1;
        continue;
      }
      let buf = spans.buf;
      let start = s;
      if (e < 0) {
        // Doubled quotes: look the unescaped value up.
        buf = Buffer.from(fieldText(buf, s, e, inColumn(problems, r, this.field)));
        [start, e] = [0, buf.byteLength];
      }
      let entry = table.find(buf, start, e);
      if (entry < 0) {
        entry = table.add(buf, start, e, decodeUtf8(buf.subarray(start, e), inColumn(problems, r, this.field)));
        if (entry >= this.stamps.length) this.growLocal();
      }
      if (this.stamps[entry] !== batch) {
        if (dict.length === DICT_DISTINCT_LIMIT) return r;
        this.stamps[entry] = batch;
        this.local[entry] = dict.length;
        dict.push(table.strings[entry]!);
      }
      codes[r] = this.local[entry]!;
    }
    return to;
  }

  private growLocal(): void {
    const size = this.stamps.length * 2;
    const local = new Int32Array(size);
    local.set(this.local);
    const stamps = new Int32Array(size);
    stamps.set(this.stamps);
    [this.local, this.stamps] = [local, stamps];
  }
}

export function columnBuilder(field: Field, options: ScanOptions): ColumnBuilder {
  if (isDecimal(field.type)) return new DecimalColumn(field);
  switch (field.type) {
    case "byte":
    case "short":
    case "int":
    case "long":
    case "float":
    case "double":
      return new NumberColumn(field);
    case "string":
      return new StringColumn(field);
    default:
      return new TextColumn(field, options);
  }
}
