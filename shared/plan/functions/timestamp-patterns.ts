/**
 * Datetime patterns over timestamps: the wall clock of an instant in a time zone, formatted
 * with date-patterns.ts (date_format, from_unixtime), and a text parsed with a pattern into
 * the instant its wall clock names in a zone (to_timestamp, unix_timestamp with a format).
 */
import { formatterOf, parserOf } from "./date-patterns.ts";
import { DEFAULT_TIME_ZONE, timeZone, UTC, type TimeZone } from "./time-zone.ts";
import { checkedMicros, fromLocal, localParts, parseTimestamp, parseTimestampNtz } from "./timestamps.ts";

/** The formatter of a pattern (checked now: a bad pattern fails with Spark's error class). */
export const timestampFormatterOf = (pattern: string) => formatterOf(pattern);

/** The parser of a pattern (checked now). */
export const timestampParserOf = (pattern: string) => parserOf(pattern);

/** An instant's wall clock in `zone`, in the pattern. */
export function formatTimestamp(micros: number, pattern: string, zone: TimeZone): string {
  const { days, micros: tod } = localParts(micros, zone);
  return formatterOf(pattern)(days, tod);
}

/** The instant a text names in the pattern, read in `zone` (CANNOT_PARSE_TIMESTAMP when it does not match). */
export function parseTimestampPattern(text: string, pattern: string, zone: TimeZone): number {
  const { days, micros } = parserOf(pattern)(text);
  return checkedMicros(fromLocal(days, micros, zone), () => `to_timestamp('${text}', '${pattern}')`);
}

/**
 * How a file source reads timestamp text (CSV and JSON's `timestampFormat` and `timeZone`
 * options): with the pattern when one is given, else Spark's cast syntax; in the zone. Throws
 * on text that does not fit (the reader makes the record malformed).
 */
export function timestampReader(options: { readonly timeZone?: string | undefined; readonly timestampFormat?: string | undefined }): (text: string) => number {
  const zone = timeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
  const format = options.timestampFormat;
  if (format === undefined) return (text) => parseTimestamp(text, zone);
  timestampParserOf(format);
  return (text) => parseTimestampPattern(text, format, zone);
}

/**
 * How a file source reads timestamp_ntz text (CSV and JSON's `timestampNTZFormat`): with the
 * pattern when one is given (its wall clock), else Spark's cast syntax without a zone (text
 * naming one does not fit, as Spark's readers have it). Throws on text that does not fit.
 */
export function timestampNtzReader(options: { readonly timestampNTZFormat?: string | undefined }): (text: string) => number {
  const format = options.timestampNTZFormat;
  if (format === undefined) return (text) => parseTimestampNtz(text, false);
  timestampParserOf(format);
  return (text) => parseTimestampPattern(text, format, UTC);
}
