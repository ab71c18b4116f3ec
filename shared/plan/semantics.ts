/**
 * Spark SQL's value semantics, in one place: what every operator and function does with
 * values and nulls. Compiled expressions call these helpers (the compiler emits only calls
 * to them, column indexes and JSON literals), and the driver's constant folding uses them
 * too, so both sides agree by construction.
 *
 * Non-ANSI Spark behaviour: x / 0 and x % 0 give null. Casts are shared/plan/casts.ts (ANSI,
 * try_cast and legacy, by Spark's (from, to) table); CASTS below only converts values of type
 * any (a UDF's result) to its declared type, giving null for a value that does not fit.
 */
import { decimalOf, INTEGRAL_RANGES, isInterval, isIntValue, typeKind, type DataType, type TypeKind, type Value } from "./types.ts";
import { parseIntervalString } from "./intervals.ts";
import { fitsPrecision, parseDecimalText } from "./decimal.ts";
import { SparkArithmeticError } from "./functions/math.ts";
import { BadInputError, SparkConditionError } from "../errors.ts";
import { utf8Bytes } from "./binary.ts";

type V = Value;
type N = number | null;

const num = (v: V): N => (v === null ? null : (v as number));
/**
 * Arithmetic results never carry a negative zero: Spark's integers have none, and JSON
 * (Lambda payloads, shuffle files) cannot represent one, so both masters agree.
 */
const z = (n: number): number => n + 0;

/** A UTF-16 code unit's rank in code point order (surrogates after U+E000-U+FFFF). */
const codePointRank = (unit: number) => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

/**
 * Strings in code point order, as Spark compares them (by UTF-8 bytes). JavaScript's `<`
 * compares UTF-16 code units, which puts U+10000 and above (emoji) before U+E000-U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < 0xd800 && y < 0xd800 ? x - y : codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Orders two non-null values of one type; arrays compare element by element, strings by code point. */
export function compareValues(a: Exclude<V, null>, b: Exclude<V, null>): number {
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    // Element by element (a null element first), then the shorter first, as Spark orders arrays and structs.
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const [x, y] = [a[i] as V, b[i] as V];
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === "number" && typeof b === "number") return compareNumbers(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numbers as Spark orders them: NaN equals NaN and is larger than every other number; -0 equals 0. */
export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : a === b ? 0 : a !== a ? (b !== b ? 0 : 1) : -1;
}

/** Equality by value (arrays included); NaN equals NaN, as in Spark. */
export function sameValue(a: V, b: V): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
  return a === b || (typeof a === "number" && a !== a && typeof b === "number" && b !== b);
}

const cmp = (a: V, b: V) => compareValues(a as Exclude<V, null>, b as Exclude<V, null>);

/** Orders values for sorting; nulls go first or last as asked. */
export function compareForSort(a: V, b: V, ascending: boolean, nullsFirst: boolean): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  const c = compareValues(a, b);
  return ascending ? c : -c;
}

/** Compares two sort-key tuples under their orders (first difference wins). */
export function compareSortKeys(a: readonly V[], b: readonly V[], orders: readonly { ascending: boolean; nullsFirst: boolean }[]): number {
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i]!;
    const c = compareForSort(a[i]!, b[i]!, o.ascending, o.nullsFirst);
    if (c !== 0) return c;
  }
  return 0;
}

function likeToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  // "u": "_" is one character (code point), as in Spark, also above U+FFFF.
  return new RegExp(`^${source}$`, "u");
}
const likeCache = new Map<string, RegExp>();
const splitCache = new Map<string, RegExp>();

/** Spark's split(str, regex, limit): limit > 0 keeps at most `limit` parts, the last holding the rest. */
function split(s: V, pattern: V, limit: V = -1): readonly string[] | null {
  if (s === null || pattern === null) return null;
  let re = splitCache.get(pattern as string);
  if (!re) {
    re = new RegExp(pattern as string, "g");
    if (splitCache.size < 1000) splitCache.set(pattern as string, re);
  }
  const text = String(s);
  const max = typeof limit === "number" && limit > 0 ? limit : Infinity;
  const parts: string[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m && parts.length < max - 1; m = re.exec(text)) {
    if (m[0] === "") {
      re.lastIndex++;
      if (m.index >= text.length) break;
      if (m.index === 0) continue;
    }
    parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/;

function toDate(v: V): string | null {
  if (v === null) return null;
  const m = DATE.exec(String(v).trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function toNumber(v: V): number | null {
  if (v === null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (Array.isArray(v)) return null;
  const s = (v as string).trim();
  if (s === "") return null;
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
}

/** Text or a number as a decimal at the type's scale (HALF_UP); null when it is not a number or has too many digits. */
function looseDecimal(precision: number, scale: number): (v: V) => V {
  return (v) => {
    if (v === null || typeof v === "boolean" || Array.isArray(v)) return null;
    if (typeof v === "bigint") return fitsPrecision(v, precision) ? v : null;
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    const d = parseDecimalText(String(v).trim(), scale);
    return d !== undefined && fitsPrecision(d, precision) ? d : null;
  };
}

/** The loose conversion of a text or any value to `type` (see CASTS): null where it does not fit. */
export function castLoose(type: DataType): (v: V) => V {
  const d = decimalOf(type);
  // An interval from Spark's text of it (CSV and JSON files hold that), null where it does not fit.
  if (isInterval(type)) return (v) => (typeof v === "number" ? v : typeof v === "string" ? parseIntervalString(v, type) : null);
  return d ? looseDecimal(d.precision, d.scale) : CASTS[typeKind(type) as Exclude<TypeKind, "decimal">];
}

/** A loose value as a byte or short: truncated, null outside the range. */
function narrowLoose(v: V, t: "byte" | "short"): V {
  const n = toNumber(v);
  if (n === null || !Number.isFinite(n)) return null;
  const x = Math.trunc(n) + 0;
  const [min, max] = INTEGRAL_RANGES[t];
  return x >= min && x <= max ? x : null;
}

const CASTS: Record<Exclude<TypeKind, "decimal">, (v: V) => V> = {
  string: (v) => (v === null ? null : Array.isArray(v) ? `[${(v as readonly string[]).join(", ")}]` : String(v)),
  int: (v) => {
    const n = toNumber(v);
    if (n === null || !Number.isFinite(n)) return null;
    const t = Math.trunc(n);
    return isIntValue(t) ? t + 0 : null; // + 0: Math.trunc(-0.5) is -0, Spark's ints have no negative zero
  },
  byte: (v) => narrowLoose(v, "byte"),
  short: (v) => narrowLoose(v, "short"),
  long: (v) => {
    const n = toNumber(v);
    return n === null || !Number.isFinite(n) ? null : Math.trunc(n) + 0;
  },
  float: (v) => ((n) => (n === null ? null : Math.fround(n)))(toNumber(v)),
  double: (v) => toNumber(v),
  boolean: (v) => {
    if (v === null || typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    if (Array.isArray(v)) return null;
    const s = (v as string).trim().toLowerCase();
    // Spark's StringUtils.isTrueString / isFalseString.
    return s === "true" || s === "t" || s === "y" || s === "1" || s === "yes" ? true : s === "false" || s === "f" || s === "n" || s === "0" || s === "no" ? false : null;
  },
  date: (v) => (typeof v === "string" ? toDate(v) : null),
  // Casts to and from timestamps are compiled from shared/plan/functions/timestamp-casts.ts (they need the session time zone).
  timestamp: (v) => (typeof v === "number" ? v : null),
  timestamp_ntz: (v) => (typeof v === "number" ? v : null),
  // Intervals: castLoose reads them with their type.
  daytime: (v) => (typeof v === "number" ? v : null),
  yearmonth: (v) => (typeof v === "number" ? v : null),
  array: (v) => (Array.isArray(v) ? v : null),
  struct: (v) => (Array.isArray(v) ? v : null),
  map: (v) => (Array.isArray(v) ? v : null),
  // A text's UTF-8 bytes (a CSV or JSON field read into a binary column).
  binary: (v) => (typeof v === "string" ? utf8Bytes(v) : null),
  null: () => null,
  any: (v) => v,
};

/** The helpers compiled expressions call, by name. */
/** x / 0 or x % 0 with ANSI on: Spark 4.0's DIVIDE_BY_ZERO for both (its own words). */
function byZero(): never {
  throw new SparkArithmeticError("DIVIDE_BY_ZERO", 'Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.');
}

const TRY_FUNCTION: Record<string, string> = { add: "try_add", subtract: "try_subtract", multiply: "try_multiply" };

/** An int or long result out of its range with ANSI on (Spark 4's ARITHMETIC_OVERFLOW). */
function overflow(type: "integer" | "long", op: string): never {
  throw new SparkArithmeticError(
    "ARITHMETIC_OVERFLOW",
    `${type} overflow. Use '${TRY_FUNCTION[op] ?? "try_add"}' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
  );
}

/** A tinyint or smallint arithmetic result out of its range with ANSI on: Spark 4's BINARY_ARITHMETIC_OVERFLOW, naming the operands as Spark does (with an S). */
function binaryOverflow(left: number, op: string, right: number): never {
  const symbol = ({ add: "+", subtract: "-", multiply: "*" } as Record<string, string>)[op] ?? op;
  throw new SparkArithmeticError("BINARY_ARITHMETIC_OVERFLOW", `${left}S ${symbol} ${right}S caused overflow. Use \`${TRY_FUNCTION[op] ?? "try_add"}\` to ignore overflow problem and return NULL.`);
}

/** A tinyint's or smallint's negation or abs out of range with ANSI on (Spark 4's words). */
function narrowOverflow(type: "byte" | "short"): never {
  throw new SparkArithmeticError("ARITHMETIC_OVERFLOW", `${type} overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
}

/** array_sort's comparator gave null (Spark 4's COMPARATOR_RETURNS_NULL). */
function comparatorNull(left: V, right: V): never {
  const text = (v: V) => (v === null ? "NULL" : typeof v === "string" ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? String(x) : x)));
  throw new BadInputError(
    `[COMPARATOR_RETURNS_NULL] The comparator has returned a NULL for a comparison between ${text(left)} and ${text(right)}. It should return a positive integer for "greater than", 0 for "equal" and a negative integer for "less than".`,
  );
}

export const RUNTIME = {
  byZero,
  comparatorNull,
  overflow,
  binaryOverflow,
  narrowOverflow,
  add: (a: V, b: V): N => (a === null || b === null ? null : z((a as number) + (b as number))),
  subtract: (a: V, b: V): N => (a === null || b === null ? null : z((a as number) - (b as number))),
  multiply: (a: V, b: V): N => (a === null || b === null ? null : z((a as number) * (b as number))),
  divide: (a: V, b: V): N => (a === null || b === null || b === 0 ? null : z((a as number) / (b as number))),
  mod: (a: V, b: V): N => (a === null || b === null || b === 0 ? null : z((a as number) % (b as number))),
  eq: (a: V, b: V): boolean | null => (a === null || b === null ? null : sameValue(a, b)),
  ne: (a: V, b: V): boolean | null => (a === null || b === null ? null : !sameValue(a, b)),
  gt: (a: V, b: V): boolean | null => (a === null || b === null ? null : cmp(a, b) > 0),
  ge: (a: V, b: V): boolean | null => (a === null || b === null ? null : cmp(a, b) >= 0),
  lt: (a: V, b: V): boolean | null => (a === null || b === null ? null : cmp(a, b) < 0),
  le: (a: V, b: V): boolean | null => (a === null || b === null ? null : cmp(a, b) <= 0),
  eqNullSafe: (a: V, b: V): boolean => sameValue(a, b),
  /** Three-valued logic: false AND null is false, true AND null is null. */
  and: (a: V, b: V): boolean | null => (a === false || b === false ? false : a === null || b === null ? null : true),
  or: (a: V, b: V): boolean | null => (a === true || b === true ? true : a === null || b === null ? null : false),
  not: (a: V): boolean | null => (a === null ? null : !a),
  negate: (a: V): N => (a === null ? null : z(-(a as number))),
  isNull: (a: V): boolean => a === null,
  isNotNull: (a: V): boolean => a !== null,
  /** x IN (...): true on a match; else null if x or any candidate is null; else false. */
  inList: (a: V, values: readonly V[]): boolean | null => {
    if (a === null) return null;
    let sawNull = false;
    for (const v of values) {
      if (v === null) sawNull = true;
      else if (sameValue(v, a)) return true;
    }
    return sawNull ? null : false;
  },
  /** Whether a condition holds: only true counts (null does not). */
  isTrue: (a: V): boolean => a === true,
  num,
  upper: (s: V) => (s === null ? null : String(s).toUpperCase()),
  lower: (s: V) => (s === null ? null : String(s).toLowerCase()),
  /** Spark's trim(str) removes spaces (U+0020) only, not tabs or line breaks. */
  trim: (s: V) => (s === null ? null : String(s).replace(/^ +| +$/g, "")),
  length: (s: V) => (s === null ? null : [...String(s)].length),
  /** Spark's substring: 1-based position (0 acts as 1), negative counts from the end. */
  substring: (s: V, pos: V, len: V) => {
    if (s === null || pos === null || len === null) return null;
    const chars = [...String(s)];
    const p = pos as number;
    const l = len as number;
    // As UTF8String.substringSQL: the end comes from the unclamped start.
    const start = p > 0 ? p - 1 : p < 0 ? chars.length + p : 0;
    const end = Math.min(start + l, chars.length);
    const from = Math.max(start, 0);
    return from >= end ? "" : chars.slice(from, end).join("");
  },
  concat: (...parts: V[]) => (parts.some((p) => p === null) ? null : parts.map((p) => CASTS.string(p)).join("")),
  coalesce: (...values: V[]) => {
    for (const v of values) if (v !== null) return v;
    return null;
  },
  like: (s: V, pattern: V) => {
    if (s === null || pattern === null) return null;
    let re = likeCache.get(pattern as string);
    if (!re) {
      re = likeToRegExp(pattern as string);
      if (likeCache.size < 1000) likeCache.set(pattern as string, re);
    }
    return re.test(String(s));
  },
  split,
  /** greatest/least: nulls are skipped (null only when every value is); NaN is above every number; a tie keeps the first. */
  greatest: (...values: V[]) => extreme(values, 1),
  least: (...values: V[]) => extreme(values, -1),
  /** nvl2(a, b, c): b when a is not null, else c. */
  nvl2: (a: V, b: V, c: V) => (a === null ? c : b),
  /** nullif(a, b): null when a = b (NaN equals NaN), else a. */
  /** raise_error(message): Spark's USER_RAISED_EXCEPTION; with an error class (an engine check), that class's message. */
  raise_error: (message: V, errorClass?: V): never => {
    if (errorClass === undefined || errorClass === null) throw new RaisedError("USER_RAISED_EXCEPTION", `${String(message)} SQLSTATE: P0001`);
    throw new RaisedError(String(errorClass), String(message));
  },
  nullif: (a: V, b: V) => (a !== null && b !== null && sameValue(a, b) ? null : a),
  /** isnan(null) is false, not null. */
  isnan: (a: V) => typeof a === "number" && a !== a,
  /** nanvl(a, b): b when a is NaN, else a (null when a is). */
  nanvl: (a: V, b: V) => (a === null ? null : a !== a ? b : a),
};

function extreme(values: readonly V[], sign: 1 | -1): V {
  let best: V = null;
  for (const v of values) if (v !== null && (best === null || sign * cmp(v, best) > 0)) best = v;
  return best;
}
export type Runtime = typeof RUNTIME;

/** The error raise_error() throws, in Spark's words: `[CLASS] message`. */
export class RaisedError extends SparkConditionError {
  override readonly name = "SparkRuntimeException";
}
