/**
 * Batches: what flows between a stage's operators (DuckDB's DataChunk, Arrow's record batch).
 * A batch is `length` physical rows held as one vector per column, and an optional
 * selection: the physical indexes of the rows that are live, in order. A filter narrows the
 * selection and copies nothing; operators that produce new vectors make them dense.
 *
 * Rows exist only at the edges (RDD functions and UDFs, collect(), row-based file writers):
 * `batchFromRows` and `rowsFromBatch` are the one adapter between the two.
 */
import type { Row, Schema } from "../plan/types.ts";
import { concatVectors, gather, nullVector, valueAt, vectorBytes, vectorFromValues, type Vector } from "./vector.ts";

export interface Batch {
  /** Physical rows in every vector. */
  readonly length: number;
  readonly columns: readonly Vector[];
  /** Live rows' physical indexes (ascending), or null when all `length` rows are live. */
  readonly selection: Int32Array | null;
  /** Live rows: selection's length, or `length`. */
  readonly count: number;
}

export type BatchStream = AsyncIterable<Batch>;

/** Rows a batch aims to hold: large enough to amortise per-batch work, small enough for the CPU cache. */
export const BATCH_ROWS = 4096;

export function denseBatch(columns: readonly Vector[], length: number): Batch {
  return { length, columns, selection: null, count: length };
}

export function selectedBatch(batch: Batch, selection: Int32Array, count: number): Batch {
  return { length: batch.length, columns: batch.columns, selection: count === selection.length ? selection : selection.subarray(0, count), count };
}

/** The physical index of live row k. */
export function rowIndex(batch: Batch, k: number): number {
  return batch.selection === null ? k : batch.selection[k]!;
}

/** The batch with its selection applied: dense vectors of `count` rows (no copy when already dense). */
export function compact(batch: Batch): Batch {
  if (batch.selection === null) return batch;
  const { selection, count } = batch;
  return denseBatch(batch.columns.map((v) => gather(v, selection, count)), count);
}

/** The live rows of a batch, at most `n` of them (limit). */
export function headOf(batch: Batch, n: number): Batch {
  if (n >= batch.count) return batch;
  if (batch.selection !== null) return selectedBatch(batch, batch.selection, n);
  const selection = new Int32Array(n);
  for (let k = 0; k < n; k++) selection[k] = k;
  return selectedBatch(batch, selection, n);
}

/** The live rows of a batch after the first `skip` of them (offset). */
export function tailOf(batch: Batch, skip: number): Batch {
  if (skip <= 0) return batch;
  const count = Math.max(0, batch.count - skip);
  const selection = new Int32Array(count);
  for (let k = 0; k < count; k++) selection[k] = rowIndex(batch, skip + k);
  return selectedBatch(batch, selection, count);
}

export function batchFromRows(schema: Schema, rows: readonly Row[]): Batch {
  const n = rows.length;
  const columns = schema.fields.map((f, c) => {
    const values = new Array(n);
    for (let r = 0; r < n; r++) values[r] = rows[r]![c] ?? null;
    return vectorFromValues(f.type, values);
  });
  return denseBatch(columns, n);
}

export function rowsFromBatch(batch: Batch): Row[] {
  const { columns, count } = batch;
  const out: Row[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = rowIndex(batch, k);
    const row: Row = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = valueAt(columns[c]!, i);
    out[k] = row;
  }
  return out;
}

/** Row arrays of a stream of batches (the adapter into row-based code). */
export async function* rowStream(input: BatchStream): AsyncGenerator<Row[]> {
  for await (const batch of input) if (batch.count > 0) yield rowsFromBatch(batch);
}

/** Batches of a stream of row arrays, in chunks of at most BATCH_ROWS rows. */
export async function* batchStream(schema: Schema, input: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>): BatchStream {
  for await (const rows of input) {
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      yield batchFromRows(schema, i === 0 && rows.length <= BATCH_ROWS ? rows : rows.slice(i, i + BATCH_ROWS));
    }
  }
}

/** Every live row of a stream, as rows. */
export async function collectRows(input: BatchStream): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of input) for (const row of rowsFromBatch(batch)) rows.push(row);
  return rows;
}

/** The live rows of several batches of one schema as one dense batch. */
export function concatBatches(batches: readonly Batch[], width: number): Batch {
  const dense = batches.map(compact);
  const lengths = dense.map((b) => b.count);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (dense.length === 0) return denseBatch(Array.from({ length: width }, () => nullVector(0)), 0);
  return denseBatch(
    Array.from({ length: width }, (_, c) => concatVectors(dense.map((b) => b.columns[c]!), lengths)),
    total,
  );
}

/** Approximate heap bytes of a batch's vectors (for memory budgets). */
export function batchBytes(batch: Batch): number {
  let bytes = 0;
  for (const v of batch.columns) bytes += vectorBytes(v, batch.length);
  return bytes;
}
