/**
 * Limit(n, Range) → Limit(n, a Range of at most n ids): a limit keeps the first n rows in
 * partition order, and a range's first n ids are known without generating the rest. This
 * is what makes `spark.range(0, 1_000_000_000).limit(1000).collect()` cheap.
 */
import { transformUp, type Rule } from "./rule.ts";

export const pushLimitIntoRange: Rule = {
  name: "PushLimitIntoRange",
  rewrite: (plan) =>
    transformUp(plan, (node) => {
      if (node.kind !== "limit" || node.input.kind !== "range") return undefined;
      const range = node.input;
      const count = Math.max(0, Math.ceil((range.end - range.start) / range.step));
      if (count <= node.n) return undefined;
      const end = range.start + node.n * range.step;
      // Fewer ids need fewer partitions; never more partitions than ids.
      const numPartitions = Math.max(1, Math.min(range.numPartitions, node.n));
      return { ...node, input: { ...range, end, numPartitions } };
    }),
};
