/**
 * What expression compilation needs from its task, and the tables that map validated enum
 * values to the fixed `RUNTIME` helpers and type names generated code may name. The compiler
 * itself (loops over vectors) is vector-expression.ts.
 */
import type { BinaryOp, GroupingFn, ScalarFn, UnaryOp } from "../../shared/plan/expr.ts";
import type { RUNTIME } from "../../shared/plan/semantics.ts";
import type { MathFn } from "../../shared/plan/functions/math.ts";
import type { StringFn } from "../../shared/plan/functions/strings.ts";
import type { HashingFn } from "../../shared/plan/functions/hashing.ts";
import type { DateFn } from "../../shared/plan/functions/dates.ts";
import type { TimestampFn } from "../../shared/plan/functions/timestamp-functions.ts";
import type { IntervalFn } from "../../shared/plan/functions/interval-functions.ts";
import type { ArrayFn } from "../../shared/plan/functions/arrays.ts";
import type { HigherOrderFn } from "../../shared/plan/functions/higher-order.ts";
import { decimalOf, decimalType, type DataType, type TypeKind } from "../../shared/plan/types.ts";
import type { CompiledFunction } from "../../shared/functions/compile.ts";
import type { ShippedFunction } from "../../shared/plan/function.ts";

export interface CompileContext {
  /** Partition index: rand(seed) draws from seed + partition, so partitions differ. */
  readonly partition: number;
  /** Compiles a UDF's function for this task (a task that has UDFs provides it). */
  readonly functions?: (fn: ShippedFunction) => CompiledFunction;
  /** The session time zone (spark.sql.session.timeZone) timestamps are read, shown and cut into days in; absent: UTC. */
  readonly timeZone?: string;
}

export const BINARY: Record<BinaryOp, keyof typeof RUNTIME> = {
  add: "add", subtract: "subtract", multiply: "multiply", divide: "divide", mod: "mod",
  eq: "eq", ne: "ne", gt: "gt", ge: "ge", lt: "lt", le: "le", eqNullSafe: "eqNullSafe",
  and: "and", or: "or",
};
export const UNARY: Record<UnaryOp, keyof typeof RUNTIME> = { not: "not", negate: "negate", isNull: "isNull", isNotNull: "isNotNull" };
/** Helpers of the functions called with boxed values; math and string functions have kernels instead (shared/plan/functions/). */
export const CALLS: Record<Exclude<ScalarFn, MathFn | StringFn | HashingFn | DateFn | TimestampFn | ArrayFn | GroupingFn | HigherOrderFn | IntervalFn>, keyof typeof RUNTIME> = {
  upper: "upper", lower: "lower", length: "length", trim: "trim", substring: "substring", concat: "concat",
  coalesce: "coalesce", split: "split", like: "like",
  greatest: "greatest", least: "least", nvl: "coalesce", ifnull: "coalesce", nvl2: "nvl2",
  nullif: "nullif", isnan: "isnan", nanvl: "nanvl", raise_error: "raise_error",
};

