/** The optimizer: its rules applied in order, repeatedly, until none changes the plan. */
import type { LogicalPlan } from "../../../shared/plan/logical.ts";
import { combineFilters } from "./combine-filters.ts";
import { removeNoopProjects } from "./remove-noop-projects.ts";
import { combineProjections } from "./combine-projections.ts";
import { computeCurrentTime } from "./compute-current-time.ts";
import { foldConstants } from "./fold-constants.ts";
import { pruneColumns } from "./prune-columns.ts";
import { pushFiltersBelowJoin } from "./push-filters-below-join.ts";
import { pullOutCommonConjunctsRule } from "./pull-out-common-conjuncts.ts";
import { pushFiltersIntoScan } from "./push-filters-into-scan.ts";
import { pushLimitIntoRange } from "./push-limit-into-range.ts";
import { reorderJoins } from "./reorder-joins.ts";
import { eliminateOuterJoins } from "./eliminate-outer-joins.ts";
import { reduceAggregateBySemiJoin } from "./reduce-aggregate-by-semi-join.ts";
import { pushFiltersThroughProject } from "./push-filters-through-project.ts";
import { pushSemiJoinThroughJoin } from "./push-semi-join-through-join.ts";
import { pushExtraPredicates } from "./push-extra-predicates.ts";
import type { Rule } from "./rule.ts";

export const RULES: readonly Rule[] = [foldConstants, combineFilters, pushFiltersThroughProject, eliminateOuterJoins, reorderJoins, combineProjections, pullOutCommonConjunctsRule, pushFiltersBelowJoin, pushSemiJoinThroughJoin, pushFiltersIntoScan, reduceAggregateBySemiJoin, pushLimitIntoRange, pruneColumns, removeNoopProjects];

const MAX_PASSES = 10;

export function optimize(plan: LogicalPlan, rules: readonly Rule[] = RULES): LogicalPlan {
  // Once, before the others: one instant for the whole query (the literal keeps the call's name as an alias).
  const start = rules === RULES ? computeCurrentTime().rewrite(plan).plan : plan;
  const settled = fixedPoint(start, rules);
  if (rules !== RULES) return settled;
  // Once, when the joins have settled (its derived filters would be derived again after being pushed down and renamed): then the others push them down.
  const extra = pushExtraPredicates.rewrite(settled);
  return extra.changed ? fixedPoint(extra.plan, rules) : settled;
}

function fixedPoint(plan: LogicalPlan, rules: readonly Rule[]): LogicalPlan {
  let current = plan;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const rule of rules) {
      const result = rule.rewrite(current);
      current = result.plan;
      changed ||= result.changed;
    }
    if (!changed) return current;
  }
  return current;
}
