/**
 * JSON lines splits as batches: one JSON object per line (lines end at \n; a \r before it is
 * dropped; blank lines are skipped). The split streams in blocks of whole lines; each block
 * is decoded once and its lines parsed with JSON.parse, then each wanted field is converted
 * to its column's type (a value of the wrong type makes the record malformed).
 */
import { timestampConversion } from "./csv-convert.ts";
import { isTimestampValue } from "../../shared/plan/functions/timestamps.ts";
import { BATCH_ROWS, batchFromRows, type BatchStream } from "../../shared/batch/batch.ts";
import { castLoose } from "../../shared/plan/semantics.ts";
import { elementOf, fieldsOf, fitsType, mapOf, typeKind, type DataType, type Row, type Schema, type Value } from "../../shared/plan/types.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { exceedsLongRange, failFast, scanColumns, type FileReadCounters, type FileStageSource } from "./scan-support.ts";
import { decodeUtf8, recordLocation, SplitLines, type FileSplit, type SplitReadOptions } from "./split-text.ts";

/** A JSON value as a value of `type`; undefined when it does not fit (a string where a number is due). */
/** How a scan reads the text of each timestamp type (its timestampFormat, timestampNTZFormat and timeZone options). */
type TimestampReaders = Readonly<Record<"timestamp" | "timestamp_ntz", (text: string) => Value>>;

function convertJson(value: unknown, type: DataType, readTimestamp: TimestampReaders): Value | undefined {
  if (value === null || value === undefined) return null;
  switch (typeKind(type)) {
    case "decimal":
      // From a JSON number or its text (JSON.parse has made the number a double: its shortest text is read).
      return typeof value === "number" || typeof value === "string" ? (castLoose(type)(value) ?? undefined) : undefined;
    case "byte":
    case "short":
    case "int":
    case "long":
      return (type === "long" ? typeof value === "number" && Number.isInteger(value) : fitsType(type, value)) ? (value as number) : undefined;
    case "float":
      return typeof value === "number" ? Math.fround(value) : undefined;
    case "double":
      return typeof value === "number" ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "string":
      return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
    case "date":
      return typeof value === "string" ? (castLoose("date")(value) ?? undefined) : undefined;
    case "daytime":
    case "yearmonth":
      // Spark's interval text (INTERVAL '3' DAY, or the fields' text alone).
      return typeof value === "string" ? (castLoose(type)(value) ?? undefined) : undefined;
    case "binary":
      // Base64 text, padded (Jackson's getBinaryValue, as Spark reads it); other text does not fit.
      return typeof value === "string" && value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? Buffer.from(value, "base64").toString("latin1") : undefined;
    case "timestamp":
      // Text in the scan's timestampFormat (or Spark's cast syntax); a number is seconds since the epoch, as Spark reads it.
      if (typeof value === "number") return Number.isFinite(value) && isTimestampValue(Math.trunc(value * 1e6)) ? Math.trunc(value * 1e6) + 0 : undefined;
      return typeof value === "string" ? (readTimestamp.timestamp(value) ?? undefined) : undefined;
    case "timestamp_ntz":
      // Text only (a number names an instant, which Spark does not read as a wall clock).
      return typeof value === "string" ? (readTimestamp.timestamp_ntz(value) ?? undefined) : undefined;
    case "array": {
      if (!Array.isArray(value)) return undefined;
      const element = elementOf(type)!;
      const out: Value[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const v = convertJson(value[i], element, readTimestamp);
        if (v === undefined) return undefined;
        out[i] = v;
      }
      return out;
    }
    case "map": {
      // A JSON object as a map of its keys (text, converted to the key type) to its values.
      if (typeof value !== "object" || Array.isArray(value)) return undefined;
      const { key, value: valueType } = mapOf(type)!;
      const keys: Value[] = [];
      const values: Value[] = [];
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
        const [ck, cv] = [convertJson(k, key, readTimestamp), convertJson(x, valueType, readTimestamp)];
        if (ck === undefined || ck === null || cv === undefined) return undefined;
        keys.push(ck);
        values.push(cv);
      }
      return [keys, values];
    }
    case "struct": {
      if (typeof value !== "object" || Array.isArray(value)) return undefined;
      const fields = fieldsOf(type)!;
      const object = value as Record<string, unknown>;
      const out: Value[] = new Array(fields.length);
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        const v = convertJson(Object.hasOwn(object, f.name) ? object[f.name] : null, f.type, readTimestamp);
        if (v === undefined) return undefined;
        out[i] = v;
      }
      return out;
    }
    case "null":
      return null;
    case "any":
      return value as Value;
  }
}

export async function* readJsonSplit(source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters, options: SplitReadOptions = {}): BatchStream {
  const { wanted, corruptIndex } = scanColumns(source);
  const schema: Schema = { fields: [...wanted] };
  const readTimestamp: TimestampReaders = { timestamp: timestampConversion(source.options), timestamp_ntz: timestampConversion(source.options, "timestamp_ntz") };
  const lines = new SplitLines(store, file, options);
  let rows: Row[] = [];
  let line = 0;
  for (let block = await lines.next(); block !== null; block = await lines.next()) {
    const text = decodeUtf8(block.bytes, file.uri, block.offset === 0);
    const parts = text.split("\n");
    // The block ends with a line feed: the last part is empty.
    for (let i = 0; i < parts.length - 1; i++) {
      line++;
      const raw = parts[i]!;
      const record = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (record.trim() === "") continue;
      const row: Row = new Array(wanted.length).fill(null);
      let problem: string | undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(record);
      } catch (error) {
        problem = `not JSON: ${(error as Error).message}`;
      }
      if (problem === undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) problem = "not a JSON object";
      if (problem === undefined) {
        const object = parsed as Record<string, unknown>;
        for (let c = 0; c < wanted.length; c++) {
          if (c === corruptIndex) continue;
          const field = wanted[c]!;
          const value = convertJson(object[field.name], field.type, readTimestamp);
          if (value === undefined) problem ??= `${JSON.stringify(object[field.name])} is not a valid ${field.type} for field "${field.name}"`;
          else if (field.type === "long" && value !== null && !Number.isSafeInteger(value)) problem ??= exceedsLongRange(String(value), field);
          else row[c] = value;
        }
      }
      if (problem !== undefined) {
        counters.malformed++;
        if (source.options.mode === "FAILFAST") {
          const at = block.offset + Buffer.byteLength(parts.slice(0, i).join("\n")) + (i > 0 ? 1 : 0);
          throw failFast(recordLocation(file.uri, lines.startsFile ? line : undefined, at), problem);
        }
        if (source.options.mode === "DROPMALFORMED") continue;
        if (corruptIndex >= 0) row[corruptIndex] = record;
      }
      rows.push(row);
      if (rows.length === BATCH_ROWS) {
        yield batchFromRows(schema, rows);
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield batchFromRows(schema, rows);
}
