/**
 * Size estimates of logical plans, for choosing a broadcast join (Spark's sizeInBytes
 * statistics, in their simplest form): what a scan reads from storage, what an inline
 * relation weighs as JSON, 8 bytes per generated id. Narrow operators keep their input's
 * estimate (an upper bound). Unknown (undefined) never triggers an automatic broadcast.
 */
import type { LogicalPlan, PlanKind, PlanOf } from "../../shared/plan/logical.ts";

type Estimators = { [K in PlanKind]: (plan: PlanOf<K>) => number | undefined };

const sum = (values: readonly (number | undefined)[]) => (values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, b) => a + b!, 0));

const ESTIMATE: Estimators = {
  scan: (p) => p.source.files.reduce((n, f) => n + f.size, 0),
  localRelation: (p) => JSON.stringify(p.rows).length,
  range: (p) => 8 * Math.max(0, Math.ceil((p.end - p.start) / p.step)),
  cachedRelation: (p) => p.partitions.flat().reduce((n, b) => n + b.length, 0),
  project: (p) => estimateBytes(p.input),
  filter: (p) => estimateBytes(p.input),
  aggregate: (p) => estimateBytes(p.input),
  sort: (p) => estimateBytes(p.input),
  limit: (p) => estimateBytes(p.input),
  offset: (p) => estimateBytes(p.input),
  repartition: (p) => estimateBytes(p.input),
  coalesce: (p) => estimateBytes(p.input),
  hint: (p) => estimateBytes(p.input),
  // A user function's output size is unknown (flatMap may multiply it).
  mapPartitions: () => undefined,
  combineByKey: (p) => estimateBytes(p.input),
  union: (p) => sum(p.inputs.map(estimateBytes)),
  // A join's output can be far larger than its inputs: no estimate.
  join: () => undefined,
  window: (p) => estimateBytes(p.input),
  // A generator's output may be many times its input: no estimate.
  generate: () => undefined,
};

export function estimateBytes(plan: LogicalPlan): number | undefined {
  return (ESTIMATE[plan.kind] as (p: LogicalPlan) => number | undefined)(plan);
}

/** Whether broadcast(df) marks this side, looking through narrow operators above the hint. */
export function hasBroadcastHint(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case "hint":
      return plan.hint === "broadcast";
    case "project":
    case "filter":
      return hasBroadcastHint(plan.input);
    default:
      return false;
  }
}
