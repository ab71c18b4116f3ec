/**
 * Spark 4's casts between the types sparkfn has, in one table keyed by (from, to): which pairs
 * Spark refuses at analysis (and why, in Spark's words), and how each allowed pair converts a
 * value in each mode. The analyzer (resolve.ts) asks `castRefusal`; compiled expressions and
 * constant folding convert through `castKernel`, so both sides agree by construction.
 *
 * Modes, as Spark's: `ansi` (spark.sql.ansi.enabled = true, Spark 4's default) fails on a
 * value it cannot convert, naming it ([CAST_INVALID_INPUT], [CAST_OVERFLOW]); `try`
 * (try_cast) gives null instead; `legacy` (ANSI off) gives null for malformed input and wraps
 * or saturates numbers as Java's casts do, and allows a few pairs ANSI refuses (date to a
 * number or boolean: always null).
 *
 * Casts to and from timestamp belong to the timestamp type (shared/plan/functions/); their
 * rows here say so until they are filled in.
 */
import { javaDoubleText, javaFloatText } from "./java-number-text.ts";
import { BadInputError, SparkConditionError } from "../errors.ts";
import { daysOf, dateValue, SparkDateTimeError } from "./functions/calendar.ts";
import { arrayType, decimalOf, elementOf, fieldsOf, INT_MAX, INT_MIN, INTEGRAL_RANGES, intervalOf, isIntegral, isInterval, isNested, mapOf, typeKind, wrapIntegral, type DataType, type NarrowIntegral, type TypeKind, type Value } from "./types.ts";
import { decimalToInterval, intervalText, intervalToDecimal, intervalToInterval, intervalToWhole, parseIntervalString, wholeToInterval } from "./intervals.ts";
import { quoteFieldName } from "./type-syntax.ts";
import { integralBytes, utf8Bytes, utf8Text } from "./binary.ts";
import { decimalText, decimalToDouble, doubleToDecimal, javaDecimalToString, fitsPrecision, outOfRange, outOfSupportedRange, parseDecimalText, pow10, rescale, type Decimal } from "./decimal.ts";

export type CastMode = "ansi" | "legacy" | "try";

/** A value that failed to convert (the rule's `failure` says how Spark names it). */
const FAILED: unique symbol = Symbol("cast failed");
/** A value too large for the target decimal: NUMERIC_VALUE_OUT_OF_RANGE naming `text` with ANSI on, null otherwise. */
class OutOfRange {
  /** `unsupported`: text of more than 38 integral digits (NUMERIC_OUT_OF_SUPPORTED_RANGE, as Spark's Decimal.fromStringANSI). */
  constructor(
    readonly text: string,
    readonly unsupported = false,
  ) {}
}
type Converted = Value | typeof FAILED | OutOfRange;
type Convert = (v: Exclude<Value, null>) => Converted;

/** An allowed cast: its conversion in ANSI mode and in legacy mode (try is ANSI with failures as null). */
interface Conversion {
  readonly kind: "convert";
  readonly ansi: Convert;
  readonly legacy: Convert;
  readonly failure: "CAST_INVALID_INPUT" | "CAST_OVERFLOW" | "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE";
  /** Fails in legacy mode too, as ANSI (Spark's casts to and from intervals); try_cast still gives null. */
  readonly strict?: true;
}
/** A pair Spark refuses at analysis: its error condition and the suggestion Spark gives; `legacy`: allowed with ANSI off. */
interface Refusal {
  readonly kind: "refused";
  readonly condition: "CAST_WITH_FUNC_SUGGESTION" | "CAST_WITH_CONF_SUGGESTION" | "CAST_WITHOUT_SUGGESTION";
  readonly suggestion: string;
  readonly legacy?: Convert;
}
/** Casts sparkfn does not have yet (timestamps: the timestamp type's own module). */
interface NotYet {
  readonly kind: "notYet";
  readonly reason: string;
}
export type CastRule = { readonly kind: "identity" } | Conversion | Refusal | NotYet;

/** The types a cast table row or column is keyed by: every type kind but null and any (handled before the table); decimals by their own rules (decimalRule). */
export type CastType = Exclude<TypeKind, "null" | "any">;

const SQL_TYPE_NAMES: Record<Exclude<TypeKind, "decimal" | "array" | "struct" | "map" | "daytime" | "yearmonth">, string> = {
  string: "STRING", binary: "BINARY", byte: "TINYINT", short: "SMALLINT", int: "INT", long: "BIGINT", float: "FLOAT", double: "DOUBLE", boolean: "BOOLEAN", date: "DATE", timestamp: "TIMESTAMP", timestamp_ntz: "TIMESTAMP_NTZ", null: "VOID", any: "ANY",
};

// ---- the conversions ---------------------------------------------------------------------

/** Spark trims ASCII whitespace and control characters (U+0000-U+0020, U+007F) around numbers and booleans; not U+00A0 or U+3000. */
const blank = (c: number) => c <= 0x20 || c === 0x7f;
export function trimBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && blank(s.charCodeAt(start))) start++;
  while (end > start && blank(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

const INTEGRAL = /^[+-]?\d+$/;
/** Legacy (UTF8String.toLong with a fraction allowed): digits, then optionally "." and digits, truncated; "." and "-.5" are 0. */
const INTEGRAL_WITH_FRACTION = /^[+-]?(\d*)(?:\.\d*)?$/;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** The integer in `s` if it fits [min, max], else FAILED; `fraction`: legacy syntax. */
function parseIntegral(s: string, min: bigint, max: bigint, fraction: boolean): Converted {
  const t = trimBlanks(s);
  let digits: string;
  if (INTEGRAL.test(t)) digits = t;
  else {
    const m = fraction ? INTEGRAL_WITH_FRACTION.exec(t) : null;
    if (!m || t === "" || t === "+" || t === "-") return FAILED;
    digits = `${t[0] === "-" ? "-" : ""}${m[1] || "0"}`;
  }
  if (digits.length <= 16) {
    const n = Number(digits);
    return n >= Number(min) && n <= Number(max) ? n + 0 : FAILED;
  }
  const big = BigInt(digits);
  return big >= min && big <= max ? Number(big) + 0 : FAILED;
}

/** Java's Double.parseDouble syntax after trimming (decimal only), and Spark's inf/infinity/nan words. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const SPECIAL: Readonly<Record<string, number>> = { inf: Infinity, "+inf": Infinity, infinity: Infinity, "+infinity": Infinity, "-inf": -Infinity, "-infinity": -Infinity, nan: NaN };

function parseDouble(s: string): Converted {
  // Java's String.trim: U+0000-U+0020 (not U+007F, which the integral parser also trims).
  const t = s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  const special = SPECIAL[t.toLowerCase()];
  if (special !== undefined) return special;
  if (!DECIMAL.test(t)) return FAILED;
  return Number(/[fFdD]$/.test(t) ? t.slice(0, -1) : t);
}

/** Spark's StringUtils.isTrueString / isFalseString, after trimming, any case. */
function parseBoolean(s: string): Converted {
  const t = trimBlanks(s).toLowerCase();
  if (t === "t" || t === "true" || t === "y" || t === "yes" || t === "1") return true;
  if (t === "f" || t === "false" || t === "n" || t === "no" || t === "0") return false;
  return FAILED;
}

/** Spark's string-to-date (calendar.ts); a malformed string fails, a date sparkfn cannot hold is DATETIME_OVERFLOW in every mode. */
function parseDate(s: string): Converted {
  let days: number;
  try {
    days = daysOf(s);
  } catch (error) {
    if (error instanceof SparkDateTimeError && error.errorClass === "CAST_INVALID_INPUT") return FAILED;
    throw error;
  }
  return dateValue(days, () => `CAST('${s}' AS DATE)`);
}

/** A double to an integral type: ANSI fails outside [min, max] (after truncation, as Spark's floor/ceil check) and on NaN. */
const doubleToIntegral = (min: number, max: number) => (v: Exclude<Value, null>): Converted => {
  const x = v as number;
  return Math.floor(x) <= max && Math.ceil(x) >= min ? Math.trunc(x) + 0 : FAILED;
};
/** Java's (int) and (long) of a double: NaN is 0, beyond the range saturates. */
const saturate = (min: number, max: number) => (v: Exclude<Value, null>): Converted => {
  const x = v as number;
  return x !== x ? 0 : x >= max ? max : x <= min ? min : Math.trunc(x) + 0;
};
const LONG_MIN_D = -9223372036854775808; // -2^63, a double
const LONG_MAX_D = 9223372036854775807; // 2^63 as a double: sparkfn's longs are doubles (shared/batch/vector.ts)

/** A long to an int: ANSI fails outside the int range; legacy keeps the low 32 bits, as Java's (int). */
const longToInt: Convert = (v) => ((v as number) >= INT_MIN && (v as number) <= INT_MAX ? v : FAILED);
const wrapToInt: Convert = (v) => wrapIntegral("int", v as number);


/** An integer to a narrower integral type: ANSI fails outside its range; legacy keeps the low bits. */
const toNarrow = (t: NarrowIntegral): Conversion => {
  const [min, max] = INTEGRAL_RANGES[t];
  return { kind: "convert", ansi: (v) => ((v as number) >= min && (v as number) <= max ? v : FAILED), legacy: (v) => wrapIntegral(t, v as number), failure: "CAST_OVERFLOW" };
};
/** A double or float to byte or short: ANSI fails outside the range; legacy is Java's (byte)(int)d (Scala's toByte). */
const fractionalToNarrow = (t: "byte" | "short"): Conversion => {
  const [min, max] = INTEGRAL_RANGES[t];
  return { kind: "convert", ansi: doubleToIntegral(min, max), legacy: (v) => wrapIntegral(t, saturate(INT_MIN, INT_MAX)(v) as number), failure: "CAST_OVERFLOW" };
};
/** A string to byte or short: as to int, within the type's range (legacy: a fraction is truncated, else null). */
const stringToNarrow = (t: NarrowIntegral): Conversion => {
  const [min, max] = INTEGRAL_RANGES[t];
  return fromString((v) => parseIntegral(v as string, BigInt(min), BigInt(max), false), (v) => parseIntegral(v as string, BigInt(min), BigInt(max), true));
};

/** An integral number's digits (a long beyond 2^53 is a double holding an integer: print it whole, not as 1e+21). */
const integralText = (n: number) => (Number.isSafeInteger(n) ? String(n + 0) : BigInt(n).toString());

const both = (f: Convert): Pick<Conversion, "ansi" | "legacy"> => ({ ansi: f, legacy: f });
const exact = (f: Convert): Conversion => ({ kind: "convert", ...both(f), failure: "CAST_OVERFLOW" });
const fromString = (ansi: Convert, legacy: Convert = ansi): Conversion => ({ kind: "convert", ansi, legacy, failure: "CAST_INVALID_INPUT" });
const IDENTITY = { kind: "identity" } as const;
/** A number to float: the nearest float (Java's (float)), ±Infinity beyond its range, in every mode. */
const toFloat = exact((v) => Math.fround(v as number));

const toText = {
  float: exact((v) => javaFloatText(v as number)),
  int: exact((v) => integralText(v as number)),
  long: exact((v) => integralText(v as number)),
  double: exact((v) => javaDoubleText(v as number)),
  boolean: exact((v) => (v ? "true" : "false")),
  date: IDENTITY,
};
const toBoolean = exact((v) => v !== 0);
const fromBoolean = exact((v) => (v ? 1 : 0));

const refuse = (condition: Refusal["condition"], suggestion: string, legacy?: Convert): Refusal => ({ kind: "refused", condition, suggestion, ...(legacy ? { legacy } : {}) });
const alwaysNull: Convert = () => null;
/** Spark's suggestions for the pairs it refuses (its error messages' second sentences). */
const DATE_TO_NUMBER = refuse("CAST_WITH_FUNC_SUGGESTION", 'To convert values from "DATE" to a number, use the function UNIX_DATE instead (days since 1970-01-01).', alwaysNull);
const NUMBER_TO_DATE = refuse("CAST_WITH_FUNC_SUGGESTION", "To convert a number of days since 1970-01-01 to a date, use the function DATE_FROM_UNIX_DATE instead.");
const DATE_TO_BOOLEAN = refuse("CAST_WITH_CONF_SUGGESTION", 'If you have to cast "DATE" to "BOOLEAN", you can set "spark.sql.ansi.enabled" as \'false\'.', alwaysNull);
const NO_WAY = refuse("CAST_WITHOUT_SUGGESTION", "");
/** An integral value to binary: its big-endian bytes (1, 2, 4 or 8) with ANSI off; refused with it on, as Spark 4. */
const integralToBinary = (from: (typeof INTEGRAL_ORDER)[number]): Refusal => {
  const name = SQL_TYPE_NAMES[from];
  const width = ({ byte: 1, short: 2, int: 4, long: 8 } as const)[from];
  return refuse("CAST_WITH_CONF_SUGGESTION", `If you have to cast "${name}" to "BINARY", you can set "spark.sql.ansi.enabled" as 'false'.`, (v) => integralBytes(v as number, width));
};
const TIMESTAMP: NotYet = { kind: "notYet", reason: "casts to and from timestamp are not in sparkfn yet (they come with the timestamp type of issue 15)" };

// ---- decimals (their rules depend on the precision and scale: decimalRule builds them) --------

/** Placeholder in the table: decimalRule gives the rule for the actual types. */
const DECIMAL_RULE: NotYet = { kind: "notYet", reason: "decimal rules are built by decimalRule" };
const INTERVAL_RULE: NotYet = { kind: "notYet", reason: "interval rules are built by intervalRule" };

/** An unscaled value checked against `to`: OutOfRange (with the value's text at `scale`) when it has too many digits. */
const fitted = (v: bigint, scale: number, to: Decimal): Converted => {
  const r = rescale(v, scale, to.scale);
  return fitsPrecision(r, to.precision) ? r : new OutOfRange(decimalText(v, scale));
};

/** Java's String.trim (U+0000-U+0020) around a decimal's text, as Spark's Decimal.fromString. */
const javaTrim = (s: string) => s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");

const NON_ASCII_DIGIT = /[^\u0000-\u007f]/u;
const UNICODE_DIGIT = /\p{Nd}/u;
/**
 * Unicode decimal digits as ASCII ones, as Java's BigDecimal reads them (Character.digit):
 * Unicode keeps every digit run in blocks of ten from a zero, so a digit's value is its distance
 * from the start of its run, modulo 10.
 */
function asciiDigits(text: string): string {
  if (!NON_ASCII_DIGIT.test(text)) return text;
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80 || !UNICODE_DIGIT.test(ch)) {
      out += ch;
      continue;
    }
    let start = cp;
    while (UNICODE_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    out += String((cp - start) % 10);
  }
  return out;
}

/** The integral digits of a decimal text (BigDecimal's precision - scale), or undefined when it is not a number. */
function integralDigits(text: string): number | undefined {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[1] === "" && (m[2] ?? "") === "")) return undefined;
  const digits = `${m[1]}${m[2] ?? ""}`.replace(/^0+/, "");
  const scale = (m[2] ?? "").length - Number(m[3] ?? 0);
  return digits.length === 0 ? 1 - scale : digits.length - scale;
}

function stringToDecimal(to: Decimal): Convert {
  return (v) => {
    const text = asciiDigits(javaTrim(v as string));
    const whole = integralDigits(text);
    if (whole === undefined) return FAILED;
    // Spark fails fast on more than 38 integral digits (Decimal.fromStringANSI: NUMERIC_OUT_OF_SUPPORTED_RANGE).
    if (whole > MAX_DIGITS) return new OutOfRange(v as string, true);
    const rounded = parseDecimalText(text, to.scale);
    if (rounded === undefined) return FAILED;
    return fitsPrecision(rounded, to.precision) ? rounded : new OutOfRange(text);
  };
}
const MAX_DIGITS = 38;

/** An integral decimal value to int or long: truncated toward zero; ANSI fails outside [min, max], legacy keeps the low bits as Java's longValue/intValue. */
const decimalToIntegral = (from: Decimal, bits: 8 | 16 | 32 | 64, wrap: boolean): Convert => (v) => {
  const whole = (v as bigint) / pow10(from.scale);
  const min = -(2n ** BigInt(bits - 1));
  const max = 2n ** BigInt(bits - 1) - 1n;
  if (whole >= min && whole <= max) return Number(whole) + 0;
  return wrap ? Number(BigInt.asIntN(bits, BigInt.asIntN(64, whole))) + 0 : FAILED;
};

/** The rule for a cast from or to a decimal type (the table only marks those pairs). */
function decimalRule(from: DataType, to: DataType): CastRule {
  const f = decimalOf(from);
  const t = decimalOf(to);
  if (f && t) return exact((v) => fitted(v as bigint, f.scale, t));
  if (t) {
    switch (typeKind(from)) {
      case "string":
        return fromString(stringToDecimal(t));
      case "byte":
      case "short":
      case "int":
      case "long":
        return exact((v) => fitted(BigInt(v as number), 0, t));
      case "float":
      case "double":
        // NaN and ±Infinity have no decimal: null, with ANSI on too (as Spark's cast). The double's
        // shortest text is rounded HALF_UP (Spark reads Double.toString's digits).
        return {
          kind: "convert",
          ...both((v) => {
            if (!Number.isFinite(v as number)) return null;
            const r = doubleToDecimal(v as number, t.scale);
            return fitsPrecision(r, t.precision) ? r : new OutOfRange(javaDoubleText(v as number));
          }),
          failure: "CAST_INVALID_INPUT",
        };
      case "boolean":
        return exact((v) => (v ? pow10(t.scale) : 0n));
      case "date":
        return DATE_TO_NUMBER;
      case "timestamp":
        return TIMESTAMP;
      default:
        return NO_WAY;
    }
  }
  const d = f!;
  switch (typeKind(to)) {
    case "string":
      // ANSI: the plain text; legacy: Java's BigDecimal.toString (0E-18), as Spark's casts.
      return { kind: "convert", ansi: (v) => decimalText(v as bigint, d.scale), legacy: (v) => javaDecimalToString(v as bigint, d.scale), failure: "CAST_OVERFLOW" };
    case "byte":
      return { kind: "convert", ansi: decimalToIntegral(d, 8, false), legacy: decimalToIntegral(d, 8, true), failure: "CAST_OVERFLOW" };
    case "short":
      return { kind: "convert", ansi: decimalToIntegral(d, 16, false), legacy: decimalToIntegral(d, 16, true), failure: "CAST_OVERFLOW" };
    case "int":
      return { kind: "convert", ansi: decimalToIntegral(d, 32, false), legacy: decimalToIntegral(d, 32, true), failure: "CAST_OVERFLOW" };
    case "long":
      return { kind: "convert", ansi: decimalToIntegral(d, 64, false), legacy: decimalToIntegral(d, 64, true), failure: "CAST_OVERFLOW" };
    case "float":
      return exact((v) => Math.fround(decimalToDouble(v as bigint, d.scale)));
    case "double":
      return exact((v) => decimalToDouble(v as bigint, d.scale));
    case "boolean":
      return exact((v) => v !== 0n);
    case "date":
      return NUMBER_TO_DATE;
    case "timestamp":
      return TIMESTAMP;
    default:
      return NO_WAY;
  }
}

// ---- arrays and structs (their rules depend on their elements' and fields' types: nestedRule builds them) ----

/** Placeholder in the table: nestedRule gives the rule for the actual types. */
const NESTED_RULE: NotYet = { kind: "notYet", reason: "nested rules are built by nestedRule" };

/** Whether a type holds a timestamp anywhere (its text needs the session time zone, which these rules do not have). */
const holdsTimestamp = (t: DataType): boolean =>
  t === "timestamp" ||
  t === "timestamp_ntz" ||
  (elementOf(t) !== null && holdsTimestamp(elementOf(t)!)) ||
  (fieldsOf(t)?.some((f) => holdsTimestamp(f.type)) ?? false) ||
  (mapOf(t) !== null && (holdsTimestamp(mapOf(t)!.key) || holdsTimestamp(mapOf(t)!.value)));

/**
 * An array or struct cast to a string, as Spark's ToStringBase: `[1, null, 3]`, `{1, a}`, nested
 * values as their own casts to string (legacy's decimals as Java's toString), null as "null".
 */
function nestedText(t: DataType, mode: "ansi" | "legacy"): Convert {
  const map = mapOf(t);
  if (map !== null) {
    // {k1 -> v1, k2 -> null}, as Spark's ToStringBase writes a map.
    const [key, value] = [partText(map.key, mode), partText(map.value, mode)];
    return (v) => {
      const [keys, values] = v as readonly [readonly Value[], readonly Value[]];
      return `{${keys.map((k, i) => `${key(k)} -> ${value(values[i] ?? null)}`).join(", ")}}`;
    };
  }
  const element = elementOf(t);
  const parts = element !== null ? null : fieldsOf(t)!.map((f) => partText(f.type, mode));
  const one = element !== null ? partText(element, mode) : null;
  return (v) => {
    const values = v as readonly Value[];
    if (one) return `[${values.map(one).join(", ")}]`;
    return `{${values.map((x, i) => parts![i]!(x)).join(", ")}}`;
  };
}

function partText(t: DataType, mode: "ansi" | "legacy"): (v: Value) => string {
  if (t === "null") return () => "null";
  if (isNested(t)) {
    const inner = nestedText(t, mode);
    return (v) => (v === null ? "null" : (inner(v) as string));
  }
  const kernel = castKernel(t, "string", mode);
  return (v) => (v === null ? "null" : (kernel(v) as string));
}

/** The rule for a cast from an array or struct (the table only marks those pairs): to a string, or element by element / field by field. */
function nestedRule(from: DataType, to: DataType): CastRule {
  if (to === "string") {
    if (holdsTimestamp(from)) return { kind: "notYet", reason: "a nested value with timestamps cannot be cast to a string yet (the session time zone does not reach it); cast its timestamps first" };
    return { kind: "convert", ansi: nestedText(from, "ansi"), legacy: nestedText(from, "legacy"), failure: "CAST_INVALID_INPUT" };
  }
  const [ef, et] = [elementOf(from), elementOf(to)];
  if (ef !== null && et !== null) {
    const inner = castRuleOrNull(ef, et);
    if (inner === null || inner.kind === "refused") return NO_WAY;
    if (inner.kind === "identity") return IDENTITY;
    if (inner.kind === "notYet") return inner;
    return { kind: "convert", ansi: mapped(castKernel(ef, et, "ansi")), legacy: mapped(castKernel(ef, et, "legacy")), failure: inner.failure };
  }
  const [mf, mt] = [mapOf(from), mapOf(to)];
  if (mf !== null && mt !== null) {
    // Keys and values as an array<K> and an array<V> each, cast element by element.
    const [keys, values] = [nestedRule(arrayType(mf.key), arrayType(mt.key)), nestedRule(arrayType(mf.value), arrayType(mt.value))];
    if (keys.kind === "refused" || values.kind === "refused") return NO_WAY;
    if (keys.kind === "notYet") return keys;
    if (values.kind === "notYet") return values;
    if (keys.kind === "identity" && values.kind === "identity") return IDENTITY;
    const part = (rule: CastRule, mode: "ansi" | "legacy"): Convert => (rule.kind === "convert" ? rule[mode] : (v) => v);
    const pair = (mode: "ansi" | "legacy"): Convert => (v) => {
      const [k, x] = v as readonly [readonly Value[], readonly Value[]];
      return [part(keys, mode)(k) as Value, part(values, mode)(x) as Value];
    };
    return { kind: "convert", ansi: pair("ansi"), legacy: pair("legacy"), failure: "CAST_INVALID_INPUT" };
  }
  const [ff, ft] = [fieldsOf(from), fieldsOf(to)];
  if (ff !== null && ft !== null && ff.length === ft.length) {
    const rules = ff.map((f, i) => castRuleOrNull(f.type, ft[i]!.type));
    if (rules.some((r) => r === null || r.kind === "refused")) return NO_WAY;
    const notYet = rules.find((r) => r!.kind === "notYet");
    if (notYet) return notYet!;
    if (rules.every((r) => r!.kind === "identity")) return IDENTITY;
    const kernels = (mode: "ansi" | "legacy") => ff.map((f, i) => castKernel(f.type, ft[i]!.type, mode));
    const [ansi, legacy] = [kernels("ansi"), kernels("legacy")];
    return { kind: "convert", ansi: (v) => (v as readonly Value[]).map((x, i) => ansi[i]!(x)), legacy: (v) => (v as readonly Value[]).map((x, i) => legacy[i]!(x)), failure: "CAST_INVALID_INPUT" };
  }
  return NO_WAY;
}

const mapped = (kernel: CastKernel): Convert => (v) => (v as readonly Value[]).map(kernel);

/** A pair's rule, or null when a side is null or any (which every cast takes: their values pass). */
const castRuleOrNull = (from: DataType, to: DataType): CastRule | null => (from === "null" ? IDENTITY : !isCastType(from) || !isCastType(to) ? null : castRule(from, to));

/** Every (from, to) pair: rows are the source type, columns the target. */
/** One rule for every target (a row's default, before its own entries). */
function everyTarget(rule: CastRule): Record<CastType, CastRule> {
  const kinds: readonly CastType[] = ["string", "binary", "byte", "short", "int", "long", "float", "double", "boolean", "date", "timestamp", "timestamp_ntz", "array", "struct", "map", "decimal", "daytime", "yearmonth"];
  return Object.fromEntries(kinds.map((k) => [k, rule])) as Record<CastType, CastRule>;
}

const INTEGRAL_ORDER = ["byte", "short", "int", "long"] as const;

/** An integral type's row: wider integral types and double take its values as they are; narrower ones check or wrap; float rounds (beyond 2^24). */
function integralRow(from: (typeof INTEGRAL_ORDER)[number]): Record<CastType, CastRule> {
  const rank = INTEGRAL_ORDER.indexOf(from);
  const integral = (to: NarrowIntegral): CastRule => (INTEGRAL_ORDER.indexOf(to) >= rank ? IDENTITY : toNarrow(to));
  return {
    ...everyTarget(NO_WAY),
    string: from === "long" ? toText.long : toText.int,
    byte: integral("byte"),
    short: integral("short"),
    int: integral("int"),
    long: IDENTITY,
    // byte and short values are floats already; an int or long may not be.
    float: rank <= 1 ? IDENTITY : toFloat,
    double: IDENTITY,
    boolean: toBoolean,
    date: NUMBER_TO_DATE,
    timestamp: TIMESTAMP,
    timestamp_ntz: TIMESTAMP,
    decimal: DECIMAL_RULE,
    binary: integralToBinary(from),
  };
}

/** A float's or double's row: a float is a double already; a double to float rounds. */
function fractionalRow(from: "float" | "double"): Record<CastType, CastRule> {
  return {
    ...everyTarget(NO_WAY),
    string: from === "float" ? toText.float : toText.double,
    byte: fractionalToNarrow("byte"),
    short: fractionalToNarrow("short"),
    int: { kind: "convert", ansi: doubleToIntegral(INT_MIN, INT_MAX), legacy: saturate(INT_MIN, INT_MAX), failure: "CAST_OVERFLOW" },
    long: { kind: "convert", ansi: doubleToIntegral(LONG_MIN_D, LONG_MAX_D), legacy: saturate(LONG_MIN_D, LONG_MAX_D), failure: "CAST_OVERFLOW" },
    float: from === "float" ? IDENTITY : toFloat,
    double: IDENTITY,
    boolean: toBoolean,
    date: NUMBER_TO_DATE,
    timestamp: TIMESTAMP,
    timestamp_ntz: TIMESTAMP,
    decimal: DECIMAL_RULE,
  };
}

export const CAST_RULES: Record<CastType, Record<CastType, CastRule>> = {
  string: {
    string: IDENTITY,
    byte: stringToNarrow("byte"),
    short: stringToNarrow("short"),
    int: stringToNarrow("int"),
    long: fromString((v) => parseIntegral(v as string, LONG_MIN, LONG_MAX, false), (v) => parseIntegral(v as string, LONG_MIN, LONG_MAX, true)),
    float: fromString((v) => ((d) => (typeof d === "number" ? Math.fround(d) : d))(parseDouble(v as string))),
    double: fromString((v) => parseDouble(v as string)),
    boolean: fromString((v) => parseBoolean(v as string)),
    date: fromString((v) => parseDate(v as string)),
    timestamp: TIMESTAMP,
    timestamp_ntz: TIMESTAMP,
    array: NO_WAY,
    struct: NO_WAY,
    map: NO_WAY,
    decimal: DECIMAL_RULE,
    // Its UTF-8 bytes.
    binary: exact((v) => utf8Bytes(v as string)),
    daytime: INTERVAL_RULE,
    yearmonth: INTERVAL_RULE,
  },
  // Its bytes read as UTF-8 (a malformed sequence is U+FFFD); to nothing else.
  binary: { ...everyTarget(NO_WAY), string: exact((v) => utf8Text(v as string)), binary: IDENTITY },
  byte: integralRow("byte"),
  short: integralRow("short"),
  int: integralRow("int"),
  long: integralRow("long"),
  float: fractionalRow("float"),
  double: fractionalRow("double"),
  boolean: {
    string: toText.boolean,
    byte: fromBoolean,
    short: fromBoolean,
    int: fromBoolean,
    long: fromBoolean,
    float: fromBoolean,
    double: fromBoolean,
    boolean: IDENTITY,
    date: NO_WAY,
    timestamp: TIMESTAMP,
    timestamp_ntz: TIMESTAMP,
    array: NO_WAY,
    struct: NO_WAY,
    map: NO_WAY,
    decimal: DECIMAL_RULE,
    binary: NO_WAY,
    daytime: NO_WAY,
    yearmonth: NO_WAY,
  },
  date: {
    string: toText.date,
    byte: DATE_TO_NUMBER,
    short: DATE_TO_NUMBER,
    int: DATE_TO_NUMBER,
    long: DATE_TO_NUMBER,
    float: DATE_TO_NUMBER,
    double: DATE_TO_NUMBER,
    boolean: DATE_TO_BOOLEAN,
    date: IDENTITY,
    timestamp: TIMESTAMP,
    timestamp_ntz: TIMESTAMP,
    array: NO_WAY,
    struct: NO_WAY,
    map: NO_WAY,
    decimal: DECIMAL_RULE,
    binary: NO_WAY,
    daytime: NO_WAY,
    yearmonth: NO_WAY,
  },
  timestamp: { ...everyTarget(TIMESTAMP), timestamp: IDENTITY, binary: NO_WAY },
  // Casts with timestamp_ntz are the timestamp module's too (it refuses the pairs Spark refuses).
  timestamp_ntz: { ...everyTarget(TIMESTAMP), timestamp_ntz: IDENTITY },
  array: { ...everyTarget(NO_WAY), string: NESTED_RULE, timestamp: TIMESTAMP, timestamp_ntz: TIMESTAMP, array: NESTED_RULE },
  struct: { ...everyTarget(NO_WAY), string: NESTED_RULE, timestamp: TIMESTAMP, timestamp_ntz: TIMESTAMP, struct: NESTED_RULE },
  map: { ...everyTarget(NO_WAY), string: NESTED_RULE, timestamp: TIMESTAMP, timestamp_ntz: TIMESTAMP, map: NESTED_RULE },
  decimal: { ...everyTarget(DECIMAL_RULE), timestamp: TIMESTAMP, timestamp_ntz: TIMESTAMP, array: NO_WAY, struct: NO_WAY, map: NO_WAY, binary: NO_WAY, daytime: INTERVAL_RULE, yearmonth: INTERVAL_RULE },
  daytime: everyTarget(INTERVAL_RULE),
  yearmonth: everyTarget(INTERVAL_RULE),
};

/**
 * The rule for a cast from or to an interval (the table only marks those pairs; shared/plan/intervals.ts converts):
 * to and from strings (Spark's interval text), integral numbers (counts of the end field) and
 * intervals of the same kind (truncated to the target's end field); decimals are not in sparkfn yet; the rest Spark refuses.
 */
function intervalRule(from: DataType, to: DataType): CastRule {
  const [f, t] = [intervalOf(from), intervalOf(to)];
  if (f && t) return f.kind !== t.kind ? NO_WAY : from === to ? IDENTITY : exact((v) => intervalToInterval(v as number, to));
  if (t) {
    if (from === "string") {
      const parse = (v: Exclude<Value, null>) => parseIntervalString(v as string, to) ?? FAILED;
      return { kind: "convert", ansi: parse, legacy: parse, failure: "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE", strict: true };
    }
    if (isIntegral(from)) {
      const whole = (v: Exclude<Value, null>) => wholeToInterval(v as number, to) ?? FAILED;
      return { kind: "convert", ansi: whole, legacy: whole, failure: "CAST_OVERFLOW", strict: true };
    }
    const d = decimalOf(from);
    if (d) {
      const convert = (v: Exclude<Value, null>) => decimalToInterval(v as bigint, d.scale, to) ?? FAILED;
      return { kind: "convert", ansi: convert, legacy: convert, failure: "CAST_OVERFLOW", strict: true };
    }
    return NO_WAY;
  }
  if (to === "string") return exact((v) => intervalText(v as number, from));
  if (isIntegral(to)) {
    const [min, max] = to === "long" ? [-(2 ** 63), 2 ** 63] : INTEGRAL_RANGES[to];
    const whole = (v: Exclude<Value, null>) => ((n) => (n >= min && n <= max ? n : FAILED))(intervalToWhole(v as number, from));
    return { kind: "convert", ansi: whole, legacy: whole, failure: "CAST_OVERFLOW", strict: true };
  }
  const d = decimalOf(to);
  if (d) {
    // Out of the decimal's precision: NUMERIC_VALUE_OUT_OF_RANGE with ANSI on, null with it off.
    const convert = (v: Exclude<Value, null>) => ((r) => (fitsPrecision(r, d.precision) ? r : new OutOfRange(decimalText(r, d.scale))))(intervalToDecimal(v as number, from, d.scale));
    return { kind: "convert", ansi: convert, legacy: convert, failure: "CAST_OVERFLOW" };
  }
  return NO_WAY;
}

// ---- names and errors ----------------------------------------------------------------------

/** Spark's SQL name of a type, as its cast messages write it ("DECIMAL(10,2)"). */
export function sqlTypeName(t: DataType): string {
  const d = decimalOf(t);
  if (d) return `DECIMAL(${d.precision},${d.scale})`;
  const element = elementOf(t);
  if (element !== null) return `ARRAY<${sqlTypeName(element)}>`;
  const fields = fieldsOf(t);
  if (fields !== null) return `STRUCT<${fields.map((f) => `${quoteFieldName(f.name)}: ${sqlTypeName(f.type)}`).join(", ")}>`;
  const map = mapOf(t);
  if (map !== null) return `MAP<${sqlTypeName(map.key)}, ${sqlTypeName(map.value)}>`;
  if (isInterval(t)) return t.toUpperCase();
  return SQL_TYPE_NAMES[typeKind(t) as Exclude<TypeKind, "decimal" | "array" | "struct" | "map" | "daytime" | "yearmonth">];
}


/** A value a cast could not convert (ANSI mode): Spark's error condition and message. */
export class CastError extends SparkConditionError<Conversion["failure"]> {
  override readonly name = "CastError";
}

/** A value as Spark's cast messages show it: strings quoted, longs with L, doubles as Java prints them with D, decimals with BD. */
function sqlLiteral(v: Exclude<Value, null>, from: DataType): string {
  const d = decimalOf(from);
  if (d) return `${decimalText(v as bigint, d.scale)}BD`;
  if (from === "long") return `${integralText(v as number)}L`;
  if (from === "double") {
    const x = v as number;
    return x !== x || !Number.isFinite(x) ? javaDoubleText(x) : `${javaDoubleText(x)}D`;
  }
  // Spark writes a tinyint's and a smallint's value with S, a float's as Java prints it.
  if (from === "byte" || from === "short") return `${String(v)}S`;
  if (from === "float") return javaFloatText(v as number);
  if (from === "int") return String(v);
  return `'${String(v)}'`;
}

function castFailure(v: Exclude<Value, null>, from: DataType, to: DataType, failure: Conversion["failure"]): CastError {
  const what = `The value ${sqlLiteral(v, from)} of the type "${sqlTypeName(from)}" cannot be cast to "${sqlTypeName(to)}"`;
  if (failure === "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE") {
    return new CastError(failure, `Error parsing '${String(v)}' to interval. Please ensure that the value provided is in a valid format for defining an interval. Interval string does not match the format of ${sqlTypeName(to)}.`);
  }
  return failure === "CAST_INVALID_INPUT"
    ? new CastError(failure, `${what} because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead.`)
    : new CastError(failure, `${what} due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`);
}

// ---- the entry points ----------------------------------------------------------------------

/** The table's rule for a pair; null and any (values of no type or any type) are handled by the callers. */
export function castRule(from: DataType, to: DataType): CastRule {
  if (isInterval(from) || isInterval(to)) return intervalRule(from, to);
  const rule = CAST_RULES[typeKind(from) as CastType][typeKind(to) as CastType];
  return rule === DECIMAL_RULE ? decimalRule(from, to) : rule === NESTED_RULE ? nestedRule(from, to) : rule;
}

const isCastType = (t: DataType): boolean => t !== "null" && t !== "any";

/**
 * Why Spark refuses to cast `from` to `to` at analysis in `mode` (a sentence for an
 * AnalysisError, starting with Spark's condition), or undefined when it allows the cast.
 */
export function castRefusal(from: DataType, to: DataType, mode: CastMode, what: string): string | undefined {
  if (from === "null" || from === "any" || to === "any") return undefined;
  if (to === "null") return `[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "${what}": cannot cast "${sqlTypeName(from)}" to "VOID".`;
  const rule = castRule(from, to);
  if (rule.kind === "notYet") return undefined; // timestamp casts: functions/timestamp-casts.ts checks them
  if (rule.kind !== "refused" || (mode === "legacy" && rule.legacy)) return undefined;
  const ansi = rule.condition === "CAST_WITH_CONF_SUGGESTION" ? " with ANSI mode on" : "";
  return `[DATATYPE_MISMATCH.${rule.condition}] Cannot resolve "${what}" due to data type mismatch: cannot cast "${sqlTypeName(from)}" to "${sqlTypeName(to)}"${ansi}.${rule.suggestion ? ` ${rule.suggestion}` : ""}`;
}

/** Whether casting `from` to `to` changes no value (a type to itself, int or long to double or long). */
export function isIdentityCast(from: DataType, to: DataType): boolean {
  return from === to || (isCastType(from) && isCastType(to) && castRule(from, to).kind === "identity");
}

/** Converts one value (null stays null); the caller has checked castRefusal. */
export type CastKernel = (v: Value) => Value;

const nullKernel: CastKernel = () => null;
const identityKernel: CastKernel = (v) => v;

/**
 * The conversion of `from` values to `to` in `mode`: ANSI throws a CastError naming the value,
 * try and legacy give null where it fails. Values of type any (a UDF's) are passed through.
 */
export function castKernel(from: DataType, to: DataType, mode: CastMode): CastKernel {
  if (from === "null" || to === "null") return nullKernel;
  if (from === "any" || to === "any") return identityKernel;
  if (!isCastType(from) || !isCastType(to)) return nullKernel;
  const rule = castRule(from, to);
  switch (rule.kind) {
    case "identity":
      return identityKernel;
    case "notYet":
      return () => {
        throw new BadInputError(`Cannot cast ${sqlTypeName(from)} to ${sqlTypeName(to)}: ${rule.reason}.`);
      };
    case "refused": {
      const legacy = rule.legacy;
      if (mode === "legacy" && legacy) return (v) => (v === null ? null : (((r) => (r === FAILED || r instanceof OutOfRange ? null : r))(legacy(v))));
      return () => {
        throw new BadInputError(castRefusal(from, to, mode, `CAST(... AS ${sqlTypeName(to)})`) ?? `Cannot cast ${from} to ${to}.`);
      };
    }
    case "convert": {
      const convert = mode === "legacy" ? rule.legacy : rule.ansi;
      // try_cast of an array or struct: each element or field tried (one that does not convert is null), as Spark's.
      if (mode === "try" && isNested(from) && to !== "string") {
        const [ef, et, ff, ft, mf, mt] = [elementOf(from), elementOf(to), fieldsOf(from), fieldsOf(to), mapOf(from), mapOf(to)];
        if (ef !== null && et !== null) {
          const inner = castKernel(ef, et, "try");
          return (v) => (v === null ? null : (v as readonly Value[]).map(inner));
        }
        if (mf !== null && mt !== null) {
          const [keys, values] = [castKernel(arrayType(mf.key), arrayType(mt.key), "try"), castKernel(arrayType(mf.value), arrayType(mt.value), "try")];
          return (v) => (v === null ? null : [keys((v as readonly Value[])[0]!), values((v as readonly Value[])[1]!)]);
        }
        const inner = ff!.map((f, i) => castKernel(f.type, ft![i]!.type, "try"));
        return (v) => (v === null ? null : (v as readonly Value[]).map((x, i) => inner[i]!(x)));
      }
      if (mode === "ansi" || (mode === "legacy" && rule.strict)) {
        return (v) => {
          if (v === null) return null;
          const r = convert(v);
          if (r === FAILED) throw castFailure(v, from, to, rule.failure);
          if (r instanceof OutOfRange) throw r.unsupported ? outOfSupportedRange(r.text) : outOfRange(r.text, decimalOf(to)!);
          return r;
        };
      }
      return (v) => {
        if (v === null) return null;
        const r = convert(v);
        return r === FAILED || r instanceof OutOfRange ? null : r;
      };
    }
  }
}

/** One value's cast (tests, constant folding): castKernel applied once. */
export function castValue(v: Value, from: DataType, to: DataType, mode: CastMode = "ansi"): Value {
  return castKernel(from, to, mode)(v);
}
