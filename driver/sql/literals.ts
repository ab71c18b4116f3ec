/**
 * Literals whose meaning in Spark's SQL needs more than a value, for the grammar's actions:
 *
 * - Intervals. `INTERVAL '3' MONTH`, `INTERVAL 90 DAYS`, `INTERVAL '1 2:03:04' DAY TO SECOND`,
 *   `INTERVAL 1 DAY 2 HOURS`: literals of Spark's ANSI interval types (the analyzer rewrites
 *   their arithmetic: shared/plan/interval-arithmetic.ts).
 * - EXTRACT(field FROM e): the field's function (year, month...), named as Spark names it.
 */
import type { IToken } from "chevrotain";
import { alias, call, exprName, literal, type Expr, type ScalarFn } from "../../shared/plan/expr.ts";
import { intervalType } from "../../shared/plan/types.ts";
import { IntervalFormatError, parseDayTime, parseYearMonth } from "../../shared/plan/intervals.ts";
import { SqlParseError, unsupported } from "./parse-state.ts";

// ---- intervals ----

/** One `amount unit [TO unit]` of an interval literal, as written. */
export interface IntervalPart {
  /** The amount's text (a string literal's value, or a number token). */
  readonly amount: string;
  /** A `-` before the amount. */
  readonly negative: boolean;
  readonly unit: string;
  readonly to?: string;
}

/** Units of the unit-list syntax (`INTERVAL 1 DAY 2 HOURS`): their field and what one of them counts (microseconds, months). */
const UNITS: Readonly<Record<string, { readonly kind: "daytime" | "yearmonth"; readonly field: number; readonly size: number }>> = {
  year: { kind: "yearmonth", field: 0, size: 12 },
  month: { kind: "yearmonth", field: 1, size: 1 },
  week: { kind: "daytime", field: 0, size: 7 * 86_400_000_000 },
  day: { kind: "daytime", field: 0, size: 86_400_000_000 },
  hour: { kind: "daytime", field: 1, size: 3_600_000_000 },
  minute: { kind: "daytime", field: 2, size: 60_000_000 },
  second: { kind: "daytime", field: 3, size: 1_000_000 },
  millisecond: { kind: "daytime", field: 3, size: 1000 },
  microsecond: { kind: "daytime", field: 3, size: 1 },
};

const unitOf = (at: IToken, written: string) => {
  const unit = UNITS[written.toLowerCase().replace(/s$/, "")];
  if (!unit) throw new SqlParseError(`[INVALID_INTERVAL_FORMAT.INVALID_UNIT] Error parsing interval: the unit ${written} is not one of YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND (at line ${at.startLine}).`);
  return unit;
};

function parseError(at: IToken, why: string): SqlParseError {
  return new SqlParseError(`[PARSE_SYNTAX_ERROR] Cannot parse the interval literal (at line ${at.startLine}, position ${(at.startColumn ?? 1) - 1}): ${why}.`);
}

/**
 * INTERVAL '1 2:03:04' DAY TO SECOND, INTERVAL '90' DAY, INTERVAL 3 DAYS, INTERVAL 1 DAY 2 HOURS:
 * a literal of Spark's ANSI interval type of its fields (a day-time interval's microseconds, a
 * year-month interval's months: shared/plan/intervals.ts), named as Spark names it.
 */
export function intervalLiteral(at: IToken, parts: readonly IntervalPart[]): Expr {
  const first = parts[0]!;
  if (parts.length === 1 && first.to !== undefined) {
    const [from, to] = [unitOf(at, first.unit), unitOf(at, first.to)];
    if (from.kind !== to.kind || to.field <= from.field) throw parseError(at, `${first.unit} TO ${first.to} is not an interval type`);
    return fieldsLiteral(at, first, from.kind, from.field, to.field);
  }
  const units = parts.map((p) => unitOf(at, p.unit));
  const kind = units[0]!.kind;
  if (units.some((u) => u.kind !== kind)) throw parseError(at, `Cannot mix year-month and day-time fields: ${parts.map((p) => `${p.amount} ${p.unit}`).join(" ")}`);
  const [start, end] = [Math.min(...units.map((u) => u.field)), Math.max(...units.map((u) => u.field))];
  if (parts.length === 1 && units[0]!.size === UNIT_SIZE[kind][start]) return fieldsLiteral(at, first, kind, start, start);
  let total = 0;
  parts.forEach((p, i) => {
    const amount = Number(p.amount.trim());
    const fractional = units[i]!.field === 3 && units[i]!.size > 1;
    if (!(fractional ? /^[+-]?(\d+\.?\d*|\.\d+)$/ : /^[+-]?\d+$/).test(p.amount.trim())) throw parseError(at, `${p.amount} is not a number of ${p.unit}`);
    total += (p.negative ? -1 : 1) * Math.round(amount * units[i]!.size);
  });
  return { kind: "literal", value: total + 0, type: intervalType(kind, start, end) };
}

/** What one unit of each field counts, per kind (a field's own unit: `INTERVAL '90' DAY` is read as its text). */
const UNIT_SIZE = { daytime: [86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000], yearmonth: [12, 1] } as const;

/** `INTERVAL 'text' FROM [TO END]`: the text read as exactly those fields. */
function fieldsLiteral(at: IToken, part: IntervalPart, kind: "daytime" | "yearmonth", start: number, end: number): Expr {
  try {
    const value = kind === "daytime" ? parseDayTime(part.amount, start, end) : parseYearMonth(part.amount, start, end);
    return { kind: "literal", value: (part.negative ? -value : value) + 0, type: intervalType(kind, start, end) };
  } catch (error) {
    if (error instanceof IntervalFormatError) throw parseError(at, error.message);
    throw error;
  }
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

/** The interval field of each date and time function EXTRACT reads a field with. */
const INTERVAL_FIELDS: Partial<Record<ScalarFn, string>> = { year: "YEAR", month: "MONTH", dayofmonth: "DAY", hour: "HOUR", minute: "MINUTE" };

/** EXTRACT(field FROM value): the field's function, named `extract(field FROM value)`. */
export function extractField(at: IToken, field: Expr, value: Expr): Expr {
  const written = field.kind === "column" ? field.name : exprName(field);
  // SECOND with its fraction is an interval's field here (interval-functions.ts; a timestamp's is not in sparkfn yet).
  if (/^(s|sec|secs|second|seconds)$/i.test(written)) return alias(call("interval:extract", [value, literal("SECOND")]), `extract(${written} FROM ${exprName(value)})`);
  const fn = EXTRACT_FIELDS[written.toLowerCase()];
  if (!fn) throw unsupported(at, `EXTRACT(${written} FROM ...)`, `use one of ${Object.keys(EXTRACT_FIELDS).filter((k) => k.length > 3).join(", ")}`);
  // A field an interval has too: the analyzer picks the interval's field or the date or time function once the value's type is known.
  const intervalField = INTERVAL_FIELDS[fn];
  const extracted = intervalField === undefined ? call(fn, [value]) : call("interval:extract", [value, literal(intervalField), call(fn, [value])]);
  return alias(extracted, `extract(${written} FROM ${exprName(value)})`);
}

/** SUBSTRING(s FROM pos [FOR len]): substring(s, pos, len), len the largest int when absent, as Spark. */
export function substringFrom(value: Expr, pos: Expr, length: Expr | undefined): Expr {
  return call("substring", [value, pos, length ?? literal(2147483647)]);
}
