/** Filter(a, Filter(b, x)) → Filter(b AND a, x): one pass over the rows instead of two. */
import { binary } from "../../../shared/plan/expr.ts";
import { transformUp, type Rule } from "./rule.ts";

export const combineFilters: Rule = {
  name: "CombineFilters",
  rewrite: (plan) =>
    transformUp(plan, (node) =>
      node.kind === "filter" && node.input.kind === "filter"
        ? { kind: "filter", input: node.input.input, condition: binary("and", node.input.condition, node.condition) }
        : undefined,
    ),
};
