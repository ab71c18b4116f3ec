/**
 * What every file reader shares: the source and counters types, the reader signature, and
 * how a malformed record is settled per the scan's parse mode (Spark's): PERMISSIVE keeps
 * the row with null where a value is missing or does not convert, and puts the raw record in
 * the corrupt-record column if the schema has one; DROPMALFORMED drops the record; FAILFAST
 * fails the task with the file, line and reason (a BadInput error: retrying cannot help).
 */
import type { BatchStream } from "../../shared/batch/batch.ts";
import { sourceSchema, type StageSource } from "../../shared/plan/physical.ts";
import type { Field } from "../../shared/plan/types.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { TaskError } from "../task-error.ts";
import type { FileSplit } from "./split-text.ts";

export type FileStageSource = Extract<StageSource, { kind: "file" }>;

export interface FileReadCounters {
  /** Parquet row groups read and skipped by their statistics. */
  rowGroups: number;
  rowGroupsSkipped: number;
  /** Records dropped (DROPMALFORMED) or kept with nulls (PERMISSIVE) for being malformed. */
  malformed: number;
}

/** Reads one split of one file as batches of the source's columns (sourceSchema order). */
export type BatchReader = (source: FileStageSource, file: FileSplit, store: ObjectStore, counters: FileReadCounters) => BatchStream;

/** The FAILFAST error for a malformed record at `where`. */
export function failFast(where: string, reason: string): TaskError {
  return new TaskError("BadInput", `${where}: malformed record (${reason}); the scan runs in FAILFAST mode (use mode PERMISSIVE or DROPMALFORMED to keep going)`);
}

export interface ScanColumns {
  /** The scan's output columns, in order. */
  readonly wanted: readonly Field[];
  /** Position of the corrupt-record column among them, or -1. */
  readonly corruptIndex: number;
}

export function scanColumns(source: FileStageSource): ScanColumns {
  const wanted = sourceSchema(source).fields;
  return { wanted, corruptIndex: source.options.corruptColumn === null ? -1 : wanted.findIndex((f) => f.name === source.options.corruptColumn) };
}

/** The long range a double holds exactly: ±(2^53 − 1). */
export function exceedsLongRange(raw: string, field: Field): string {
  return `${raw} exceeds the exact long range (±${Number.MAX_SAFE_INTEGER}) for column "${field.name}"`;
}
