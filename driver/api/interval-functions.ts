/**
 * Functions that build ANSI intervals, as in `pyspark.sql.functions` (semantics:
 * shared/plan/functions/interval-functions.ts). An argument left out is 0, as PySpark's. A
 * collected interval is a number: a day-time interval's microseconds, a year-month interval's
 * months (driver/api/rows.ts).
 */
import { call, literal, type Expr } from "../../shared/plan/expr.ts";
import { Column } from "./column.ts";
import { asColumn, type ColumnOrName } from "./functions.ts";

const orZero = (c: ColumnOrName | undefined): Expr => (c === undefined ? literal(0) : asColumn(c).expr);

/** A day-time interval of days, hours, minutes and seconds (with up to six decimals): make_dt_interval(days, hours, mins, secs). */
export const make_dt_interval = (days?: ColumnOrName, hours?: ColumnOrName, mins?: ColumnOrName, secs?: ColumnOrName) =>
  new Column(call("make_dt_interval", [days, hours, mins, secs].map(orZero)));

/** A year-month interval of years and months: make_ym_interval(years, months). */
export const make_ym_interval = (years?: ColumnOrName, months?: ColumnOrName) => new Column(call("make_ym_interval", [years, months].map(orZero)));
