/**
 * Keys, in one place: what makes two key values equal, their identity text, the stable hash
 * that routes them to shuffle partitions, and dense group ids for rows of key vectors (the
 * hash tables of aggregation and joins).
 *
 * Equality is Spark's grouping equality, whatever the physical vector: numbers by value with
 * -0 = 0 and NaN = NaN (an int from an i32 vector equals the same int from an f64 vector);
 * strings by value (a dict vector's entry equals the same str value); booleans; decimals by
 * their unscaled bigint (a key column has one type, so one scale); and any other
 * value (arrays, RDD elements) by its JSON text (nestedKeyText), so ["a", "b"] and ["a,b"]
 * differ, [NaN] and [null] too. Null equals
 * null for grouping; joins leave null keys out themselves.
 */
import type { Value } from "../../shared/plan/types.ts";
import { valueAt, type Vector } from "../../shared/batch/vector.ts";

/**
 * The text of a nested key value (an array, a struct, an RDD element): JSON, except that NaN
 * and the infinities are told apart from null (JSON writes all three as null) and a decimal's
 * bigint is written as its digits. -0 is written 0, so it equals 0, as Spark's grouping has it.
 */
export function nestedKeyText(v: unknown): string {
  return JSON.stringify(v, (_key, x: unknown) =>
    typeof x === "bigint" ? { d: String(x) } : typeof x === "number" && !Number.isFinite(x) ? { n: String(x) } : x,
  );
}

/**
 * A grouping key's value as the group shows it: -0.0 as 0.0, at any depth, as Spark's
 * NormalizeFloatingNumbers makes the keys it groups by (the other values are kept as they are).
 */
export function normalizedKey(v: Value): Value {
  if (typeof v === "number") return v === 0 ? 0 : v;
  if (Array.isArray(v) && hasNegativeZero(v)) return v.map((x: Value) => normalizedKey(x));
  return v;
}

const hasNegativeZero = (v: Value): boolean => (typeof v === "number" ? Object.is(v, -0) : Array.isArray(v) && v.some((x: Value) => hasNegativeZero(x)));

/** A key value's identity: numbers as themselves (Map keys compare with SameValueZero), else a typed text. */
export function keyIdentity(v: unknown): number | string {
  switch (typeof v) {
    case "number":
      return v;
    case "string":
      return `s${v}`;
    case "boolean":
      return v ? "T" : "F";
    case "bigint":
      return `d${v}`; // a decimal's unscaled value (keys of one column share a scale)
    default:
      return v === null || v === undefined ? "N" : `j${nestedKeyText(v)}`;
  }
}

/**
 * The identity of a key tuple as one string, ordered consistently (spill runs sort by it):
 * equal tuples, and only those, give equal texts.
 */
export function tupleIdentity(keys: readonly Value[]): string {
  if (keys.length === 1) {
    const id = keyIdentity(keys[0]);
    return typeof id === "number" ? `n${String(id)}` : id;
  }
  return JSON.stringify(keys.map((k) => (typeof k === "number" ? String(k) : keyIdentity(k))));
}

/** Code 0 stands for null in every column. */
const NULL_CODE = 0;

/** Per key column: a dense code for each distinct value (1, 2, ... in order of first appearance). */
class ColumnCodes {
  private readonly codes = new Map<number | string, number>();
  /** Codes of the last dictionary's entries (-1: not yet looked up): batches of a row group share one dictionary. */
  private dictCodes: { readonly dict: readonly string[]; readonly codes: Int32Array } | null = null;

  get distinct(): number {
    return this.codes.size;
  }

  /** The codes of a dictionary's entries, filled in as entries are met (kept while the same dictionary comes back). */
  entryCodes(dict: readonly string[]): Int32Array {
    if (this.dictCodes?.dict !== dict) this.dictCodes = { dict, codes: new Int32Array(dict.length).fill(-1) };
    return this.dictCodes.codes;
  }

  /** The code of a dictionary entry. */
  entryCode(dict: readonly string[], entryCodes: Int32Array, e: number): number {
    let code = entryCodes[e]!;
    if (code < 0) code = entryCodes[e] = this.codeOf(`s${dict[e]!}`);
    return code;
  }

  private codeOf(id: number | string): number {
    let code = this.codes.get(id);
    if (code === undefined) {
      code = this.codes.size + 1;
      this.codes.set(id, code);
    }
    return code;
  }

  /**
   * Codes of `count` values of a vector (value k at index `sel[k]` when a selection is given,
   * else at k); with `lookupOnly`, -1 for a value never seen (nothing added).
   */
  encode(v: Vector, sel: Int32Array | null, count: number, out: Int32Array, lookupOnly = false): void {
    if (lookupOnly) return this.lookup(v, sel, count, out);
    const nulls = v.nulls;
    switch (v.kind) {
      case "f64":
      case "i32": {
        const values = v.values;
        for (let k = 0; k < count; k++) {
          const i = sel === null ? k : sel[k]!;
          out[k] = nulls !== null && nulls[i] === 1 ? NULL_CODE : this.codeOf(values[i]!);
        }
        return;
      }
      case "bool": {
        const values = v.values;
        for (let k = 0; k < count; k++) {
          const i = sel === null ? k : sel[k]!;
          out[k] = nulls !== null && nulls[i] === 1 ? NULL_CODE : this.codeOf(values[i] === 1 ? "T" : "F");
        }
        return;
      }
      case "str": {
        const values = v.values;
        for (let k = 0; k < count; k++) {
          const i = sel === null ? k : sel[k]!;
          out[k] = nulls !== null && nulls[i] === 1 ? NULL_CODE : this.codeOf(`s${values[i]!}`);
        }
        return;
      }
      case "dict": {
        // Each dictionary entry is looked up once, not once per row.
        const entryCodes = this.entryCodes(v.dict);
        const codes = v.codes;
        for (let k = 0; k < count; k++) {
          const i = sel === null ? k : sel[k]!;
          if (nulls !== null && nulls[i] === 1) {
            out[k] = NULL_CODE;
            continue;
          }
          const e = codes[i]!;
          const code = entryCodes[e]!;
          out[k] = code >= 0 ? code : this.entryCode(v.dict, entryCodes, e);
        }
        return;
      }
      case "any": {
        const values = v.values;
        for (let k = 0; k < count; k++) {
          const i = sel === null ? k : sel[k]!;
          out[k] = nulls !== null && nulls[i] === 1 ? NULL_CODE : this.codeOf(keyIdentity(values[i]));
        }
        return;
      }
    }
  }

  private lookup(v: Vector, sel: Int32Array | null, count: number, out: Int32Array): void {
    if (v.kind === "dict") {
      const entryCodes = v.dict.map((e) => this.codes.get(`s${e}`) ?? -1);
      for (let k = 0; k < count; k++) {
        const i = sel === null ? k : sel[k]!;
        out[k] = v.nulls !== null && v.nulls[i] === 1 ? NULL_CODE : entryCodes[v.codes[i]!]!;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      if (v.nulls !== null && v.nulls[i] === 1) {
        out[k] = NULL_CODE;
        continue;
      }
      const id = v.kind === "f64" || v.kind === "i32" ? v.values[i]! : v.kind === "str" ? `s${v.values[i]!}` : keyIdentity(valueAt(v, i));
      out[k] = this.codes.get(id) ?? -1;
    }
  }
}

/** Below these, a (previous id, code) pair packs into one exact double. */
const CODE_LIMIT = 2 ** 26;
const ID_LIMIT = 2 ** 27;

/**
 * Dense group ids (0, 1, ... in order of first appearance) for tuples of key values, without
 * building a key object per row: each column's values become small integer codes, and the
 * codes of several columns are combined pairwise through numeric maps.
 */
export class GroupIds {
  private columns: ColumnCodes[];
  /** One key column: code → id. */
  private single = new Int32Array(64).fill(-1);
  /** Several: per column after the first, (id so far, code) → id. */
  private pairs: Map<number | string, number>[];
  private scratch = new Int32Array(0);
  /** One dictionary key column: group ids of the last dictionary's entries (-1: not met yet). */
  private dictIds: { readonly dict: readonly string[]; readonly ids: Int32Array } | null = null;
  size = 0;

  constructor(private readonly width: number) {
    this.columns = Array.from({ length: width }, () => new ColumnCodes());
    this.pairs = Array.from({ length: Math.max(0, width - 1) }, () => new Map());
  }

  /** Distinct values seen per key column (for memory estimates). */
  get mapEntries(): number {
    return this.columns.reduce((n, c) => n + c.distinct, 0) + this.pairs.reduce((n, p) => n + p.size, 0);
  }

  /**
   * The group id of each of `count` rows of the key vectors, into `out`; calls `created(k)` for
   * the row that opens each new group, in id order. With `sels`, key c's value for row k is at
   * index `sels[c][k]` of its vector (a selection read in place), else at k.
   */
  assign(keys: readonly Vector[], count: number, out: Int32Array, created: (k: number) => void, sels?: readonly (Int32Array | null)[]): void {
    if (this.width === 0) {
      // A global aggregate: one group.
      if (count > 0 && this.size === 0) {
        this.size = 1;
        created(0);
      }
      out.fill(0, 0, count);
      return;
    }
    const first = keys[0]!;
    if (this.width === 1 && first.kind === "dict") return this.assignDict(first, sels?.[0] ?? null, count, out, created);
    if (this.scratch.length < count) this.scratch = new Int32Array(Math.max(count, 1024));
    const codes = this.scratch;
    this.columns[0]!.encode(first, sels?.[0] ?? null, count, this.width === 1 ? codes : out);
    if (this.width === 1) {
      for (let k = 0; k < count; k++) {
        const code = codes[k]!;
        if (code >= this.single.length) this.growSingle(code);
        let id = this.single[code]!;
        if (id < 0) {
          id = this.single[code] = this.size++;
          created(k);
        }
        out[k] = id;
      }
      return;
    }
    // out holds the first column's codes; fold in the others, the last fold naming groups.
    for (let c = 1; c < this.width; c++) {
      this.columns[c]!.encode(keys[c]!, sels?.[c] ?? null, count, codes);
      const pairs = this.pairs[c - 1]!;
      const last = c === this.width - 1;
      for (let k = 0; k < count; k++) {
        const prev = out[k]!;
        const code = codes[k]!;
        const packed: number | string = prev < ID_LIMIT && code < CODE_LIMIT ? prev * CODE_LIMIT + code : `${prev},${code}`;
        let id = pairs.get(packed);
        if (id === undefined) {
          id = last ? this.size++ : pairs.size;
          pairs.set(packed, id);
          if (last) created(k);
        }
        out[k] = id;
      }
    }
  }

  /** One dictionary key column: group ids straight from entries (one lookup per entry, one array read per row). */
  private assignDict(v: Extract<Vector, { kind: "dict" }>, sel: Int32Array | null, count: number, out: Int32Array, created: (k: number) => void): void {
    const column = this.columns[0]!;
    const entryCodes = column.entryCodes(v.dict);
    if (this.dictIds?.dict !== v.dict) this.dictIds = { dict: v.dict, ids: new Int32Array(v.dict.length).fill(-1) };
    const entryIds = this.dictIds.ids;
    const { codes, nulls } = v;
    for (let k = 0; k < count; k++) {
      const i = sel === null ? k : sel[k]!;
      if (nulls !== null && nulls[i] === 1) {
        out[k] = this.singleId(NULL_CODE, k, created);
        continue;
      }
      const e = codes[i]!;
      let id = entryIds[e]!;
      if (id < 0) id = entryIds[e] = this.singleId(column.entryCode(v.dict, entryCodes, e), k, created);
      out[k] = id;
    }
  }

  /** One key column: the id of a code, opening its group (at row k) if new. */
  private singleId(code: number, k: number, created: (k: number) => void): number {
    if (code >= this.single.length) this.growSingle(code);
    let id = this.single[code]!;
    if (id < 0) {
      id = this.single[code] = this.size++;
      created(k);
    }
    return id;
  }

  /** The id of each row's key tuple among those assigned so far, or -1 (nothing is added). */
  lookup(keys: readonly Vector[], count: number, out: Int32Array): void {
    if (this.width === 0) {
      out.fill(this.size > 0 ? 0 : -1, 0, count);
      return;
    }
    if (this.scratch.length < count) this.scratch = new Int32Array(Math.max(count, 1024));
    const codes = this.scratch;
    this.columns[0]!.encode(keys[0]!, null, count, this.width === 1 ? codes : out, true);
    if (this.width === 1) {
      for (let k = 0; k < count; k++) {
        const code = codes[k]!;
        out[k] = code < 0 || code >= this.single.length ? -1 : this.single[code]!;
      }
      return;
    }
    for (let c = 1; c < this.width; c++) {
      this.columns[c]!.encode(keys[c]!, null, count, codes, true);
      const pairs = this.pairs[c - 1]!;
      for (let k = 0; k < count; k++) {
        const prev = out[k]!;
        const code = codes[k]!;
        if (prev < 0 || code < 0) {
          out[k] = -1;
          continue;
        }
        out[k] = pairs.get(prev < ID_LIMIT && code < CODE_LIMIT ? prev * CODE_LIMIT + code : `${prev},${code}`) ?? -1;
      }
    }
  }

  private growSingle(code: number): void {
    let size = this.single.length;
    while (size <= code) size *= 2;
    const next = new Int32Array(size).fill(-1);
    next.set(this.single);
    this.single = next;
  }

  clear(): void {
    this.columns = Array.from({ length: this.width }, () => new ColumnCodes());
    this.pairs = Array.from({ length: Math.max(0, this.width - 1) }, () => new Map());
    this.single = new Int32Array(64).fill(-1);
    this.dictIds = null;
    this.size = 0;
  }
}

// ---- the partition hash ----------------------------------------------------------------

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** murmur3's 32-bit finaliser. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A number's hash: equal numbers (-0 and 0, every NaN, an int however stored) hash alike. */
export function hashNumber(x: number): number {
  if (x === 0) x = 0;
  if (x !== x) x = NaN;
  if (Number.isInteger(x) && x >= -2147483648 && x <= 2147483647) return mix(x | 0);
  f64[0] = x;
  return mix(u32[0]! ^ mix(u32[1]!));
}

/** FNV-1a over UTF-16 code units, then mixed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

const NULL_HASH = 0x9e3779b9;

/** Any key value's hash, consistent with the vector hashes below. */
export function hashValue(v: unknown): number {
  switch (typeof v) {
    case "number":
      return hashNumber(v);
    case "string":
      return hashString(v);
    case "boolean":
      return v ? 0x51ed27 : 0x2b5a1;
    case "bigint":
      return hashString(`d${v}`);
    default:
      return v === null || v === undefined ? NULL_HASH : hashString(nestedKeyText(v));
  }
}

/** Folds the hashes of one key column of `count` dense values into `out` (the same on every machine). */
function foldColumn(v: Vector, count: number, out: Uint32Array, first: boolean): void {
  const nulls = v.nulls;
  const fold = (k: number, h: number) => {
    out[k] = first ? h : mix(Math.imul(out[k]!, 31) + h);
  };
  switch (v.kind) {
    case "f64":
    case "i32":
      for (let k = 0; k < count; k++) fold(k, nulls !== null && nulls[k] === 1 ? NULL_HASH : hashNumber(v.values[k]!));
      return;
    case "dict": {
      const entries = v.dict.map(hashString);
      for (let k = 0; k < count; k++) fold(k, nulls !== null && nulls[k] === 1 ? NULL_HASH : entries[v.codes[k]!]!);
      return;
    }
    case "str":
      for (let k = 0; k < count; k++) fold(k, nulls !== null && nulls[k] === 1 ? NULL_HASH : hashString(v.values[k]!));
      return;
    case "bool":
      for (let k = 0; k < count; k++) fold(k, nulls !== null && nulls[k] === 1 ? NULL_HASH : hashValue(v.values[k] === 1));
      return;
    case "any":
      for (let k = 0; k < count; k++) fold(k, nulls !== null && nulls[k] === 1 ? NULL_HASH : hashValue(v.values[k]));
      return;
  }
}

/** The hash of each of the first `count` rows of dense key vectors. */
export function hashKeys(keys: readonly Vector[], count: number): Uint32Array {
  const out = new Uint32Array(count);
  keys.forEach((v, c) => foldColumn(v, count, out, c === 0));
  return out;
}
