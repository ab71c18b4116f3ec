/**
 * Rows as Spark writes them in text formats: the timestamp text of CSV and JSON output, and
 * a JSON line (the JSON writer's records, df.toJSON()'s strings). Spark's JSON generator
 * leaves null fields out, writes doubles as Java prints them (1.0, 1.0E21) and quotes the
 * non-finite ones ("NaN", "Infinity"), writes dates and timestamps as text, binary values in
 * base64, and keeps longs exact.
 */
import { castValue } from "../plan/casts.ts";
import { formatterOf } from "../plan/functions/date-patterns.ts";
import { offsetAt, UTC, type TimeZone } from "../plan/functions/time-zone.ts";
import { localParts } from "../plan/functions/timestamps.ts";
import { decimalOf, isInterval, type DataType, type Row, type Schema, type Value } from "../plan/types.ts";
import { intervalText } from "../plan/intervals.ts";
import { decimalText } from "../plan/decimal.ts";

/** Spark's text of a timestamp in CSV and JSON output (yyyy-MM-dd'T'HH:mm:ss.SSSXXX): milliseconds, the zone's offset ("Z" for UTC). */
export function timestampOutput(micros: number, zone: TimeZone): string {
  const { days, micros: tod } = localParts(micros, zone);
  const offset = offsetAt(zone, Math.floor(micros / 1000)) / 60_000;
  const pad = (n: number) => String(n).padStart(2, "0");
  const zoneText = offset === 0 ? "Z" : `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${formatterOf("yyyy-MM-dd'T'HH:mm:ss.SSS")(days, tod)}${zoneText}`;
}

/** Spark's text of a timestamp_ntz in CSV and JSON output (timestampNTZFormat's default, yyyy-MM-dd'T'HH:mm:ss.SSS): its wall clock, no zone. */
export function timestampNtzOutput(micros: number): string {
  const { days, micros: tod } = localParts(micros, UTC);
  return formatterOf("yyyy-MM-dd'T'HH:mm:ss.SSS")(days, tod);
}

function jsonValue(v: Value, type: DataType, zone: TimeZone): string {
  // A decimal is a JSON number with its exact digits (12.30), as Spark's JSON writer prints it.
  const decimal = decimalOf(type);
  if (decimal && typeof v === "bigint") return decimalText(v, decimal.scale);
  // An interval as Spark's text of its type (INTERVAL '3' DAY).
  if (isInterval(type) && typeof v === "number") return JSON.stringify(intervalText(v, type));
  switch (type) {
    case "float":
    case "double": {
      const n = v as number;
      return Number.isFinite(n) ? String(castValue(n, type, "string")) : JSON.stringify(String(castValue(n, type, "string")));
    }
    case "timestamp":
      return JSON.stringify(typeof v === "number" ? timestampOutput(v, zone) : String(v));
    case "timestamp_ntz":
      return JSON.stringify(typeof v === "number" ? timestampNtzOutput(v) : String(v));
    case "binary":
      // Its bytes in base64, as Jackson's writeBinary (Spark's JSON writer).
      return JSON.stringify(Buffer.from(v as string, "latin1").toString("base64"));
    default:
      return JSON.stringify(v);
  }
}

/** One row as a JSON object, fields in schema order, null fields left out. */
export function jsonLine(row: Row, schema: Schema, zone: TimeZone): string {
  let out = "";
  const fields = schema.fields;
  for (let i = 0; i < fields.length; i++) {
    const v = row[i];
    if (v === null || v === undefined) continue;
    out += `${out ? "," : ""}${JSON.stringify(fields[i]!.name)}:${jsonValue(v, fields[i]!.type, zone)}`;
  }
  return `{${out}}`;
}
