/**
 * Spark's decimal(p, s), in one place: a value is its unscaled integer as a bigint (12.30 in
 * decimal(5,2) is 1230n) and the type holds p and s. This module has the result types of
 * arithmetic (Spark's DecimalPrecision with spark.sql.decimalOperations.allowPrecisionLoss on,
 * its default), the values of + - * / % computed as Spark's java.math.BigDecimal does them
 * (a product first rounded to 38 significant digits, a quotient to 38 fraction digits, HALF_UP,
 * then either to the result's scale, HALF_UP), text in and out, and the overflow rule: a value with more than p digits is
 * NUMERIC_VALUE_OUT_OF_RANGE with ANSI on, null with it off.
 *
 * Plans carry a decimal literal as its plain text ("0.06"), JSON's way; compiled code and the
 * driver's constant folding hold the bigint (`literalBox`, `literalOfBox`).
 */
import { SparkConditionError } from "../errors.ts";
import { boundedDecimal, decimalOf, decimalType, elementOf, fieldsOf, mapOf, MAX_PRECISION, type DataType, type DecimalType } from "./types.ts";

export interface Decimal {
  readonly precision: number;
  readonly scale: number;
}

const POW10: bigint[] = [1n];
for (let i = 1; i <= 2 * MAX_PRECISION + 2; i++) POW10.push(POW10[i - 1]! * 10n);
export const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

const abs = (v: bigint) => (v < 0n ? -v : v);

/** Whether `v` has at most `precision` digits. */
export const fitsPrecision = (v: bigint, precision: number): boolean => abs(v) < pow10(precision);

/** The decimal type of a type that must be one (an internal error otherwise). */
export function decimalParts(t: DataType): Decimal {
  const d = decimalOf(t);
  if (!d) throw new Error(`internal: ${t} is not a decimal type`);
  return d;
}

// ---- rounding ------------------------------------------------------------------------------

/** num / den rounded HALF_UP (away from zero on a tie) to an integer; den > 0. */
export function divideHalfUp(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  return 2n * abs(r) >= den ? (num < 0n ? q - 1n : q + 1n) : q;
}

/** An unscaled value moved from scale `from` to scale `to`, HALF_UP when digits are dropped. */
export function rescale(v: bigint, from: number, to: number): bigint {
  if (to === from) return v;
  if (to > from) return v * pow10(to - from);
  return divideHalfUp(v, pow10(from - to));
}

/** The number of digits of |v| (1 for 0). */
export function digitCount(v: bigint): number {
  const a = abs(v);
  let n = 1;
  while (n <= 2 * MAX_PRECISION + 2 && a >= POW10[n]!) n++;
  return n > 2 * MAX_PRECISION + 2 ? a.toString().length : n;
}

/**
 * An unscaled value at `scale` rounded HALF_UP to 38 significant digits, as Java's
 * BigDecimal.multiply with MathContext(38, HALF_UP) leaves a product: [value, its new scale].
 */
export function roundSignificant(v: bigint, scale: number): readonly [bigint, number] {
  const drop = digitCount(v) - MAX_PRECISION;
  return drop > 0 ? [divideHalfUp(v, pow10(drop)), scale - drop] : [v, scale];
}

// ---- result types --------------------------------------------------------------------------

/** Spark's DecimalType.adjustPrecisionScale: beyond 38 digits, keep the integer digits and at least min(s, 6) fraction digits. */
export function adjustPrecisionScale(precision: number, scale: number): DecimalType {
  if (precision <= MAX_PRECISION) return decimalType(precision, scale);
  const intDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  return decimalType(MAX_PRECISION, Math.max(MAX_PRECISION - intDigits, minScale));
}

export type DecimalOp = "add" | "subtract" | "multiply" | "divide" | "mod";

/** The type of `a op b` for two decimals. */
export function arithmeticType(op: DecimalOp, a: Decimal, b: Decimal): DecimalType {
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  switch (op) {
    case "add":
    case "subtract": {
      const scale = Math.max(s1, s2);
      return adjustPrecisionScale(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case "multiply":
      return adjustPrecisionScale(p1 + p2 + 1, s1 + s2);
    case "divide": {
      const scale = Math.max(6, s1 + p2 + 1);
      return adjustPrecisionScale(p1 - s1 + s2 + scale, scale);
    }
    case "mod": {
      const scale = Math.max(s1, s2);
      return adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
}

/** sum(decimal(p, s)) is decimal(p + 10, s); avg is decimal(p + 4, s + 4) (each capped at 38). */
export const sumType = (d: Decimal): DecimalType => boundedDecimal(d.precision + 10, d.scale);
export const avgType = (d: Decimal): DecimalType => boundedDecimal(d.precision + 4, d.scale + 4);

// ---- values --------------------------------------------------------------------------------

/** A decimal value out of its type's range, or a division by zero, as Spark 4 names them. */
export class DecimalArithmeticError extends SparkConditionError<"NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION" | "NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION" | "NUMERIC_OUT_OF_SUPPORTED_RANGE" | "ARITHMETIC_OVERFLOW" | "DIVIDE_BY_ZERO"> {
  override readonly name = "DecimalArithmeticError";
}

/** Text with more than 38 integral digits cast to a decimal (Spark's NUMERIC_OUT_OF_SUPPORTED_RANGE). */
export function outOfSupportedRange(text: string): DecimalArithmeticError {
  return new DecimalArithmeticError("NUMERIC_OUT_OF_SUPPORTED_RANGE", `The value ${text} cannot be interpreted as a numeric since it has more than 38 digits.`);
}

/** A sum (or avg's sum) of decimals past its buffer's precision, with ANSI on (Spark's words). */
export function sumOverflow(fn: "sum" | "avg"): DecimalArithmeticError {
  return new DecimalArithmeticError("ARITHMETIC_OVERFLOW", `Overflow in sum of decimals. Use 'try_${fn}' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
}

export function outOfRange(text: string, d: Decimal): DecimalArithmeticError {
  return new DecimalArithmeticError(
    "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
    ` ${text} cannot be represented as Decimal(${d.precision}, ${d.scale}). If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error, and return NULL instead.`,
  );
}

/**
 * `v` (at `scale`) checked against `d`, as Spark's CheckOverflow: rounded HALF_UP to d's scale;
 * more than d's precision is an error naming the value (ANSI) or null.
 */
export function checkOverflow(v: bigint, scale: number, d: Decimal, ansi: boolean): bigint | null {
  const r = rescale(v, scale, d.scale);
  if (fitsPrecision(r, d.precision)) return r;
  if (!ansi) return null;
  throw outOfRange(decimalText(v, scale), d);
}

/** a op b for decimals of types `l` and `r` into `out`; null when the divisor is 0 (legacy) or on overflow (legacy). */
export function arithmetic(op: DecimalOp, a: bigint, l: Decimal, b: bigint, r: Decimal, out: Decimal, ansi: boolean): bigint | null {
  const scale = Math.max(l.scale, r.scale);
  switch (op) {
    case "add":
      return checkOverflow(rescale(a, l.scale, scale) + rescale(b, r.scale, scale), scale, out, ansi);
    case "subtract":
      return checkOverflow(rescale(a, l.scale, scale) - rescale(b, r.scale, scale), scale, out, ansi);
    case "multiply": {
      // Rounded to 38 significant digits first, as Spark's Decimal.* (BigDecimal.multiply(MathContext(38))).
      const [product, s] = roundSignificant(a * b, l.scale + r.scale);
      return checkOverflow(product, s, out, ansi);
    }
    case "divide": {
      if (b === 0n) {
        if (!ansi) return null;
        throw divideByZero();
      }
      // a / b = (a · 10^r.scale) / (b · 10^l.scale): to scale 38 first, HALF_UP, as Spark's
      // Decimal./ (BigDecimal.divide(that, 38, HALF_UP)), then to the result's scale.
      let num = a * pow10(r.scale + MAX_PRECISION);
      let den = b * pow10(l.scale);
      if (den < 0n) [num, den] = [-num, -den];
      return checkOverflow(divideHalfUp(num, den), MAX_PRECISION, out, ansi);
    }
    case "mod": {
      if (b === 0n) {
        if (!ansi) return null;
        throw divideByZero();
      }
      const x = rescale(a, l.scale, scale);
      const y = rescale(b, r.scale, scale);
      return checkOverflow(x % y, scale, out, ansi);
    }
  }
}

function divideByZero(): DecimalArithmeticError {
  return new DecimalArithmeticError("DIVIDE_BY_ZERO", 'Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.');
}

// ---- text ----------------------------------------------------------------------------------

/** The plain text of an unscaled value at `scale`, as Java's BigDecimal.toPlainString: "12.30", "-0.05", "7". */
export function decimalText(v: bigint, scale: number): string {
  const negative = v < 0n;
  const digits = abs(v).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, "0");
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  return negative ? `-${text}` : text;
}

/**
 * Java's BigDecimal.toString: the plain text unless the value is tiny, then scientific
 * ("0E-18", "5E-18", "1.23E-8"): with ANSI off, Spark casts a decimal to a string this way.
 */
export function javaDecimalToString(v: bigint, scale: number): string {
  const digits = (v < 0n ? -v : v).toString();
  const adjusted = digits.length - 1 - scale;
  if (scale <= 0 || adjusted >= -6) return decimalText(v, scale);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${v < 0n ? "-" : ""}${mantissa}E${adjusted}`;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Text as a decimal at `scale` (Java's BigDecimal syntax: sign, digits, point, exponent),
 * rounded HALF_UP; undefined when it is not a number. Surrounding whitespace is the caller's.
 */
export function parseDecimalText(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return undefined;
  const whole = m[2] ?? "";
  const fraction = m[3] ?? "";
  if (whole === "" && fraction === "") return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 10_000) return undefined;
  const unscaled = BigInt(`${whole}${fraction}` || "0");
  const v = rescale(unscaled, fraction.length - exponent, scale);
  return m[1] === "-" ? -v : v;
}

/** The value as a double (correctly rounded, as BigDecimal.doubleValue). */
export const decimalToDouble = (v: bigint, scale: number): number => Number(decimalText(v, scale)) + 0;

/** A finite double at `scale`: its shortest decimal text (Java's Double.toString digits), rounded HALF_UP. */
export function doubleToDecimal(x: number, scale: number): bigint {
  const v = parseDecimalText(String(x), scale);
  if (v === undefined) throw new Error(`internal: ${x} has no decimal text`);
  return v;
}

// ---- literals ------------------------------------------------------------------------------

/** A literal's value as compiled code and folding hold it: a decimal's text becomes its unscaled bigint. */
export function literalBox(value: unknown, type: DataType): unknown {
  const d = decimalOf(type);
  if (!d || value === null || typeof value === "bigint") return value;
  const v = parseDecimalText(String(value), d.scale);
  if (v === undefined || !fitsPrecision(v, d.precision)) throw new Error(`internal: ${JSON.stringify(value)} is not a ${type} literal`);
  return v;
}

/** A boxed value as a plan's literal carries it (a decimal as its text). */
export function literalOfBox<T>(value: T, type: DataType): T | string {
  const d = decimalOf(type);
  return d && typeof value === "bigint" ? decimalText(value, d.scale) : value;
}

/** Whether values of the type hold decimals, at the top or nested in arrays, structs and maps. */
export const holdsDecimal = (t: DataType): boolean => t.includes("decimal(");

/**
 * A value of type `t` with `f` applied to each decimal in it (and only those), at any depth of
 * arrays, structs ([field values]) and maps ([keys, values]); nulls are kept.
 */
export function mapDecimals(value: unknown, t: DataType, f: (v: unknown, type: DataType) => unknown): unknown {
  if (value === null || value === undefined || !holdsDecimal(t)) return value;
  if (decimalOf(t)) return f(value, t);
  if (!Array.isArray(value)) return value;
  const element = elementOf(t);
  if (element !== null) return value.map((e) => mapDecimals(e, element, f));
  const fields = fieldsOf(t);
  if (fields !== null) return value.map((v, i) => (fields[i] ? mapDecimals(v, fields[i].type, f) : v));
  const m = mapOf(t);
  if (m !== null && value.length === 2) return [mapDecimals(value[0], `array<${m.key}>` as DataType, f), mapDecimals(value[1], `array<${m.value}>` as DataType, f)];
  return value;
}

/** A value as a plan carries it (decimals as their text, at any depth) back to its boxed form (unscaled bigints). */
export const boxedValue = (value: unknown, t: DataType): unknown => mapDecimals(value, t, literalBox);
/** A boxed value as a plan carries it: its decimals, at any depth, as their text (JSON has no bigint). */
export const planValue = (value: unknown, t: DataType): unknown => mapDecimals(value, t, literalOfBox);

/** The decimal type that holds a fractional literal's text exactly (Spark: 0.06 is decimal(2,2), 1.50 decimal(3,2)). */
export function literalType(text: string): DecimalType {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m || m[4] !== undefined) throw new Error(`internal: ${text} is not a plain decimal literal`);
  const whole = (m[2] ?? "").replace(/^0+/, "");
  const fraction = m[3] ?? "";
  const scale = fraction.length;
  const precision = Math.max(whole.length + scale, scale, 1);
  return decimalType(precision, scale);
}

// ---- rounding functions (round, bround, floor, ceil) -----------------------------------------

export type RoundingMode = "HALF_UP" | "HALF_EVEN" | "FLOOR" | "CEILING";

/** v at `scale` rounded to `digits` fraction digits (negative: to tens, hundreds...) in `mode`; the result is at scale min(scale, max(digits, 0)). */
export function roundTo(v: bigint, scale: number, digits: number, mode: RoundingMode): bigint {
  if (digits >= scale) return v; // nothing to drop: the value keeps its scale
  const unit = pow10(scale - digits);
  let q = v / unit;
  const r = v % unit;
  if (r !== 0n) {
    const twice = 2n * (r < 0n ? -r : r);
    const up = mode === "HALF_UP" ? twice >= unit : mode === "HALF_EVEN" ? twice > unit || (twice === unit && q % 2n !== 0n) : mode === "CEILING" ? r > 0n : r < 0n;
    if (up) q += mode === "FLOOR" ? -1n : mode === "CEILING" ? 1n : v < 0n ? -1n : 1n;
  }
  return digits >= 0 ? q : q * pow10(-digits);
}

/** round/bround(decimal(p, s), d): Spark's RoundBase type: the integer digits kept (one more for a carry), min(s, d) fraction digits. */
export function roundType(d: Decimal, digits: number): DecimalType {
  const integral = d.precision - d.scale + 1;
  if (digits < 0) return boundedDecimal(Math.max(integral, -digits + 1), 0);
  const scale = Math.min(d.scale, digits);
  return boundedDecimal(integral + scale, scale);
}

/** floor/ceil(decimal(p, s)): decimal(p - s + 1, 0); a scale-0 decimal keeps its type. */
export const floorType = (d: Decimal): DecimalType => (d.scale === 0 ? decimalType(d.precision, 0) : boundedDecimal(d.precision - d.scale + 1, 0));
