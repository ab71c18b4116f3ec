/** Parquet splits: whole files, with column projection and row-group skipping (wired with the Parquet codec). */
import type { Row } from "../../../shared/plan/types.ts";
import type { ObjectStore } from "../../../shared/storage/object-store.ts";
import { TaskError } from "../../task-error.ts";
import type { FileReadCounters, FileStageSource } from "./readers.ts";
import type { FileSplit } from "./split-text.ts";

export async function readParquetSplit(_source: FileStageSource, file: FileSplit, _store: ObjectStore, _counters: FileReadCounters): Promise<Row[]> {
  throw new TaskError("InvalidTask", `reading Parquet (${file.uri}) is not wired in yet`);
}
