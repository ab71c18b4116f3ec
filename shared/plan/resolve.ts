/**
 * Static typing of expressions against a schema: output type, nullability and name. Errors
 * name the expression and, for unknown columns, list the columns that exist.
 */
import { isTimestampFn, TIMESTAMP_ARG_HINTS, TIMESTAMP_ARG_TYPES, TIMESTAMP_FUNCTIONS, type TimestampFn, type TimestampFunction } from "./functions/timestamp-functions.ts";
import { isTimestampCast, timestampCastRefusal } from "./functions/timestamp-casts.ts";
import { exprName, type Expr } from "./expr.ts";
import { decimalOf, fieldIndex, integralDecimal, intervalOf, isDecimal, isInterval, isNumeric, widerNumeric, type DataType, type Field, type Schema } from "./types.ts";
import { arithmeticType, floorType, roundType, type DecimalOp } from "./decimal.ts";
import { UserError } from "../errors.ts";
import { isMathFn, MATH_FUNCTIONS, mathResultType, type MathFn } from "./functions/math.ts";
import { isStringFn, STRING_FUNCTIONS, worksOnBytes, type StringFn, type StringFunction } from "./functions/strings.ts";
import { DIGEST_FUNCTIONS, hashable, isHashingFn, type HashingFn } from "./functions/hashing.ts";
import { DATE_ARG_HINTS, DATE_ARG_TYPES, DATE_FUNCTIONS, isDateFn, type DateFn, type DateFunction } from "./functions/dates.ts";
import type { TaskErrorType } from "../task.ts";
import { AGG_FUNCTIONS, aggArgMismatch, fitsAggArg } from "./functions/aggregates.ts";
import { typeOfWindow } from "./window-functions.ts";
import { ARRAY_FUNCTIONS, isArrayFn, type ArrayFunction } from "./functions/arrays.ts";
import { castRefusal, sqlTypeName } from "./casts.ts";
import { higherOrderType, isHigherOrderFn } from "./functions/higher-order.ts";
import { INTERVAL_FUNCTIONS, isIntervalFn } from "./functions/interval-functions.ts";

/** A plan that does not fit its data (unknown column, bad types): the job must change. */
export class AnalysisError extends UserError {
  override readonly name = "AnalysisError";
  override get taskErrorType(): TaskErrorType {
    return "InvalidTask";
  }
}

export interface Typed {
  readonly type: DataType;
  readonly nullable: boolean;
}

export function resolveColumn(schema: Schema, name: string): Field {
  const index = fieldIndex(schema, name);
  if (index < 0) {
    throw new AnalysisError(
      `Column "${name}" does not exist. Available columns: ${schema.fields.map((f) => f.name).join(", ") || "(none)"}.`,
    );
  }
  return schema.fields[index]!;
}

function requireNumeric(expr: Expr, t: Typed, context: string): void {
  if (!isNumeric(t.type) && t.type !== "null") {
    throw new AnalysisError(`${context}: ${exprName(expr)} is ${t.type}, expected a number. Use cast() to convert it.`);
  }
}

/** AND, OR and NOT take booleans (coercion.ts reads a string as one with ANSI on). */
function requireBoolean(operand: Expr, type: DataType, context: string): void {
  if (type === "boolean" || type === "null" || type === "any") return;
  throw new AnalysisError(
    `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "${context}" due to data type mismatch: ${exprName(operand)} is ${type}, expected a boolean. Compare it to get one (col("x") > 0) or cast it.`,
  );
}

/** Spark compares values of one type (numbers widen; coercion.ts casts a string beside a number, boolean or date first). */
function requireComparable(expr: Expr, l: DataType, r: DataType): void {
  const loose = (t: DataType) => t === "null" || t === "any" || t === "timestamp";
  const sameInterval = intervalOf(l) !== null && intervalOf(l)?.kind === intervalOf(r)?.kind;
  if (l === r || loose(l) || loose(r) || (isNumeric(l) && isNumeric(r)) || sameInterval) return;
  throw new AnalysisError(
    `[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "${exprName(expr)}" due to data type mismatch: the left and right operands of the binary operator have incompatible types ("${sqlTypeName(l)}" and "${sqlTypeName(r)}"). Cast one side to the other's type.`,
  );
}

/** The type several values unify to: numbers widen, nulls take the other type. */
function commonType(types: readonly DataType[], context: Expr): DataType {
  const known = types.filter((t) => t !== "null");
  if (known.length === 0) return "null";
  if (known.every(isNumeric)) return known.reduce<DataType>((a, b) => widerNumeric(a, b), known[0]!);
  if (known.some((t) => t !== known[0])) {
    throw new AnalysisError(`${exprName(context)}: values have different types (${[...new Set(known)].join(", ")}).`);
  }
  return known[0]!;
}

/** A math function's arguments are numbers; round's optional scale is an integer literal. */
function typeOfMath(expr: Extract<Expr, { kind: "call" }>, fn: MathFn, args: readonly Typed[]): Typed {
  const decimal = args[0] ? decimalOf(args[0].type) : null;
  if (decimal && (fn === "abs" || fn === "floor" || fn === "ceil")) return { type: fn === "abs" ? args[0]!.type : floorType(decimal), nullable: args[0]!.nullable };
  const def = MATH_FUNCTIONS[fn];
  const numbers = "scale" in def ? 1 : expr.args.length;
  for (let i = 0; i < numbers; i++) requireNumeric(expr.args[i]!, args[i]!, `${fn}()`);
  const scale = "scale" in def ? expr.args[1] : undefined;
  if (scale && !(scale.kind === "literal" && (scale.value === null || (scale.type === "int" && typeof scale.value === "number")))) {
    throw new AnalysisError(`${exprName(expr)}: the scale must be an integer literal (a number of decimal places), got ${exprName(scale)}.`);
  }
  if (decimal && (fn === "round" || fn === "bround")) {
    const digits = scale?.kind === "literal" && typeof scale.value === "number" ? scale.value : 0;
    return { type: roundType(decimal, digits), nullable: args.some((a) => a.nullable) || (scale?.kind === "literal" && scale.value === null) };
  }
  // Logarithms give null for x <= 0, round for a NULL scale: nullable whatever the arguments.
  const partial = fn === "log" || fn === "ln" || fn === "log10" || fn === "log2" || (scale?.kind === "literal" && scale.value === null);
  return { type: mathResultType(fn, args.slice(0, numbers).map((a) => a.type)), nullable: partial || args.some((a) => a.nullable) };
}

/** A string function's arguments are strings and ints (positions, lengths, counts), as Spark's; no implicit casts yet. */
function typeOfString(expr: Extract<Expr, { kind: "call" }>, fn: StringFn, args: readonly Typed[]): Typed {
  const def: StringFunction = STRING_FUNCTIONS[fn];
  const onBytes = worksOnBytes(def, args.map((a) => a.type));
  args.forEach((a, i) => {
    const want = def.args[Math.min(i, def.args.length - 1)]!;
    const fits =
      (onBytes && a.type === "binary") ||
      a.type === want ||
      a.type === "null" ||
      (want === "text" && (a.type === "string" || a.type === "array<string>")) ||
      (want === "binaryOrLong" && (a.type === "binary" || a.type === "long")) ||
      (want === "number" && isNumeric(a.type)) ||
      (want === "placesOrPattern" && (a.type === "int" || a.type === "string"));
    if (!fits && (want === "binary" || want === "binaryOrLong" || want === "number" || want === "placesOrPattern")) {
      const ordinal = ["first", "second", "third"][i] ?? `${i + 1}th`;
      const wanted = { binary: `"BINARY"`, binaryOrLong: `("BIGINT" or "BINARY" or "STRING")`, number: `"NUMERIC"`, placesOrPattern: `("INT" or "STRING")` }[want];
      throw new AnalysisError(`[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "${exprName(expr)}" due to data type mismatch: The ${ordinal} parameter requires the ${wanted} type, however "${exprName(expr.args[i]!)}" has the type "${sqlTypeName(a.type)}".`);
    }
    if (!fits) {
      const how = want === "int" ? "Use cast(\"int\") or a whole-number literal." : "Use cast(\"string\") to convert it.";
      const expected = want === "int" ? "an int" : want === "text" ? "a string or an array of strings" : "a string";
      throw new AnalysisError(`${fn}(): argument ${i + 1} (${exprName(expr.args[i]!)}) is ${a.type}, expected ${expected}. ${how}`);
    }
  });
  // locate gives 0 (not null) for a NULL position, but null for a null string; concat_ws is null only for a null separator.
  return { type: onBytes ? "binary" : def.result, nullable: fn === "concat_ws" ? args[0]!.nullable : args.some((a) => a.nullable) };
}

/** hash() and xxhash64() take values of most types and are never null; the digests take a string (sha2 an int bit length too). */
function typeOfHashing(expr: Extract<Expr, { kind: "call" }>, fn: HashingFn, args: readonly Typed[]): Typed {
  if (fn === "hash" || fn === "xxhash64") {
    args.forEach((a, i) => {
      if (!hashable(a.type)) throw new AnalysisError(`${fn}(): argument ${i + 1} (${exprName(expr.args[i]!)}) is ${a.type}, which ${fn}() cannot take yet.`);
    });
    return { type: fn === "hash" ? "int" : "long", nullable: false };
  }
  const [s, bits] = args;
  if (s!.type !== "string" && s!.type !== "binary" && s!.type !== "null") {
    throw new AnalysisError(`${fn}(): argument 1 (${exprName(expr.args[0]!)}) is ${s!.type}, expected a binary or a string (Spark hashes its UTF-8 bytes). Use cast("string") to convert it.`);
  }
  if (fn === "sha2" && bits!.type !== "int" && bits!.type !== "null") {
    throw new AnalysisError(`sha2(): argument 2 (${exprName(expr.args[1]!)}) is ${bits!.type}, expected an int bit length (224, 256, 384 or 512).`);
  }
  return { type: DIGEST_FUNCTIONS[fn].result, nullable: fn === "sha2" || args.some((a) => a.nullable) };
}

/** A date function's arguments are dates (or strings Spark casts to dates), ints, strings, booleans; see DATE_ARG_TYPES. */
function typeOfDate(expr: Extract<Expr, { kind: "call" }>, fn: DateFn, args: readonly Typed[]): Typed {
  const def: DateFunction = DATE_FUNCTIONS[fn];
  args.forEach((a, i) => {
    const want = def.args[i]!;
    if (a.type !== "null" && !DATE_ARG_TYPES[want].includes(a.type)) {
      const [expected, how] = DATE_ARG_HINTS[want];
      throw new AnalysisError(`${fn}() takes ${expected} as argument ${i + 1}, but ${exprName(expr.args[i]!)} is ${a.type}. ${how}`);
    }
  });
  return { type: def.result, nullable: def.partial === true || args.some((a) => a.nullable) };
}

/** A timestamp function's arguments: timestamps (or dates and strings Spark casts to them), strings, numbers; see TIMESTAMP_ARG_TYPES. */
function typeOfTimestamp(expr: Extract<Expr, { kind: "call" }>, fn: TimestampFn, args: readonly Typed[]): Typed {
  const def: TimestampFunction = TIMESTAMP_FUNCTIONS[fn];
  args.forEach((a, i) => {
    const want = def.args[i]!;
    if (a.type !== "null" && !TIMESTAMP_ARG_TYPES[want].accepts.includes(a.type)) {
      const [expected, how] = TIMESTAMP_ARG_HINTS[want];
      throw new AnalysisError(`${fn}() takes ${expected} as argument ${i + 1}, but ${exprName(expr.args[i]!)} is ${a.type}. ${how}`);
    }
  });
  return { type: def.result, nullable: def.partial === true || (expr.legacy === true && def.lenient === true) || args.some((a) => a.nullable) };
}

function typeOfCall(expr: Extract<Expr, { kind: "call" }>, schema: Schema): Typed {
  // A lambda's type is its body's, its variables bound by the analyzer (higher-order.ts).
  if (isHigherOrderFn(expr.fn)) return higherOrderType(expr, expr.args.map((a) => typeOf(a.kind === "lambda" ? a.body : a, schema)));
  const args = expr.args.map((a) => typeOf(a, schema));
  const anyNullable = args.some((a) => a.nullable);
  if (isArrayFn(expr.fn)) {
    const typed = (ARRAY_FUNCTIONS[expr.fn] as ArrayFunction).type(args, expr.args);
    if (typeof typed === "string") throw new AnalysisError(typed);
    return typed;
  }
  if (isMathFn(expr.fn)) return typeOfMath(expr, expr.fn, args);
  if (isStringFn(expr.fn)) return typeOfString(expr, expr.fn, args);
  if (isHashingFn(expr.fn)) return typeOfHashing(expr, expr.fn, args);
  if (isDateFn(expr.fn)) return typeOfDate(expr, expr.fn, args);
  if (isTimestampFn(expr.fn)) return typeOfTimestamp(expr, expr.fn, args);
  if (isIntervalFn(expr.fn)) {
    const literals = expr.args.map((a) => (a.kind === "literal" ? a.value : undefined));
    const type = INTERVAL_FUNCTIONS[expr.fn].type(args.map((a) => a.type), literals);
    if (typeof type !== "string") {
      const refused = type.refused.startsWith("[") ? type.refused : `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "${exprName(expr)}" due to data type mismatch: ${type.refused}`;
      throw new AnalysisError(`${refused} (${args.map((a) => sqlTypeName(a.type)).join(", ")}).`);
    }
    return { type, nullable: anyNullable };
  }
  switch (expr.fn) {
    case "upper":
    case "lower":
    case "trim":
      return { type: "string", nullable: anyNullable };
    case "substring":
      // Bytes of a binary value (coercion.ts leaves it, and a concat of binary values only, as bytes).
      return { type: args[0]!.type === "binary" ? "binary" : "string", nullable: anyNullable };
    case "concat":
      return { type: args.length > 0 && args.every((a) => a.type === "binary") ? "binary" : "string", nullable: anyNullable };
    case "length":
      return { type: "int", nullable: anyNullable };
    case "coalesce":
    case "nvl":
    case "ifnull":
      return { type: commonType(args.map((a) => a.type), expr), nullable: args.every((a) => a.nullable) };
    case "greatest":
    case "least":
      if (args.some((a) => a.type === "any")) throw new AnalysisError(`${exprName(expr)}: values of type any cannot be ordered; cast them first.`);
      return { type: commonType(args.map((a) => a.type), expr), nullable: args.every((a) => a.nullable) };
    case "nvl2":
      return { type: commonType([args[1]!.type, args[2]!.type], expr), nullable: args[1]!.nullable || args[2]!.nullable };
    case "nullif":
      commonType([args[0]!.type, args[1]!.type], expr); // the two must be comparable
      return { type: args[0]!.type, nullable: true };
    case "raise_error":
      args.forEach((a, i) => {
        if (a.type !== "string") throw new AnalysisError(`raise_error(): argument ${i + 1} (${exprName(expr.args[i]!)}) is ${a.type}, expected a string.`);
      });
      // Never a value: Spark's NullType, which any other branch's type absorbs.
      return { type: "null", nullable: true };
    case "isnan":
      requireNumeric(expr.args[0]!, args[0]!, "isnan()");
      return { type: "boolean", nullable: false };
    case "nanvl":
      requireNumeric(expr.args[0]!, args[0]!, "nanvl()");
      requireNumeric(expr.args[1]!, args[1]!, "nanvl()");
      // Two floats stay a float, as Spark's NaNvl; anything else is a double.
      return { type: args[0]!.type === "float" && args[1]!.type === "float" ? "float" : "double", nullable: anyNullable };
    case "like":
      return { type: "boolean", nullable: anyNullable };
    case "split":
      return { type: "array<string>", nullable: anyNullable };
    case "grouping":
    case "grouping_id":
      throw new AnalysisError(`[UNSUPPORTED_GROUPING_EXPRESSION] ${exprName(expr)}: grouping() and grouping_id() can only be used in the agg() of rollup(), cube() or groupingSets().`);
  }
}

export function typeOf(expr: Expr, schema: Schema): Typed {
  switch (expr.kind) {
    case "column": {
      const field = resolveColumn(schema, expr.name);
      return { type: field.type, nullable: field.nullable };
    }
    case "literal":
      return { type: expr.type, nullable: expr.value === null };
    case "alias":
      return typeOf(expr.expr, schema);
    case "binary": {
      const l = typeOf(expr.left, schema);
      const r = typeOf(expr.right, schema);
      const nullable = l.nullable || r.nullable;
      switch (expr.op) {
        case "add":
        case "subtract":
        case "multiply":
        case "mod":
        case "divide":
          if (isInterval(l.type) || isInterval(r.type) || (expr.op === "subtract" && (l.type === "date" || l.type === "timestamp"))) {
            // Interval arithmetic coercion.ts did not rewrite (interval-arithmetic.ts): a mix Spark refuses.
            throw new AnalysisError(
              `[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "${exprName(expr)}" due to data type mismatch: the left and right operands of the binary operator have incompatible types ("${sqlTypeName(l.type)}" and "${sqlTypeName(r.type)}").`,
            );
          }
          requireNumeric(expr.left, l, exprName(expr));
          requireNumeric(expr.right, r, exprName(expr));
          if (isDecimal(l.type) || isDecimal(r.type)) return decimalArithmetic(expr.op, l.type, r.type, nullable || expr.legacy === true);
      }
      switch (expr.op) {
        case "add":
        case "subtract":
        case "multiply":
        case "mod":
          // x % 0 is null in legacy mode (an error with ANSI on).
          return { type: widerNumeric(l.type, r.type) === "null" ? "double" : widerNumeric(l.type, r.type), nullable: nullable || (expr.op === "mod" && expr.legacy === true) };
        case "divide":
          // Spark: division is always fractional; x / 0 is DIVIDE_BY_ZERO with ANSI on, null in legacy mode.
          return { type: "double", nullable: nullable || expr.legacy === true };
        case "eqNullSafe":
          requireComparable(expr, l.type, r.type);
          return { type: "boolean", nullable: false };
        case "and":
        case "or":
          requireBoolean(expr.left, l.type, exprName(expr));
          requireBoolean(expr.right, r.type, exprName(expr));
          return { type: "boolean", nullable };
        default:
          requireComparable(expr, l.type, r.type);
          return { type: "boolean", nullable };
      }
    }
    case "unary": {
      const inner = typeOf(expr.expr, schema);
      if (expr.op === "isNull" || expr.op === "isNotNull") return { type: "boolean", nullable: false };
      if (expr.op === "negate" && !isInterval(inner.type)) requireNumeric(expr.expr, inner, exprName(expr));
      if (expr.op === "not") requireBoolean(expr.expr, inner.type, exprName(expr));
      return { type: expr.op === "not" ? "boolean" : inner.type, nullable: inner.nullable };
    }
    case "in": {
      const types = [expr.expr, ...expr.values].map((v) => typeOf(v, schema).type);
      // Binary values beside strings (left so by coercion.ts with ANSI off), as Spark's In refuses them.
      if (types.includes("binary") && types.includes("string")) {
        throw new AnalysisError(`[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve "${exprName(expr)}" due to data type mismatch: Input to \`in\` should all be the same type, but it's [${types.map((t) => `"${sqlTypeName(t)}"`).join(", ")}].`);
      }
      return { type: "boolean", nullable: typeOf(expr.expr, schema).nullable || expr.values.some((v) => typeOf(v, schema).nullable) };
    }
    case "cast": {
      const from = typeOf(expr.expr, schema).type;
      if (isTimestampCast(from, expr.to)) {
        const refusal = timestampCastRefusal(from, expr.to);
        if (refusal !== undefined) throw new AnalysisError(`${exprName(expr)}: ${refusal} Cast through a string or a number if you need it.`);
      }
      // Spark's cast rules (casts.ts): some pairs are refused here; ANSI casts fail on a value rather than give null.
      const refused = castRefusal(from, expr.to, expr.mode ?? "ansi", exprName(expr));
      if (refused) throw new AnalysisError(refused);
      return { type: expr.to, nullable: expr.mode !== undefined || typeOf(expr.expr, schema).nullable || from === "any" || from === "null" };
    }
    case "caseWhen": {
      expr.branches.forEach((b) => typeOf(b.when, schema));
      const results = [...expr.branches.map((b) => b.then), ...(expr.otherwise ? [expr.otherwise] : [])].map((e) => typeOf(e, schema));
      return { type: commonType(results.map((t) => t.type), expr), nullable: !expr.otherwise || results.some((t) => t.nullable) };
    }
    case "call":
      return typeOfCall(expr, schema);
    case "rand":
      return { type: "double", nullable: false };
    case "udf":
      expr.args.forEach((a) => typeOf(a, schema));
      return { type: expr.returnType, nullable: true };
    case "agg":
      return typeOfAgg(expr, schema);
    case "window":
      return typeOfWindow(expr, schema);
    case "lambda":
      throw new AnalysisError(`[INVALID_LAMBDA_FUNCTION_CALL] ${exprName(expr)}: a lambda function is an argument of a higher-order function (transform, filter, aggregate, exists, ...), not a value.`);
    case "lambdaVar":
      if (expr.type === undefined) {
        throw new AnalysisError(`[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] The lambda variable ${expr.name} is used outside the lambda function that declares it.`);
      }
      return { type: expr.type, nullable: expr.nullable ?? true };
    case "generator":
      throw new AnalysisError(`[UNSUPPORTED_GENERATOR.OUTSIDE_SELECT] The generator ${exprName(expr)} is not allowed here: only as a column of select() or withColumn() (one per select), not nested in another expression.`);
  }
}

/** An aggregate's arguments against its entry in AGG_FUNCTIONS (functions/aggregates.ts); count alone takes `*`. */
function typeOfAgg(expr: Extract<Expr, { kind: "agg" }>, schema: Schema): Typed {
  const def = AGG_FUNCTIONS[expr.fn];
  const name = exprName(expr);
  if (expr.arg === null && expr.fn !== "count") throw new AnalysisError(`${name}: ${expr.fn}() needs a column, not *.`);
  const args = [...(expr.arg ? [expr.arg] : []), ...(expr.args ?? [])];
  const fewest = def.args.length - (def.optional ?? 0);
  if (expr.arg !== null && (args.length < fewest || args.length > def.args.length)) {
    const takes = fewest === def.args.length ? `${fewest}` : `${fewest} to ${def.args.length}`;
    throw new AnalysisError(`${name}: ${expr.fn}() takes ${takes} argument(s), got ${args.length}.`);
  }
  if (expr.ignoreNulls !== undefined && !def.ignoreNulls) throw new AnalysisError(`${name}: ${expr.fn}() has no ignoreNulls option.`);
  const types = args.map((a, i) => {
    const t = typeOf(a, schema).type;
    if (!fitsAggArg(def.args[i]!, t)) throw new AnalysisError(aggArgMismatch(name, i + 1, exprName(a), t, def.args[i]!));
    return t;
  });
  const refused = def.check?.(args, types) ?? null;
  if (refused !== null) throw new AnalysisError(`${name}: ${refused}.`);
  const type = def.result(types);
  if (typeof type !== "string") throw new AnalysisError(`${name}: ${type.refused}.`);
  return { type, nullable: def.nullable };
}

/**
 * Arithmetic with a decimal (coercion.ts has made the other side a decimal or both doubles):
 * Spark's result type (decimal.ts); an integer side not yet coerced counts as its decimal.
 * Nullable in legacy mode, where an overflow or a zero divisor is null.
 */
function decimalArithmetic(op: DecimalOp, l: DataType, r: DataType, nullable: boolean): Typed {
  if (l === "double" || r === "double") return { type: "double", nullable };
  const asDecimal = (t: DataType) => decimalOf(t) ?? decimalOf(t === "null" ? "decimal(1,0)" : integralDecimal(t as "int" | "long"))!;
  return { type: arithmeticType(op, asDecimal(l), asDecimal(r)), nullable };
}

/** The output field an expression produces in a projection. */
export function outputField(expr: Expr, schema: Schema): Field {
  const { type, nullable } = typeOf(expr, schema);
  return { name: exprName(expr), type, nullable };
}
