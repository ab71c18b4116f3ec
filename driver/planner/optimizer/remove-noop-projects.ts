/**
 * Project(x) that outputs x's columns as they are, in order, → x (Spark's RemoveNoopOperators):
 * SQL's select list over an aggregate or a view often names exactly what is there.
 */
import { schemaOf } from "../../../shared/plan/logical.ts";
import { transformUp, type Rule } from "./rule.ts";

export const removeNoopProjects: Rule = {
  name: "RemoveNoopProjects",
  rewrite: (plan) =>
    transformUp(plan, (node) => {
      if (node.kind !== "project") return undefined;
      const fields = schemaOf(node.input).fields;
      const noop = node.exprs.length === fields.length && node.exprs.every((e, i) => e.kind === "column" && e.name === fields[i]!.name);
      return noop ? node.input : undefined;
    }),
};
