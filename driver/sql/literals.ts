/**
 * Literals whose meaning in Spark's SQL needs more than a value, for the grammar's actions:
 *
 * - Intervals. `INTERVAL '3' MONTH`, `INTERVAL 90 DAYS`, `INTERVAL '1' YEAR`: a value that only
 *   date arithmetic reads (`d + INTERVAL '1' MONTH` is add_months, `d - INTERVAL '90' DAY`
 *   date_add of -90), named as Spark names the result. Anywhere else an interval is refused
 *   when the query is analyzed (shared/plan/names.ts names the placeholder).
 * - EXTRACT(field FROM e): the field's function (year, month...), named as Spark names it.
 */
import type { IToken } from "chevrotain";
import { alias, call, column, exprName, literal, type Expr, type ScalarFn } from "../../shared/plan/expr.ts";
import { INTERVAL_PREFIX } from "../../shared/plan/names.ts";
import { unsupported } from "./parse-state.ts";

// ---- intervals ----

interface Interval {
  readonly months: number;
  readonly days: number;
  /** Spark's text of it: INTERVAL '3' MONTH. */
  readonly text: string;
}

const INTERVALS = new WeakMap<Expr, Interval>();

const UNITS: Readonly<Record<string, { readonly months: number; readonly days: number; readonly name: "YEAR" | "MONTH" | "DAY" }>> = {
  year: { months: 12, days: 0, name: "YEAR" },
  month: { months: 1, days: 0, name: "MONTH" },
  week: { months: 0, days: 7, name: "DAY" },
  day: { months: 0, days: 1, name: "DAY" },
};

/** INTERVAL 'n' unit / INTERVAL n unit: a placeholder only date arithmetic reads. */
export function intervalLiteral(at: IToken, amount: string, unitToken: string): Expr {
  const unit = UNITS[unitToken.toLowerCase().replace(/s$/, "")];
  if (!unit) {
    throw unsupported(at, `INTERVAL ... ${unitToken}`, "intervals of YEAR, MONTH, WEEK and DAY are (added to or subtracted from a date); hour, minute and second intervals wait for timestamp arithmetic");
  }
  if (!/^[+-]?\d+$/.test(amount.trim())) throw unsupported(at, `INTERVAL '${amount}' ${unitToken}`, "give the interval as a whole number of its unit");
  const n = Number(amount.trim());
  const days = n * unit.days;
  const node = column(`${INTERVAL_PREFIX}INTERVAL '${unit.name === "DAY" ? days : n}' ${unit.name}`);
  INTERVALS.set(node, { months: n * unit.months, days, text: `INTERVAL '${unit.name === "DAY" ? days : n}' ${unit.name}` });
  return node;
}

/** d + interval, interval + d, d - interval: date arithmetic named as Spark names it (undefined: no interval here). */
export function intervalArithmetic(op: "add" | "subtract", left: Expr, right: Expr): Expr | undefined {
  const [l, r] = [INTERVALS.get(left), INTERVALS.get(right)];
  if (!l && !r) return undefined;
  if (l && r) return undefined;
  if (l && op === "subtract") return undefined;
  const [date, interval] = l ? [right, l] : [left, r!];
  const sign = op === "add" ? 1 : -1;
  if (interval.months !== 0 && interval.days !== 0) return undefined;
  if (interval.months !== 0) {
    return alias(call("add_months", [date, literal(sign * interval.months)]), `${exprName(date)} ${op === "add" ? "+" : "-"} ${interval.text}`);
  }
  const days = `extractansiintervaldays(${interval.text})`;
  return alias(call("date_add", [date, literal(sign * interval.days)]), `date_add(${exprName(date)}, ${sign > 0 ? days : `(- ${days})`})`);
}

// ---- EXTRACT ----

const EXTRACT_FIELDS: Readonly<Record<string, ScalarFn>> = {
  year: "year", y: "year", years: "year", yr: "year", yrs: "year",
  quarter: "quarter", qtr: "quarter",
  month: "month", mon: "month", mons: "month", months: "month",
  week: "weekofyear", w: "weekofyear", weeks: "weekofyear",
  day: "dayofmonth", d: "dayofmonth", days: "dayofmonth",
  dayofweek: "dayofweek", dow: "dayofweek",
  doy: "dayofyear",
  hour: "hour", h: "hour", hours: "hour", hr: "hour", hrs: "hour",
  minute: "minute", m: "minute", min: "minute", mins: "minute", minutes: "minute",
};

/** EXTRACT(field FROM value): the field's function, named `extract(field FROM value)`. */
export function extractField(at: IToken, field: Expr, value: Expr): Expr {
  const written = field.kind === "column" ? field.name : exprName(field);
  const fn = EXTRACT_FIELDS[written.toLowerCase()];
  if (!fn) throw unsupported(at, `EXTRACT(${written} FROM ...)`, `use one of ${Object.keys(EXTRACT_FIELDS).filter((k) => k.length > 3).join(", ")}`);
  return alias(call(fn, [value]), `extract(${written} FROM ${exprName(value)})`);
}

/** SUBSTRING(s FROM pos [FOR len]): substring(s, pos, len), len the largest int when absent, as Spark. */
export function substringFrom(value: Expr, pos: Expr, length: Expr | undefined): Expr {
  return call("substring", [value, pos, length ?? literal(2147483647)]);
}
