/**
 * Arithmetic with ANSI intervals and datetimes, as Spark's analyzer rewrites it
 * (BinaryArithmeticWithDatetimeResolver): `ts ± i` is TimeAdd or TimestampAddYMInterval,
 * `date ± i` add_months, date_add or a timestamp, `ts - ts` and `date - date` a day-time
 * interval, `i ± i`, `i * n`, `n * i`, `i / n` interval functions. Each rewrite is a call of
 * shared/plan/functions/interval-functions.ts named as Spark names the column; coercion.ts asks
 * here first for every arithmetic operator, and gets undefined where no interval or datetime
 * arithmetic is involved.
 */
import { alias, call, exprName, literal, type ArithmeticOp, type Expr } from "./expr.ts";
import { intervalOf, isInterval, isNumeric, type DataType } from "./types.ts";
import { MICROS_PER_DAY } from "./functions/timestamps.ts";

const isDatetime = (t: DataType) => t === "timestamp" || t === "date";

/** `- i`, as Spark's UnaryMinus. */
const negated = (e: Expr): Expr => ({ kind: "unary", op: "negate", expr: e });

/** datetime ± interval (the interval on either side of +). */
function shift(op: "add" | "subtract", at: Expr, t: DataType, interval: Expr, it: DataType, name: string): Expr {
  const signed = op === "add" ? interval : negated(interval);
  if (t === "timestamp") return alias(call("interval:timestampAdd", [at, signed]), name);
  // A literal's months or days as add_months and date_add of a number, which constant folding reads (a scan's filter compares with the date).
  const value = interval.kind === "literal" && typeof interval.value === "number" ? (op === "add" ? interval.value : -interval.value) : undefined;
  if (it === "interval day") {
    const days = `extractansiintervaldays(${exprName(interval)})`;
    const named = `date_add(${exprName(at)}, ${op === "add" ? days : `(- ${days})`})`;
    return alias(value !== undefined ? call("date_add", [at, literal(Math.trunc(value / MICROS_PER_DAY))]) : call("interval:dateAdd", [at, signed]), named);
  }
  if (intervalOf(it)!.kind === "yearmonth" && value !== undefined) return alias(call("add_months", [at, literal(value)]), name);
  return alias(call("interval:dateAdd", [at, signed]), name);
}

/**
 * The rewrite of `left op right` (coerced, of types l and r) when an interval or two datetimes
 * are involved, else undefined (numbers, or a mix Spark refuses: resolve.ts says why).
 */
export function intervalArithmetic(op: ArithmeticOp, left: Expr, l: DataType, right: Expr, r: DataType): Expr | undefined {
  const [li, ri] = [isInterval(l), isInterval(r)];
  const symbol = op === "add" ? "+" : op === "subtract" ? "-" : op === "multiply" ? "*" : "/";
  const plain = `${exprName(left)} ${symbol} ${exprName(right)}`;
  if (op === "add" || op === "subtract") {
    if (isDatetime(l) && ri) return shift(op, left, l, right, r, plain);
    if (li && isDatetime(r) && op === "add") return shift(op, right, r, left, l, `${exprName(right)} + ${exprName(left)}`);
    if (li && ri && intervalOf(l)!.kind === intervalOf(r)!.kind) return alias(call(op === "add" ? "interval:add" : "interval:subtract", [left, right]), `(${plain})`);
    if (op === "subtract" && isDatetime(l) && isDatetime(r)) return alias(call("interval:difference", [left, right]), `(${plain})`);
    return undefined;
  }
  if (op === "multiply" && li && (isNumeric(r) || r === "null")) return alias(call("interval:multiply", [left, right]), `(${plain})`);
  if (op === "multiply" && ri && (isNumeric(l) || l === "null")) return alias(call("interval:multiply", [right, left]), `(${exprName(right)} * ${exprName(left)})`);
  if (op === "divide" && li && (isNumeric(r) || r === "null")) return alias(call("interval:divide", [left, right]), `(${plain})`);
  return undefined;
}

/** make_dt_interval and make_ym_interval with Spark's defaults filled in (0, and 0.000000 seconds: the column is named with them). */
export function withDefaults(e: Extract<Expr, { kind: "call" }>, args: readonly Expr[]): Expr {
  const defaults: readonly Expr[] = e.fn === "make_ym_interval" ? [literal(0), literal(0)] : [literal(0), literal(0), literal(0), { kind: "literal", value: "0.000000", type: "decimal(18,6)" }];
  return { ...e, args: [...args, ...defaults.slice(args.length)] };
}

/**
 * EXTRACT's `interval:extract(x, FIELD, f(x))` (driver/sql/literals.ts), `x` being of type `t`:
 * the interval's field when x is an interval, else the date or time function f(x) it carries.
 */
export function extractOf(e: Extract<Expr, { kind: "call" }>, t: DataType): Expr {
  if (e.args.length !== 3) return e;
  return isInterval(t) ? { ...e, args: e.args.slice(0, 2) } : e.args[2]!;
}
