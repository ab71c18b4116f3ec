/**
 * The rules of window functions in one place (Spark 4's): what each function gives, which
 * windows it accepts (order required, frames it refuses), and the frame it runs over when the
 * window names none. resolve.ts types window expressions through `typeOfWindow`; the driver's
 * analyzer and the executor's window operator take frames from `effectiveFrame`.
 */
import { containsWindow, exprName, type Expr, type ExprOf, type WindowFn, type WindowFrame, type WindowSpec } from "./expr.ts";
import { intervalOf, isNumeric, type Schema } from "./types.ts";
import { sqlTypeName } from "./casts.ts";
import { AnalysisError, typeOf, type Typed } from "./resolve.ts";

/** Functions of the row's position among its partition's ordered rows: they need an ORDER BY and take no frame but Spark's own. */
const RANKING: ReadonlySet<WindowFn> = new Set(["row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile"]);
const OFFSET: ReadonlySet<WindowFn> = new Set(["lag", "lead"]);

export const isRanking = (fn: WindowFn) => RANKING.has(fn);
export const isOffset = (fn: WindowFn) => OFFSET.has(fn);

/** A literal whole number argument (ntile's n, lag's offset, nth_value's n), or `fallback` when absent. */
export function literalInt(e: Expr | undefined, fallback: number, what: string): number {
  if (e === undefined) return fallback;
  const inner = e.kind === "cast" ? e.expr : e;
  if (inner.kind !== "literal" || typeof inner.value !== "number" || !Number.isInteger(inner.value)) {
    throw new AnalysisError(`${what} must be a literal whole number, got ${exprName(e)}; pass a number.`);
  }
  return inner.value;
}

/**
 * The frame a window function runs over: the window's own, else Spark's default (with an
 * ORDER BY: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, so ties are peers; without: the
 * whole partition). Ranking and offset functions ignore frames (their rule is their own).
 */
export function effectiveFrame(fn: WindowFn, spec: WindowSpec): WindowFrame {
  if (spec.frame) return spec.frame;
  if (isRanking(fn) || isOffset(fn)) return { type: "rows", start: null, end: 0 };
  return spec.orderBy.length ? { type: "range", start: null, end: 0 } : { type: "rows", start: null, end: null };
}

function checkFrame(name: string, spec: WindowSpec, schema: Schema): void {
  const { frame } = spec;
  if (!frame) return;
  const rank = (n: number | null, isStart: boolean) => (n === null ? (isStart ? -Infinity : Infinity) : n);
  if (rank(frame.start, true) > rank(frame.end, false)) {
    throw new AnalysisError(`${name}: the frame's lower bound is after its upper bound [INVALID_WINDOW_FRAME]; give rowsBetween/rangeBetween a start no later than the end.`);
  }
  if (frame.type === "range" && ((frame.start !== null && frame.start !== 0) || (frame.end !== null && frame.end !== 0))) {
    if (spec.orderBy.length !== 1) {
      throw new AnalysisError(`${name}: a RANGE frame with value offsets needs exactly one ORDER BY expression, got ${spec.orderBy.length}; order by one numeric column or use rowsBetween.`);
    }
    const t = typeOf(spec.orderBy[0]!.expr, schema).type;
    if (frame.interval !== undefined) {
      // Interval offsets move a date by whole days or months, a timestamp by any interval (intervalFrameShift).
      const fits = t === "timestamp" || (t === "date" && (frame.interval === "interval day" || intervalOf(frame.interval)?.kind === "yearmonth"));
      if (!fits) throw new AnalysisError(`[DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE] ${name}: a RANGE frame with ${sqlTypeName(frame.interval)} offsets needs a timestamp or date ORDER BY expression (a date takes days, months and years), not ${t}.`);
      return;
    }
    if (!isNumeric(t)) throw new AnalysisError(`${name}: a RANGE frame with value offsets needs a numeric ORDER BY expression, not ${t}; use rowsBetween, or order by a number.`);
  }
}

/** The type of a window expression, after checking the function against its window. */
export function typeOfWindow(expr: ExprOf<"window">, schema: Schema): Typed {
  const name = exprName(expr);
  const spec = expr.spec;
  const fn = expr.fn === "aggregate" ? exprName(expr.args[0]!) : `${expr.fn}()`;
  if (spec === null) throw new AnalysisError(`${name}: ${fn} is a window function; give it a window with .over(Window.partitionBy(...).orderBy(...)).`);
  spec.partitionBy.forEach((e) => typeOf(e, schema));
  spec.orderBy.forEach((o) => typeOf(o.expr, schema));
  if ([...spec.partitionBy, ...spec.orderBy.map((o) => o.expr), ...expr.args].some(containsWindow)) {
    throw new AnalysisError(`${name}: a window function inside a window expression; compute the inner one in a first select().`);
  }
  if ((isRanking(expr.fn) || isOffset(expr.fn)) && spec.orderBy.length === 0) {
    throw new AnalysisError(`${name}: ${fn} needs an ordered window [WINDOW_FUNCTION_WITHOUT_ORDER_BY]; add .orderBy(...) to the window.`);
  }
  if (isRanking(expr.fn) && spec.frame && !(spec.frame.type === "rows" && spec.frame.start === null && spec.frame.end === 0)) {
    throw new AnalysisError(`${name}: ${fn} runs over ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW and takes no other frame; drop rowsBetween/rangeBetween from its window.`);
  }
  checkFrame(name, spec, schema);
  switch (expr.fn) {
    case "row_number":
    case "rank":
    case "dense_rank":
      return { type: "int", nullable: false };
    case "ntile": {
      const n = literalInt(expr.args[0], 0, "ntile's number of buckets");
      if (n <= 0) throw new AnalysisError(`${name}: ntile's number of buckets must be positive, got ${n}.`);
      return { type: "int", nullable: false };
    }
    case "percent_rank":
    case "cume_dist":
      return { type: "double", nullable: false };
    case "lag":
    case "lead": {
      const offset = literalInt(expr.args[1], 1, `${expr.fn}'s offset`);
      if (spec.frame && !(spec.frame.type === "rows" && spec.frame.start === spec.frame.end && spec.frame.start === (expr.fn === "lag" ? -offset : offset))) {
        throw new AnalysisError(`${name}: ${expr.fn}() takes no window frame [CANNOT_SPECIFY_WINDOW_FRAME]; drop rowsBetween/rangeBetween from its window.`);
      }
      const value = typeOf(expr.args[0]!, schema);
      const fallback = expr.args[2] ? typeOf(expr.args[2], schema) : undefined;
      if (fallback && fallback.type !== "null" && value.type !== "null" && fallback.type !== value.type && !(isNumeric(fallback.type) && isNumeric(value.type))) {
        throw new AnalysisError(`${name}: the default ${exprName(expr.args[2]!)} is ${fallback.type}, the value ${value.type}; cast() the default to ${value.type}.`);
      }
      return { type: value.type === "null" && fallback ? fallback.type : value.type, nullable: true };
    }
    case "nth_value": {
      const n = literalInt(expr.args[1], 0, "nth_value's n");
      if (n <= 0) throw new AnalysisError(`${name}: nth_value's n must be positive, got ${n}.`);
      return { type: typeOf(expr.args[0]!, schema).type, nullable: true };
    }
    case "aggregate": {
      const agg = expr.args[0]!;
      if (agg.kind !== "agg") throw new AnalysisError(`${name}: .over() takes an aggregate or window function, not ${exprName(agg)}.`);
      if (agg.fn === "countDistinct" || agg.fn === "sum_distinct") {
        throw new AnalysisError(`${name}: distinct aggregates over a window are not supported [DISTINCT_WINDOW_FUNCTION_UNSUPPORTED]; use size(collect_set(...)) over the window.`);
      }
      // Spark's median takes its order WITHIN GROUP, not from the window (mode takes either).
      if (agg.fn === "median" && (spec.orderBy.length || spec.frame)) {
        throw new AnalysisError(`${name}: ${agg.fn}() takes no ORDER BY or frame in its window [INVALID_WINDOW_SPEC_FOR_AGGREGATION_FUNC]; use a window with partitionBy() only.`);
      }
      return typeOf(agg, schema);
    }
  }
}
