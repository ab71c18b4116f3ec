/** Broadcast hash join: builds on the broadcast side once per task, probes with the stage's own rows. */
import { operatorOutputSchema } from "../../shared/plan/physical.ts";
import { JoinTable } from "../stage/join.ts";
import type { OperatorFactory } from "./operator.ts";
import { rowOperator } from "./row-adapter.ts";

export const broadcastJoin: OperatorFactory<"broadcastJoin"> = (op, input, ctx) =>
  rowOperator(operatorOutputSchema(input, op), async function* (rows) {
    const build = await ctx.broadcast(op.build.shuffleId);
    const table = new JoinTable(
      { how: op.how, buildSide: op.buildSide, probeSchema: input, buildSchema: op.build.schema, probeKeys: op.probeKeys, buildKeys: op.buildKeys, condition: op.condition },
      build,
      ctx.compile,
    );
    for await (const batch of rows) {
      const out = table.probe(batch);
      if (out.length > 0) yield out;
    }
  });
