/**
 * The batch-to-row adapter for operators whose work is per row by nature: RDD functions
 * (user code takes elements) and, until they take vectors, the operators that still do.
 */
import type { Row, Schema } from "../../shared/plan/types.ts";
import { batchStream, rowStream } from "../../shared/batch/batch.ts";
import type { Operator } from "./operator.ts";

export function rowOperator(outputSchema: Schema, transform: (rows: AsyncIterable<Row[]>) => AsyncIterable<Row[]>): Operator {
  return { outputSchema, open: (batches) => batchStream(outputSchema, transform(rowStream(batches))) };
}
