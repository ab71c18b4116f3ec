/**
 * Spark's format_number(x, d): x formatted as java.text.DecimalFormat formats it (Locale.US,
 * HALF_EVEN rounding of the exact value), with `d` decimal places and groups of three
 * (`#,###,###,##0.00`), or with `d` a DecimalFormat pattern (`'#,##0.0'`, `'000.0'`,
 * `'##,##.0'`, literal prefix and suffix characters). A double is rounded by its exact binary
 * value (2.675 is 2.67499999... and gives "2.67"), as Java does; a decimal or an integer comes
 * as its exact text. NaN is "NaN", infinities "∞" and "-∞", a negative value that rounds to
 * zero keeps its sign ("-0.00").
 */
import { UserError } from "../../errors.ts";

/** A DecimalFormat pattern, read as java.text.DecimalFormat.applyPattern reads it. */
interface Pattern {
  readonly prefix: string;
  readonly suffix: string;
  readonly minInt: number;
  readonly minFrac: number;
  readonly maxFrac: number;
  /** Digits per group, 0: no grouping. */
  readonly grouping: number;
}

/** Spark's pattern for d places: #,###,###,###,###,###,##0 and d zeros after the point. */
const placesPattern = (d: number): Pattern => ({ prefix: "", suffix: "", minInt: 1, minFrac: d, maxFrac: d, grouping: 3 });

const DEFAULT_PATTERN = placesPattern(0);

/** Characters of DecimalFormat patterns this reader does not take (quoting, percent, per mille, currency, exponent, a negative subpattern). */
const UNSUPPORTED = /['%\u2030\u00a4E;]/;

export class FormatPatternError extends UserError {
  override readonly name = "FormatPatternError";
}

/** Reads a pattern as Java's DecimalFormat.applyPattern does; "" is Spark's default (no decimals). */
export function readPattern(text: string): Pattern {
  if (text === "") return DEFAULT_PATTERN;
  if (UNSUPPORTED.test(text)) throw new FormatPatternError(`format_number: the pattern '${text}' uses quoting, %, ‰, ¤, an exponent or a negative subpattern, which sparkfn does not support: use #, 0, ',' and '.' with plain prefix and suffix characters.`);
  const isNumberChar = (c: string) => c === "#" || c === "0" || c === "," || c === ".";
  let start = 0;
  while (start < text.length && !isNumberChar(text[start]!)) start++;
  let end = start;
  while (end < text.length && isNumberChar(text[end]!)) end++;
  if (start === text.length) throw new FormatPatternError(`format_number: the pattern '${text}' has no digits (#, 0).`);
  let digitLeft = 0;
  let zeros = 0;
  let digitRight = 0;
  let grouping = -1;
  let decimalPos = -1;
  for (const c of text.slice(start, end)) {
    if (c === "#") {
      if (zeros > 0) digitRight++;
      else digitLeft++;
      if (grouping >= 0 && decimalPos < 0) grouping++;
    } else if (c === "0") {
      if (digitRight > 0) throw new FormatPatternError(`format_number: malformed pattern '${text}': a 0 after a # (Java's "Unexpected '0'").`);
      zeros++;
      if (grouping >= 0 && decimalPos < 0) grouping++;
    } else if (c === ",") {
      if (decimalPos >= 0) throw new FormatPatternError(`format_number: malformed pattern '${text}': a grouping separator after the decimal point.`);
      grouping = 0;
    } else {
      if (decimalPos >= 0) throw new FormatPatternError(`format_number: malformed pattern '${text}': two decimal points.`);
      decimalPos = digitLeft + zeros + digitRight;
    }
  }
  // "#.##" is "#0.##" and ".##" is ".0#", as Java reads patterns with no 0.
  if (zeros === 0 && digitLeft > 0 && decimalPos >= 0) {
    const n = decimalPos === 0 ? 1 : decimalPos;
    digitRight = digitLeft - n;
    digitLeft = n - 1;
    zeros = 1;
  }
  const total = digitLeft + zeros + digitRight;
  const point = decimalPos >= 0 ? decimalPos : total;
  return {
    prefix: text.slice(0, start),
    suffix: text.slice(end),
    minInt: point - digitLeft,
    maxFrac: decimalPos >= 0 ? total - decimalPos : 0,
    minFrac: decimalPos >= 0 ? digitLeft + zeros - decimalPos : 0,
    grouping: grouping > 0 ? grouping : 0,
  };
}

/**
 * A finite value as DecimalFormat sees it: |value| = 0.digits × 10^point, `digits` without
 * leading or trailing zeros ("" for zero), and how they stand to the exact value: 1 when they
 * were rounded up from it, -1 when down, 0 when exact.
 */
interface Digits {
  readonly negative: boolean;
  readonly digits: string;
  readonly point: number;
  readonly rounded: -1 | 0 | 1;
}

/** Trims zeros off both ends of a digit string, moving the point for the leading ones. */
function digitsOf(negative: boolean, raw: string, point: number, rounded: -1 | 0 | 1): Digits {
  const lead = raw.length - raw.replace(/^0+/, "").length;
  const digits = raw.slice(lead).replace(/0+$/, "");
  return { negative, digits, point: digits === "" ? 0 : point - lead, rounded };
}

/**
 * A double's digits as Java's FloatingDecimal gives them (the shortest that read back as the
 * double: JavaScript's), and whether they are above or below its exact binary value.
 */
function doubleDigits(x: number): Digits {
  const negative = x < 0 || Object.is(x, -0);
  if (x === 0) return { negative, digits: "", point: 0, rounded: 0 };
  const [mantissaText, expText] = Math.abs(x).toExponential().split("e");
  const raw = mantissaText!.replace(".", "");
  const point = Number(expText) + 1;
  // Exact value m × 2^e against raw × 10^(point - raw.length), both as integers.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  const p = point - raw.length;
  let exact = m * 2n ** BigInt(Math.max(0, e)) * 10n ** BigInt(Math.max(0, -p));
  let shown = BigInt(raw) * 10n ** BigInt(Math.max(0, p)) * 2n ** BigInt(Math.max(0, -e));
  if (e < 0 && p < 0) {
    exact = m * 10n ** BigInt(-p);
    shown = BigInt(raw) * 2n ** BigInt(-e);
  }
  return digitsOf(negative, raw, point, shown > exact ? 1 : shown < exact ? -1 : 0);
}

/** A decimal's or an integer's text ("-123.4500", "42"): exact digits. */
function textDigits(text: string): Digits {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new FormatPatternError(`format_number: "${text}" is not a number`);
  const integer = match[2] ?? "";
  return digitsOf(match[1] === "-", integer + (match[3] ?? ""), integer.length, 0);
}

/**
 * The digits kept to `places` decimals, as java.text.DigitList rounds HALF_EVEN: by the digits,
 * except a 5 that ends them, where the exact value decides (2.675 is shown as 2.675 but lies
 * below it: down; 0.125 is exact: to even).
 */
function roundHalfEven(d: Digits, places: number): { digits: string; point: number } {
  const keep = d.point + places;
  if (d.digits === "" || keep >= d.digits.length) return { digits: d.digits, point: d.point };
  if (keep < 0) return { digits: "", point: 0 };
  const next = d.digits[keep]!;
  const last = keep === d.digits.length - 1;
  let up: boolean;
  if (next > "5") up = true;
  else if (next < "5") up = false;
  else if (!last) up = true;
  else if (d.rounded !== 0) up = d.rounded < 0;
  else up = keep > 0 && Number(d.digits[keep - 1]) % 2 === 1;
  let kept = d.digits.slice(0, keep);
  let point = d.point;
  if (up) {
    const carried = (BigInt(kept || "0") + 1n).toString();
    if (carried.length > keep) point++;
    kept = carried;
  }
  return { digits: kept, point };
}

function group(integer: string, size: number): string {
  if (size <= 0 || integer.length <= size) return integer;
  const parts: string[] = [];
  let end = integer.length;
  for (; end > size; end -= size) parts.unshift(integer.slice(end - size, end));
  parts.unshift(integer.slice(0, end));
  return parts.join(",");
}

function formatDigits(value: Digits, p: Pattern): string {
  const { digits, point } = roundHalfEven(value, p.maxFrac);
  // Integer digits: the first `point` ones (zeros past the digits); fraction: the rest, after point's zeros.
  let integer = point <= 0 ? "" : digits.slice(0, point).padEnd(point, "0");
  let fraction = point >= 0 ? digits.slice(point) : "0".repeat(-point) + digits;
  fraction = fraction.replace(/0+$/, "");
  if (fraction.length < p.minFrac) fraction = fraction.padEnd(p.minFrac, "0");
  integer = integer.padStart(p.minInt, "0");
  // Java prints a zero when there would be no digit at all.
  if (integer === "" && fraction === "") integer = "0";
  const number = group(integer, p.grouping) + (fraction !== "" ? `.${fraction}` : "");
  return `${value.negative ? "-" : ""}${p.prefix}${number}${p.suffix}`;
}

let lastText = "";
let lastPattern = DEFAULT_PATTERN;

/**
 * format_number's kernel: `x` a double (or float) as a number, any other numeric as its exact
 * text; `d` a count of decimal places (null for a negative one, as Spark) or a pattern.
 */
export function formatNumber(x: number | string, d: number | string): string | null {
  let pattern: Pattern;
  if (typeof d === "number") {
    if (d < 0) return null;
    pattern = placesPattern(d);
  } else {
    // A column of patterns is usually one pattern: read it once, as Spark keeps the last one.
    if (d !== lastText) [lastText, lastPattern] = [d, readPattern(d)];
    pattern = lastPattern;
  }
  if (typeof x === "number") {
    if (Number.isNaN(x)) return "NaN";
    if (!Number.isFinite(x)) return `${x < 0 ? "-" : ""}${pattern.prefix}∞${pattern.suffix}`;
    return formatDigits(doubleDigits(x), pattern);
  }
  return formatDigits(textDigits(x), pattern);
}
