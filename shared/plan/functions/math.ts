/**
 * Spark's math functions (`abs`, `round`, `floor`, `sqrt`, `log`, `pmod`, trigonometry...):
 * what each takes, what type it gives, and the one definition of its values, as kernels over
 * raw numbers. The vector compiler (executor-fn/compile/vector-calls.ts) calls a kernel only
 * when every argument is non-null (these functions give null for a null argument) and
 * writes a kernel's `null` as a null result (log of a non-positive number, round to a NULL
 * scale).
 *
 * ANSI mode, as Spark 4 by default: a result out of its type's range (abs of the smallest
 * int, round(2147483647, -1)) and pmod by zero are errors (SparkArithmeticError), not wrapped
 * values or nulls. Doubles follow java.lang.Math as Spark calls it; results never carry a
 * negative zero (the compiler adds 0, as for arithmetic; see semantics.ts).
 */
import { SparkConditionError } from "../../errors.ts";
import { INT_MIN, INTEGRAL_RANGES, isNarrowIntegral, widerNumeric, wrapIntegral, type DataType } from "../types.ts";
import { cbrt, hypot } from "./fdlibm.ts";

/** A value ANSI mode refuses at run time; `errorClass` is Spark's error condition for it. */
export class SparkArithmeticError extends SparkConditionError<"ARITHMETIC_OVERFLOW" | "BINARY_ARITHMETIC_OVERFLOW" | "DIVIDE_BY_ZERO"> {
  override readonly name = "SparkArithmeticError";
}

export type Kernel = (...xs: number[]) => number | null;

/**
 * The result type: `double` (arguments are taken as doubles), `long`, `same` as the first
 * argument, or the `wider` of the arguments (int < long < double). An untyped NULL argument
 * counts as a double, as Spark casts it.
 */
export type MathResult = "double" | "long" | "same" | "wider";

export interface MathFunction {
  readonly result: MathResult;
  /** The last argument is an optional integer literal (round's scale), not a number column. */
  readonly scale?: true;
  /** The kernel for the (numeric) argument types, the scale literal where there is one, and the mode (ANSI on: a byte's or short's overflow fails; off: it wraps). */
  readonly kernel: (types: readonly DataType[], scale: number | null, ansi: boolean) => Kernel;
}

const TWO_63 = 2 ** 63;

function overflow(call: string, result: number, type: string): never {
  throw new SparkArithmeticError("ARITHMETIC_OVERFLOW", `${call} = ${result} overflows ${type}. Cast the argument to a wider type (long or double) first.`);
}

const absInt = (x: number) => (x === INT_MIN ? overflow(`abs(${x})`, -x, "int") : Math.abs(x));

/** abs of a byte or short: abs(MIN) does not fit, "byte overflow" with ANSI on as Spark says it; ANSI off keeps MIN (Java's wrap). */
const absNarrow = (t: "byte" | "short", ansi: boolean): Kernel => {
  const min = INTEGRAL_RANGES[t][0];
  return (x) => {
    if (x === min) {
      if (ansi) throw new SparkArithmeticError("ARITHMETIC_OVERFLOW", `${t} overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
      return min;
    }
    return Math.abs(x!);
  };
};


/** Java's (long) of a double, as Spark's floor and ceil: NaN is 0, beyond the range saturates. */
const toLong = (x: number) => (x !== x ? 0 : x >= TWO_63 ? TWO_63 : x <= -TWO_63 ? -TWO_63 : x);

/**
 * Rounds a decimal digit string `digits` × 10^`exp` (no sign) to `scale` digits after the point,
 * half up or half to even; the result as a double, as java.math.BigDecimal.setScale then
 * doubleValue do.
 */
function roundDigits(digits: string, exp: number, scale: number, halfEven: boolean): number {
  const drop = -scale - exp; // digits to cut from the right
  if (drop <= 0) return Number(`${digits}e${exp}`);
  if (drop > digits.length) return 0; // below half of the last kept place
  const kept = digits.slice(0, digits.length - drop) || "0";
  const rest = digits.slice(digits.length - drop);
  const first = rest.charCodeAt(0) - 48;
  const tie = first === 5 && /^5?0*$/.test(rest);
  const up = first > 5 || (first === 5 && !tie) || (tie && (!halfEven || (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1));
  const q = up ? (BigInt(kept) + 1n).toString() : kept;
  return Number(`${q}e${-scale}`);
}

/**
 * Spark's round/bround of a double: java.math.BigDecimal.valueOf(x) (the shortest decimal that
 * reads back as x, as Double.toString gives it) set to `scale` places, back to a double. So
 * round(0.125, 2) = 0.13 and round(2.675, 2) = 2.68, where binary rounding gives 0.12 and 2.67.
 */
function roundDouble(x: number, scale: number, halfEven: boolean): number {
  if (!Number.isFinite(x) || (scale >= 0 && Number.isInteger(x))) return x;
  if (scale === 0 && Math.abs(x) < 2 ** 52) {
    // x - trunc(x) is exact, and a double whose shortest decimal ends in .5 is exactly .5.
    const t = Math.trunc(x);
    const frac = Math.abs(x - t);
    const up = frac > 0.5 || (frac === 0.5 && (!halfEven || t % 2 !== 0));
    return up ? t + Math.sign(x) : t;
  }
  if (scale > 0 && scale <= 22) {
    // Fast: y = |x| * 10^scale is within 2^-52 |y| of the decimal's value, so away from a tie
    // the side y rounds to is the decimal's, and q / 10^scale is the double nearest q × 10^-scale.
    const p = 10 ** scale;
    const y = Math.abs(x) * p;
    const t = Math.trunc(y);
    const f = y - t;
    if (y < 2 ** 52 && Math.abs(f - 0.5) > y * 2e-15) return (x < 0 ? -1 : 1) * (f > 0.5 ? t + 1 : t) / p;
  }
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)))!;
  const frac = m[2] ?? "";
  const r = roundDigits(m[1]! + frac, Number(m[3] ?? 0) - frac.length, scale, halfEven);
  return x < 0 ? -r : r;
}

/** round/bround of an integral value to a negative scale (a positive one changes nothing). */
function roundIntegral(x: number, scale: number, halfEven: boolean): number {
  if (scale >= 0 || x === 0) return x;
  if (-scale > 22) return 0; // 10^23 > 2 × 2^63: every long rounds to 0
  const m = 10 ** -scale;
  const rem = x % m;
  const base = x - rem;
  const twice = 2 * Math.abs(rem);
  const up = twice > m || (twice === m && (!halfEven || (base / m) % 2 !== 0));
  return up ? base + Math.sign(x) * m : base;
}

function rounder(halfEven: boolean) {
  const name = halfEven ? "bround" : "round";
  return ([type = "double"]: readonly DataType[], scale: number | null, ansi: boolean): Kernel => {
    if (scale === null) return () => null;
    if (type === "double" || type === "null") return (x) => roundDouble(x, scale, halfEven);
    // A float rounds as its double value does (Spark's BigDecimal of f.toDouble), back to a float.
    if (type === "float") return (x) => Math.fround(roundDouble(x, scale, halfEven));
    return (x) => {
      const r = roundIntegral(x, scale, halfEven);
      if (isNarrowIntegral(type) && (r > INTEGRAL_RANGES[type][1] || r < INTEGRAL_RANGES[type][0])) {
        if (type === "int") overflow(`${name}(${x}, ${scale})`, r, type);
        // A byte or short out of range: Spark's "Overflow" with ANSI on, the low bits with it off.
        if (!ansi) return wrapIntegral(type, r);
        throw new SparkArithmeticError("ARITHMETIC_OVERFLOW", 'Overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.');
      }
      if (type === "long" && Math.abs(r) >= TWO_63) overflow(`${name}(${x}, ${scale})`, r, type);
      return r;
    };
  };
}

/** Spark's pmod: r = a % n; r < 0 ? (r + n) % n : r (int arithmetic wraps as Java's), and n = 0 is an error. */
function pmod(types: readonly DataType[]): Kernel {
  const wraps = mathResultType("pmod", types) === "int";
  return (x, n) => {
    if (n === 0) throw new SparkArithmeticError("DIVIDE_BY_ZERO", `pmod(${x}, ${n}): division by zero. Filter out the rows whose divisor is 0, or replace it (e.g. with when()).`);
    const r = x % n;
    if (!(r < 0)) return r;
    return wraps ? ((r + n) | 0) % n : (r + n) % n;
  };
}

const ofDouble = (f: (x: number) => number): MathFunction => ({ result: "double", kernel: () => f });
const ofDoubles = (f: (x: number, y: number) => number): MathFunction => ({ result: "double", kernel: () => f });
/** Spark's logarithms give null at and below their asymptote (x <= 0), NaN for NaN. */
const logarithm = (f: (x: number) => number): Kernel => (x) => (x <= 0 ? null : f(x));

export const MATH_FUNCTIONS = {
  abs: { result: "same", kernel: ([t], _scale, ansi) => (t === "int" ? absInt : t === "byte" || t === "short" ? absNarrow(t, ansi) : Math.abs) },
  round: { result: "same", scale: true, kernel: rounder(false) },
  bround: { result: "same", scale: true, kernel: rounder(true) },
  floor: { result: "long", kernel: ([t]) => (t === "double" || t === "float" || t === "null" ? (x) => toLong(Math.floor(x)) : (x) => x) },
  ceil: { result: "long", kernel: ([t]) => (t === "double" || t === "float" || t === "null" ? (x) => toLong(Math.ceil(x)) : (x) => x) },
  sqrt: ofDouble(Math.sqrt),
  cbrt: ofDouble(cbrt),
  pow: ofDoubles(Math.pow),
  exp: ofDouble(Math.exp),
  /** log(x) is ln(x); log(base, x) is ln(x) / ln(base), null when either is <= 0. */
  log: {
    result: "double",
    kernel: (types) => (types.length === 1 ? logarithm(Math.log) : (base, x) => (base! <= 0 || x! <= 0 ? null : Math.log(x!) / Math.log(base!))),
  },
  ln: { result: "double", kernel: () => logarithm(Math.log) },
  log10: { result: "double", kernel: () => logarithm(Math.log10) },
  /** As Spark: ln(x) / ln(2), not a base-2 logarithm of its own. */
  log2: { result: "double", kernel: () => logarithm((x) => Math.log(x) / Math.LN2) },
  signum: ofDouble(Math.sign),
  pmod: { result: "wider", kernel: pmod },
  hypot: ofDoubles(hypot),
  /** java.lang.Math.toDegrees/toRadians: one multiplication by the same constant. */
  degrees: ofDouble((x) => x * 57.29577951308232),
  radians: ofDouble((x) => x * 0.017453292519943295),
  sin: ofDouble(Math.sin),
  cos: ofDouble(Math.cos),
  tan: ofDouble(Math.tan),
  asin: ofDouble(Math.asin),
  acos: ofDouble(Math.acos),
  atan: ofDouble(Math.atan),
  /** Spark adds 0.0 to both sides first, so atan2(-0.0, -1) is pi, not -pi. */
  atan2: ofDoubles((y, x) => Math.atan2(y + 0, x + 0)),
  sinh: ofDouble(Math.sinh),
  cosh: ofDouble(Math.cosh),
  tanh: ofDouble(Math.tanh),
} as const satisfies Record<string, MathFunction>;

export type MathFn = keyof typeof MATH_FUNCTIONS;

export function isMathFn(fn: string): fn is MathFn {
  return Object.hasOwn(MATH_FUNCTIONS, fn);
}

/** The result type of a math function over its numeric arguments' types. */
export function mathResultType(fn: MathFn, types: readonly DataType[]): DataType {
  const rule: MathResult = MATH_FUNCTIONS[fn].result;
  const known = types.filter((t) => t !== "null");
  switch (rule) {
    case "double":
      return "double";
    case "long":
      return "long";
    case "same":
      return known.length === types.length && types.length > 0 ? types[0]! : "double";
    case "wider":
      return known.length === 0 ? "double" : known.reduce<DataType>((a, b) => widerNumeric(a, b), known[0]!);
  }
}
