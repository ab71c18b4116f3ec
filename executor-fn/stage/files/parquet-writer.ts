/** Parquet output (wired with the Parquet codec). */
import type { Row, Schema } from "../../../shared/plan/types.ts";
import { TaskError } from "../../task-error.ts";

export function writeParquetFile(_rows: readonly Row[], _schema: Schema): Uint8Array {
  throw new TaskError("InvalidTask", "writing Parquet is not wired in yet");
}
