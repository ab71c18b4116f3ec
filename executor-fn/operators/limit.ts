/** Limit: the first n live rows; returning early stops the upstream generators, so no more input is read. */
import { headOf } from "../../shared/batch/batch.ts";
import type { OperatorFactory } from "./operator.ts";

export const limit: OperatorFactory<"limit"> = (op, input) => ({
  outputSchema: input,
  async *open(batches) {
    let left = op.n;
    if (left === 0) return;
    for await (const batch of batches) {
      if (batch.count === 0) continue;
      const out = headOf(batch, left);
      left -= out.count;
      yield out;
      if (left === 0) return;
    }
  },
});
