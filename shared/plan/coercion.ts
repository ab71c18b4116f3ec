/**
 * Spark 4's implicit type coercion, as a rewrite: the analyzer (driver/planner/analyzer.ts)
 * passes every expression through `coerce`, which inserts the casts Spark would insert (marked
 * `implicit`, so names do not change) and stamps the session's cast mode on every cast, so the
 * executors see explicit, well-typed trees and need no setting of their own.
 *
 * With ANSI on (Spark 4's default), a string beside a number is cast to bigint (beside an int or
 * a bigint) or double (beside a double) in arithmetic, comparisons, IN, coalesce/nvl/nvl2/CASE
 * and nullif; a string beside a boolean or a date to that type; a string argument of a math
 * function, isnan/nanvl, unary minus, or an aggregate that takes numbers to double; a string
 * where a boolean is wanted (AND, OR, NOT, bool_and, count_if...) to boolean; a number, boolean
 * or date argument of a string function to its text, a string position or count to int. Anything else
 * (string + string, int = boolean, greatest(int, string)) is left for resolve.ts to refuse, as
 * Spark does. With ANSI off (legacy), arithmetic casts strings to double, comparisons cast the
 * string to the other side's type, and coalesce/CASE of strings with numbers or dates give a
 * string; the implicit casts are then legacy casts (null where a value does not convert).
 *
 * Decimals (Spark's DecimalPrecision): beside an int or bigint in arithmetic or a comparison,
 * the integer becomes a decimal (decimal(10,0), decimal(20,0), or for an integer literal the
 * fewest digits that hold it); beside a double, the decimal becomes a double; two decimals of
 * different types compared, or unified by coalesce, CASE, IN, greatest/least, widen to one
 * decimal that holds both. Math functions other than abs, round, bround, floor and ceil, and
 * aggregates other than sum, avg, min, max and the value-keeping ones, take decimals as doubles.
 *
 * Otherwise only strings are cast: int, bigint and double already mix in sparkfn's numbers.
 */
import { mapChildren, type ArithmeticOp, type Expr, type ExprOf } from "./expr.ts";
import { extractOf, intervalArithmetic, withDefaults } from "./interval-arithmetic.ts";
import { checkLambdaPositions, isHigherOrderFn, lambdaBindings, type LambdaTyped } from "./functions/higher-order.ts";
import { typeOf } from "./resolve.ts";
import { decimalOf, decimalType, integralDecimal, isDecimal, isIntegral, isNumeric, widerNumeric, type DataType, type Schema } from "./types.ts";
import { isMathFn } from "./functions/math.ts";
import { AGG_FUNCTIONS } from "./functions/aggregates.ts";
import { isStringFn, STRING_FUNCTIONS, worksOnBytes, type StringFunction } from "./functions/strings.ts";
import { DATE_FUNCTIONS, isDateFn, type DateFunction } from "./functions/dates.ts";
import { isTimestampFn, TIMESTAMP_FUNCTIONS, type TimestampFunction } from "./functions/timestamp-functions.ts";

export interface CoercionOptions {
  /** spark.sql.ansi.enabled (default true). */
  readonly ansi: boolean;
  /** spark.sql.mapKeyDedupPolicy = LAST_WIN (default EXCEPTION): stamped on the calls that build maps. */
  readonly mapKeyLastWin?: boolean;
}

const ANSI: CoercionOptions = { ansi: true };

/** A string cast to `to`, in the session's mode; casts of anything else are left alone. */
function castTo(e: Expr, from: DataType, to: DataType, o: CoercionOptions): Expr {
  if (from !== to && from === "string") return { kind: "cast", expr: e, to, implicit: true, ...(o.ansi ? {} : { mode: "legacy" as const }) };
  return e;
}

/** An implicit cast of `e` (of type `from`) to `to`, in the session's mode; none when the types are equal. */
function implicitCast(e: Expr, from: DataType, to: DataType, o: CoercionOptions): Expr {
  if (from === to || from === "null") return e;
  return { kind: "cast", expr: e, to, implicit: true, ...(o.ansi ? {} : { mode: "legacy" as const }) };
}

/** The decimal an integer becomes beside a decimal: a literal's fewest digits (Spark's DecimalType.fromLiteral), else its type's (decimal(3,0) for a byte ... decimal(20,0) for a long). */
function integralAsDecimal(e: Expr, t: DataType): DataType {
  if (e.kind === "literal" && typeof e.value === "number") return decimalType(Math.max(String(Math.abs(e.value)).length, 1), 0);
  return integralDecimal(t as "byte" | "short" | "int" | "long");
}

const isFractional = (t: DataType) => t === "double" || t === "float";

/** Arithmetic with a decimal: an integer side becomes a decimal, a decimal beside a double or float a double. */
function decimalOperands(left: Expr, l: DataType, right: Expr, r: DataType, o: CoercionOptions): [Expr, Expr] {
  if (!isDecimal(l) && !isDecimal(r)) return floatOperands([left, right], [l, r], o) as [Expr, Expr] | undefined ?? [left, right];
  if (isFractional(l) || isFractional(r)) return [implicitCast(left, l, "double", o), implicitCast(right, r, "double", o)];
  const lt = isIntegral(l) ? integralAsDecimal(left, l) : l;
  const rt = isIntegral(r) ? integralAsDecimal(right, r) : r;
  return [implicitCast(left, l, lt, o), implicitCast(right, r, rt, o)];
}

/**
 * The type two non-decimal numbers meet at: Spark's widening (byte < short < int < long <
 * float < double), except that with ANSI on a float beside an integer is a double, as Spark 4's
 * AnsiTypeCoercion has it (a float cannot hold every int).
 */
function numberTarget(a: DataType, b: DataType, o: CoercionOptions): DataType {
  if (a === "null") return b;
  if (b === "null") return a;
  if (o.ansi && ((a === "float" && isIntegral(b)) || (b === "float" && isIntegral(a)))) return "double";
  return widerNumeric(a, b);
}

/**
 * Numbers of different types with a float among them, cast to the type they meet at. Other
 * numbers need no cast: an integer's value is the same double in every wider type, but one
 * beside a float rounds to a float first (as Java's int-to-float does), and an ANSI float
 * beside an integer is a double.
 */
function floatOperands(exprs: readonly Expr[], types: readonly DataType[], o: CoercionOptions): Expr[] | undefined {
  if (!types.includes("float") || !types.every((t) => (isNumeric(t) && !isDecimal(t)) || t === "null")) return undefined;
  const target = types.reduce<DataType>((a, b) => numberTarget(a, b, o), "null");
  return exprs.map((e, i) => implicitCast(e, types[i]!, target, o));
}

/** Values unified to one type when a decimal or a float is among them (numbers only): each cast to the widest. */
function unifyDecimals(exprs: readonly Expr[], types: readonly DataType[], o: CoercionOptions): Expr[] | undefined {
  const floats = floatOperands(exprs, types, o);
  if (floats) return floats;
  if (!types.some(isDecimal) || !types.every((t) => isNumeric(t) || t === "null")) return undefined;
  const target = types.reduce<DataType>((a, b) => widerNumeric(a, b), "null");
  return exprs.map((e, i) => implicitCast(e, types[i]!, target, o));
}

/** What a string beside `other` becomes in arithmetic: bigint beside an integer, double beside a double (legacy: double). */
function arithmeticTarget(other: DataType, o: CoercionOptions): DataType | undefined {
  if (!o.ansi) return isNumeric(other) || other === "string" ? "double" : undefined;
  // Beside a decimal the string is a double (and so the decimal becomes one), in both modes.
  if (isDecimal(other)) return "double";
  return isIntegral(other) ? "long" : isFractional(other) ? "double" : undefined;
}

/** What a string compared with `other` becomes (ANSI: bigint beside an integer; legacy: the other side's type). */
function comparisonTarget(other: DataType, o: CoercionOptions): DataType | undefined {
  if (isIntegral(other)) return o.ansi ? "long" : other;
  if (isDecimal(other)) return "double";
  if (other === "float") return o.ansi ? "double" : other;
  if (other === "double" || other === "boolean" || other === "date" || other === "binary" || other === "timestamp_ntz") return other;
  return undefined;
}

/**
 * The type a timestamp_ntz and another datetime meet as (Spark's findWiderDateTimeType): a
 * timestamp beside it (the ntz read in the session time zone), itself beside a date (the date's
 * midnight); undefined when no timestamp_ntz is among them or something else is.
 */
function ntzTarget(types: readonly DataType[]): DataType | undefined {
  const known = types.filter((t) => t !== "null");
  if (!known.includes("timestamp_ntz") || !known.every((t) => t === "timestamp_ntz" || t === "timestamp" || t === "date")) return undefined;
  return known.includes("timestamp") ? "timestamp" : "timestamp_ntz";
}

/** The type a list of values (coalesce, CASE results, IN) unifies to when strings are among them, or undefined to leave them. */
function commonTarget(types: readonly DataType[], o: CoercionOptions, forComparison: boolean): DataType | undefined {
  const known = [...new Set(types.filter((t) => t !== "null"))];
  const ntz = ntzTarget(known);
  if (ntz !== undefined) return ntz;
  if (!known.includes("string") || known.length < 2) return undefined;
  const others = known.filter((t) => t !== "string");
  // Strings beside decimals are doubles (and the decimals too); legacy coalesce/CASE makes them all strings.
  if (others.every(isNumeric) && others.some(isDecimal)) return o.ansi || forComparison ? "double" : "string";
  if (others.every(isNumeric)) {
    const target = others.some(isFractional) ? "double" : "long";
    if (o.ansi) return target;
    return forComparison ? (others.length === 1 ? others[0] : target) : "string";
  }
  // Strings beside binary values are their UTF-8 bytes with ANSI on; legacy Spark refuses the mix (resolve.ts).
  if (others.length === 1 && others[0] === "binary") return o.ansi ? "binary" : undefined;
  if (others.length === 1 && (others[0] === "boolean" || others[0] === "date" || others[0] === "timestamp_ntz")) return o.ansi || forComparison ? others[0] : others[0] === "boolean" ? undefined : "string";
  return undefined;
}

/** Values unified as coalesce's arguments are: decimals widened to one, strings beside numbers cast as the mode says. */
function unifyList(args: readonly Expr[], types: readonly DataType[], o: CoercionOptions): Expr[] {
  const decimals = unifyDecimals(args, types, o);
  if (decimals) return decimals;
  const target = commonTarget(types, o, false);
  return target ? args.map((a, i) => unify(a, types[i]!, target, o)) : [...args];
}

/** Non-string values cast to string (legacy coalesce/CASE of strings with numbers or dates). */
function unify(e: Expr, from: DataType, to: DataType, o: CoercionOptions): Expr {
  if (from === to || from === "null") return e;
  if (to === "string" || isDecimal(from) || ntzTarget([from, to]) !== undefined) return { kind: "cast", expr: e, to, implicit: true, ...(o.ansi ? {} : { mode: "legacy" as const }) };
  return castTo(e, from, to, o);
}

type Coercers = { [K in Expr["kind"]]: (expr: ExprOf<K>, schema: Schema, o: CoercionOptions) => Expr };

const ARITHMETIC = new Set(["add", "subtract", "multiply", "divide", "mod"]);
/** Math functions Spark types for decimals (the rest take doubles). */
const DECIMAL_MATH = new Set(["abs", "round", "bround", "floor", "ceil"]);
/** Aggregates of numbers that keep a decimal: sum, sum(DISTINCT) and avg (exact). */
const DECIMAL_AGGREGATES = new Set(["sum", "avg", "sum_distinct"]);
const COMPARISON = new Set(["eq", "ne", "gt", "ge", "lt", "le", "eqNullSafe"]);

const COERCE: Coercers = {
  column: (e) => e,
  literal: (e) => e,
  rand: (e) => e,
  alias: (e, s, o) => ({ ...e, expr: coerce(e.expr, s, o) }),
  cast: (e, s, o) => {
    const inner = coerce(e.expr, s, o);
    // ANSI off: every cast but try_cast is a legacy cast.
    return { ...e, expr: inner, ...(o.ansi || e.mode === "try" ? {} : { mode: "legacy" as const }) };
  },
  binary: (e, s, o) => {
    const left = coerce(e.left, s, o);
    const right = coerce(e.right, s, o);
    const [l, r] = [typeOf(left, s).type, typeOf(right, s).type];
    if (ARITHMETIC.has(e.op)) {
      // With intervals or two datetimes: Spark's rewrite into interval functions.
      const interval = intervalArithmetic(e.op as ArithmeticOp, left, l, right, r);
      if (interval) return interval;
      // ANSI off: legacy arithmetic (x / 0 is null, ints wrap).
      const mode = o.ansi ? {} : { legacy: true as const };
      if (l === "string" || r === "string") {
        const lt = l === "string" ? arithmeticTarget(r, o) : undefined;
        const rt = r === "string" ? arithmeticTarget(l, o) : undefined;
        const [cl, cr] = [lt ? castTo(left, l, lt, o) : left, rt ? castTo(right, r, rt, o) : right];
        const [dl, dr] = decimalOperands(cl, lt ?? l, cr, rt ?? r, o);
        return { ...e, ...mode, left: dl, right: dr };
      }
      const [dl, dr] = decimalOperands(left, l, right, r, o);
      return { ...e, ...mode, left: dl, right: dr };
    } else if (COMPARISON.has(e.op)) {
      if (isDecimal(l) || isDecimal(r)) {
        // A string beside the decimal is a double; an integer a decimal; two decimals widen to one.
        const cl = l === "string" ? castTo(left, l, "double", o) : left;
        const cr = r === "string" ? castTo(right, r, "double", o) : right;
        const [tl, tr] = [typeOf(cl, s).type, typeOf(cr, s).type];
        if (tl !== tr && (isNumeric(tl) || tl === "null") && (isNumeric(tr) || tr === "null")) {
          const [dl, dr] = decimalOperands(cl, tl, cr, tr, o);
          const unified = unifyDecimals([dl, dr], [typeOf(dl, s).type, typeOf(dr, s).type], o);
          return { ...e, left: unified?.[0] ?? dl, right: unified?.[1] ?? dr };
        }
        return { ...e, left: cl, right: cr };
      }
      const floats = floatOperands([left, right], [l, r], o);
      if (floats) return { ...e, left: floats[0]!, right: floats[1]! };
      const ntz = ntzTarget([l, r]);
      if (ntz !== undefined) return { ...e, left: implicitCast(left, l, ntz, o), right: implicitCast(right, r, ntz, o) };
      if (l === "string" && r !== "string") return { ...e, left: castTo(left, l, comparisonTarget(r, o) ?? l, o), right };
      if (r === "string" && l !== "string") return { ...e, left, right: castTo(right, r, comparisonTarget(l, o) ?? r, o) };
      if (!o.ansi && isNumeric(l) && r === "boolean") return { ...e, left, right: { kind: "cast", expr: right, to: l, implicit: true, mode: "legacy" } };
      if (!o.ansi && l === "boolean" && isNumeric(r)) return { ...e, left: { kind: "cast", expr: left, to: r, implicit: true, mode: "legacy" }, right };
    } else if (o.ansi) {
      // AND, OR: a string is read as a boolean with ANSI on; legacy Spark refuses it.
      return { ...e, left: castTo(left, l, "boolean", o), right: castTo(right, r, "boolean", o) };
    }
    return { ...e, left, right };
  },
  unary: (e, s, o) => {
    const inner = coerce(e.expr, s, o);
    const t = typeOf(inner, s).type;
    if (e.op === "negate") return { ...e, expr: castTo(inner, t, "double", o), ...(o.ansi ? {} : { legacy: true as const }) };
    if (e.op === "not" && o.ansi) return { ...e, expr: castTo(inner, t, "boolean", o) };
    return { ...e, expr: inner };
  },
  in: (e, s, o) => {
    const value = coerce(e.expr, s, o);
    const values = e.values.map((v) => coerce(v, s, o));
    const types = [value, ...values].map((x) => typeOf(x, s).type);
    const decimals = unifyDecimals([value, ...values], types, o);
    if (decimals) return { ...e, expr: decimals[0]!, values: decimals.slice(1) };
    // ANSI: as comparisons; legacy: as coalesce (numbers and strings meet as strings).
    const target = commonTarget(types, o, o.ansi);
    if (!target) return { ...e, expr: value, values };
    return { ...e, expr: unify(value, types[0]!, target, o), values: values.map((v, i) => unify(v, types[i + 1]!, target, o)) };
  },
  caseWhen: (e, s, o) => {
    const branches = e.branches.map((b) => ({ when: coerce(b.when, s, o), then: coerce(b.then, s, o) }));
    const otherwise = e.otherwise ? coerce(e.otherwise, s, o) : null;
    const results = [...branches.map((b) => b.then), ...(otherwise ? [otherwise] : [])];
    const types = results.map((x) => typeOf(x, s).type);
    const decimals = unifyDecimals(results, types, o);
    if (decimals) {
      return { ...e, branches: branches.map((b, i) => ({ when: b.when, then: decimals[i]! })), otherwise: otherwise ? decimals[decimals.length - 1]! : null };
    }
    const target = commonTarget(types, o, false);
    if (!target) return { ...e, branches, otherwise };
    return {
      ...e,
      branches: branches.map((b, i) => ({ when: b.when, then: unify(b.then, types[i]!, target, o) })),
      otherwise: otherwise ? unify(otherwise, types[types.length - 1]!, target, o) : null,
    };
  },
  call: (e, s, o) => {
    if (isHigherOrderFn(e.fn)) return coerceHigherOrder(e, s, o);
    // EXTRACT: the interval's field or the date or time function, by the value's type (before the function's arguments are typed).
    if (e.fn === "interval:extract" && e.args.length === 3) {
      const picked = extractOf(e, typeOf(coerce(e.args[0]!, s, o), s).type);
      if (picked !== e) return coerce(picked, s, o);
    }
    const args = e.args.map((a) => coerce(a, s, o));
    const types = args.map((a) => typeOf(a, s).type);
    const at = (i: number, to: DataType) => castTo(args[i]!, types[i]!, to, o);
    switch (e.fn) {
      // Their results depend on the mode: an index out of bounds fails with ANSI on; size(NULL) is -1 with it off.
      case "element_at":
      case "get_item":
      case "size":
        return { ...e, args, ...(o.ansi ? {} : { legacy: true as const }) };
      case "map": {
        // Keys unify among themselves, values among themselves (as coalesce's arguments).
        const keys = unifyList(args.filter((_, i) => i % 2 === 0), types.filter((_, i) => i % 2 === 0), o);
        const values = unifyList(args.filter((_, i) => i % 2 === 1), types.filter((_, i) => i % 2 === 1), o);
        return { ...e, ...lastWin(o), args: args.map((_, i) => (i % 2 === 0 ? keys[i / 2]! : values[(i - 1) / 2]!)) };
      }
      case "map_from_arrays":
        return { ...e, ...lastWin(o), args };
      case "array":
      case "coalesce":
      case "nvl":
      case "ifnull":
      case "greatest":
      case "least": {
        const decimals = unifyDecimals(args, types, o);
        if (decimals) return { ...e, args: decimals };
        if (e.fn === "greatest" || e.fn === "least") return { ...e, args };
        const target = commonTarget(types, o, false);
        return { ...e, args: target ? args.map((a, i) => unify(a, types[i]!, target, o)) : args };
      }
      case "nvl2": {
        const decimals = unifyDecimals(args.slice(1), types.slice(1), o);
        if (decimals) return { ...e, args: [args[0]!, ...decimals] };
        const target = commonTarget(types.slice(1), o, false);
        return { ...e, args: target ? args.map((a, i) => (i === 0 ? a : unify(a, types[i]!, target, o))) : args };
      }
      case "nullif": {
        // Compared as `=` compares them; the result keeps the first argument's type.
        if (types[1] === "string" && types[0] !== "string") return { ...e, args: [args[0]!, at(1, comparisonTarget(types[0]!, o) ?? "string")] };
        if (types[0] === "string" && types[1] !== "string") {
          // The string is compared as the other type but returned as it is: CASE WHEN CAST(a) = b THEN NULL ELSE a END.
          const target = comparisonTarget(types[1]!, o);
          if (!target) return { ...e, args };
          return { kind: "caseWhen", branches: [{ when: { kind: "binary", op: "eq", left: at(0, target), right: args[1]! }, then: { kind: "literal", value: null, type: "null" } }], otherwise: args[0]! };
        }
        return { ...e, args };
      }
      case "pmod": {
        const [l, r] = types as [DataType, DataType];
        const lt = l === "string" ? arithmeticTarget(r, o) : undefined;
        const rt = r === "string" ? arithmeticTarget(l, o) : undefined;
        return { ...e, args: [lt ? at(0, lt) : args[0]!, rt ? at(1, rt) : args[1]!] };
      }
      case "concat":
      case "upper":
      case "lower":
      case "trim":
      case "length": {
        // Their values as text (Spark's formatting of doubles, not JavaScript's); binary values stay bytes in
        // length() and in a concat of binary values only, and are read as UTF-8 text elsewhere.
        const bytes = e.fn === "length" || (e.fn === "concat" && types.every((t) => t === "binary"));
        return { ...e, args: args.map((a, i) => (isNumeric(types[i]!) || types[i] === "boolean" || types[i] === "date" || (types[i] === "binary" && !bytes) ? unify(a, types[i]!, "string", o) : a)) };
      }
      case "isnan":
      case "nanvl":
        return { ...e, args: args.map((_, i) => at(i, "double")) };
      case "make_dt_interval":
      case "make_ym_interval":
        return withDefaults(e, args);
      default:
        if (isStringFn(e.fn)) {
          // A number, boolean or date where a string is wanted is its text; a string where an int is wanted, an int.
          const def: StringFunction = STRING_FUNCTIONS[e.fn];
          const onBytes = worksOnBytes(def, types);
          return {
            ...e,
            args: args.map((a, i) => {
              const want = def.args[Math.min(i, def.args.length - 1)]!;
              const t = types[i]!;
              if (want === "int") return castTo(a, t, "int", o);
              // format_number: the number as it is (resolve.ts refuses a string, as Spark); places as an int, a pattern as it is.
              if (want === "number") return a;
              if (want === "placesOrPattern") return isNumeric(t) ? castTo(a, t, "int", o) : a;
              // Bytes where bytes are taken: a string is its UTF-8 bytes (hex takes a long too, and any number as one).
              if (want === "binary" || want === "binaryOrLong") return want === "binaryOrLong" && isNumeric(t) ? implicitCast(a, t, "long", o) : castTo(a, t, "binary", o);
              // A binary value where a string is taken is read as UTF-8, as Spark's implicit cast.
              return (isNumeric(t) || t === "boolean" || t === "date" || (t === "binary" && !onBytes)) ? unify(a, t, "string", o) : a;
            }),
          };
        }
        if (isDateFn(e.fn)) {
          // A string count or field to an int; a number, boolean or date where text is wanted (to_date of an int) to text.
          const def: DateFunction = DATE_FUNCTIONS[e.fn];
          return {
            ...e,
            args: args.map((a, i) => {
              const want = def.args[i];
              const t = types[i]!;
              if (want === "int" || want === "intOrLong") return castTo(a, t, "int", o);
              // to_date of a number reads its text, as Spark's.
              if (e.fn === "to_date" && i === 0 && isNumeric(t)) return unify(a, t, "string", o);
              return want === "string" && (isNumeric(t) || t === "boolean" || t === "date") ? unify(a, t, "string", o) : a;
            }),
          };
        }
        if (isMathFn(e.fn)) {
          // abs, round, bround, floor and ceil keep a decimal (Spark types them so); the others take it as a double.
          const keepsDecimal = DECIMAL_MATH.has(e.fn);
          // ANSI off: a tinyint's or smallint's abs or round out of range wraps.
          const mode = o.ansi ? {} : { legacy: true as const };
          return { ...e, ...mode, args: args.map((a, i) => (i > 0 && (e.fn === "round" || e.fn === "bround") ? a : isDecimal(types[i]!) && !keepsDecimal ? implicitCast(a, types[i]!, "double", o) : at(i, "double"))) };
        }
        // ANSI off: to_timestamp, make_timestamp and the like give null for input they cannot read.
        if (!o.ansi && isTimestampFn(e.fn) && (TIMESTAMP_FUNCTIONS[e.fn] as TimestampFunction).lenient === true) return { ...e, args, legacy: true };
        return { ...e, args };
    }
  },
  udf: (e, s, o) => ({ ...e, args: e.args.map((a) => coerce(a, s, o)) }),
  agg: (e, s, o) => {
    const def = AGG_FUNCTIONS[e.fn];
    const fit = (x: Expr, i: number): Expr => {
      const c = coerce(x, s, o);
      const want = def.args[i];
      const t = typeOf(c, s).type;
      // sum and avg keep a decimal exact; the moments, percentiles and the rest take it as a double.
      if ((want === "number" || want === "numberOrDate") && isDecimal(t) && !DECIMAL_AGGREGATES.has(e.fn)) return implicitCast(c, t, "double", o);
      return want === "number" || want === "numberOrInterval" ? castTo(c, t, "double", o) : want === "boolean" ? castTo(c, t, "boolean", o) : c;
    };
    // With ANSI off, a decimal sum past its precision is null rather than an error.
    const legacy = !o.ansi && e.arg !== null && isDecimal(typeOf(e.arg, s).type) ? { legacy: true as const } : {};
    return { ...e, ...legacy, arg: e.arg ? fit(e.arg, 0) : null, ...(e.args ? { args: e.args.map((x, i) => fit(x, i + 1)) } : {}) };
  },
  generator: (e, s, o) => ({ ...e, arg: coerce(e.arg, s, o) }),
  // A lambda is coerced with its higher-order call, which binds its variables first (coerceHigherOrder).
  lambda: (e, s, o) => ({ ...e, body: coerce(e.body, s, o) }),
  lambdaVar: (e) => e,
  window: (e, s, o) => {
    const args = e.args.map((a) => coerce(a, s, o));
    // lag/lead: the default is cast to the value's type (Spark's implicit cast of its third input).
    if ((e.fn === "lag" || e.fn === "lead") && args.length === 3) {
      const [value, fallback] = [typeOf(args[0]!, s).type, typeOf(args[2]!, s).type];
      if (value !== fallback && value !== "null" && fallback !== "null") args[2] = { kind: "cast", expr: args[2]!, to: value, implicit: true, ...(o.ansi ? {} : { mode: "legacy" as const }) };
    }
    return { ...e, args };
  },
};

/** The flag of the calls that build maps under spark.sql.mapKeyDedupPolicy = LAST_WIN. */
const lastWin = (o: CoercionOptions) => (o.mapKeyLastWin ? { mapKeyLastWin: true as const } : {});

/**
 * A higher-order call: its value arguments coerced, then each lambda's variables stamped with
 * the types the function binds them to (functions/higher-order.ts) and its body coerced with
 * them. Left to right, so aggregate's finish sees the zero's type.
 */
function coerceHigherOrder(e: ExprOf<"call">, s: Schema, o: CoercionOptions): Expr {
  checkLambdaPositions(e);
  const args = e.args.map((a) => (a.kind === "lambda" ? a : coerce(a, s, o)));
  const typed = args.map((a) => (a.kind === "lambda" ? null : typeOf(a, s)));
  const call = { ...e, args };
  const bound = args.map((a, i) => {
    if (a.kind !== "lambda") return a;
    const bindings = lambdaBindings(call, i, typed);
    const vars = new Map(a.params.map((p, j) => [p.toLowerCase(), bindings[j]!]));
    return { ...a, body: coerce(stampLambdaVars(a.body, vars), s, o) };
  });
  return { ...e, ...(e.fn === "transform_keys" ? lastWin(o) : {}), args: bound };
}

/** `e` with the variables `vars` names given their types, except where an inner lambda declares a variable of the same name. */
function stampLambdaVars(e: Expr, vars: ReadonlyMap<string, LambdaTyped>): Expr {
  if (e.kind === "lambdaVar") {
    const t = vars.get(e.name.toLowerCase());
    return t ? { ...e, type: t.type, nullable: t.nullable } : e;
  }
  if (e.kind === "lambda") {
    const inner = new Map(vars);
    e.params.forEach((p) => inner.delete(p.toLowerCase()));
    return { ...e, body: stampLambdaVars(e.body, inner) };
  }
  return mapChildren(e, (c) => stampLambdaVars(c, vars));
}

/**
 * `expr` with Spark's implicit casts inserted (over `schema`) and every cast in the session's
 * mode. A tree that cannot be coerced is returned as it is, for resolve.ts to refuse.
 */
export function coerce(expr: Expr, schema: Schema, options: CoercionOptions = ANSI): Expr {
  const rewrite = COERCE[expr.kind] as (e: Expr, s: Schema, o: CoercionOptions) => Expr;
  return rewrite(expr, schema, options);
}
