/**
 * Filter(c, Scan) → Scan with c pushed: the scan applies it while reading, right after
 * parsing (and, for formats with statistics, can skip data that cannot match).
 */
import { transformUp, type Rule } from "./rule.ts";

export const pushFiltersIntoScan: Rule = {
  name: "PushFiltersIntoScan",
  rewrite: (plan) =>
    transformUp(plan, (node) =>
      node.kind === "filter" && node.input.kind === "scan"
        ? { ...node.input, pushedFilters: [...node.input.pushedFilters, node.condition] }
        : undefined,
    ),
};
