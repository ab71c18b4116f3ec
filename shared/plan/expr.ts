/**
 * Expressions as data: readonly nodes discriminated by `kind`, plain JSON, built by the
 * small factories below (the driver's Column API wraps them) and validated by `ExprSchema`
 * on the executor before anything is compiled.
 */
import { z } from "zod";
import { DataType, integralType, isInterval, type Scalar } from "./types.ts";
import { intervalText } from "./intervals.ts";
import { ShippedFunction } from "./function.ts";
import { sqlTypeName } from "./casts.ts";
import { hexOf } from "./binary.ts";
import { AGG_FUNCTIONS } from "./functions/aggregates.ts";

export const ArithmeticOp = z.enum(["add", "subtract", "multiply", "divide", "mod"]);
export const ComparisonOp = z.enum(["eq", "ne", "gt", "ge", "lt", "le", "eqNullSafe"]);
export const LogicalOp = z.enum(["and", "or"]);
export const BinaryOp = z.union([ArithmeticOp, ComparisonOp, LogicalOp]);
export type ArithmeticOp = z.infer<typeof ArithmeticOp>;
export type ComparisonOp = z.infer<typeof ComparisonOp>;
export type LogicalOp = z.infer<typeof LogicalOp>;
export type BinaryOp = z.infer<typeof BinaryOp>;

export const UnaryOp = z.enum(["not", "negate", "isNull", "isNotNull"]);
export type UnaryOp = z.infer<typeof UnaryOp>;

/** Scalar functions with their arity (min, max; -1 = any). */
export const SCALAR_FUNCTIONS = {
  upper: [1, 1],
  lower: [1, 1],
  length: [1, 1],
  trim: [1, 1],
  substring: [3, 3],
  concat: [1, -1],
  coalesce: [1, -1],
  split: [2, 3],
  like: [2, 2],
  // arrays and structs (shared/plan/functions/arrays.ts); get_field and get_item are col("s.a"), getField, getItem
  array: [0, -1], struct: [1, -1], named_struct: [2, -1], get_field: [2, 2], get_item: [2, 2], element_at: [2, 2], try_element_at: [2, 2],
  size: [1, 1], array_contains: [2, 2], sort_array: [1, 2], array_distinct: [1, 1], flatten: [1, 1], array_max: [1, 1], array_min: [1, 1],
  array_position: [2, 2], array_remove: [2, 2], slice: [3, 3], array_join: [2, 3],
  map: [0, -1], map_from_arrays: [2, 2], map_keys: [1, 1], map_values: [1, 1], map_entries: [1, 1], map_contains_key: [2, 2],
  // math (shared/plan/functions/math.ts)
  abs: [1, 1], round: [1, 2], bround: [1, 2], floor: [1, 1], ceil: [1, 1], sqrt: [1, 1], cbrt: [1, 1], pow: [2, 2], exp: [1, 1],
  log: [1, 2], ln: [1, 1], log10: [1, 1], log2: [1, 1], signum: [1, 1], pmod: [2, 2], hypot: [2, 2], degrees: [1, 1], radians: [1, 1],
  sin: [1, 1], cos: [1, 1], tan: [1, 1], asin: [1, 1], acos: [1, 1], atan: [1, 1], atan2: [2, 2], sinh: [1, 1], cosh: [1, 1], tanh: [1, 1],
  // comparison and null handling
  greatest: [2, -1], least: [2, -1], nvl: [2, 2], ifnull: [2, 2], nvl2: [3, 3], nullif: [2, 2], isnan: [1, 1], nanvl: [2, 2],
  // raise_error(message): fails the query when evaluated (shared/plan/semantics.ts); a second argument names the error class
  raise_error: [1, 2],
  // strings (shared/plan/functions/strings.ts)
  lpad: [3, 3], rpad: [3, 3], ltrim: [1, 1], rtrim: [1, 1], instr: [2, 2], locate: [2, 3], reverse: [1, 1], repeat: [2, 2], initcap: [1, 1],
  left: [2, 2], right: [2, 2], ascii: [1, 1], translate: [3, 3], substring_index: [3, 3], format_number: [2, 2], format_string: [1, -1], overlay: [3, 4], levenshtein: [2, 3], soundex: [1, 1],
  // regular expressions and more strings (shared/plan/functions/regex.ts, strings.ts)
  rlike: [2, 2], regexp_like: [2, 2], regexp: [2, 2], regexp_replace: [3, 4], regexp_extract: [2, 3], regexp_extract_all: [2, 3], concat_ws: [1, -1],
  // binary (shared/plan/functions/binary-functions.ts)
  base64: [1, 1], unbase64: [1, 1], hex: [1, 1], unhex: [1, 1], encode: [2, 2], decode: [2, 2], octet_length: [1, 1], bit_length: [1, 1],
  // hashing (shared/plan/functions/hashing.ts)
  hash: [1, -1], xxhash64: [1, -1], md5: [1, 1], sha1: [1, 1], sha: [1, 1], sha2: [2, 2], crc32: [1, 1],
  // dates (shared/plan/functions/dates.ts)
  current_date: [0, 0], date_add: [2, 2], date_sub: [2, 2], add_months: [2, 2], datediff: [2, 2], last_day: [1, 1], next_day: [2, 2], year: [1, 1],
  quarter: [1, 1], month: [1, 1], dayofmonth: [1, 1], dayofweek: [1, 1], dayofyear: [1, 1], weekofyear: [1, 1], trunc: [2, 2], make_date: [3, 3],
  to_date: [1, 2],
  // timestamps (shared/plan/functions/timestamp-functions.ts)
  date_format: [2, 2], months_between: [2, 3], current_timestamp: [0, 0], now: [0, 0], to_timestamp: [1, 2], hour: [1, 1], minute: [1, 1],
  second: [1, 1], date_trunc: [2, 2], unix_timestamp: [0, 2], from_unixtime: [1, 2], from_utc_timestamp: [2, 2], to_utc_timestamp: [2, 2],
  make_timestamp: [6, 7], timestamp_seconds: [1, 1], timestamp_millis: [1, 1], timestamp_micros: [1, 1], unix_seconds: [1, 1], unix_millis: [1, 1],
  unix_micros: [1, 1], localtimestamp: [0, 0], to_timestamp_ntz: [1, 2], make_timestamp_ntz: [6, 6],
  // intervals (shared/plan/functions/interval-functions.ts); the `interval:` ones are the analyzer's rewrites of interval arithmetic (interval-arithmetic.ts)
  make_dt_interval: [0, 4], make_ym_interval: [0, 2], "interval:add": [2, 2], "interval:subtract": [2, 2], "interval:multiply": [2, 2], "interval:divide": [2, 2],
  "interval:timestampAdd": [2, 2], "interval:dateAdd": [2, 2], "interval:difference": [2, 2], "interval:extract": [2, 3],
  // higher-order functions over arrays and maps, with lambda arguments (shared/plan/functions/higher-order.ts)
  transform: [2, 2], filter: [2, 2], aggregate: [3, 4], reduce: [3, 4], exists: [2, 2], forall: [2, 2], zip_with: [3, 3],
  map_filter: [2, 2], transform_keys: [2, 2], transform_values: [2, 2], array_sort: [1, 2],
  // grouping sets: replaced by the analyzer in rollup/cube/groupingSets aggregations (driver/planner/grouping-sets.ts), refused elsewhere
  grouping: [1, 1], grouping_id: [0, -1],
} as const satisfies Record<string, readonly [number, number]>;
export const ScalarFn = z.enum(Object.keys(SCALAR_FUNCTIONS) as [keyof typeof SCALAR_FUNCTIONS]);
/** grouping() and grouping_id(): the analyzer replaces them per grouping set; they never reach an executor. */
export type GroupingFn = "grouping" | "grouping_id";
export type ScalarFn = z.infer<typeof ScalarFn>;

/** Aggregate functions (shared/plan/functions/aggregates.ts says what each takes and gives). */
export const AggFn = z.enum([
  "sum", "count", "avg", "min", "max", "countDistinct", "first", "last", "any_value",
  "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "skewness", "kurtosis", "corr", "covar_samp", "covar_pop",
  "count_if", "bool_and", "bool_or", "every", "some", "max_by", "min_by", "sum_distinct", "collect_list", "collect_set",
  "approx_count_distinct", "percentile", "median", "mode", "percentile_approx", "approx_percentile",
]);
export type AggFn = z.infer<typeof AggFn>;

/**
 * Functions evaluated over a window (driver/api/window.ts): the ranking and offset functions,
 * nth_value, and "aggregate" (an aggregate function over a frame; args[0] is its `agg` node).
 */
/**
 * Generators (Spark's explode family): each input row gives as many output rows as its array
 * has elements (explode: `col`; posexplode: `pos`, `col`; inline: an array of structs' fields),
 * or, with `outer`, one row of nulls for a null or empty array. Only select() and withColumn()
 * take them: the analyzer moves one into a logical `generate` node (driver/planner/generators.ts).
 */
export const GeneratorFn = z.enum(["explode", "posexplode", "inline"]);
export type GeneratorFn = z.infer<typeof GeneratorFn>;

export const WindowFn = z.enum(["row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "nth_value", "aggregate"]);
export type WindowFn = z.infer<typeof WindowFn>;

/**
 * A window frame: ROWS (offsets in rows) or RANGE (offsets in values of the one order key)
 * from `start` to `end` relative to the current row, negative before it; null is unbounded
 * (preceding for `start`, following for `end`), 0 the current row (its peers for RANGE).
 * `interval`: RANGE offsets that are intervals of this type (`INTERVAL 1 DAY PRECEDING` over a
 * date or timestamp), their values microseconds or months (shared/plan/intervals.ts).
 */
export const WindowFrame = z
  .object({ type: z.enum(["rows", "range"]), start: z.number().int().nullable(), end: z.number().int().nullable(), interval: DataType.optional() })
  .strict();
export type WindowFrame = z.infer<typeof WindowFrame>;

export interface WindowOrder {
  readonly expr: Expr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** PARTITION BY, ORDER BY and the frame (null: Spark's default for the function). */
export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly WindowOrder[];
  readonly frame: WindowFrame | null;
}

export type Expr =
  | { readonly kind: "column"; readonly name: string }
  | { readonly kind: "literal"; readonly value: Scalar; readonly type: DataType }
  | { readonly kind: "alias"; readonly expr: Expr; readonly name: string }
  /**
   * `legacy`: arithmetic as with spark.sql.ansi.enabled = false (x / 0 is null, ints wrap);
   * absent: ANSI, as Spark 4 by default (DIVIDE_BY_ZERO, ARITHMETIC_OVERFLOW errors).
   */
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly legacy?: true }
  /** `legacy`: negation as with spark.sql.ansi.enabled = false (a byte's or short's -MIN wraps). */
  | { readonly kind: "unary"; readonly op: UnaryOp; readonly expr: Expr; readonly legacy?: true }
  | { readonly kind: "in"; readonly expr: Expr; readonly values: readonly Expr[] }
  /**
   * A cast (shared/plan/casts.ts). `mode`: absent is ANSI (Spark 4's default: a value that does
   * not convert is an error), "try" is try_cast (null instead), "legacy" is
   * spark.sql.ansi.enabled = false (the analyzer stamps it). `implicit`: inserted by type
   * coercion (shared/plan/coercion.ts), so the column keeps its operand's name.
   */
  | { readonly kind: "cast"; readonly expr: Expr; readonly to: DataType; readonly mode?: "try" | "legacy"; readonly implicit?: true }
  | { readonly kind: "caseWhen"; readonly branches: readonly { readonly when: Expr; readonly then: Expr }[]; readonly otherwise: Expr | null }
  /**
   * `legacy`: as with spark.sql.ansi.enabled = false, for the functions whose results depend on it (element_at, size, ...).
   * `mapKeyLastWin`: spark.sql.mapKeyDedupPolicy = LAST_WIN, for the functions that build maps (a repeated key keeps its last value).
   */
  | { readonly kind: "call"; readonly fn: ScalarFn; readonly args: readonly Expr[]; readonly legacy?: true; readonly mapKeyLastWin?: true }
  /** rand(seed), or with `normal` randn(seed): Spark's XORShiftRandom from seed + partition (shared/xorshift-random.ts). */
  | { readonly kind: "rand"; readonly seed: number; readonly normal?: true }
  /** A user-defined function (udf()) over its arguments' values; its result is cast to `returnType`. */
  | { readonly kind: "udf"; readonly name: string; readonly fn: ShippedFunction; readonly returnType: DataType; readonly args: readonly Expr[] }
  /**
   * `arg: null` is count(*). `args` are the arguments after the first (corr's second column,
   * max_by's ordering); `ignoreNulls` is first/last/any_value's option. Both absent in plans
   * written before them.
   */
  | { readonly kind: "agg"; readonly fn: AggFn; readonly arg: Expr | null; readonly args?: readonly Expr[]; readonly ignoreNulls?: boolean; readonly legacy?: true }
  /**
   * A window function (`fn`, over `args`) evaluated over `spec`; `spec: null` is a function not
   * yet given `.over(window)` (row_number()), which the analyzer refuses. Only select() and
   * withColumn() take it: the analyzer moves it into a logical `window` node.
   */
  | { readonly kind: "window"; readonly fn: WindowFn; readonly args: readonly Expr[]; readonly ignoreNulls?: boolean; readonly spec: WindowSpec | null }
  /** A generator over `arg` (see GeneratorFn); `names`: its output columns' names as alias() gave them. */
  | { readonly kind: "generator"; readonly fn: GeneratorFn; readonly arg: Expr; readonly outer: boolean; readonly names?: readonly string[] }
  /**
   * A lambda function, an argument of a higher-order function (`transform(a, x -> x + 1)`):
   * `params` name the variables `body` reads as lambdaVar nodes.
   */
  | { readonly kind: "lambda"; readonly params: readonly string[]; readonly body: Expr }
  /**
   * A lambda's variable, bound by the innermost enclosing lambda with a parameter of its name.
   * `type` and `nullable` are stamped by the analyzer (coercion.ts) from the higher-order
   * function's arguments (an array's element type, ...); absent before analysis.
   */
  | { readonly kind: "lambdaVar"; readonly name: string; readonly type?: DataType; readonly nullable?: boolean };

export type ExprKind = Expr["kind"];
export type ExprOf<K extends ExprKind> = Extract<Expr, { kind: K }>;

export const ExprSchema: z.ZodType<Expr> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("column"), name: z.string() }).strict(),
    z.object({ kind: z.literal("literal"), value: z.union([z.string(), z.number(), z.boolean(), z.null()]), type: DataType }).strict(),
    z.object({ kind: z.literal("alias"), expr: ExprSchema, name: z.string() }).strict(),
    z.object({ kind: z.literal("binary"), op: BinaryOp, left: ExprSchema, right: ExprSchema, legacy: z.literal(true).optional() }).strict(),
    z.object({ kind: z.literal("unary"), op: UnaryOp, expr: ExprSchema, legacy: z.literal(true).optional() }).strict(),
    z.object({ kind: z.literal("in"), expr: ExprSchema, values: z.array(ExprSchema) }).strict(),
    z.object({ kind: z.literal("cast"), expr: ExprSchema, to: DataType, mode: z.enum(["try", "legacy"]).optional(), implicit: z.literal(true).optional() }).strict(),
    z
      .object({
        kind: z.literal("caseWhen"),
        branches: z.array(z.object({ when: ExprSchema, then: ExprSchema }).strict()).min(1),
        otherwise: ExprSchema.nullable(),
      })
      .strict(),
    z.object({ kind: z.literal("call"), fn: ScalarFn, args: z.array(ExprSchema), legacy: z.literal(true).optional(), mapKeyLastWin: z.literal(true).optional() }).strict(),
    z.object({ kind: z.literal("rand"), seed: z.number().int(), normal: z.literal(true).optional() }).strict(),
    z.object({ kind: z.literal("udf"), name: z.string().min(1), fn: ShippedFunction, returnType: DataType, args: z.array(ExprSchema) }).strict(),
    z.object({ kind: z.literal("agg"), fn: AggFn, arg: ExprSchema.nullable(), args: z.array(ExprSchema).optional(), ignoreNulls: z.boolean().optional(), legacy: z.literal(true).optional() }).strict(),
    z
      .object({
        kind: z.literal("window"),
        fn: WindowFn,
        args: z.array(ExprSchema),
        ignoreNulls: z.boolean().optional(),
        spec: z
          .object({
            partitionBy: z.array(ExprSchema),
            orderBy: z.array(z.object({ expr: ExprSchema, ascending: z.boolean(), nullsFirst: z.boolean() }).strict()),
            frame: WindowFrame.nullable(),
          })
          .strict()
          .nullable(),
      })
      .strict(),
    z.object({ kind: z.literal("generator"), fn: GeneratorFn, arg: ExprSchema, outer: z.boolean(), names: z.array(z.string().min(1)).optional() }).strict(),
    z.object({ kind: z.literal("lambda"), params: z.array(z.string().min(1)).min(1).max(3), body: ExprSchema }).strict(),
    z.object({ kind: z.literal("lambdaVar"), name: z.string().min(1), type: DataType.optional(), nullable: z.boolean().optional() }).strict(),
  ]),
);

// ---- factories -------------------------------------------------------------------------

export const column = (name: string): Expr => ({ kind: "column", name });

export function literal(value: Scalar): Expr {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error(`lit(${value}): only finite numbers can be literals.`);
  }
  const type: DataType =
    value === null ? "null" : typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : Number.isInteger(value) ? integralType(value) : "double";
  return { kind: "literal", value, type };
}

export const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: "binary", op, left, right });
export const unary = (op: UnaryOp, expr: Expr): Expr => ({ kind: "unary", op, expr });

export function call(fn: ScalarFn, args: readonly Expr[]): Expr {
  const [min, max] = SCALAR_FUNCTIONS[fn];
  if (args.length < min || (max >= 0 && args.length > max)) {
    throw new Error(`${fn}() takes ${min === max ? min : `${min} or more`} argument(s), got ${args.length}.`);
  }
  return { kind: "call", fn, args };
}

export function alias(expr: Expr, name: string): Expr {
  if (name === "") throw new Error("alias() needs a non-empty name.");
  return { kind: "alias", expr: expr.kind === "alias" ? expr.expr : expr, name };
}

/** The name Spark gives an expression's output column when it has no alias. */
export function exprName(expr: Expr): string {
  switch (expr.kind) {
    case "column":
      return expr.name;
    case "alias":
      return expr.name;
    case "literal":
      return expr.value === null ? "NULL" : expr.type === "binary" ? `X'${hexOf(String(expr.value))}'` : isInterval(expr.type) ? intervalText(expr.value as number, expr.type) : String(expr.value);
    case "binary": {
      const symbol: Record<BinaryOp, string> = {
        add: "+", subtract: "-", multiply: "*", divide: "/", mod: "%", eq: "=", ne: "!=", gt: ">", ge: ">=",
        lt: "<", le: "<=", eqNullSafe: "<=>", and: "AND", or: "OR",
      };
      return `(${exprName(expr.left)} ${symbol[expr.op]} ${exprName(expr.right)})`;
    }
    case "unary":
      return expr.op === "not" ? `(NOT ${exprName(expr.expr)})` : expr.op === "negate" ? `(- ${exprName(expr.expr)})` : `(${exprName(expr.expr)} IS ${expr.op === "isNull" ? "" : "NOT "}NULL)`;
    case "in":
      return `(${exprName(expr.expr)} IN (${expr.values.map(exprName).join(", ")}))`;
    case "cast":
      if (expr.implicit) return exprName(expr.expr);
      return `${expr.mode === "try" ? "TRY_CAST" : "CAST"}(${exprName(expr.expr)} AS ${sqlTypeName(expr.to)})`;
    case "caseWhen":
      return `CASE ${expr.branches.map((b) => `WHEN ${exprName(b.when)} THEN ${exprName(b.then)}`).join(" ")}${expr.otherwise ? ` ELSE ${exprName(expr.otherwise)}` : ""} END`;
    case "call":
      if (expr.fn === "get_field") return `${exprName(expr.args[0]!)}.${String((expr.args[1] as ExprOf<"literal">).value)}`;
      if (expr.fn === "get_item") return `${exprName(expr.args[0]!)}[${exprName(expr.args[1]!)}]`;
      // Spark's pretty names for these two are upper case: FLOOR(x), CEIL(x).
      return `${expr.fn === "floor" || expr.fn === "ceil" ? expr.fn.toUpperCase() : expr.fn}(${expr.args.map(exprName).join(", ")})`;
    case "rand":
      return `${expr.normal ? "randn" : "rand"}(${expr.seed})`;
    case "udf":
      return `${expr.name}(${expr.args.map(exprName).join(", ")})`;
    case "agg": {
      const args = [expr.arg ? exprName(expr.arg) : expr.fn === "count" ? "1" : "*", ...(expr.args ?? []).map(exprName)].join(", ");
      // Spark names distinct aggregates `count(DISTINCT x)`, `sum(DISTINCT x)`; first(x, true) is still `first(x)`.
      if (expr.fn === "countDistinct") return `count(DISTINCT ${args})`;
      const named = AGG_FUNCTIONS[expr.fn].name;
      if (named) return named([expr.arg ? exprName(expr.arg) : "*", ...(expr.args ?? []).map(exprName)]);
      return expr.fn === "sum_distinct" ? `sum(DISTINCT ${args})` : `${expr.fn}(${args})`;
    }
    case "window":
      return windowName(expr);
    case "generator":
      return `${expr.fn}${expr.outer ? "_outer" : ""}(${exprName(expr.arg)})`;
    // Spark 4 names neither by the user's names: `transform(a, lambdafunction((namedlambdavariable() + 1), namedlambdavariable()))`.
    case "lambda":
      return `lambdafunction(${[exprName(expr.body), ...expr.params.map(() => "namedlambdavariable()")].join(", ")})`;
    case "lambdaVar":
      return "namedlambdavariable()";
  }
}

const BOUND = (n: number | null, unbounded: string) => (n === null ? unbounded : n === 0 ? "CURRENT ROW" : n < 0 ? `${-n} PRECEDING` : `${n} FOLLOWING`);

/** Spark's name for a window expression: `rank() OVER (PARTITION BY g ORDER BY x ASC NULLS FIRST ROWS BETWEEN ...)`. */
function windowName(expr: ExprOf<"window">): string {
  const fn = expr.fn === "aggregate" ? exprName(expr.args[0]!) : `${expr.fn}(${expr.args.map(exprName).join(", ")})`;
  if (expr.spec === null) return fn;
  const { partitionBy, orderBy, frame } = expr.spec;
  const parts = [
    ...(partitionBy.length ? [`PARTITION BY ${partitionBy.map(exprName).join(", ")}`] : []),
    ...(orderBy.length ? [`ORDER BY ${orderBy.map((o) => `${exprName(o.expr)} ${o.ascending ? "ASC" : "DESC"} NULLS ${o.nullsFirst ? "FIRST" : "LAST"}`).join(", ")}`] : []),
    ...(frame ? [`${frame.type.toUpperCase()} BETWEEN ${BOUND(frame.start, "UNBOUNDED PRECEDING")} AND ${BOUND(frame.end, "UNBOUNDED FOLLOWING")}`] : []),
  ];
  return `${fn} OVER (${parts.join(" ")})`;
}

/** Every column name an expression reads. */
export function referencedColumns(expr: Expr, into: Set<string> = new Set()): Set<string> {
  visitChildren(expr, (child) => referencedColumns(child, into));
  if (expr.kind === "column") into.add(expr.name);
  return into;
}

/** A copy of `expr` with every node rewritten bottom-up by `f` (undefined keeps a node); unchanged subtrees are shared. */
export function transformExpr(expr: Expr, f: (node: Expr) => Expr | undefined): Expr {
  const rebuilt = mapChildren(expr, (e) => transformExpr(e, f));
  return f(rebuilt) ?? rebuilt;
}

/** A copy of `expr` with each direct child replaced by `t(child)`. */
export function mapChildren(expr: Expr, t: (child: Expr) => Expr): Expr {
  switch (expr.kind) {
    case "column":
    case "literal":
    case "rand":
    case "lambdaVar":
      return expr;
    case "lambda":
      return { ...expr, body: t(expr.body) };
    case "alias":
    case "unary":
    case "cast":
      return { ...expr, expr: t(expr.expr) } as Expr;
    case "binary":
      return { ...expr, left: t(expr.left), right: t(expr.right) };
    case "in":
      return { ...expr, expr: t(expr.expr), values: expr.values.map(t) };
    case "caseWhen":
      return { ...expr, branches: expr.branches.map((b) => ({ when: t(b.when), then: t(b.then) })), ...(expr.otherwise ? { otherwise: t(expr.otherwise) } : {}) };
    case "call":
    case "udf":
      return { ...expr, args: expr.args.map(t) } as Expr;
    case "agg":
      return { ...expr, arg: expr.arg ? t(expr.arg) : null, ...(expr.args ? { args: expr.args.map(t) } : {}) };
    case "generator":
      return { ...expr, arg: t(expr.arg) };
    case "window":
      return {
        ...expr,
        args: expr.args.map(t),
        spec: expr.spec && { ...expr.spec, partitionBy: expr.spec.partitionBy.map(t), orderBy: expr.spec.orderBy.map((o) => ({ ...o, expr: t(o.expr) })) },
      };
  }
}

export function children(expr: Expr): Expr[] {
  const out: Expr[] = [];
  visitChildren(expr, (c) => out.push(c));
  return out;
}

function visitChildren(expr: Expr, visit: (child: Expr) => void): void {
  switch (expr.kind) {
    case "column":
    case "literal":
    case "rand":
    case "lambdaVar":
      return;
    case "lambda":
      return visit(expr.body);
    case "alias":
    case "unary":
    case "cast":
      return visit(expr.expr);
    case "binary":
      visit(expr.left);
      return visit(expr.right);
    case "in":
      visit(expr.expr);
      return expr.values.forEach(visit);
    case "caseWhen":
      expr.branches.forEach((b) => {
        visit(b.when);
        visit(b.then);
      });
      if (expr.otherwise) visit(expr.otherwise);
      return;
    case "call":
    case "udf":
      return expr.args.forEach(visit);
    case "agg":
      if (expr.arg) visit(expr.arg);
      expr.args?.forEach(visit);
      return;
    case "generator":
      return visit(expr.arg);
    case "window":
      expr.args.forEach(visit);
      expr.spec?.partitionBy.forEach(visit);
      expr.spec?.orderBy.forEach((o) => visit(o.expr));
      return;
  }
}

/** An aggregate outside any window: `sum(x).over(w)` is computed by the window, not by a grouping. */
export function containsAggregate(expr: Expr): boolean {
  return expr.kind === "agg" || (expr.kind !== "window" && children(expr).some(containsAggregate));
}

/** Whether a generator (explode, ...) appears in the expression. */
export function containsGenerator(expr: Expr): boolean {
  return expr.kind === "generator" || children(expr).some(containsGenerator);
}

/** Whether a window function appears in the expression. */
export function containsWindow(expr: Expr): boolean {
  return expr.kind === "window" || children(expr).some(containsWindow);
}

/** The parts of an AND chain: `a AND (b AND c)` → [a, b, c]. */
export function conjuncts(expr: Expr): Expr[] {
  return expr.kind === "binary" && expr.op === "and" ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}

/** The AND of one or more conditions (conjuncts' inverse): [a, b, c] → `(a AND b) AND c`. */
export function conjunction(parts: readonly Expr[]): Expr {
  if (parts.length === 0) throw new Error("conjunction of no conditions");
  return parts.reduce((a, b) => binary("and", a, b));
}
