/**
 * Spark's format_string(format, args...) (and its SQL synonym printf): java.util.Formatter with
 * Locale.US over the arguments as Spark hands them to it: strings as text, integers as Java's
 * Byte/Short/Integer/Long, doubles and floats as Double/Float, booleans, decimals as Spark's
 * Decimal (text for %s, refused by %d and %f as in Spark), dates as their day number and
 * timestamps as their microseconds (Spark's internal values), null as "null".
 *
 * Conversions: s S b B c C d o x X e E f g G n %, with Java's flags (- # + space 0 , ( ),
 * width, precision and argument indexes (%2$s, %<s). Floating point as Java prints it: the
 * double's shortest digits rounded HALF_UP at the precision (so %.2f of 2.675 is "2.68",
 * unlike C). What Java refuses fails with Java's words: `d != java.lang.Double`, `Format
 * specifier '%s'`, `Conversion = 'q'`. Not taken: %h (a hash of Spark's UTF8String), %a, %t.
 */
import { BadInputError } from "../../errors.ts";
import { javaDoubleText, javaFloatText } from "../java-number-text.ts";
import { decimalOf, type DataType, type Value } from "../types.ts";
import { decimalText } from "../decimal.ts";
import { daysOf } from "./calendar.ts";

/** A Formatter failure, in Java's words (Spark shows the Java exception's message). */
export class FormatterError extends BadInputError {
  override readonly name = "IllegalFormatException";
}

/** An argument as java.util.Formatter sees it: its Java class and value. */
type Arg =
  | { readonly java: "Byte" | "Short" | "Integer" | "Long"; readonly value: bigint; readonly bits: 8 | 16 | 32 | 64 }
  | { readonly java: "Double" | "Float"; readonly value: number }
  | { readonly java: "String"; readonly value: string }
  | { readonly java: "Boolean"; readonly value: boolean }
  | { readonly java: "Decimal"; readonly value: string }
  | { readonly java: "null" };

const INTEGRAL: Readonly<Record<string, { java: "Byte" | "Short" | "Integer" | "Long"; bits: 8 | 16 | 32 | 64 }>> = {
  byte: { java: "Byte", bits: 8 },
  short: { java: "Short", bits: 16 },
  int: { java: "Integer", bits: 32 },
  long: { java: "Long", bits: 64 },
  // Spark's internal values: days for a date, microseconds for a timestamp.
  date: { java: "Integer", bits: 32 },
  timestamp: { java: "Long", bits: 64 },
  timestamp_ntz: { java: "Long", bits: 64 },
};

/** Why format_string cannot take an argument of this type, or undefined when it can. */
export function formatStringRefuses(type: DataType): string | undefined {
  if (type === "string" || type === "double" || type === "float" || type === "boolean" || type === "null" || decimalOf(type) || type in INTEGRAL) return undefined;
  return `format_string() cannot take a ${type} argument: Spark formats its internal object there; cast it to string first`;
}

/** Converts the engine's value of `type` to what Formatter gets. */
export function formatArg(type: DataType): (v: Value) => Arg {
  const integral = INTEGRAL[type];
  if (integral) {
    if (type === "date") return (v) => (v === null ? { java: "null" } : { ...integral, value: BigInt(daysOf(v as string)) });
    return (v) => (v === null ? { java: "null" } : { ...integral, value: BigInt(v as number) });
  }
  const decimal = decimalOf(type);
  if (decimal) return (v) => (v === null ? { java: "null" } : { java: "Decimal", value: decimalText(v as bigint, decimal.scale) });
  if (type === "double" || type === "float") return (v) => (v === null ? { java: "null" } : { java: type === "double" ? "Double" : "Float", value: v as number });
  if (type === "boolean") return (v) => (v === null ? { java: "null" } : { java: "Boolean", value: v as boolean });
  return (v) => (v === null ? { java: "null" } : { java: "String", value: String(v) });
}

const SPECIFIER = /%(\d+\$)?([-#+ 0,(<]*)(\d+)?(\.\d+)?([tT])?([a-zA-Z%])?/g;

const javaClass = (a: Arg): string => (a.java === "Decimal" ? "org.apache.spark.sql.types.Decimal" : `java.lang.${a.java}`);

/** The text of a Java object (Object.toString). */
function text(a: Arg): string {
  switch (a.java) {
    case "null":
      return "null";
    case "Double":
      return javaDoubleText(a.value);
    case "Float":
      return javaFloatText(a.value);
    case "Byte":
    case "Short":
    case "Integer":
    case "Long":
      return a.value.toString();
    default:
      return String(a.value);
  }
}

interface Spec {
  readonly flags: string;
  readonly width: number | undefined;
  readonly precision: number | undefined;
  readonly conversion: string;
  readonly source: string;
}

function pad(s: string, spec: Spec): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  return spec.flags.includes("-") ? s.padEnd(spec.width) : s.padStart(spec.width);
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Sign, parentheses, zero padding and width around a magnitude's digits, as Formatter's leadingSign/trailingSign. */
function signed(negative: boolean, magnitude: string, spec: Spec): string {
  const f = spec.flags;
  let prefix = negative ? (f.includes("(") ? "(" : "-") : f.includes("+") ? "+" : f.includes(" ") ? " " : "";
  const suffix = negative && f.includes("(") ? ")" : "";
  let body = magnitude;
  if (f.includes("0") && spec.width !== undefined) body = body.padStart(spec.width - prefix.length - suffix.length, "0");
  prefix += body;
  return pad(prefix + suffix, spec);
}

/** The shortest digits of |x| and its decimal exponent (x = 0.d1d2... × 10^point). */
function shortest(x: number): { digits: string; point: number } {
  if (x === 0) return { digits: "0", point: 1 };
  const [m, e] = Math.abs(x).toExponential().split("e");
  return { digits: m!.replace(".", ""), point: Number(e) + 1 };
}

/** digits rounded HALF_UP to `keep` leading digits (keep may be 0 or less: the value rounds to 0 or to one unit). */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep >= digits.length) return { digits, point };
  if (keep < 0) return { digits: "0", point: point };
  const up = digits[keep]! >= "5";
  let kept = digits.slice(0, keep) || "0";
  if (up) {
    const carried = (BigInt(kept) + 1n).toString();
    if (carried.length > kept.length && keep > 0) point++;
    else if (keep === 0) point++;
    kept = carried;
  }
  return { digits: kept, point };
}

/** %f of a finite double: Java's FormattedFloatingDecimal in DECIMAL_FLOAT form. */
function fixed(x: number, precision: number): string {
  const { digits, point } = shortest(x);
  const r = roundDigits(digits, point, point + precision);
  const all = r.digits.replace(/^0+(?=\d)/, "");
  let integer: string;
  let fraction: string;
  if (r.point <= 0) {
    integer = "0";
    fraction = ("0".repeat(-r.point) + all).slice(0, precision);
  } else {
    integer = all.slice(0, r.point).padEnd(r.point, "0").replace(/^0+(?=\d)/, "");
    fraction = all.slice(r.point);
  }
  if (r.digits === "0") [integer, fraction] = ["0", ""];
  fraction = fraction.padEnd(precision, "0").slice(0, precision);
  return precision > 0 ? `${integer}.${fraction}` : integer;
}

/** %e of a finite double: precision digits after the point, exponent of at least two digits. */
function scientific(x: number, precision: number, upper: boolean): string {
  const { digits, point } = shortest(x);
  if (x === 0) return `0${precision > 0 ? `.${"0".repeat(precision)}` : ""}${upper ? "E" : "e"}+00`;
  const r = roundDigits(digits, point, precision + 1);
  const all = r.digits.padEnd(precision + 1, "0");
  const exponent = r.point - 1;
  const mantissa = precision > 0 ? `${all[0]}.${all.slice(1, precision + 1)}` : all[0]!;
  const e = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  return `${mantissa}${upper ? "E" : "e"}${e}`;
}

function floating(a: Arg, spec: Spec): string {
  if (a.java !== "Double" && a.java !== "Float") throw new FormatterError(`${spec.conversion} != ${javaClass(a)}`);
  const x = a.value;
  const upper = spec.conversion === "E" || spec.conversion === "G";
  if (Number.isNaN(x)) return pad(upper ? "NAN" : "NaN", spec);
  if (!Number.isFinite(x)) return signed(x < 0, upper ? "INFINITY" : "Infinity", { ...spec, flags: spec.flags.replace("0", "") });
  const negative = x < 0 || Object.is(x, -0);
  const precision = spec.precision ?? 6;
  let body: string;
  const c = spec.conversion.toLowerCase();
  if (c === "f") body = fixed(Math.abs(x), precision);
  else if (c === "e") body = scientific(Math.abs(x), precision, upper);
  else {
    // %g: precision significant digits; decimal form for 10^-4 <= rounded value < 10^precision.
    const p = precision === 0 ? 1 : precision;
    const { digits, point } = shortest(Math.abs(x));
    const rounded = x === 0 ? { digits: "0", point: 1 } : roundDigits(digits, point, p);
    const exponent = rounded.point - 1;
    body = x !== 0 && (exponent < -4 || exponent >= p) ? scientific(Math.abs(x), p - 1, upper) : fixed(Math.abs(x), Math.max(0, p - 1 - exponent));
  }
  if (spec.flags.includes(",") && c !== "e") {
    const [integer, fraction] = body.split(".");
    body = group(integer!) + (fraction !== undefined ? `.${fraction}` : "");
  }
  return signed(negative, body, spec);
}

function integral(a: Arg, spec: Spec): string {
  if (a.java !== "Byte" && a.java !== "Short" && a.java !== "Integer" && a.java !== "Long") throw new FormatterError(`${spec.conversion} != ${javaClass(a)}`);
  const c = spec.conversion;
  if (c === "d") {
    const negative = a.value < 0n;
    const digits = (negative ? -a.value : a.value).toString();
    return signed(negative, spec.flags.includes(",") ? group(digits) : digits, spec);
  }
  // o, x, X: two's complement of the type's width for a negative value.
  const unsigned = a.value < 0n ? a.value + (1n << BigInt(a.bits)) : a.value;
  let digits = unsigned.toString(c === "o" ? 8 : 16);
  if (c === "X") digits = digits.toUpperCase();
  const prefix = spec.flags.includes("#") ? (c === "o" ? "0" : c === "x" ? "0x" : "0X") : "";
  if (spec.flags.includes("0") && spec.width !== undefined) digits = digits.padStart(spec.width - prefix.length, "0");
  return pad(prefix + digits, spec);
}

/** The conversions taken (Java checks the conversion before the argument, so an unknown one fails even for null). */
const CONVERSIONS = new Set("sSbBcCdoxXeEfgG");

function convert(a: Arg, spec: Spec): string {
  const c = spec.conversion;
  if (!CONVERSIONS.has(c)) throw new FormatterError(`Conversion = '${c}'`);
  if (a.java === "null" && c !== "b" && c !== "B") {
    const s = "null".slice(0, spec.precision ?? 4);
    return pad(c === c.toUpperCase() ? s.toUpperCase() : s, spec);
  }
  switch (c) {
    case "s":
    case "S": {
      let s = text(a);
      if (spec.precision !== undefined) s = s.slice(0, spec.precision);
      return pad(c === "S" ? s.toUpperCase() : s, spec);
    }
    case "b":
    case "B": {
      let s = a.java === "null" ? "false" : a.java === "Boolean" ? String(a.value) : "true";
      if (spec.precision !== undefined) s = s.slice(0, spec.precision);
      return pad(c === "B" ? s.toUpperCase() : s, spec);
    }
    case "c":
    case "C": {
      if (a.java !== "Byte" && a.java !== "Short" && a.java !== "Integer") throw new FormatterError(`${c} != ${javaClass(a)}`);
      const point = Number(a.value);
      if (point < 0 || point > 0x10ffff) throw new FormatterError(`Code point = 0x${(point >>> 0).toString(16)}`);
      const s = String.fromCodePoint(point);
      return pad(c === "C" ? s.toUpperCase() : s, spec);
    }
    case "d":
    case "o":
    case "x":
    case "X":
      return integral(a, spec);
    case "e":
    case "E":
    case "f":
    case "g":
    case "G":
      return floating(a, spec);
    default:
      throw new FormatterError(`Conversion = '${c}'`);
  }
}

/** Formats `args` by `format` as java.util.Formatter does. */
export function formatString(format: string, args: readonly Arg[]): string {
  let out = "";
  let at = 0;
  let ordinary = 0;
  let last = -1;
  SPECIFIER.lastIndex = 0;
  for (let m = SPECIFIER.exec(format); m; m = SPECIFIER.exec(format)) {
    out += format.slice(at, m.index);
    at = SPECIFIER.lastIndex;
    const [source, index, flags = "", width, precision, time, conversion] = m;
    if (conversion === undefined) throw new FormatterError("Conversion = '%'");
    if (time) throw new FormatterError(`format_string(): the date/time conversion '${source}' is not supported by sparkfn; format the value with date_format() and use %s.`);
    const spec: Spec = { flags, width: width === undefined ? undefined : Number(width), precision: precision === undefined ? undefined : Number(precision.slice(1)), conversion, source };
    if (conversion === "%") {
      out += pad("%", spec);
      continue;
    }
    if (conversion === "n") {
      out += "\n";
      continue;
    }
    if (spec.flags.includes("-") && spec.width === undefined) throw new FormatterError(source);
    let i: number;
    if (flags.includes("<")) i = last;
    else if (index !== undefined) i = Number(index.slice(0, -1)) - 1;
    else i = ordinary++;
    if (i < 0 || i >= args.length) throw new FormatterError(`Format specifier '${source}'`);
    last = i;
    out += convert(args[i]!, spec);
  }
  return out + format.slice(at);
}
