/**
 * Writing one task's rows as one file, one encoder per format. Files go to the job's
 * temporary folder under a name unique to the task attempt; the driver commits them.
 * CSV quotes fields holding a comma, quote or line break (quotes doubled) and writes null as
 * an empty field; JSON lines leave null fields out, as Spark does; text needs one string
 * column. CSV and JSON write timestamps as Spark's default timestampFormat does
 * (yyyy-MM-dd'T'HH:mm:ss.SSSXXX, in the session time zone: "2024-03-07T12:34:56.500Z").
 */
import { escapePathName, FORMAT_EXTENSION, NULL_PARTITION, type FileFormat } from "../../shared/plan/file-source.ts";
import { decimalOf, isInterval, type Row, type Schema, type Value } from "../../shared/plan/types.ts";
import { intervalText } from "../../shared/plan/intervals.ts";
import { decimalText } from "../../shared/plan/decimal.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TEMPORARY_OBJECT_TAG, writeAttemptFileUri } from "../../shared/storage/keys.ts";
import { TaskError } from "../task-error.ts";
import { writeParquetFile } from "./parquet-writer.ts";
import { DEFAULT_TIME_ZONE, timeZone, UTC, type TimeZone } from "../../shared/plan/functions/time-zone.ts";
import { timestampText } from "../../shared/plan/functions/timestamps.ts";
import { jsonLine, timestampNtzOutput, timestampOutput } from "../../shared/codecs/text-output.ts";
import { showBinary } from "../../shared/plan/binary.ts";

function csvField(value: Value): string {
  if (value === null) return "";
  const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Encoder = (rows: readonly Row[], schema: Schema, header: boolean, zone: TimeZone) => Uint8Array;

/** The rows with their timestamp, decimal and binary columns as text (CSV has no such types; Spark writes binary as [0A FF]). */
function withTimestampText(rows: readonly Row[], schema: Schema, zone: TimeZone): readonly Row[] {
  const columns = schema.fields.flatMap((f, i) => (f.type === "timestamp" ? [i] : []));
  const walls = schema.fields.flatMap((f, i) => (f.type === "timestamp_ntz" ? [i] : []));
  const decimals = schema.fields.flatMap((f, i) => { const d = decimalOf(f.type); return d ? [[i, d.scale] as const] : []; });
  const binaries = schema.fields.flatMap((f, i) => (f.type === "binary" ? [i] : []));
  const intervals = schema.fields.flatMap((f, i) => (isInterval(f.type) ? [[i, f.type] as const] : []));
  if (columns.length === 0 && walls.length === 0 && decimals.length === 0 && binaries.length === 0 && intervals.length === 0) return rows;
  return rows.map((row) => {
    const out = row.slice();
    for (const c of columns) if (typeof out[c] === "number") out[c] = timestampOutput(out[c] as number, zone);
    for (const c of walls) if (typeof out[c] === "number") out[c] = timestampNtzOutput(out[c] as number);
    for (const c of binaries) if (typeof out[c] === "string") out[c] = showBinary(out[c] as string);
    for (const [c, scale] of decimals) if (typeof out[c] === "bigint") out[c] = decimalText(out[c] as bigint, scale);
    for (const [c, type] of intervals) if (typeof out[c] === "number") out[c] = intervalText(out[c] as number, type);
    return out;
  });
}

const encoder = new TextEncoder();

const ENCODERS: Record<FileFormat, Encoder> = {
  csv: (rows, schema, header) => {
    const lines = rows.map((row) => row.map(csvField).join(","));
    if (header) lines.unshift(schema.fields.map((f) => csvField(f.name)).join(","));
    return encoder.encode(lines.join("\n") + "\n");
  },
  json: (rows, schema, _header, zone) => encoder.encode(rows.map((row) => jsonLine(row, schema, zone)).join("\n") + "\n"),
  text: (rows, schema) => {
    if (schema.fields.length !== 1 || schema.fields[0]!.type !== "string") {
      throw new TaskError("InvalidTask", `the text format writes one string column; this DataFrame has ${schema.fields.map((f) => `${f.name} ${f.type}`).join(", ")}`);
    }
    return encoder.encode(rows.map((row) => (row[0] === null ? "" : String(row[0]))).join("\n") + "\n");
  },
  parquet: (rows, schema) => writeParquetFile(rows, schema),
};

const ATTEMPT_FILE_TAGS = { [TEMPORARY_OBJECT_TAG.key]: TEMPORARY_OBJECT_TAG.value };

export function writeFileName(dir: string, partitionPath: string, partition: number, attempt: number, format: FileFormat): string {
  return writeAttemptFileUri(dir, partitionPath, partition, attempt, FORMAT_EXTENSION[format]);
}

/** `key=value/` folders of a partition of the output (escaped as Spark escapes them, null as Hive's marker). */
function partitionPath(columns: readonly string[], values: readonly Value[]): string {
  return columns.map((c, i) => `${escapePathName(c)}=${values[i] === null ? NULL_PARTITION : escapePathName(String(values[i]))}/`).join("");
}

/**
 * Writes the rows (if any) and returns the files written: one, or one per distinct value of
 * the partitionBy columns (which then live in folder names, not in the files). An empty
 * partition writes nothing.
 */
export async function writeRows(
  rows: readonly Row[],
  schema: Schema,
  sink: { format: FileFormat; dir: string; header: boolean; partitionBy: readonly string[] },
  partition: number,
  attempt: number,
  store: ObjectStore,
  zoneId?: string,
): Promise<{ uri: string; size: number; rows: number; partitionPath: string }[]> {
  if (rows.length === 0) return [];
  const keyIndexes = sink.partitionBy.map((c) => {
    const i = schema.fields.findIndex((f) => f.name === c);
    if (i < 0) throw new TaskError("InvalidTask", `partitionBy column "${c}" is not a column of the output (${schema.fields.map((f) => f.name).join(", ")})`);
    return i;
  });
  const dataIndexes = schema.fields.map((_, i) => i).filter((i) => !keyIndexes.includes(i));
  const dataSchema = { fields: dataIndexes.map((i) => schema.fields[i]!) };
  const groups = new Map<string, { path: string; rows: Row[] }>();
  const zone = timeZone(zoneId ?? DEFAULT_TIME_ZONE);
  // A timestamp folder value is its text in the session time zone, as Spark writes it (not its microseconds).
  // A timestamp_ntz's is its own text (no zone).
  const folderValue = (i: number, v: Value): Value => {
    const type = schema.fields[i]!.type;
    if (typeof v !== "number") return v;
    // As Spark names the folder: the value cast to a string (an interval's text, not its microseconds).
    if (type === "timestamp" || type === "timestamp_ntz") return timestampText(v, type === "timestamp" ? zone : UTC);
    return isInterval(type) ? intervalText(v, type) : v;
  };
  for (const row of rows) {
    const path = keyIndexes.length ? partitionPath(sink.partitionBy, keyIndexes.map((i) => folderValue(i, row[i]!))) : "";
    let group = groups.get(path);
    if (!group) groups.set(path, (group = { path, rows: [] }));
    group.rows.push(keyIndexes.length ? dataIndexes.map((i) => row[i]!) : row);
  }
  const written = [];
  for (const group of groups.values()) {
    const text = sink.format === "csv" ? withTimestampText(group.rows, dataSchema, zone) : group.rows;
    const bytes = ENCODERS[sink.format](text, dataSchema, sink.header, zone);
    const uri = writeFileName(sink.dir, group.path, partition, attempt, sink.format);
    // Tagged so that the bucket's lifecycle rule expires the file if it is never committed nor deleted.
    await store.put(uri, bytes, { tags: ATTEMPT_FILE_TAGS });
    written.push({ uri, size: bytes.byteLength, rows: group.rows.length, partitionPath: group.path });
  }
  return written;
}
