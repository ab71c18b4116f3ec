/**
 * Reading one split of a file into rows of the scan's columns, one reader per format.
 * Bad records follow the scan's parse mode (Spark's): PERMISSIVE keeps the row with null
 * where a value is missing or does not convert, and puts the raw record in the corrupt-record
 * column if the schema has one; DROPMALFORMED drops the record; FAILFAST fails the task with
 * the file, line and reason (a BadInput error: retrying cannot help).
 */
import { CsvSyntaxError, parseCsv } from "../../shared/codecs/csv.ts";
import type { FileFormat, ScanOptions } from "../../shared/plan/file-source.ts";
import { sourceSchema, type StageSource } from "../../shared/plan/physical.ts";
import { CASTS } from "../../shared/plan/semantics.ts";
import { isIntValue, type Field, type Row, type Value } from "../../shared/plan/types.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import { readParquetSplit } from "./parquet-reader.ts";
import { batchStream, type BatchStream } from "../../shared/batch/batch.ts";
import { readSplitText, recordLocation, type FileSplit, type SplitText } from "./split-text.ts";

export type FileStageSource = Extract<StageSource, { kind: "file" }>;

export interface FileReadCounters {
  /** Parquet row groups read and skipped by their statistics. */
  rowGroups: number;
  rowGroupsSkipped: number;
  /** Records dropped (DROPMALFORMED) or kept with nulls (PERMISSIVE) for being malformed. */
  malformed: number;
}

/** Settles a malformed record per the parse mode; returns the row to keep, or undefined. */
function malformed(options: ScanOptions, where: string, reason: string, row: Row, corruptIndex: number, raw: string, counters: FileReadCounters): Row | undefined {
  counters.malformed++;
  switch (options.mode) {
    case "FAILFAST":
      throw new TaskError("BadInput", `${where}: malformed record (${reason}); the scan runs in FAILFAST mode (use mode PERMISSIVE or DROPMALFORMED to keep going)`);
    case "DROPMALFORMED":
      return undefined;
    case "PERMISSIVE":
      if (corruptIndex >= 0) row[corruptIndex] = raw;
      return row;
  }
}

const LOOSE_CONVERSION = new Set(["int", "long", "double", "boolean", "date"]);

/** Converts a CSV field; undefined when it does not fit the type. */
function convertText(raw: string, field: Field): Value | undefined {
  if (raw === "") return null;
  const value = CASTS[field.type](raw);
  return value === null && LOOSE_CONVERSION.has(field.type) ? undefined : value;
}

function convertJson(value: unknown, field: Field): Value | undefined {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case "int":
    case "long":
      return (field.type === "long" ? typeof value === "number" && Number.isInteger(value) : isIntValue(value)) ? (value as number) : undefined;
    case "double":
      return typeof value === "number" ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "string":
      return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
    case "date":
      return typeof value === "string" ? (CASTS.date(value) ?? undefined) : undefined;
    case "array":
      return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
    case "null":
      return null;
    case "any":
      return value as Value;
  }
}

interface Columns {
  /** The scan's output columns, in order. */
  readonly wanted: readonly Field[];
  /** Position of the corrupt-record column among them, or -1. */
  readonly corruptIndex: number;
}

function columnsOf(source: FileStageSource): Columns {
  const wanted = sourceSchema(source).fields;
  return { wanted, corruptIndex: source.options.corruptColumn === null ? -1 : wanted.findIndex((f) => f.name === source.options.corruptColumn) };
}

/** The header of a CSV file whose split does not start it: read from the file's first bytes. */
async function csvHeader(store: ObjectStore, file: FileSplit): Promise<string[]> {
  const head = await readSplitText(store, { uri: file.uri, size: file.size, start: 0, length: Math.min(file.size, 1) });
  let header: string[] = [];
  parseCsv(head.text, (fields) => {
    header = fields;
    return false;
  });
  return header;
}

async function readCsv(source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters): Promise<Row[]> {
  const split = await readSplitText(store, file);
  const { wanted, corruptIndex } = columnsOf(source);
  const dataFields = source.fileSchema.fields.filter((f) => f.name !== source.options.corruptColumn);
  const out: Row[] = [];
  let indexes: number[] | undefined;
  let expectedFields = dataFields.length;
  const resolve = (header: string[] | undefined) => {
    const names = header ?? dataFields.map((f) => f.name);
    expectedFields = names.length;
    indexes = wanted.map((f, c) => {
      if (c === corruptIndex) return -1;
      const i = names.indexOf(f.name);
      if (i < 0) throw new TaskError("BadInput", `${file.uri}: column "${f.name}" not found in the header; the header has: ${names.join(", ")}`);
      return i;
    });
  };
  const ownsHeader = source.options.header && (file.start ?? 0) === 0;
  if (!source.options.header) resolve(undefined);
  else if (!ownsHeader) resolve(await csvHeader(store, file));
  try {
    parseCsv(split.text, (values, line, start, end) => {
      if (!indexes) return void resolve(values);
      const row: Row = new Array(wanted.length).fill(null);
      let problem: string | undefined;
      if (values.length !== expectedFields) problem = `${values.length} field(s) where the ${source.options.header ? "header" : "schema"} has ${expectedFields}`;
      for (let c = 0; c < wanted.length; c++) {
        if (c === corruptIndex) continue;
        const raw = values[indexes[c]!];
        if (raw === undefined) continue;
        const value = convertText(raw, wanted[c]!);
        if (value === undefined) problem ??= `"${raw}" is not a valid ${wanted[c]!.type} for column "${wanted[c]!.name}"`;
        else row[c] = value;
      }
      if (problem === undefined) return void out.push(row);
      const kept = malformed(source.options, recordLocation(file.uri, split, line, start), problem, row, corruptIndex, split.text.slice(start, end), counters);
      if (kept) out.push(kept);
    });
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new TaskError("BadInput", `${recordLocation(file.uri, split, error.line, 0)}: ${error.message}`);
    throw error;
  }
  return out;
}

async function readJson(source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters): Promise<Row[]> {
  const split = await readSplitText(store, file);
  const { wanted, corruptIndex } = columnsOf(source);
  const out: Row[] = [];
  const lines = split.text.split("\n");
  let offset = 0;
  lines.forEach((rawLine, i) => {
    const at = offset;
    offset += rawLine.length + 1;
    const text = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (text.trim() === "") return;
    const row: Row = new Array(wanted.length).fill(null);
    let problem: string | undefined;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      problem = `not JSON: ${(error as Error).message}`;
    }
    if (problem === undefined && (typeof record !== "object" || record === null || Array.isArray(record))) problem = "not a JSON object";
    if (problem === undefined) {
      const object = record as Record<string, unknown>;
      for (let c = 0; c < wanted.length; c++) {
        if (c === corruptIndex) continue;
        const value = convertJson(object[wanted[c]!.name], wanted[c]!);
        if (value === undefined) problem ??= `${JSON.stringify(object[wanted[c]!.name])} is not a valid ${wanted[c]!.type} for field "${wanted[c]!.name}"`;
        else row[c] = value;
      }
    }
    if (problem === undefined) return void out.push(row);
    const kept = malformed(source.options, recordLocation(file.uri, split, i + 1, at), problem, row, corruptIndex, text, counters);
    if (kept) out.push(kept);
  });
  return out;
}

async function readText(source: FileStageSource, file: FileSplit, store: ObjectStore): Promise<Row[]> {
  const { text } = await readSplitText(store, file);
  if (source.options.wholeText) return [[file.uri, text]];
  // Lines end at \n, \r\n or a lone \r, as Hadoop's LineRecordReader reads them.
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => [line]);
}

type Reader = (source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters) => Promise<Row[]>;

const READERS: Record<FileFormat, Reader> = {
  csv: readCsv,
  json: readJson,
  text: readText,
  parquet: readParquetSplit,
};

/**
 * Reads one split as batches. Partition columns (from `key=value` folders) are not in the
 * file: the format reader reads the other columns, and each row gets the file's folder values.
 */
export async function* readFileSplit(
  source: FileStageSource,
  file: FileSplit & { readonly partitionValues?: readonly (string | number | boolean | null)[] | undefined },
  store: ObjectStore,
  counters: FileReadCounters,
): BatchStream {
  yield* batchStream(sourceSchema(source), [await readRows(source, file, store, counters)]);
}

async function readRows(
  source: FileStageSource,
  file: FileSplit & { readonly partitionValues?: readonly (string | number | boolean | null)[] | undefined },
  store: ObjectStore,
  counters: FileReadCounters,
): Promise<Row[]> {
  const { partitionColumns } = source;
  if (partitionColumns.length === 0) return READERS[source.format](source, file, store, counters);
  const wanted = sourceSchema(source).fields.map((f) => f.name);
  const isData = (name: string) => !partitionColumns.includes(name);
  const dataSource: FileStageSource = {
    ...source,
    fileSchema: { fields: source.fileSchema.fields.filter((f) => isData(f.name)) },
    columns: wanted.filter(isData),
    partitionColumns: [],
  };
  const rows = await READERS[source.format](dataSource, file, store, counters);
  const values = file.partitionValues ?? [];
  // Where each output column comes from: the data row's k-th value, or the folder's value.
  let k = 0;
  const from = wanted.map((name): { data: number } | { value: Value } => (isData(name) ? { data: k++ } : { value: values[partitionColumns.indexOf(name)] ?? null }));
  return rows.map((row) => from.map((f) => ("data" in f ? row[f.data]! : f.value)));
}
