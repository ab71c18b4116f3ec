/**
 * Reading one split of a file as batches of the scan's columns, one reader per format:
 * CSV (csv-reader.ts), JSON lines (json-reader.ts), text (text-reader.ts) stream the split
 * in chunks and build vectors directly; so does Parquet (parquet-reader.ts), by column chunk.
 * Bad records follow the scan's parse mode (see scan-support.ts).
 */
import { literalBox } from "../../shared/plan/decimal.ts";
import { denseBatch, type Batch, type BatchStream } from "../../shared/batch/batch.ts";
import { constantVector, type Vector } from "../../shared/batch/vector.ts";
import type { FileFormat } from "../../shared/plan/file-source.ts";
import { sourceSchema } from "../../shared/plan/physical.ts";
import type { DataType, Value } from "../../shared/plan/types.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { readCsvSplit } from "./csv-reader.ts";
import { readJsonSplit } from "./json-reader.ts";
import { readParquetSplit } from "./parquet-reader.ts";
import type { BatchReader, FileReadCounters, FileStageSource } from "./scan-support.ts";
import type { FileSplit } from "./split-text.ts";
import { readTextSplit } from "./text-reader.ts";

export type { BatchReader, FileReadCounters, FileStageSource } from "./scan-support.ts";

const READERS: Record<FileFormat, BatchReader> = {
  csv: (source, file, store, counters) => readCsvSplit(source, file, store, counters),
  json: (source, file, store, counters) => readJsonSplit(source, file, store, counters),
  text: (source, file, store, counters) => readTextSplit(source, file, store, counters),
  parquet: readParquetSplit,
};

/**
 * Reads one split as batches. Partition columns (from `key=value` folders) are not in the
 * file: the format reader reads the other columns, and each batch gets the file's folder
 * values as constant vectors, in the schema's order.
 */
export async function* readFileSplit(
  source: FileStageSource,
  file: FileSplit & { readonly partitionValues?: readonly (string | number | boolean | null)[] | undefined },
  store: ObjectStore,
  counters: FileReadCounters,
): BatchStream {
  const { partitionColumns } = source;
  const read = READERS[source.format];
  if (partitionColumns.length === 0) {
    yield* read(source, file, store, counters);
    return;
  }
  const fields = sourceSchema(source).fields;
  const isData = (name: string) => !partitionColumns.includes(name);
  const dataSource: FileStageSource = {
    ...source,
    fileSchema: { fields: source.fileSchema.fields.filter((f) => isData(f.name)) },
    columns: fields.map((f) => f.name).filter(isData),
    partitionColumns: [],
  };
  const values = file.partitionValues ?? [];
  // Where each output column comes from: the data batch's k-th column, or the folder's value.
  let k = 0;
  const from = fields.map((f): { data: number } | { type: DataType; value: Value } =>
    isData(f.name) ? { data: k++ } : { type: f.type, value: literalBox(values[partitionColumns.indexOf(f.name)] ?? null, f.type) as Value },
  );
  // Constant vectors are immutable: one per column and batch length serves every batch.
  const constants = new Map<string, Vector>();
  const constant = (c: number, type: DataType, value: Value, n: number) => {
    const key = `${c}:${n}`;
    let v = constants.get(key);
    if (v === undefined) {
      v = constantVector(type, value, n);
      if (constants.size < 64) constants.set(key, v);
    }
    return v;
  };
  for await (const batch of read(dataSource, file, store, counters)) {
    const columns = from.map((f, c) => ("data" in f ? batch.columns[f.data]! : constant(c, f.type, f.value, batch.length)));
    const out: Batch = batch.selection === null ? denseBatch(columns, batch.length) : { ...batch, columns };
    yield out;
  }
}
