/**
 * SQL literals and function calls as the expressions the DataFrame API builds: a name Spark's
 * SQL knows becomes the same `call` or `agg` node as its pyspark.sql.functions twin, so the
 * analyzer checks arguments and types once for both. Spark's other spellings of a name
 * (substr, ceiling, power, lcase...) map to the one sparkfn has.
 */
import type { IToken } from "chevrotain";
import { higherOrderCall, isHigherOrderFn } from "../../shared/plan/functions/higher-order.ts";
import { AggFn, SCALAR_FUNCTIONS, alias, call, column, exprName, literal, transformExpr, type Expr, type GeneratorFn, type ScalarFn, type WindowFn } from "../../shared/plan/expr.ts";
import { extractField } from "./literals.ts";
import { decimalOf, INTEGRAL_RANGES, parseTypeName } from "../../shared/plan/types.ts";
import { decimalText, literalType, parseDecimalText } from "../../shared/plan/decimal.ts";
import { bytesOfHex } from "../../shared/plan/binary.ts";
import { UserError } from "../../shared/errors.ts";
import { isInternalIntervalFn } from "../../shared/plan/functions/interval-functions.ts";

/** SQL text that names something Spark's SQL does not know, or calls it wrongly. */
export class SqlFunctionError extends UserError {
  override readonly name = "AnalysisException";
}

/** Spark's other names for functions sparkfn has. */
const SYNONYMS: Readonly<Record<string, string>> = {
  substr: "substring", ceiling: "ceil", power: "pow", lcase: "lower", ucase: "upper", char_length: "length", character_length: "length",
  len: "length", printf: "format_string", mean: "avg", std: "stddev", day: "dayofmonth", position: "locate", sign: "signum", any: "bool_or",
};

/** Functions that are casts in Spark SQL: int(x), date(x)... */
const CAST_FUNCTIONS = new Set(["int", "bigint", "smallint", "tinyint", "double", "float", "string", "boolean", "date", "timestamp"]);

/**
 * A number token as Spark types it: an integral int when it fits, else bigint; L bigint, S
 * smallint, Y tinyint (within their ranges), F float, D double; a fraction (or BD) a decimal of exactly its digits (`0.06` is decimal(2,2), its value
 * the text "0.06"); an exponent a double.
 */
export function numberLiteral(token: IToken): Expr {
  const text = token.image;
  const suffix = /(BD|bd|[LlSsYyDdFf])$/.exec(text)?.[1]?.toUpperCase();
  const digits = suffix ? text.slice(0, -suffix.length) : text;
  const value = Number(digits);
  if (suffix === "L") return { kind: "literal", value, type: "long" };
  if ((suffix === "BD" || (suffix === undefined && digits.includes("."))) && !/[eE]/.test(digits)) {
    const type = literalType(digits);
    return { kind: "literal", value: decimalText(parseDecimalText(digits, decimalOf(type)!.scale)!, decimalOf(type)!.scale), type };
  }
  if (suffix === "F") return { kind: "literal", value: Math.fround(value), type: "float" };
  if (suffix === "D" || suffix === "BD" || /[.eE]/.test(digits)) return { kind: "literal", value, type: "double" };
  if (suffix === "S" || suffix === "Y") {
    const type = suffix === "S" ? "short" : "byte";
    const [min, max] = INTEGRAL_RANGES[type];
    if (!(value >= min && value <= max)) {
      throw new SqlFunctionError(`[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal ${digits} is outside the valid range for ${type === "byte" ? "tinyint" : "smallint"} with minimum value of ${min} and maximum value of ${max}. Please adjust the value accordingly.`);
    }
    return { kind: "literal", value: value + 0, type };
  }
  return literal(value);
}

/** X'0A1B': its bytes (an odd count of digits has a leading 0, as Spark's), a byte string of type binary (shared/plan/binary.ts). */
export function binaryLiteral(token: IToken): Expr {
  const digits = token.image.slice(2, -1);
  const bytes = bytesOfHex(digits);
  if (bytes === null) throw new SqlFunctionError(`[INVALID_TYPED_LITERAL] The value of the typed literal "X" is invalid: '${digits}'.`);
  return { kind: "literal", value: bytes, type: "binary" };
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", b: "\b", "0": "\0", Z: "\u001a", "%": "\\%", _: "\\_" };

/** A string token's value: quotes off, Spark's backslash escapes applied (\n, \t, \', \\; \% and \_ stay for LIKE). */
export function stringValue(token: IToken): string {
  const body = token.image.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ESCAPES[c] ?? c));
}

const WINDOW_FUNCTIONS = new Set(["row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "nth_value"]);

/** A ranking or offset function, its arguments as driver/api/window.ts gives them (lag(x) is lag(x, 1, null)). */
function windowFunction(fn: WindowFn, written: string, args: readonly Expr[], where: string): Expr {
  const arity: Record<string, readonly [number, number]> = { ntile: [1, 1], lag: [1, 3], lead: [1, 3], nth_value: [2, 2] };
  const [min, max] = arity[fn] ?? [0, 0];
  if (args.length < min || args.length > max) throw new SqlFunctionError(`[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The \`${written}\` requires ${min === max ? min : `${min} to ${max}`} parameters but the actual number is ${args.length} ${where}.`);
  const full = fn === "lag" || fn === "lead" ? [args[0]!, args[1] ?? literal(1), args[2] ?? literal(null)] : [...args];
  return { kind: "window", fn, args: full, spec: null };
}

/** The explode family by SQL name: the generator and whether it is the _outer form. */
const GENERATORS: Readonly<Record<string, readonly [GeneratorFn, boolean]>> = {
  explode: ["explode", false], explode_outer: ["explode", true], posexplode: ["posexplode", false], posexplode_outer: ["posexplode", true],
  inline: ["inline", false], inline_outer: ["inline", true],
};

// The analyzer's own functions (interval arithmetic) are not SQL's.
const isScalar = (name: string): name is ScalarFn => Object.hasOwn(SCALAR_FUNCTIONS, name) && !isInternalIntervalFn(name);
const isAggregate = (name: string): name is AggFn => AggFn.safeParse(name).success;

/** `name(args)` (DISTINCT for count and sum) as the DataFrame API's node. */
export function functionCall(written: string, args: readonly Expr[], distinct: boolean, at: IToken, user?: (name: string, args: readonly Expr[]) => Expr | undefined): Expr {
  const lower = written.toLowerCase();
  const node = resolveFunction(written, args, distinct, at, user);
  // Spark names a call by the name it was called by (mean(x), not avg(x)).
  if (!SYNONYMS[lower] || node.kind === "alias") return node;
  const name = exprName(node);
  const open = name.indexOf("(");
  return open < 0 ? node : alias(node, `${lower}${name.slice(open)}`);
}

/**
 * count(DISTINCT a, b): Spark counts the distinct tuples with no null member, so the
 * distinct values are struct(a, b), null when a member is; named as Spark names the column.
 */
function countDistinctTuples(args: readonly Expr[]): Expr {
  const anyNull = args.map((a): Expr => ({ kind: "unary", op: "isNull", expr: a })).reduce((l, r) => ({ kind: "binary", op: "or", left: l, right: r }));
  const tuple: Expr = { kind: "caseWhen", branches: [{ when: anyNull, then: literal(null) }], otherwise: call("struct", args) };
  return alias({ kind: "agg", fn: "countDistinct", arg: tuple }, `count(DISTINCT ${args.map(exprName).join(", ")})`);
}

function resolveFunction(written: string, args: readonly Expr[], distinct: boolean, at: IToken, user?: (name: string, args: readonly Expr[]) => Expr | undefined): Expr {
  const lower = written.toLowerCase();
  const name = SYNONYMS[lower] ?? lower;
  const where = `(line ${at.startLine}, position ${(at.startColumn ?? 1) - 1})`;
  if (CAST_FUNCTIONS.has(name) && args.length === 1) return { kind: "cast", expr: args[0]!, to: parseTypeName(name) };
  // date_part('day', x): EXTRACT(day FROM x), named as Spark names it.
  if (name === "date_part" && args.length === 2 && args[0]!.kind === "literal" && typeof args[0]!.value === "string") {
    const extracted = extractField(at, column(args[0]!.value), args[1]!);
    return alias(extracted.kind === "alias" ? extracted.expr : extracted, `date_part(${args[0]!.value}, ${exprName(args[1]!)})`);
  }
  if (name === "if" && args.length === 3) return { kind: "caseWhen", branches: [{ when: args[0]!, then: args[1]! }], otherwise: args[2]! };
  if (distinct) {
    if (name === "count" && args.length === 1) return { kind: "agg", fn: "countDistinct", arg: args[0]! };
    if (name === "count" && args.length > 1) return countDistinctTuples(args);
    if (name === "sum" && args.length === 1) return { kind: "agg", fn: "sum_distinct", arg: args[0]! };
    throw new SqlFunctionError(`${written}(DISTINCT ...) is not supported yet ${where}; count(DISTINCT x, ...) and sum(DISTINCT x) are.`);
  }
  if (name === "count" && args.length === 1 && args[0]!.kind === "column" && args[0]!.name === "*") return { kind: "agg", fn: "count", arg: null };
  if (WINDOW_FUNCTIONS.has(name)) return windowFunction(name as WindowFn, written, args, where);
  const generator = GENERATORS[name];
  if (generator) {
    if (args.length !== 1) throw new SqlFunctionError(`[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The \`${written}\` requires 1 parameters but the actual number is ${args.length} ${where}.`);
    return { kind: "generator", fn: generator[0], arg: args[0]!, outer: generator[1] };
  }
  if (name === "rand" || name === "random" || name === "randn") return randomCall(name === "randn", written, args, where);
  if (name === "first_value" || name === "last_value") return { kind: "agg", fn: name === "first_value" ? "first" : "last", arg: args[0]! };
  if (isAggregate(name)) {
    if (args.length === 0) throw new SqlFunctionError(`${written}() needs an argument ${where}.`);
    if ((name === "first" || name === "last" || name === "any_value") && args.length === 2) {
      const flag = args[1]!;
      if (flag.kind !== "literal" || typeof flag.value !== "boolean") throw new SqlFunctionError(`${written}(): the second argument is ignoreNulls, a boolean literal ${where}.`);
      return { kind: "agg", fn: name, arg: args[0]!, ignoreNulls: flag.value };
    }
    return { kind: "agg", fn: name, arg: args[0]!, ...(args.length > 1 ? { args: args.slice(1) } : {}) };
  }
  // substring(s, pos) in SQL runs to the end of s, as substring(s, pos, 2147483647).
  if (name === "substring" && args.length === 2) return call("substring", [args[0]!, args[1]!, literal(2147483647)]);
  if (isScalar(name)) {
    const [min, max] = SCALAR_FUNCTIONS[name];
    if (args.length < min || (max >= 0 && args.length > max)) {
      const expected = min === max ? `${min}` : max < 0 ? `at least ${min}` : `${min} to ${max}`;
      throw new SqlFunctionError(`[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The \`${written}\` requires ${expected} parameters but the actual number is ${args.length} ${where}.`);
    }
    return isHigherOrderFn(name) ? higherOrderCall(name, args) : call(name, [...args]);
  }
  const udf = user?.(written, args);
  if (udf) return udf;
  throw new SqlFunctionError(`[UNRESOLVED_ROUTINE] Cannot resolve routine \`${written}\` on search path ${where}: sparkfn has no SQL function of that name yet. Use one of pyspark.sql.functions' names, or register a UDF.`);
}

/** rand([seed]), random([seed]), randn([seed]): the seed an integer literal (NULL is 0, as Spark's), else a random one. */
function randomCall(normal: boolean, written: string, args: readonly Expr[], where: string): Expr {
  if (args.length > 1) throw new SqlFunctionError(`[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The \`${written}\` requires [0, 1] parameters but the actual number is ${args.length} ${where}.`);
  const seed = args[0];
  let value: number;
  if (seed === undefined) value = Math.floor(Math.random() * 2 ** 31);
  else if (seed.kind === "literal" && (seed.value === null || (typeof seed.value === "number" && Number.isSafeInteger(seed.value) && (seed.type === "int" || seed.type === "long" || seed.type === "short" || seed.type === "byte")))) value = (seed.value as number | null) ?? 0;
  else throw new SqlFunctionError(`[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve "${written}(${exprName(seed)})" ${where}: the seed must be an integer literal.`);
  return { kind: "rand", seed: value, ...(normal ? { normal: true as const } : {}) };
}

/**
 * `params -> body`: the body's references to a parameter (`x`, or `x.field` of a struct
 * element) become the lambda's variables. SQL binds them by name, innermost lambda first
 * (an inner lambda has bound its own before this one is built) and before any column: a
 * parameter hides a column of the same name, as in Spark.
 */
export function lambdaFunction(params: readonly string[], body: Expr): Expr {
  const byName = new Map(params.map((p) => [p.toLowerCase(), p]));
  const bound = transformExpr(body, (e) => {
    if (e.kind !== "column") return undefined;
    const [head, ...fields] = e.name.split(".");
    const param = byName.get(head!.toLowerCase());
    if (param === undefined) return undefined;
    return fields.reduce<Expr>((value, field) => call("get_field", [value, literal(field)]), { kind: "lambdaVar", name: param });
  });
  return { kind: "lambda", params, body: bound };
}
