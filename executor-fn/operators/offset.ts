/** Offset: the live rows after the first n (the stage has one partition: the whole input's first n). */
import { tailOf } from "../../shared/batch/batch.ts";
import type { OperatorFactory } from "./operator.ts";

export const offset: OperatorFactory<"offset"> = (op, input) => ({
  outputSchema: input,
  async *open(batches) {
    let skip = op.n;
    for await (const batch of batches) {
      if (skip === 0) {
        yield batch;
        continue;
      }
      const out = tailOf(batch, skip);
      skip -= batch.count - out.count;
      if (out.count > 0) yield out;
    }
  },
});
