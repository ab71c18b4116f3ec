/**
 * Spark's higher-order functions: functions over arrays and maps that take lambda functions
 * (`transform(a, x -> x + 1)`, `aggregate(a, 0, (acc, x) -> acc + x)`). This module says, for
 * each, what its lambdas' variables are bound to (an array's element, its index, a map's key
 * and value, an accumulator: `lambdaBindings`, which the analyzer stamps on the variables,
 * coercion.ts) and what type it gives (`higherOrderType`, for resolve.ts). The executors
 * evaluate the lambdas inline, in the generated loop over a batch's rows
 * (executor-fn/compile/vector-lambdas.ts).
 *
 * Semantics as Spark 4's: a null array or map gives null and its lambdas do not run; exists
 * and forall are three-valued (spark.sql.legacy.followThreeValuedLogicInArrayExists) and stop
 * at the first element that decides them; zip_with pads the shorter array with nulls;
 * transform_keys fails on a null or repeated key (spark.sql.mapKeyDedupPolicy = EXCEPTION).
 */
import { AnalysisError } from "../resolve.ts";
import { exprName, type Expr, type ExprOf, type ScalarFn } from "../expr.ts";
import { arrayType, elementOf, isNested, mapOf, mapType, type DataType } from "../types.ts";
import { sqlTypeName } from "../casts.ts";

export const HIGHER_ORDER_FUNCTIONS = [
  "transform", "filter", "aggregate", "reduce", "exists", "forall", "zip_with", "map_filter", "transform_keys", "transform_values", "array_sort",
] as const satisfies readonly ScalarFn[];
export type HigherOrderFn = (typeof HIGHER_ORDER_FUNCTIONS)[number];
const NAMES: ReadonlySet<string> = new Set(HIGHER_ORDER_FUNCTIONS);
export const isHigherOrderFn = (fn: string): fn is HigherOrderFn => NAMES.has(fn);

export interface LambdaTyped {
  readonly type: DataType;
  readonly nullable: boolean;
}

type Call = ExprOf<"call">;
type Lambda = ExprOf<"lambda">;

const ORDINALS = ["first", "second", "third", "fourth"];

/** Spark's DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for argument `i`. */
function unexpected(call: Call, i: number, want: string, got: DataType): AnalysisError {
  const arg = call.args[i]!;
  return new AnalysisError(
    `[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "${exprName(call)}" due to data type mismatch: The ${ORDINALS[i]} parameter requires the "${want}" type, however "${exprName(arg)}" has the type "${sqlTypeName(got).toUpperCase()}".`,
  );
}

/** The element type of argument `i`, which must be an array ("null" for an untyped NULL). */
function elementArg(call: Call, i: number, t: LambdaTyped): DataType {
  if (t.type === "null") return "null";
  const element = elementOf(t.type);
  if (element === null) throw unexpected(call, i, "ARRAY", t.type);
  return element;
}

function mapArg(call: Call, i: number, t: LambdaTyped): { readonly key: DataType; readonly value: DataType } {
  if (t.type === "null") return { key: "null", value: "null" };
  const m = mapOf(t.type);
  if (m === null) throw unexpected(call, i, "MAP", t.type);
  return m;
}

const maybeNull = (type: DataType): LambdaTyped => ({ type, nullable: true });
const INDEX: LambdaTyped = { type: "int", nullable: false };

/**
 * What the variables of the lambda at argument `i` are bound to, given the types of the
 * call's other arguments (`args[j]` for each non-lambda j; a lambda's own entry is unused).
 * The lambda must take as many variables as the function gives it (transform and filter give
 * one or two: the element, and its index), else Spark's NUM_ARGS_MISMATCH.
 */
export function lambdaBindings(call: Call, i: number, args: readonly (LambdaTyped | null)[]): readonly LambdaTyped[] {
  const lambda = call.args[i] as Lambda;
  const fn = call.fn as HigherOrderFn;
  const arg = (j: number) => args[j]!;
  let offered: readonly LambdaTyped[];
  switch (fn) {
    case "transform":
    case "filter": {
      const element = maybeNull(elementArg(call, 0, arg(0)));
      offered = lambda.params.length === 2 ? [element, INDEX] : [element];
      break;
    }
    case "exists":
    case "forall":
      offered = [maybeNull(elementArg(call, 0, arg(0)))];
      break;
    case "array_sort": {
      const element = maybeNull(elementArg(call, 0, arg(0)));
      offered = [element, element];
      break;
    }
    case "aggregate":
    case "reduce": {
      const element = elementArg(call, 0, arg(0));
      // The accumulator is the zero's type, and may be null whatever the zero.
      offered = i === 2 ? [maybeNull(arg(1).type), maybeNull(element)] : [maybeNull(arg(1).type)];
      break;
    }
    case "zip_with":
      offered = [maybeNull(elementArg(call, 0, arg(0))), maybeNull(elementArg(call, 1, arg(1)))];
      break;
    case "map_filter":
    case "transform_keys":
    case "transform_values": {
      const m = mapArg(call, 0, arg(0));
      offered = [{ type: m.key, nullable: false }, maybeNull(m.value)];
      break;
    }
  }
  if (lambda.params.length !== offered.length) {
    throw new AnalysisError(
      `[INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH] Invalid lambda function call. A higher order function expects ${lambda.params.length} arguments, but got ${offered.length}. (${exprName(call)})`,
    );
  }
  return offered;
}

/** Which arguments are lambdas (the others are values); a lambda elsewhere, or a value where a lambda belongs, is refused. */
export function checkLambdaPositions(call: Call): void {
  const fn = call.fn as HigherOrderFn;
  const lambdas: readonly number[] = fn === "aggregate" || fn === "reduce" ? [2, 3] : fn === "zip_with" ? [2] : [1];
  call.args.forEach((a, i) => {
    const wanted = lambdas.includes(i);
    if (wanted && a.kind !== "lambda") {
      throw new AnalysisError(`[INVALID_LAMBDA_FUNCTION_CALL] ${fn}(): argument ${i + 1} (${exprName(a)}) must be a lambda function, such as x -> x + 1 in SQL or (x) => x.plus(1) in the DataFrame API.`);
    }
    if (!wanted && a.kind === "lambda") {
      throw new AnalysisError(`[INVALID_LAMBDA_FUNCTION_CALL] ${fn}(): argument ${i + 1} is a lambda function where a value is expected.`);
    }
  });
}

/** The call's type from its arguments' (`args[i]` of a lambda is its body's type, with its variables bound). */
export function higherOrderType(call: Call, args: readonly LambdaTyped[]): LambdaTyped {
  checkLambdaPositions(call);
  const fn = call.fn as HigherOrderFn;
  const requireBoolean = (i: number) => {
    const t = args[i]!.type;
    if (t !== "boolean" && t !== "null") throw unexpected(call, i, "BOOLEAN", t);
  };
  switch (fn) {
    case "transform":
      elementArg(call, 0, args[0]!);
      return { type: arrayType(args[1]!.type), nullable: args[0]!.nullable };
    case "filter":
      elementArg(call, 0, args[0]!);
      requireBoolean(1);
      return { type: args[0]!.type, nullable: args[0]!.nullable };
    case "exists":
    case "forall":
      elementArg(call, 0, args[0]!);
      requireBoolean(1);
      return { type: "boolean", nullable: true };
    case "array_sort": {
      const element = elementArg(call, 0, args[0]!);
      if (call.args.length === 1 && (isNested(element) && !element.startsWith("array<") || element === "any")) {
        throw unexpected(call, 0, "ARRAY of orderable values", args[0]!.type);
      }
      if (call.args.length === 2 && args[1]!.type !== "int") {
        throw new AnalysisError(
          `[DATATYPE_MISMATCH.UNEXPECTED_RETURN_TYPE] Cannot resolve "${exprName(call)}" due to data type mismatch: The \`lambdafunction\` requires return "INT" type, but the actual is "${args[1]!.type === "null" ? "VOID" : sqlTypeName(args[1]!.type).toUpperCase()}" type.`,
        );
      }
      return { type: args[0]!.type, nullable: args[0]!.nullable };
    }
    case "aggregate":
    case "reduce": {
      elementArg(call, 0, args[0]!);
      // The merge must give the zero's type (Spark casts nothing here: 0 beside doubles needs 0D).
      if (args[2]!.type !== args[1]!.type && args[2]!.type !== "null") throw unexpected(call, 2, sqlTypeName(args[1]!.type).toUpperCase(), args[2]!.type);
      return { type: args[3] ? args[3].type : args[1]!.type, nullable: true };
    }
    case "zip_with":
      elementArg(call, 0, args[0]!);
      elementArg(call, 1, args[1]!);
      return { type: arrayType(args[2]!.type), nullable: args[0]!.nullable || args[1]!.nullable };
    case "map_filter":
      mapArg(call, 0, args[0]!);
      requireBoolean(1);
      return { type: args[0]!.type, nullable: args[0]!.nullable };
    case "transform_keys": {
      const m = mapArg(call, 0, args[0]!);
      return { type: mapType(args[1]!.type, m.value), nullable: args[0]!.nullable };
    }
    case "transform_values": {
      const m = mapArg(call, 0, args[0]!);
      return { type: mapType(m.key, args[1]!.type), nullable: args[0]!.nullable };
    }
  }
}

let fresh = 0;

/** A variable name no other lambda of the process uses, as PySpark's fresh names (x_0, acc_1): the plan binds by name. */
export const freshLambdaName = (hint: string) => `${hint}_${fresh++}`;

/** `aggregate(a, zero, merge)`: Spark's identity finish (`lambdafunction(namedlambdavariable(), namedlambdavariable())` in its name). */
export function identityLambda(): Lambda {
  const name = freshLambdaName("id");
  return { kind: "lambda", params: [name], body: { kind: "lambdaVar", name } };
}

/** A higher-order call as Spark builds it: aggregate and reduce without a finish get the identity. */
export function higherOrderCall(fn: HigherOrderFn, args: readonly Expr[]): Call {
  const full = (fn === "aggregate" || fn === "reduce") && args.length === 3 ? [...args, identityLambda()] : args;
  return { kind: "call", fn, args: full };
}
