/** Broadcast hash join: builds on the broadcast side once per task, probes with the stage's own batches. */
import { HashJoinTable } from "./hash-join.ts";
import type { OperatorFactory } from "./operator.ts";
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { concatBatches } from "../../shared/batch/batch.ts";

export const broadcastJoin: OperatorFactory<"broadcastJoin"> = (op, input, ctx) => ({
  outputSchema: operatorOutputSchema(input, op),
  async *open(batches) {
    const build = concatBatches(await ctx.broadcast(op.build.shuffleId), op.build.schema.fields.length);
    const table = new HashJoinTable(
      { how: op.how, buildSide: op.buildSide, probeSchema: input, buildSchema: op.build.schema, probeKeys: op.probeKeys, buildKeys: op.buildKeys, condition: op.condition, nullAware: op.nullAware === true },
      build,
      ctx.compile,
    );
    for await (const batch of batches) yield* table.probe(batch);
    const unmatched = table.unmatchedBuild();
    if (unmatched) yield unmatched;
  },
});
