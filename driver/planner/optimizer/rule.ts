import { inputsOf, withInputs, type LogicalPlan } from "../../../shared/plan/logical.ts";

/** One optimizer rewrite: a pure function that says whether it changed anything. */
export interface Rule {
  readonly name: string;
  rewrite(plan: LogicalPlan): { plan: LogicalPlan; changed: boolean };
}

/** Applies `f` to every node bottom-up; `f` returns undefined to keep a node as it is. */
export function transformUp(plan: LogicalPlan, f: (node: LogicalPlan) => LogicalPlan | undefined): { plan: LogicalPlan; changed: boolean } {
  let changed = false;
  const visit = (node: LogicalPlan): LogicalPlan => {
    const inputs = inputsOf(node);
    const next = inputs.map(visit);
    const rebuilt = next.some((n, i) => n !== inputs[i]) ? withInputs(node, next) : node;
    const replaced = f(rebuilt);
    if (replaced && replaced !== rebuilt) changed = true;
    return replaced ?? rebuilt;
  };
  const out = visit(plan);
  return { plan: out, changed: changed || out !== plan };
}
