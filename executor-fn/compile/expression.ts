/**
 * Compiles a validated expression tree into one JavaScript function per task (Arquero's
 * approach), instead of interpreting nodes per row. The generated source contains only:
 * row accesses by numeric index (`r[3]`), JSON-encoded literals, and calls to the fixed
 * helpers of `RUNTIME` chosen through exhaustive tables keyed by the node's validated
 * operator, and calls `U[i](...)` to a job's UDFs, each compiled apart from its shipped
 * function (shared/functions/compile.ts). Column names and other user strings never become code.
 */
import type { BinaryOp, Expr, ExprKind, ExprOf, ScalarFn, UnaryOp } from "../../shared/plan/expr.ts";
import { resolveColumn } from "../../shared/plan/resolve.ts";
import { RUNTIME } from "../../shared/plan/semantics.ts";
import { fieldIndex, type DataType, type Row, type Schema, type Value } from "../../shared/plan/types.ts";
import { seededRandom } from "../../shared/random.ts";
import type { CompiledFunction } from "../../shared/functions/compile.ts";
import type { ShippedFunction } from "../../shared/plan/function.ts";

export type CompiledExpr = (row: Row) => Value;

export interface CompileContext {
  /** Partition index: rand(seed) draws from seed + partition, so partitions differ. */
  readonly partition: number;
  /** Compiles a UDF's function for this task (a task that has UDFs provides it). */
  readonly functions?: (fn: ShippedFunction) => CompiledFunction;
}

const BINARY: Record<BinaryOp, keyof typeof RUNTIME> = {
  add: "add", subtract: "subtract", multiply: "multiply", divide: "divide", mod: "mod",
  eq: "eq", ne: "ne", gt: "gt", ge: "ge", lt: "lt", le: "le", eqNullSafe: "eqNullSafe",
  and: "and", or: "or",
};
const UNARY: Record<UnaryOp, keyof typeof RUNTIME> = { not: "not", negate: "negate", isNull: "isNull", isNotNull: "isNotNull" };
export const CALLS: Record<ScalarFn, keyof typeof RUNTIME> = {
  upper: "upper", lower: "lower", length: "length", trim: "trim", substring: "substring", concat: "concat",
  coalesce: "coalesce", split: "split", size: "size", like: "like", to_date: "to_date", year: "year", month: "month",
  element_at: "element_at",
};
export const TYPES: Record<DataType, string> = {
  string: '"string"', int: '"int"', long: '"long"', double: '"double"', boolean: '"boolean"', date: '"date"', array: '"array"', null: '"null"', any: '"any"',
};

interface Emitter {
  readonly schema: Schema;
  readonly randoms: (() => number)[];
  /** UDFs the source calls as U[i](...), compiled for this task. */
  readonly udfs: CompiledFunction[];
  readonly context: CompileContext;
}

type Generators = { [K in ExprKind]: (expr: ExprOf<K>, e: Emitter) => string };

const GENERATE: Generators = {
  column: (expr, e) => {
    resolveColumn(e.schema, expr.name);
    return `r[${fieldIndex(e.schema, expr.name)}]`;
  },
  literal: (expr) => JSON.stringify(expr.value),
  alias: (expr, e) => emit(expr.expr, e),
  binary: (expr, e) => `$.${BINARY[expr.op]}(${emit(expr.left, e)}, ${emit(expr.right, e)})`,
  unary: (expr, e) => `$.${UNARY[expr.op]}(${emit(expr.expr, e)})`,
  in: (expr, e) => `$.inList(${emit(expr.expr, e)}, [${expr.values.map((v) => emit(v, e)).join(", ")}])`,
  cast: (expr, e) => `$.cast(${emit(expr.expr, e)}, ${TYPES[expr.to]})`,
  caseWhen: (expr, e) =>
    `(${expr.branches.map((b) => `$.isTrue(${emit(b.when, e)}) ? ${emit(b.then, e)} : `).join("")}${expr.otherwise ? emit(expr.otherwise, e) : "null"})`,
  call: (expr, e) => `$.${CALLS[expr.fn]}(${expr.args.map((a) => emit(a, e)).join(", ")})`,
  rand: (expr, e) => {
    e.randoms.push(seededRandom(expr.seed + e.context.partition));
    return `R[${e.randoms.length - 1}]()`;
  },
  udf: (expr, e) => {
    if (!e.context.functions) throw new Error(`The UDF ${expr.name} cannot run here: no function runtime was given to the compiler.`);
    e.udfs.push(e.context.functions(expr.fn));
    return `$.cast(U[${e.udfs.length - 1}](${expr.args.map((a) => emit(a, e)).join(", ")}), ${TYPES[expr.returnType]})`;
  },
  agg: () => {
    throw new Error("An aggregate function cannot be evaluated per row; it belongs in groupBy().agg() or agg().");
  },
};

function emit(expr: Expr, e: Emitter): string {
  const generate = GENERATE[expr.kind] as (expr: Expr, e: Emitter) => string;
  if (!generate) throw new Error(`Unknown expression kind ${JSON.stringify((expr as { kind: unknown }).kind)}.`);
  return generate(expr, e);
}

/** The JavaScript source an expression compiles to (what `compileExpr` runs). */
export function expressionSource(expr: Expr, schema: Schema, context: CompileContext = { partition: 0 }): string {
  return emit(expr, { schema, randoms: [], udfs: [], context });
}

export function compileExpr(expr: Expr, schema: Schema, context: CompileContext = { partition: 0 }): CompiledExpr {
  const emitter: Emitter = { schema, randoms: [], udfs: [], context };
  const source = emit(expr, emitter);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source is built only from validated nodes (see above)
  return new Function("$", "R", "U", `"use strict"; return function compiled(r) { return ${source}; };`)(
    RUNTIME,
    emitter.randoms,
    emitter.udfs,
  ) as CompiledExpr;
}

/** A predicate: keeps a row only when the condition is true (not false, not null). */
export function compilePredicate(expr: Expr, schema: Schema, context?: CompileContext): (row: Row) => boolean {
  const compiled = compileExpr(expr, schema, context);
  return (row) => compiled(row) === true;
}

/** Several expressions into one function producing a new row. */
export function compileProjection(exprs: readonly Expr[], schema: Schema, context: CompileContext = { partition: 0 }): (row: Row) => Row {
  const emitter: Emitter = { schema, randoms: [], udfs: [], context };
  const sources = exprs.map((x) => emit(x, emitter));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see compileExpr
  return new Function("$", "R", "U", `"use strict"; return function project(r) { return [${sources.join(", ")}]; };`)(
    RUNTIME,
    emitter.randoms,
    emitter.udfs,
  ) as (row: Row) => Row;
}
