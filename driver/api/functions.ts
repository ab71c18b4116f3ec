/**
 * Functions over columns, as in `pyspark.sql.functions`. A string argument names a column
 * (like PySpark); use lit() for a string value.
 */
import { microsOfDate } from "../../shared/plan/functions/timestamps.ts";
import { call, column, literal, unary, type AggFn, type Expr, type ScalarFn } from "../../shared/plan/expr.ts";
import type { Scalar } from "../../shared/plan/types.ts";
import { CaseWhenColumn, Column, toExpr, type ColumnLike } from "./column.ts";
import { parseExpression } from "../sql/parser.ts";

export type ColumnOrName = Column | string;

export function col(name: string): Column {
  if (typeof name !== "string" || name === "") throw new Error("col() needs a column name.");
  return new Column(column(name));
}

/** A literal column; a Date is a timestamp literal (Spark's lit(datetime)), a Uint8Array a binary one (lit(bytearray)). */
export function lit(value: Scalar | Date | Uint8Array): Column {
  if (value instanceof Uint8Array) return new Column(toExpr(value));
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error("lit(date): the Date is invalid (NaN); give a valid Date.");
    return new Column({ kind: "literal", value: microsOfDate(value), type: "timestamp" });
  }
  return new Column(literal(value));
}

export function asColumn(c: ColumnOrName): Column {
  return typeof c === "string" ? col(c) : c;
}

/**
 * A column from Spark SQL expression text, as PySpark's expr(): `expr("amount * 2 > 10")`,
 * `expr("CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END")`, `expr("count(DISTINCT k)")`. It is the
 * same expression the Column API builds (driver/sql/parser.ts); a syntax error is
 * Spark's PARSE_SYNTAX_ERROR with the line, the position and a caret.
 */
export function expr(text: string): Column {
  if (typeof text !== "string") throw new Error("expr() takes SQL expression text, such as expr(\"amount > 1000\").");
  return new Column(parseExpression(text));
}

/** Marks a DataFrame to be broadcast in a join (Spark's broadcast(df)); see DataFrame.hint. */
export function broadcast<T extends { hint(name: "broadcast"): T }>(df: T): T {
  return df.hint("broadcast");
}

export function when(condition: Column, value: ColumnLike): CaseWhenColumn {
  return new CaseWhenColumn([{ when: condition.expr, then: toExpr(value) }]);
}

/** Spark SQL's try_cast(col AS type): col.try_cast(type), null where a value does not convert. */
export function try_cast(c: ColumnOrName, type: string): Column {
  return asColumn(c).try_cast(type);
}

export function not(c: Column): Column {
  return new Column(unary("not", c.expr));
}

const fn = (name: ScalarFn, ...args: Expr[]) => new Column(call(name, args));

export const upper = (c: ColumnOrName) => fn("upper", asColumn(c).expr);
export const lower = (c: ColumnOrName) => fn("lower", asColumn(c).expr);
export const length = (c: ColumnOrName) => fn("length", asColumn(c).expr);
export const trim = (c: ColumnOrName) => fn("trim", asColumn(c).expr);
export const substring = (c: ColumnOrName, pos: number, len: number) => fn("substring", asColumn(c).expr, literal(pos), literal(len));
export const concat = (...cs: ColumnOrName[]) => fn("concat", ...cs.map((c) => asColumn(c).expr));
export const coalesce = (...cs: ColumnOrName[]) => fn("coalesce", ...cs.map((c) => asColumn(c).expr));
/** Splits around matches of a regular expression (Spark's split); `limit` > 0 caps the parts. */
export const split = (c: ColumnOrName, pattern: string, limit = -1) => fn("split", asColumn(c).expr, literal(pattern), literal(limit));
/** Number of elements of an array column (-1 for null, as Spark by default). */
export const size = (c: ColumnOrName) => fn("size", asColumn(c).expr);

// ---- math (Spark's semantics: shared/plan/functions/math.ts) ----

/** A number is a literal, a string names a column (as PySpark's pow, atan2, hypot, pmod, log take them). */
const numberOrColumn = (c: ColumnOrName | number) => (typeof c === "number" ? literal(c) : asColumn(c).expr);
const unaryMath = (name: ScalarFn) => (c: ColumnOrName) => fn(name, asColumn(c).expr);
function scaleLiteral(name: string, scale: number): Expr {
  if (!Number.isInteger(scale)) throw new Error(`${name}(): the scale must be a whole number of decimal places, got ${scale}.`);
  return literal(scale);
}

/** Absolute value; the type of the argument (abs of the smallest int is an overflow error, as Spark's ANSI mode). */
export const abs = unaryMath("abs");
/** Rounds half up (away from zero) to `scale` decimal places (negative: tens, hundreds...); keeps the argument's type. */
export const round = (c: ColumnOrName, scale = 0) => fn("round", asColumn(c).expr, scaleLiteral("round", scale));
/** Rounds half to even (banker's rounding) to `scale` decimal places; keeps the argument's type. */
export const bround = (c: ColumnOrName, scale = 0) => fn("bround", asColumn(c).expr, scaleLiteral("bround", scale));
/** The largest integer not above the value, as a long. */
export const floor = unaryMath("floor");
/** The smallest integer not below the value, as a long. */
export const ceil = unaryMath("ceil");
export const sqrt = unaryMath("sqrt");
export const cbrt = unaryMath("cbrt");
export const pow = (base: ColumnOrName | number, exponent: ColumnOrName | number) => fn("pow", numberOrColumn(base), numberOrColumn(exponent));
export const exp = unaryMath("exp");
/**
 * log(x) is the natural logarithm; log(base, x) the logarithm in `base` (Spark's argument
 * order). Null for x <= 0 (or base <= 0).
 */
export function log(arg1: ColumnOrName | number, arg2?: ColumnOrName): Column {
  if (arg2 === undefined) {
    if (typeof arg1 === "number") throw new Error("log(x): x is a column (or its name); for a logarithm in a base, call log(base, column).");
    return fn("log", asColumn(arg1).expr);
  }
  return fn("log", numberOrColumn(arg1), asColumn(arg2).expr);
}
export const ln = unaryMath("ln");
export const log10 = unaryMath("log10");
export const log2 = unaryMath("log2");
/** -1.0, 0.0 or 1.0 by the sign of the value (a double). */
export const signum = unaryMath("signum");
/** The positive remainder of dividend / divisor; division by zero is an error, as Spark's ANSI mode. */
export const pmod = (dividend: ColumnOrName | number, divisor: ColumnOrName | number) => fn("pmod", numberOrColumn(dividend), numberOrColumn(divisor));
export const hypot = (a: ColumnOrName | number, b: ColumnOrName | number) => fn("hypot", numberOrColumn(a), numberOrColumn(b));
/** Radians to degrees. */
export const degrees = unaryMath("degrees");
/** Degrees to radians. */
export const radians = unaryMath("radians");
export const sin = unaryMath("sin");
export const cos = unaryMath("cos");
export const tan = unaryMath("tan");
export const asin = unaryMath("asin");
export const acos = unaryMath("acos");
export const atan = unaryMath("atan");
/** The angle of the point (x, y): atan2(y, x), as Spark's argument order. */
export const atan2 = (y: ColumnOrName | number, x: ColumnOrName | number) => fn("atan2", numberOrColumn(y), numberOrColumn(x));
export const sinh = unaryMath("sinh");
export const cosh = unaryMath("cosh");
export const tanh = unaryMath("tanh");

// ---- strings (Spark's semantics, counting code points: shared/plan/functions/strings.ts) ----

/** An int is a literal (a position, length or count), a string names a column. */
const intOrColumn = (c: ColumnOrName | number) => (typeof c === "number" ? literal(c) : asColumn(c).expr);
const unaryString = (name: ScalarFn) => (c: ColumnOrName) => fn(name, asColumn(c).expr);

/** Pads on the left with `pad` (repeated) to `len` characters; a longer string is cut to `len`. */
export const lpad = (c: ColumnOrName, len: number, pad: string) => fn("lpad", asColumn(c).expr, literal(len), literal(pad));
/** Pads on the right with `pad` (repeated) to `len` characters; a longer string is cut to `len`. */
export const rpad = (c: ColumnOrName, len: number, pad: string) => fn("rpad", asColumn(c).expr, literal(len), literal(pad));
/** Removes leading spaces (U+0020 only). */
export const ltrim = unaryString("ltrim");
/** Removes trailing spaces (U+0020 only). */
export const rtrim = unaryString("rtrim");
/** The 1-based position of the first `substr` in the string, 0 if absent. */
export const instr = (str: ColumnOrName, substr: string) => fn("instr", asColumn(str).expr, literal(substr));
/** The 1-based position of the first `substr` at or after position `pos` (an int, or a column of them), 0 if absent, if pos < 1 or if pos is null. */
export const locate = (substr: string, str: ColumnOrName, pos: ColumnOrName | number = 1) => fn("locate", literal(substr), asColumn(str).expr, intOrColumn(pos));
/** The characters in reverse order. */
export const reverse = unaryString("reverse");
/** The string `n` times ("" for n <= 0). */
export const repeat = (c: ColumnOrName, n: ColumnOrName | number) => fn("repeat", asColumn(c).expr, intOrColumn(n));
/** Lower case with the first letter of each space-separated word in upper (title) case. */
export const initcap = unaryString("initcap");
/** The first `len` characters ("" for len <= 0). */
export const left = (str: ColumnOrName, len: ColumnOrName | number) => fn("left", asColumn(str).expr, intOrColumn(len));
/** The last `len` characters ("" for len <= 0). */
export const right = (str: ColumnOrName, len: ColumnOrName | number) => fn("right", asColumn(str).expr, intOrColumn(len));
/** The code point of the first character, 0 for "". */
export const ascii = unaryString("ascii");
/** Replaces each character of `matching` by the one at the same place in `replace` (deletes it when `replace` is shorter). */
export const translate = (c: ColumnOrName, matching: string, replace: string) => fn("translate", asColumn(c).expr, literal(matching), literal(replace));
/** The part before the `count`-th `delim` (count > 0), or after the `count`-th from the end (count < 0). */
/** x with d decimal places and groups of three ("1,234.57"), or formatted by the DecimalFormat pattern d ("#,##0.0"). */
export const format_number = (c: ColumnOrName, d: number | string | Column) => fn("format_number", asColumn(c).expr, d instanceof Column ? d.expr : literal(d));
/** The arguments formatted by a java.util.Formatter format: `format_string("%s: %.2f", "name", "price")`. */
export const format_string = (format: string, ...cols: ColumnOrName[]) => fn("format_string", literal(format), ...cols.map((c) => asColumn(c).expr));
/** format_string's other name. */
export const printf = (format: ColumnOrName, ...cols: ColumnOrName[]) => fn("format_string", asColumn(format).expr, ...cols.map((c) => asColumn(c).expr));
export const substring_index = (c: ColumnOrName, delim: string, count: number) => fn("substring_index", asColumn(c).expr, literal(delim), literal(count));
/** Replaces `len` characters (default: the length of `replace`) from 1-based position `pos` with `replace`. */
export const overlay = (src: ColumnOrName, replace: ColumnOrName, pos: ColumnOrName | number, len: ColumnOrName | number = -1) =>
  fn("overlay", asColumn(src).expr, asColumn(replace).expr, intOrColumn(pos), intOrColumn(len));
/** The edit distance between two strings; with `threshold`, -1 when the distance is above it. */
export const levenshtein = (l: ColumnOrName, r: ColumnOrName, threshold?: number) =>
  threshold === undefined ? fn("levenshtein", asColumn(l).expr, asColumn(r).expr) : fn("levenshtein", asColumn(l).expr, asColumn(r).expr, literal(threshold));
/** The four-character Soundex code of the string. */
export const soundex = unaryString("soundex");

// ---- regular expressions (Java's syntax, as Spark's: shared/plan/functions/regex.ts) ----

/** A string is a literal pattern, a Column is evaluated per row. */
const patternOf = (p: string | Column) => (typeof p === "string" ? literal(p) : p.expr);
/** True when the Java regular expression matches anywhere in the string. */
export const rlike = (c: ColumnOrName, pattern: string | Column) => fn("rlike", asColumn(c).expr, patternOf(pattern));
export const regexp_like = (c: ColumnOrName, pattern: string | Column) => fn("regexp_like", asColumn(c).expr, patternOf(pattern));
export const regexp = (c: ColumnOrName, pattern: string | Column) => fn("regexp", asColumn(c).expr, patternOf(pattern));
/** Every match (from the 1-based `position` on) replaced; the replacement may use `$1`, `${name}` and `\` escapes, as Java's. */
export const regexp_replace = (c: ColumnOrName, pattern: string | Column, replacement: string | Column, position?: number) =>
  fn("regexp_replace", asColumn(c).expr, patternOf(pattern), patternOf(replacement), ...(position === undefined ? [] : [literal(position)]));
/** Group `idx` (0: the whole match) of the first match; "" when there is none. */
export const regexp_extract = (c: ColumnOrName, pattern: string, idx = 1) => fn("regexp_extract", asColumn(c).expr, literal(pattern), literal(idx));
/** Group `idx` of every match, as an array. */
export const regexp_extract_all = (c: ColumnOrName, pattern: string | Column, idx = 1) => fn("regexp_extract_all", asColumn(c).expr, patternOf(pattern), intOrColumn(idx));
/** The non-null strings (and arrays' elements) joined by `sep`. */
export const concat_ws = (sep: string, ...cols: ColumnOrName[]) => fn("concat_ws", literal(sep), ...cols.map((c) => asColumn(c).expr));

// ---- binary (Spark's semantics: shared/plan/functions/binary-functions.ts; a string is its UTF-8 bytes) ----

/** Base64 of the bytes, as Spark writes it (lines of 76 characters ended by CRLF). */
export const base64 = unaryString("base64");
/** The bytes a base64 text spells (Java's MIME decoder: other characters are skipped). */
export const unbase64 = unaryString("unbase64");
/** The hex digits of a long (two's complement) or of the bytes (two a byte, upper case). */
export const hex = unaryString("hex");
/** The bytes hex digits spell; null when a character is not a hex digit. */
export const unhex = unaryString("unhex");
/** The string's bytes in a charset (UTF-8, US-ASCII, ISO-8859-1, UTF-16, UTF-16BE, UTF-16LE, UTF-32). */
export const encode = (c: ColumnOrName, charset: string) => fn("encode", asColumn(c).expr, literal(charset));
/** The bytes read in a charset, as a string. */
export const decode = (c: ColumnOrName, charset: string) => fn("decode", asColumn(c).expr, literal(charset));
/** The number of bytes (a string's UTF-8 bytes). */
export const octet_length = unaryString("octet_length");
/** The number of bits (8 a byte). */
export const bit_length = unaryString("bit_length");

// ---- hashing (Spark's semantics: shared/plan/functions/hashing.ts) ----

/** Spark's Murmur3 hash (seed 42) of the columns' values, as an int; never null. */
export const hash = (...cols: ColumnOrName[]) => fn("hash", ...cols.map((c) => asColumn(c).expr));
/** Spark's XxHash64 (seed 42) of the columns' values, as a long (the nearest double beyond 2^53); never null. */
export const xxhash64 = (...cols: ColumnOrName[]) => fn("xxhash64", ...cols.map((c) => asColumn(c).expr));
/** The MD5 digest of the bytes (a string's UTF-8 bytes), as 32 hex digits. */
export const md5 = unaryString("md5");
/** The SHA-1 digest of the bytes (a string's UTF-8 bytes), as 40 hex digits. */
export const sha1 = unaryString("sha1");
/** The SHA-2 digest (numBits 224, 256, 384 or 512; 0 means 256) of the bytes (a string's UTF-8 bytes), as hex; null for other lengths. */
export const sha2 = (c: ColumnOrName, numBits: number) => fn("sha2", asColumn(c).expr, literal(numBits));
/** The CRC-32 of the bytes (a string's UTF-8 bytes), as a long. */
export const crc32 = unaryString("crc32");

// ---- dates (Spark's semantics, proleptic Gregorian, UTC: shared/plan/functions/dates.ts) ----
// A date argument may be a date or a string Spark casts to one ('2024-02-29'); a malformed string is an error.

const dateField = (name: ScalarFn) => (c: ColumnOrName) => fn(name, asColumn(c).expr);
const countOrColumn = (c: ColumnOrName | number) => (typeof c === "number" ? literal(c) : asColumn(c).expr);

/** Today in the session time zone (one instant for the whole query, as Spark). */
export const current_date = () => fn("current_date");
/** The date `days` days after `start` (an int, or a column of them). */
export const date_add = (start: ColumnOrName, days: ColumnOrName | number) => fn("date_add", asColumn(start).expr, countOrColumn(days));
/** The date `days` days before `start`. */
export const date_sub = (start: ColumnOrName, days: ColumnOrName | number) => fn("date_sub", asColumn(start).expr, countOrColumn(days));
/** The date `months` months after `start`; a day past the new month's end becomes its last day (01-31 + 1 month = 02-28 or 02-29). */
export const add_months = (start: ColumnOrName, months: ColumnOrName | number) => fn("add_months", asColumn(start).expr, countOrColumn(months));
/** The days from `start` to `end` (negative when end is earlier). */
export const datediff = (end: ColumnOrName, start: ColumnOrName) => fn("datediff", asColumn(end).expr, asColumn(start).expr);
/** The last day of the date's month. */
export const last_day = dateField("last_day");
/** The first date later than `date` that falls on `dayOfWeek` ("Mon", "MO" or "Monday", any case). */
export const next_day = (date: ColumnOrName, dayOfWeek: string) => fn("next_day", asColumn(date).expr, literal(dayOfWeek));
export const year = dateField("year");
/** 1 to 4. */
export const quarter = dateField("quarter");
export const month = dateField("month");
export const dayofmonth = dateField("dayofmonth");
/** 1 (Sunday) to 7 (Saturday). */
export const dayofweek = dateField("dayofweek");
export const dayofyear = dateField("dayofyear");
/** The ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export const weekofyear = dateField("weekofyear");
/** The first day of the date's year ("year", "yyyy", "yy"), quarter ("quarter"), month ("month", "mon", "mm") or week ("week", from Monday); null for another format. */
export const trunc = (date: ColumnOrName, format: string) => fn("trunc", asColumn(date).expr, literal(format));
/** The date of a year, month and day; an invalid date is an error (ANSI mode). */
export const make_date = (year: ColumnOrName, month: ColumnOrName, day: ColumnOrName) => fn("make_date", asColumn(year).expr, asColumn(month).expr, asColumn(day).expr);
/**
 * A string as a date: without a format, as cast("date") does (yyyy, yyyy-[m]m, yyyy-[m]m-[d]d...);
 * with one, parsed with Spark's datetime pattern ("dd/MM/yyyy", "yyyyMMdd", "MMM d yyyy"...).
 * Text that does not fit is an error (ANSI mode).
 */
export const to_date = (c: ColumnOrName, format?: string) => (format === undefined ? fn("to_date", asColumn(c).expr) : fn("to_date", asColumn(c).expr, literal(format)));

// ---- timestamps (microseconds; shown and cut into days in spark.sql.session.timeZone: shared/plan/functions/timestamp-functions.ts) ----
// A timestamp argument may be a timestamp, a date (its midnight) or a string Spark casts to one.

const timestampField = (name: ScalarFn) => (c: ColumnOrName) => fn(name, asColumn(c).expr);

/** The timestamp (or date) as text in Spark's datetime pattern ("yyyy-MM-dd HH:mm:ss", "EEE, d MMM yyyy", "h a"...). */
export const date_format = (date: ColumnOrName, format: string) => fn("date_format", asColumn(date).expr, literal(format));
/** The months from date2 to date1: whole when the days of month match (or both are month ends), else with the time over 31 days; rounded to 8 digits unless roundOff is false. */
export const months_between = (date1: ColumnOrName, date2: ColumnOrName, roundOff = true) =>
  fn("months_between", asColumn(date1).expr, asColumn(date2).expr, literal(roundOff));
/** Now (evaluated when the rows are computed). */
export const current_timestamp = () => fn("current_timestamp");
export const now = () => fn("now");
/** A string as a timestamp: without a format, as cast("timestamp"); with one, parsed with Spark's datetime pattern in the session time zone. */
export const to_timestamp = (c: ColumnOrName, format?: string) => (format === undefined ? fn("to_timestamp", asColumn(c).expr) : fn("to_timestamp", asColumn(c).expr, literal(format)));
export const hour = timestampField("hour");
export const minute = timestampField("minute");
export const second = timestampField("second");
/** The start of the timestamp's year, quarter, month, week, day, hour, minute, second, millisecond ("year", "yyyy", "mm", "dd", "hour"...); null for another level. */
export const date_trunc = (format: string, ts: ColumnOrName) => fn("date_trunc", literal(format), asColumn(ts).expr);
/** Seconds since the epoch: now, of a timestamp or date, or of a text in a pattern (default "yyyy-MM-dd HH:mm:ss"). */
export const unix_timestamp = (c?: ColumnOrName, format?: string) =>
  c === undefined ? fn("unix_timestamp") : format === undefined ? fn("unix_timestamp", asColumn(c).expr) : fn("unix_timestamp", asColumn(c).expr, literal(format));
/** Seconds since the epoch as text in a pattern (default "yyyy-MM-dd HH:mm:ss"), in the session time zone. */
export const from_unixtime = (c: ColumnOrName, format?: string) => (format === undefined ? fn("from_unixtime", asColumn(c).expr) : fn("from_unixtime", asColumn(c).expr, literal(format)));
/** The timestamp whose UTC wall clock is ts's wall clock in `tz` (a zone id, or a column of them). */
export const from_utc_timestamp = (ts: ColumnOrName, tz: Column | string) => fn("from_utc_timestamp", asColumn(ts).expr, typeof tz === "string" ? literal(tz) : tz.expr);
/** The timestamp whose wall clock in `tz` is ts's UTC wall clock. */
export const to_utc_timestamp = (ts: ColumnOrName, tz: Column | string) => fn("to_utc_timestamp", asColumn(ts).expr, typeof tz === "string" ? literal(tz) : tz.expr);
/** A timestamp from fields (sec may have six decimals) in the session time zone, or in `timezone`. */
export const make_timestamp = (years: ColumnOrName, months: ColumnOrName, days: ColumnOrName, hours: ColumnOrName, mins: ColumnOrName, secs: ColumnOrName, timezone?: ColumnOrName) =>
  fn("make_timestamp", ...[years, months, days, hours, mins, secs, ...(timezone === undefined ? [] : [timezone])].map((c) => asColumn(c).expr));
export const timestamp_seconds = timestampField("timestamp_seconds");
export const timestamp_millis = timestampField("timestamp_millis");
export const timestamp_micros = timestampField("timestamp_micros");
export const unix_seconds = timestampField("unix_seconds");
export const unix_millis = timestampField("unix_millis");
export const unix_micros = timestampField("unix_micros");
/** The session time zone's wall clock now, a timestamp_ntz (evaluated once per query). */
export const localtimestamp = () => fn("localtimestamp");
/** A string as a timestamp_ntz (its wall clock; a zone in the text is ignored): without a format, as cast("timestamp_ntz"); with one, Spark's datetime pattern. A timestamp is its wall clock in the session time zone. */
export const to_timestamp_ntz = (c: ColumnOrName, format?: string) =>
  format === undefined ? fn("to_timestamp_ntz", asColumn(c).expr) : fn("to_timestamp_ntz", asColumn(c).expr, literal(format));
/** A timestamp_ntz from fields (sec may have six decimals; 60 is the next minute), with no time zone. */
export const make_timestamp_ntz = (years: ColumnOrName, months: ColumnOrName, days: ColumnOrName, hours: ColumnOrName, mins: ColumnOrName, secs: ColumnOrName) =>
  fn("make_timestamp_ntz", ...[years, months, days, hours, mins, secs].map((c) => asColumn(c).expr));

// ---- comparison and null handling ----

/** The largest value, skipping nulls (null only when all are); NaN is above every number. */
export const greatest = (...cs: ColumnOrName[]) => fn("greatest", ...cs.map((c) => asColumn(c).expr));
/** The smallest value, skipping nulls (null only when all are). */
export const least = (...cs: ColumnOrName[]) => fn("least", ...cs.map((c) => asColumn(c).expr));
/** col1 if it is not null, else col2. */
export const nvl = (col1: ColumnOrName, col2: ColumnOrName) => fn("nvl", asColumn(col1).expr, asColumn(col2).expr);
/** col1 if it is not null, else col2 (the same as nvl). */
export const ifnull = (col1: ColumnOrName, col2: ColumnOrName) => fn("ifnull", asColumn(col1).expr, asColumn(col2).expr);
/** col2 if col1 is not null, else col3. */
export const nvl2 = (col1: ColumnOrName, col2: ColumnOrName, col3: ColumnOrName) => fn("nvl2", asColumn(col1).expr, asColumn(col2).expr, asColumn(col3).expr);
/** Null if col1 equals col2, else col1. */
export const nullif = (col1: ColumnOrName, col2: ColumnOrName) => fn("nullif", asColumn(col1).expr, asColumn(col2).expr);
/** Whether the value is NaN (false for null). */
export const isnan = unaryMath("isnan");
/** col2 if col1 is NaN, else col1. */
export const nanvl = (col1: ColumnOrName, col2: ColumnOrName) => fn("nanvl", asColumn(col1).expr, asColumn(col2).expr);
/** Fails the query when evaluated, with Spark's USER_RAISED_EXCEPTION and this message (a string is the message itself, as PySpark's). */
export const raise_error = (errMsg: Column | string) => fn("raise_error", errMsg instanceof Column ? errMsg.expr : literal(errMsg));

/** A random seed, as Spark's rand() without one draws. */
const anySeed = () => Math.floor(Math.random() * 2 ** 31);

/** A uniformly distributed double in [0, 1), Spark's numbers: each partition draws from seed + partition index. */
export function rand(seed?: number): Column {
  return new Column({ kind: "rand", seed: seed ?? anySeed() });
}

/** A standard normal double, Spark's numbers: each partition draws from seed + partition index. */
export function randn(seed?: number): Column {
  return new Column({ kind: "rand", seed: seed ?? anySeed(), normal: true });
}

const agg = (name: AggFn, c: ColumnOrName | null) => new Column({ kind: "agg", fn: name, arg: c === null ? null : asColumn(c).expr });

export const sum = (c: ColumnOrName) => agg("sum", c);
export const avg = (c: ColumnOrName) => agg("avg", c);
export const mean = avg;
export const min = (c: ColumnOrName) => agg("min", c);
export const max = (c: ColumnOrName) => agg("max", c);
/** count("*") counts rows; count(col) counts non-null values. */
export const count = (c: ColumnOrName) => agg("count", c === "*" ? null : c);
export const countDistinct = (c: ColumnOrName) => agg("countDistinct", c);

// ---- aggregates (Spark's semantics: shared/plan/functions/aggregates.ts) ----

/** An aggregate of two columns (corr(x, y), max_by(x, ord)), in Spark's argument order. */
const agg2 = (name: AggFn, a: ColumnOrName, b: ColumnOrName) => new Column({ kind: "agg", fn: name, arg: asColumn(a).expr, args: [asColumn(b).expr] });
/** first/last/any_value take PySpark's ignorenulls flag; left out of the plan when false (the default). */
const pick = (name: AggFn, c: ColumnOrName, ignoreNulls: boolean) =>
  new Column({ kind: "agg", fn: name, arg: asColumn(c).expr, ...(ignoreNulls ? { ignoreNulls: true } : {}) });

/**
 * The first value of a group, nulls included unless `ignoreNulls` (which row is first depends
 * on partitioning, as in Spark).
 */
export const first = (c: ColumnOrName, ignoreNulls = false) => pick("first", c, ignoreNulls);
/** The last value of a group, nulls included unless `ignoreNulls` (order-dependent, as first). */
export const last = (c: ColumnOrName, ignoreNulls = false) => pick("last", c, ignoreNulls);
/** Some value of the group (the first one met), nulls included unless `ignoreNulls`. */
export const any_value = (c: ColumnOrName, ignoreNulls = false) => pick("any_value", c, ignoreNulls);
/** Sample standard deviation (null for fewer than two values). */
export const stddev = (c: ColumnOrName) => agg("stddev", c);
export const stddev_samp = (c: ColumnOrName) => agg("stddev_samp", c);
/** Population standard deviation (0 for one value). */
export const stddev_pop = (c: ColumnOrName) => agg("stddev_pop", c);
/** Sample variance (null for fewer than two values). */
export const variance = (c: ColumnOrName) => agg("variance", c);
export const var_samp = (c: ColumnOrName) => agg("var_samp", c);
export const var_pop = (c: ColumnOrName) => agg("var_pop", c);
/** Null when all values are equal, as Spark 4. */
export const skewness = (c: ColumnOrName) => agg("skewness", c);
/** Excess kurtosis; null when all values are equal, as Spark 4. */
export const kurtosis = (c: ColumnOrName) => agg("kurtosis", c);
/** Pearson correlation of the rows where both are non-null; a column of equal values is a DIVIDE_BY_ZERO error (ANSI). */
export const corr = (col1: ColumnOrName, col2: ColumnOrName) => agg2("corr", col1, col2);
export const covar_samp = (col1: ColumnOrName, col2: ColumnOrName) => agg2("covar_samp", col1, col2);
export const covar_pop = (col1: ColumnOrName, col2: ColumnOrName) => agg2("covar_pop", col1, col2);
/** The number of rows where a boolean column is true. */
export const count_if = (c: ColumnOrName) => agg("count_if", c);

/** 1 when `c` is aggregated away in this row of a rollup()/cube()/groupingSets() (a subtotal), else 0. */
export const grouping = (c: ColumnOrName) => fn("grouping", asColumn(c).expr);
/** The grouping level of a rollup()/cube()/groupingSets() row: one bit per key (all keys when none are given), 1 where the key is aggregated away. */
export const grouping_id = (...cols: ColumnOrName[]) => fn("grouping_id", ...cols.map((c) => asColumn(c).expr));
/** Whether every non-null value is true (null when there are none). */
export const bool_and = (c: ColumnOrName) => agg("bool_and", c);
/** Whether some non-null value is true (null when there are none). */
export const bool_or = (c: ColumnOrName) => agg("bool_or", c);
export const every = (c: ColumnOrName) => agg("every", c);
export const some = (c: ColumnOrName) => agg("some", c);
/** The value of `c` at the largest `ord` (nulls of ord skipped; among equal ords, the last met). */
export const max_by = (c: ColumnOrName, ord: ColumnOrName) => agg2("max_by", c, ord);
/** The value of `c` at the smallest `ord`. */
export const min_by = (c: ColumnOrName, ord: ColumnOrName) => agg2("min_by", c, ord);
/** The sum of the distinct values. */
export const sum_distinct = (c: ColumnOrName) => agg("sum_distinct", c);
/** Deprecated spelling of sum_distinct, as PySpark keeps it. */
export const sumDistinct = sum_distinct;
/** The non-null values in a list ([] for none; their order follows the partitions, as in Spark). */
export const collect_list = (c: ColumnOrName) => agg("collect_list", c);
/** The distinct non-null values ([] for none), in no particular order. */
export const collect_set = (c: ColumnOrName) => agg("collect_set", c);

/** An aggregate of a column and literal parameters (percentile's p), in Spark's argument order. */
const aggWith = (name: AggFn, c: ColumnOrName, params: readonly (Column | Scalar | undefined)[]) =>
  new Column({
    kind: "agg",
    fn: name,
    arg: asColumn(c).expr,
    args: params.filter((p) => p !== undefined).map((p) => (p instanceof Column ? p.expr : literal(p))),
  });

/**
 * The number of distinct non-null values, estimated by Spark's HyperLogLog++ (its registers,
 * hash and bias correction, so the estimate is Spark's); `rsd` is the maximum relative
 * standard deviation (0.05 by default). Never null: 0 for none.
 */
export const approx_count_distinct = (c: ColumnOrName, rsd?: number) => aggWith("approx_count_distinct", c, [rsd]);
/** Deprecated spelling of approx_count_distinct, as PySpark keeps it. */
export const approxCountDistinct = approx_count_distinct;
/**
 * The exact percentile of a numeric column, `percentage` in [0, 1] (a literal), interpolated
 * between the two nearest values as Spark does; a double, null for no values.
 */
export const percentile = (c: ColumnOrName, percentage: number | Column) => aggWith("percentile", c, [percentage]);
/** The exact median (percentile 0.5), a double. */
export const median = (c: ColumnOrName) => agg("median", c);
/**
 * The most frequent non-null value. Among equally frequent values sparkfn gives the lowest;
 * Spark gives any of them unless `deterministic` (then the lowest too).
 */
export const mode = (c: ColumnOrName, deterministic?: boolean) => aggWith("mode", c, [deterministic]);
/**
 * The approximate percentile (Spark's Greenwald-Khanna QuantileSummaries, so the answer is
 * Spark's): a value of the column (numbers and dates), `percentage` in [0, 1] (a literal),
 * within 1/`accuracy` of the true rank (10000 by default).
 */
export const percentile_approx = (c: ColumnOrName, percentage: number | Column, accuracy: number | Column = 10000) =>
  aggWith("percentile_approx", c, [percentage, accuracy]);
/** percentile_approx under its other name. */
export const approx_percentile = (c: ColumnOrName, percentage: number | Column, accuracy: number | Column = 10000) =>
  aggWith("approx_percentile", c, [percentage, accuracy]);

// ---- windows (driver/api/window.ts) ----
export { Window, WindowSpec, row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, nth_value, first_value, last_value } from "./window.ts";
export * from "./collection-functions.ts";
export * from "./interval-functions.ts";
export * from "./higher-order-functions.ts";
