/**
 * Generate (explode and its family): evaluates the generator's argument over each batch, then
 * repeats each live input row once per generated row by gathering the input vectors with a
 * row index per output row, and builds the generated columns from the values
 * (shared/plan/generators.ts says which rows a value gives). Output batches hold at most
 * BATCH_ROWS rows, however many rows one input batch explodes into.
 */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { asGenerator, generatedRows } from "../../shared/plan/generators.ts";
import { BATCH_ROWS, denseBatch, rowIndex, type Batch } from "../../shared/batch/batch.ts";
import { gather, valueAt, vectorFromValues } from "../../shared/batch/vector.ts";
import { mapOf, type Value } from "../../shared/plan/types.ts";
import { typeOf } from "../../shared/plan/resolve.ts";
import { compileVectorProjection } from "../compile/vector-expression.ts";
import type { OperatorFactory } from "./operator.ts";

export const generate: OperatorFactory<"generate"> = (op, input, ctx) => {
  const gen = asGenerator(op.generator);
  const outputSchema = operatorOutputSchema(input, op);
  const fields = outputSchema.fields.slice(input.fields.length);
  const width = fields.length;
  const evaluate = compileVectorProjection([gen.arg], input, ctx.compile);
  const map = mapOf(typeOf(gen.arg, input).type) !== null;
  return {
    outputSchema,
    async *open(batches) {
      for await (const batch of batches) {
        if (batch.count === 0) continue;
        const arg = evaluate(batch)[0]!;
        let rows = new Int32Array(BATCH_ROWS);
        let values: Value[][] = fields.map(() => []);
        let n = 0;
        const flush = (source: Batch): Batch => {
          const out = denseBatch([...source.columns.map((v) => gather(v, rows, n)), ...fields.map((f, j) => vectorFromValues(f.type, values[j]!))], n);
          rows = new Int32Array(BATCH_ROWS);
          values = fields.map(() => []);
          n = 0;
          return out;
        };
        for (let k = 0; k < batch.count; k++) {
          const row = rowIndex(batch, k);
          for (const generated of generatedRows(gen, valueAt(arg, k), width, map)) {
            rows[n] = row;
            for (let j = 0; j < width; j++) values[j]!.push(generated[j] ?? null);
            if (++n === BATCH_ROWS) yield flush(batch);
          }
        }
        if (n > 0) yield flush(batch);
      }
    },
  };
};
