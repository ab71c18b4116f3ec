/**
 * Column pruning: walks the plan top-down with the set of columns each node's parent needs,
 * and narrows every scan to the columns that are actually used (a CSV scan then converts
 * only those fields; a Parquet scan reads only those column chunks).
 */
import { column, exprName, referencedColumns } from "../../../shared/plan/expr.ts";
import { columnsReadBy, schemaOf, type LogicalPlan } from "../../../shared/plan/logical.ts";
import type { Rule } from "./rule.ts";

function prune(plan: LogicalPlan, required: Set<string> | null): LogicalPlan {
  switch (plan.kind) {
    case "scan": {
      if (required === null) return plan;
      const needed = new Set(required);
      plan.pushedFilters.forEach((f) => referencedColumns(f, needed));
      const all = plan.source.schema.fields.map((f) => f.name);
      const columns = all.filter((name) => needed.has(name));
      if (plan.columns && columns.length === plan.columns.length) return plan;
      return { ...plan, columns };
    }
    case "localRelation":
    case "range":
    case "cachedRelation":
      return plan;
    case "mapPartitions":
    case "combineByKey":
      // User functions see whole rows (or elements): their input keeps every column.
      return { ...plan, input: prune(plan.input, null) };
    case "project": {
      // Columns no parent reads are dropped (the projection a using-join adds keeps every
      // column of both sides); one stays, so rows keep a shape (count(*) reads none).
      const used = required === null ? plan.exprs : plan.exprs.filter((e) => required.has(exprName(e)));
      const node = { ...plan, exprs: used.length ? used : plan.exprs.slice(0, 1) };
      return { ...node, input: prune(plan.input, columnsReadBy(node)) };
    }
    case "aggregate":
      // It produces new columns; its input needs only what its expressions read.
      return { ...plan, input: prune(plan.input, columnsReadBy(plan)) };
    case "union": {
      // Columns match by position: keep the same positions in every input.
      const firstNames = schemaOf(plan).fields.map((f) => f.name);
      if (required === null) return { ...plan, inputs: plan.inputs.map((i) => prune(i, null)) };
      const keep = firstNames.map((n, i) => (required.has(n) ? i : -1)).filter((i) => i >= 0);
      if (keep.length === firstNames.length) return { ...plan, inputs: plan.inputs.map((i) => prune(i, null)) };
      return {
        ...plan,
        inputs: plan.inputs.map((input) => {
          const names = schemaOf(input).fields.map((f) => f.name);
          return { kind: "project", input: prune(input, new Set(keep.map((i) => names[i]!))), exprs: keep.map((i) => column(names[i]!)) } as LogicalPlan;
        }),
      };
    }
    case "join": {
      const leftNames = schemaOf(plan.left).fields.map((f) => f.name);
      const rightNames = schemaOf(plan.right).fields.map((f) => f.name);
      const needed = new Set(required ?? [...leftNames, ...(plan.how === "semi" || plan.how === "anti" ? [] : rightNames)]);
      columnsReadBy(plan).forEach((c) => needed.add(c));
      const pick = (names: string[]) => new Set(names.filter((n) => needed.has(n)));
      return { ...plan, left: prune(plan.left, pick(leftNames)), right: prune(plan.right, pick(rightNames)) };
    }
    case "window":
    case "generate": {
      // The input keeps the columns the parent reads and those the window (or generator) reads.
      const inputNames = schemaOf(plan.input).fields.map((f) => f.name);
      const needed = new Set(required === null ? inputNames : inputNames.filter((n) => required.has(n)));
      columnsReadBy(plan).forEach((c) => needed.add(c));
      if (needed.size === 0 && inputNames.length) needed.add(inputNames[0]!);
      return { ...plan, input: prune(plan.input, needed) };
    }
    case "filter":
    case "sort":
    case "limit":
    case "offset":
    case "coalesce":
    case "hint":
    case "repartition": {
      const needed = required === null ? new Set(schemaOf(plan.input).fields.map((f) => f.name)) : new Set(required);
      columnsReadBy(plan).forEach((c) => needed.add(c));
      return { ...plan, input: prune(plan.input, needed) } as LogicalPlan;
    }
  }
}

export const pruneColumns: Rule = {
  name: "ColumnPruning",
  rewrite: (plan) => {
    const before = JSON.stringify(plan);
    const out = prune(plan, null);
    return { plan: out, changed: JSON.stringify(out) !== before };
  },
};
