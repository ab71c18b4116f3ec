/** A page's values spread over its rows around the nulls, dictionary codes turned into vectors, and vectors converted to the scan's type. */
import { fromParquet } from "../../../shared/codecs/parquet-types.ts";
import { intervalOf, type DataType, type Value } from "../../../shared/plan/types.ts";
import { nullVector, valueAt, vectorFromValues, type Nulls, type Vector } from "../../../shared/batch/vector.ts";
import { UnsafeLong, dateString, int64Halves, int64Text, readPlainValues, safeInt64, type Compact, type Eager } from "./values.ts";
import { type ColumnPlan } from "./plan.ts";


/** A column chunk's dictionary, as the vectors of its pages use it. */
export type Dictionary =
  | { readonly kind: "str"; readonly values: string[] }
  | { readonly kind: "f64"; readonly values: Float64Array; readonly unsafe: ReadonlyMap<number, string> }
  | { readonly kind: "i32"; readonly values: Int32Array }
  | { readonly kind: "any"; readonly values: Value[] };

export function makeDictionary(compact: Compact): Dictionary {
  switch (compact.kind) {
    case "lazy":
      return { kind: "str", values: compact.make(0, compact.count) };
    case "str":
      return { kind: "str", values: compact.values };
    case "days":
      return { kind: "str", values: Array.from(compact.values, dateString) };
    case "f64":
      return { kind: "f64", values: compact.values, unsafe: new Map() };
    case "i32":
      return { kind: "i32", values: compact.values };
    case "bool":
      return { kind: "any", values: Array.from(compact.values, (b) => b === 1) };
    case "any":
      return { kind: "any", values: compact.values };
  }
}

/** A dictionary page of INT64 values: unsafe entries are kept aside and refused only when used. */
export function int64Dictionary(plan: ColumnPlan, bytes: Uint8Array, pos: number, count: number): Dictionary {
  if (plan.logical !== "int64" && plan.logical !== "uint64") return makeDictionary(readPlainValues(plan, bytes, pos, bytes.length, count));
  const unsigned = plan.logical === "uint64";
  const halves = int64Halves(bytes, pos, count);
  const values = new Float64Array(count);
  const unsafe = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    const lo = halves[2 * i]!;
    const hi = halves[2 * i + 1]!;
    if (safeInt64(lo, hi, unsigned)) values[i] = (unsigned ? hi >>> 0 : hi) * 4294967296 + (lo >>> 0);
    else unsafe.set(i, int64Text(lo, hi, unsigned));
  }
  return { kind: "f64", values, unsafe };
}

/** Copies src's values, in order, to the positions of `out` whose nulls byte is 0: by runs (native copies). */
function spreadTyped<T extends Float64Array | Int32Array | Uint8Array>(src: T, out: T, nulls: Uint8Array, n: number): void {
  let i = 0;
  let k = 0;
  while (i < n) {
    let j = nulls.indexOf(1, i);
    if (j < 0) j = n;
    if (j - i >= 32) {
      out.set(src.subarray(k, k + (j - i)) as never, i);
      k += j - i;
    } else {
      for (let r = i; r < j; r++) out[r] = src[k++]!;
    }
    i = j;
    while (i < n && nulls[i] === 1) i++;
  }
}

/**
 * `count` PLAIN values of `size` bytes at bytes[pos] copied, in order, to the rows of `out`
 * whose nulls byte is 0, by runs of bytes: no aligned copy of the page is made first.
 */
export function spreadPlain<T extends Float64Array | Int32Array>(out: T, bytes: Uint8Array, pos: number, end: number, count: number, nulls: Uint8Array, n: number): T {
  const size = out.BYTES_PER_ELEMENT;
  if (pos + count * size > end) throw new Error("values beyond the page");
  const target = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let i = 0;
  let p = pos;
  while (i < n) {
    let j = nulls.indexOf(1, i);
    if (j < 0) j = n;
    const bytesOfRun = (j - i) * size;
    if (p + bytesOfRun > pos + count * size) throw new Error("the page has fewer values than its definition levels say");
    target.set(bytes.subarray(p, p + bytesOfRun), i * size);
    p += bytesOfRun;
    i = j;
    while (i < n && nulls[i] === 1) i++;
  }
  return out;
}

/** Days (non-null rows only) → a dictionary vector: each distinct day of the page is formatted once. */
function daysVector(days: Int32Array, nulls: Nulls, n: number): Vector {
  const codes = new Int32Array(n);
  const dict: string[] = [];
  const seen = new Map<number, number>();
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const day = days[k++]!;
    let code = seen.get(day);
    if (code === undefined) {
      code = dict.length;
      seen.set(day, code);
      dict.push(dateString(day));
    }
    codes[i] = code;
  }
  return { kind: "dict", codes, dict, nulls };
}

function spreadValues<T>(src: readonly T[], nulls: Uint8Array, n: number, empty: T): T[] {
  const out: T[] = new Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) out[i] = nulls[i] === 0 ? src[k++]! : empty;
  return out;
}

/** Spreads `compact` (non-null values, in order) over the rows whose `nulls` byte is 0. */
export function spread(compact: Eager, nulls: Nulls, n: number): Vector {
  if (compact.kind === "days") return daysVector(compact.values, nulls, n);
  if (nulls === null) return { kind: compact.kind, values: compact.values, nulls: null } as Vector;
  switch (compact.kind) {
    case "f64":
    case "i32":
    case "bool": {
      const out = compact.kind === "f64" ? new Float64Array(n) : compact.kind === "i32" ? new Int32Array(n) : new Uint8Array(n);
      spreadTyped(compact.values, out, nulls, n);
      return { kind: compact.kind, values: out, nulls } as Vector;
    }
    case "str":
      return { kind: "str", values: spreadValues(compact.values, nulls, n, ""), nulls };
    case "any":
      return { kind: "any", values: spreadValues<Value>(compact.values, nulls, n, null), nulls };
  }
}

/** The largest code (as unsigned: a negative one counts as huge). */
function maxCode(codes: Int32Array): number {
  let max = 0;
  for (let k = 0; k < codes.length; k++) {
    const c = codes[k]! >>> 0;
    if (c > max) max = c;
  }
  return max;
}

function checkUnsafe(codes: Int32Array, unsafe: ReadonlyMap<number, string>): void {
  for (let k = 0; k < codes.length; k++) {
    const text = unsafe.get(codes[k]!);
    if (text !== undefined) throw new UnsafeLong(text);
  }
}

function gatherTyped<T extends Float64Array | Int32Array>(src: T, codes: Int32Array, out: T): T {
  for (let k = 0; k < codes.length; k++) out[k] = src[codes[k]!]!;
  return out;
}

/**
 * Dictionary codes (non-null rows only) → the page's vector. `bound` (an OR of the codes, or
 * -1 when unknown) spares the pass over the codes when it is below the dictionary's size.
 * `codes` may be scratch: every vector made here copies it or is it only when `owned`.
 */
export function fromCodes(dict: Dictionary, codes: Int32Array, nulls: Nulls, n: number, bound: number, owned: boolean): Vector {
  const size = dict.values.length;
  if (bound < 0 || bound >= size) {
    const max = maxCode(codes);
    if (max >= size) throw new Error(`dictionary index ${max} beyond the dictionary's ${size} entries`);
  }
  switch (dict.kind) {
    case "str": {
      if (nulls === null) return { kind: "dict", codes: owned ? codes : codes.slice(), dict: dict.values, nulls };
      const out = new Int32Array(n);
      spreadTyped(codes, out, nulls, n);
      return { kind: "dict", codes: out, dict: dict.values, nulls };
    }
    case "f64":
      if (dict.unsafe.size > 0) checkUnsafe(codes, dict.unsafe);
      return spread({ kind: "f64", values: gatherTyped(dict.values, codes, new Float64Array(codes.length)) }, nulls, n);
    case "i32":
      return spread({ kind: "i32", values: gatherTyped(dict.values, codes, new Int32Array(codes.length)) }, nulls, n);
    case "any":
      return spread({ kind: "any", values: Array.from(codes, (c) => dict.values[c]!) }, nulls, n);
  }
}

// ---------------------------------------------------------------------------------------
// Converting to the scan's type

const NUMERIC = new Set<DataType>(["int", "long", "double"]);
const TEXT = new Set<DataType>(["string", "date"]);

/**
 * The vector as the scan's type wants it. The natural vector is kept whenever its values are
 * already right (numbers for any numeric type, strings for string and date), else each value
 * converts as shared/codecs/parquet-types.ts converts it.
 */
export function toScanType(v: Vector, n: number, plan: ColumnPlan, where: string): Vector {
  const { type, natural } = plan;
  if (plan.logical === "json") return fromJson(v, n, plan, where);
  if (type === natural) return v;
  if (type === "null") return nullVector(n);
  // An interval Spark's schema names (driver/sources/parquet.ts): microseconds in an INT64, months in an INT32, as the vector holds them.
  const interval = intervalOf(type);
  if ((NUMERIC.has(type) || (interval !== null && natural === (interval.kind === "daytime" ? "long" : "int"))) && NUMERIC.has(natural)) {
    // i32 holds int values only: a wider type gets doubles.
    if (v.kind === "i32" && type !== "int") return { kind: "f64", values: Float64Array.from(v.values), nulls: v.nulls };
    return v;
  }
  if (TEXT.has(type) && TEXT.has(natural)) return v;
  if (natural === "array<string>" && type === "any") return v;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = fromParquet(valueAt(v, i), type, plan.name, where);
  return vectorFromValues(type, out);
}

/**
 * JSON columns convert as they always have (hyparquet parses the text, then the value converts
 * to the scan's type: a string stays itself, an object becomes its JSON, an array column
 * parses a string once more, as sparkfn's writer stores array<string> as a JSON string). A
 * dictionary's entries convert once each.
 */
function fromJson(v: Vector, n: number, plan: ColumnPlan, where: string): Vector {
  const convert = (text: string) => fromParquet(JSON.parse(text) as unknown, plan.type, plan.name, where);
  if (v.kind === "dict") {
    const dict = v.dict.map(convert);
    if (dict.every((d) => typeof d === "string")) return { kind: "dict", codes: v.codes, dict: dict as string[], nulls: v.nulls };
    const out: Value[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = v.nulls !== null && v.nulls[i] === 1 ? null : dict[v.codes[i]!]!;
    return vectorFromValues(plan.type, out);
  }
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const text = valueAt(v, i);
    out[i] = text === null ? null : convert(text as string);
  }
  return vectorFromValues(plan.type, out);
}
