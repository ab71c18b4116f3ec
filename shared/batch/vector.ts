/**
 * Column vectors: one column of a batch, stored the way its values are best read in a loop.
 *
 * A vector's `kind` is its physical layout, independent of the column's logical type (an
 * int column may arrive as `i32` from a reader and as `f64` from arithmetic or a shuffle):
 *
 *   f64   Float64Array       double, float (values Math.fround keeps), long (safe integers
 *                            only: see below), int, short, byte, timestamp, timestamp_ntz
 *                            (microseconds since the epoch: shared/plan/functions/timestamps.ts),
 *                            day-time intervals (microseconds), year-month intervals (months)
 *   i32   Int32Array         int values a reader or a decoder proved in range
 *   bool  Uint8Array         0 or 1 (one byte a value; blocks on the wire pack them to bits)
 *   str   string[]           strings without a dictionary (and dates, "YYYY-MM-DD", and
 *                            binary values as byte strings: shared/plan/binary.ts)
 *   dict  Int32Array codes   into `dict` (Parquet dictionary pages, low-cardinality CSV
 *                            columns, DICT shuffle blocks)
 *   any   Value[]            arrays, RDD elements, aggregation states: whatever is not scalar
 *
 * `nulls` is a byte mask (1 = null) or null when the vector has no nulls; it is the only
 * authority on nullness: the value slot under a null is unspecified.
 *
 * long: values are JavaScript numbers, exact up to 2^53 − 1. Readers refuse a long beyond
 * that range with an error naming the value (no silent loss of precision); an exact 64-bit
 * vector comes with the decimal and timestamp vectors of the types issue.
 *
 * The layout follows Apache Arrow's where it can (typed value buffers, a dictionary with
 * int32 indices), so converting to Arrow arrays copies only validity (Arrow packs it to bits).
 */
import { typeKind, type DataType, type Value } from "../plan/types.ts";

export type Nulls = Uint8Array | null;

export type Vector =
  | { readonly kind: "f64"; readonly values: Float64Array; readonly nulls: Nulls }
  | { readonly kind: "i32"; readonly values: Int32Array; readonly nulls: Nulls }
  | { readonly kind: "bool"; readonly values: Uint8Array; readonly nulls: Nulls }
  | { readonly kind: "str"; readonly values: readonly string[]; readonly nulls: Nulls }
  | { readonly kind: "dict"; readonly codes: Int32Array; readonly dict: readonly string[]; readonly nulls: Nulls }
  | { readonly kind: "any"; readonly values: readonly Value[]; readonly nulls: Nulls };

export type VectorKind = Vector["kind"];

/** The value at physical index i, boxed as rows carry it (null for a null). */
export function valueAt(v: Vector, i: number): Value {
  if (v.nulls !== null && v.nulls[i] === 1) return null;
  switch (v.kind) {
    case "f64":
    case "i32":
      return v.values[i]!;
    case "bool":
      return v.values[i] === 1;
    case "str":
      return v.values[i]!;
    case "dict":
      return v.dict[v.codes[i]!]!;
    case "any":
      return v.values[i] ?? null;
  }
}

/** How the values of one logical type are stored when a vector is built from values. */
export function storageOf(type: DataType): "f64" | "bool" | "str" | "any" {
  switch (typeKind(type)) {
    case "byte":
    case "short":
    case "int":
    case "long":
    case "float":
    case "double":
    case "timestamp":
    case "timestamp_ntz":
    case "daytime": // microseconds (exact up to 2^53, as long values)
    case "yearmonth": // months
      return "f64";
    case "boolean":
      return "bool";
    case "string":
    case "binary": // byte strings (shared/plan/binary.ts)
    case "date":
      return "str";
    case "decimal": // bigints (an exact 64-bit vector for short decimals is a later step)
    case "array":
    case "struct":
    case "map":
    case "null":
    case "any":
      return "any";
  }
}

/**
 * Builds a vector from boxed values of one logical type. A value that the storage cannot
 * hold (a string in a numeric column, as an `any` UDF may return) makes the whole vector
 * `any`, so nothing is lost or coerced here.
 */
export function vectorFromValues(type: DataType, values: readonly Value[]): Vector {
  const n = values.length;
  let nulls: Uint8Array | null = null;
  const markNull = (i: number) => {
    nulls ??= new Uint8Array(n);
    nulls[i] = 1;
  };
  const storage = storageOf(type);
  if (storage === "f64") {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) markNull(i);
      else if (typeof v === "number") out[i] = v;
      else return anyVector(values);
    }
    return { kind: "f64", values: out, nulls };
  }
  if (storage === "bool") {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) markNull(i);
      else if (typeof v === "boolean") out[i] = v ? 1 : 0;
      else return anyVector(values);
    }
    return { kind: "bool", values: out, nulls };
  }
  if (storage === "str") {
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        markNull(i);
        out[i] = "";
      } else if (typeof v === "string") out[i] = v;
      else return anyVector(values);
    }
    return { kind: "str", values: out, nulls };
  }
  return anyVector(values);
}

function anyVector(values: readonly Value[]): Vector {
  const n = values.length;
  let nulls: Uint8Array | null = null;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
      out[i] = null;
    } else out[i] = v;
  }
  return { kind: "any", values: out, nulls };
}

/** A vector of n nulls. */
export function nullVector(n: number): Vector {
  return { kind: "any", values: new Array<Value>(n).fill(null), nulls: new Uint8Array(n).fill(1) };
}

/** A vector of n copies of one value (a literal, a partition column's folder value). */
export function constantVector(type: DataType, value: Value, n: number): Vector {
  if (value === null) return nullVector(n);
  return vectorFromValues(type, new Array<Value>(n).fill(value));
}

function gatherNulls(nulls: Nulls, indexes: Int32Array, count: number): Nulls {
  if (nulls === null) return null;
  let out: Uint8Array | null = null;
  for (let k = 0; k < count; k++) {
    if (nulls[indexes[k]!] === 1) {
      out ??= new Uint8Array(count);
      out[k] = 1;
    }
  }
  return out;
}

/** The values at `indexes[0..count)`, in that order, as a new dense vector. */
export function gather(v: Vector, indexes: Int32Array, count: number): Vector {
  const nulls = gatherNulls(v.nulls, indexes, count);
  switch (v.kind) {
    case "f64": {
      const out = new Float64Array(count);
      for (let k = 0; k < count; k++) out[k] = v.values[indexes[k]!]!;
      return { kind: "f64", values: out, nulls };
    }
    case "i32": {
      const out = new Int32Array(count);
      for (let k = 0; k < count; k++) out[k] = v.values[indexes[k]!]!;
      return { kind: "i32", values: out, nulls };
    }
    case "bool": {
      const out = new Uint8Array(count);
      for (let k = 0; k < count; k++) out[k] = v.values[indexes[k]!]!;
      return { kind: "bool", values: out, nulls };
    }
    case "dict": {
      const out = new Int32Array(count);
      for (let k = 0; k < count; k++) out[k] = v.codes[indexes[k]!]!;
      return { kind: "dict", codes: out, dict: v.dict, nulls };
    }
    case "str":
    case "any": {
      const out = new Array(count);
      for (let k = 0; k < count; k++) out[k] = v.values[indexes[k]!];
      return { kind: v.kind, values: out, nulls } as Vector;
    }
  }
}



/**
 * One vector holding the vectors' values one after another (a map task's output before it is
 * split into blocks). Kinds are kept where they agree: numbers as f64, dictionaries merged
 * into one (codes remapped per part, no string per row), strings as str, else boxed values.
 */
export function concatVectors(parts: readonly Vector[], lengths: readonly number[]): Vector {
  const total = lengths.reduce((a, b) => a + b, 0);
  let nulls: Uint8Array | null = null;
  let at = 0;
  parts.forEach((p, j) => {
    if (p.nulls !== null) {
      nulls ??= new Uint8Array(total);
      nulls.set(p.nulls.subarray(0, lengths[j]!), at);
    }
    at += lengths[j]!;
  });
  const kinds = new Set(parts.map((p) => p.kind));
  const only = (...ks: VectorKind[]) => [...kinds].every((k) => ks.includes(k));
  if (parts.length === 1 && lengths[0] === valueCount(parts[0]!)) return parts[0]!;
  if (only("f64", "i32")) {
    const out = new Float64Array(total);
    at = 0;
    parts.forEach((p, j) => {
      out.set((p as Extract<Vector, { kind: "f64" | "i32" }>).values.subarray(0, lengths[j]!), at);
      at += lengths[j]!;
    });
    return { kind: "f64", values: out, nulls };
  }
  if (only("bool")) {
    const out = new Uint8Array(total);
    at = 0;
    parts.forEach((p, j) => {
      out.set((p as Extract<Vector, { kind: "bool" }>).values.subarray(0, lengths[j]!), at);
      at += lengths[j]!;
    });
    return { kind: "bool", values: out, nulls };
  }
  if (only("dict")) {
    const entries = new Map<string, number>();
    const dict: string[] = [];
    const codes = new Int32Array(total);
    at = 0;
    parts.forEach((p, j) => {
      const d = p as Extract<Vector, { kind: "dict" }>;
      const remap = d.dict.map((s) => {
        let code = entries.get(s);
        if (code === undefined) {
          code = dict.length;
          dict.push(s);
          entries.set(s, code);
        }
        return code;
      });
      for (let i = 0; i < lengths[j]!; i++) codes[at + i] = remap[d.codes[i]!] ?? 0;
      at += lengths[j]!;
    });
    return { kind: "dict", codes, dict, nulls };
  }
  const boxed = only("str", "dict");
  const out: Value[] = new Array(total);
  at = 0;
  parts.forEach((p, j) => {
    for (let i = 0; i < lengths[j]!; i++) out[at + i] = boxed && p.nulls !== null && p.nulls[i] === 1 ? "" : valueAt(p, i);
    at += lengths[j]!;
  });
  return boxed ? { kind: "str", values: out as string[], nulls } : { kind: "any", values: out, nulls };
}

function valueCount(v: Vector): number {
  return v.kind === "dict" ? v.codes.length : v.values.length;
}

/** Values sampled to estimate the heap size of strings and boxed values. */
const SIZE_SAMPLE = 32;

/** Approximate heap bytes of a vector's first `length` values (typed arrays exactly, strings and boxed values by a sample). */
export function vectorBytes(v: Vector, length: number): number {
  const mask = v.nulls === null ? 0 : length;
  const sampled = (values: readonly unknown[], size: (x: unknown) => number) => {
    if (length === 0) return 0;
    const step = Math.max(1, Math.floor(length / SIZE_SAMPLE));
    let bytes = 0;
    let n = 0;
    for (let i = 0; i < length; i += step, n++) bytes += size(values[i]);
    return (bytes / n) * length;
  };
  const textBytes = (x: unknown) =>
    typeof x === "string" ? 24 + x.length : typeof x === "bigint" ? 8 + 32 : x === null || x === undefined ? 8 : 8 + 16 + JSON.stringify(x, (_k, y: unknown) => (typeof y === "bigint" ? 0 : y)).length * 2;
  switch (v.kind) {
    case "f64":
      return mask + 8 * length;
    case "i32":
      return mask + 4 * length;
    case "bool":
      return mask + length;
    case "dict":
      return mask + 4 * length + v.dict.reduce((n, s) => n + 24 + s.length, 0);
    case "str":
    case "any":
      return mask + sampled(v.values, textBytes);
  }
}
